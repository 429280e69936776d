#include "generate/catalog.h"

#include <numeric>
#include <utility>

#include "generate/vocabulary.h"

namespace sparkify::gen {
namespace {

constexpr int kBlock = 8;

// Each row maps the 8 songs of a block to their artist within the block (runs of equal values).
constexpr uint8_t kPatterns[][kBlock] = {
    {0, 1, 2, 3, 4, 5, 6, 7}, {0, 0, 1, 2, 3, 3, 4, 5}, {0, 0, 0, 1, 2, 3, 4, 4},
    {0, 1, 1, 1, 1, 2, 3, 4}, {0, 0, 1, 1, 2, 2, 3, 3}, {0, 0, 0, 0, 0, 1, 1, 1},
    {0, 1, 2, 3, 4, 5, 5, 5}, {0, 0, 0, 0, 0, 0, 0, 0},
};
// Weights out of 16: most blocks have one song per artist, about 1.4 songs per artist overall.
constexpr uint8_t kPatternByDraw[16] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 4, 5, 6, 7};

const uint8_t* BlockPattern(uint64_t seed, int64_t block) {
  return kPatterns[kPatternByDraw[Hash(seed, Stream::kArtistBlock, block) & 15]];
}

// Affine bijections of [0, 26^k): the index behind an id, spread so ids and folders look
// random. The multipliers are coprime with every power of 26 = 2 * 13.
constexpr int64_t kTrackMultiplier = 7368787, kSongMultiplier = 5915587,
                  kArtistMultiplier = 3141601;
static_assert(std::gcd(kTrackMultiplier, Catalog::kMaxSongs) == 1);
static_assert(std::gcd(kSongMultiplier, Catalog::kMaxSongs) == 1);
static_assert(std::gcd(kArtistMultiplier, Catalog::kMaxSongs) == 1);

int64_t IdOffset(uint64_t seed, Stream kind, int64_t modulus) {
  return static_cast<int64_t>(Hash(seed, Stream::kIdOffset, static_cast<uint64_t>(kind)) %
                              static_cast<uint64_t>(modulus));
}

// The inverse of `a` modulo `m` (they are coprime), by the extended Euclidean algorithm.
int64_t InverseModulo(int64_t a, int64_t m) {
  int64_t r0 = m, r1 = a % m, t0 = 0, t1 = 1;
  while (r1 != 0) {
    const int64_t q = r0 / r1;
    r0 = std::exchange(r1, r0 - q * r1);
    t0 = std::exchange(t1, t0 - q * t1);
  }
  return t0 < 0 ? t0 + m : t0;
}

// prefix + `x` as five base-26 letters + `middle` + nine hex digits of noise, shaped like the
// Million Song Dataset ids (TRAAAAW128F429D538, AR0IAWL1187B9A96D0).
void MakeId(std::string& out, const char* prefix, int64_t x, const char* middle, uint64_t noise) {
  constexpr char kHexDigits[] = "0123456789ABCDEF";
  out.assign(prefix, 2);
  char letters[5];
  for (int k = 4; k >= 0; --k) {
    letters[k] = static_cast<char>('A' + x % 26);
    x /= 26;
  }
  out.append(letters, 5);
  out.append(middle, 2);
  for (int k = 0; k < 9; ++k, noise >>= 4) out.push_back(kHexDigits[noise & 15]);
}

}  // namespace

int64_t CatalogDuration(Rng& rng) {
  const int64_t seconds_e2 = rng.Chance(50) ? 3000 + static_cast<int64_t>(rng.Below(57000))
                                            : 6000 + static_cast<int64_t>(rng.Below(20000)) +
                                                  static_cast<int64_t>(rng.Below(20000));
  return seconds_e2 * 1000 + static_cast<int64_t>(rng.Below(300));
}

int64_t NonMatchingLength(int64_t near_e5, Rng& rng) {
  return near_e5 - near_e5 % 1000 + 500 + static_cast<int64_t>(rng.Below(300));
}

Catalog::Catalog(uint64_t seed, int64_t songs) : seed_(seed), songs_(songs) {
  // The fewest folders that leave at least 4 slots per song (every folder from 26^5 / 4 on).
  track_slots_ = kSlotsPerFolder;
  while (track_slots_ < kMaxSongs && track_slots_ < 4 * songs) track_slots_ *= 26;
  track_offset_ = IdOffset(seed, Stream::kTrackTail, track_slots_);
  track_inverse_ = InverseModulo(kTrackMultiplier, track_slots_);
}

int64_t Catalog::SongAtSlot(int64_t slot) const {
  const int64_t index =
      (slot - track_offset_ + track_slots_) % track_slots_ * track_inverse_ % track_slots_;
  return index < songs_ ? index : -1;
}

int64_t Catalog::CountArtists() const {
  int64_t artists = 0;
  for (int64_t block = 0; block * kBlock < songs_; ++block) {
    const int64_t in_block = std::min<int64_t>(kBlock, songs_ - block * kBlock);
    artists += BlockPattern(seed_, block)[in_block - 1] + 1;
  }
  return artists;
}

void Catalog::Song(int64_t index, CatalogSong& out) const {
  const int64_t block = index / kBlock;
  const int64_t artist = block * kBlock + BlockPattern(seed_, block)[index % kBlock];

  const auto noise = [&](Stream stream, int64_t i) {
    return Hash(seed_, stream, static_cast<uint64_t>(i));
  };
  MakeId(out.track_id, "TR", (index * kTrackMultiplier + track_offset_) % track_slots_, "12",
         noise(Stream::kTrackTail, index));
  MakeId(out.song_id, "SO",
         (index * kSongMultiplier + IdOffset(seed_, Stream::kSongTail, kMaxSongs)) % kMaxSongs,
         "12", noise(Stream::kSongTail, index));
  MakeId(out.artist_id, "AR",
         (artist * kArtistMultiplier + IdOffset(seed_, Stream::kArtistTail, kMaxSongs)) % kMaxSongs,
         "11", noise(Stream::kArtistTail, artist));

  Rng artist_rng(Hash(seed_, Stream::kArtist, static_cast<uint64_t>(artist)));
  out.artist_name.clear();
  AppendArtistName(CatalogWords(), artist_rng, out.artist_name);
  const Place* place = artist_rng.Chance(750) ? &PickPlace(artist_rng) : nullptr;

  Rng rng(Hash(seed_, Stream::kSong, static_cast<uint64_t>(index)));
  out.title.clear();
  AppendTitle(CatalogWords(), rng, out.title);
  out.duration_e5 = CatalogDuration(rng);
  out.year = rng.Chance(550) ? 0 : 1955 + static_cast<int64_t>(rng.Below(56));
  // This record may leave out what the artist's other records say.
  const bool location_blank = rng.Chance(250), coordinates_blank = rng.Chance(250);
  out.artist_location.assign(place && !location_blank ? place->name : std::string_view());
  out.has_coordinates = place && place->has_coordinates && !coordinates_blank;
  out.latitude_e5 = out.has_coordinates ? place->latitude_e5 : 0;
  out.longitude_e5 = out.has_coordinates ? place->longitude_e5 : 0;
}

}  // namespace sparkify::gen

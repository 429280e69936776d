// The song catalog (song_data) as a pure function of (seed, song index).
//
// Nothing is kept per song: a song, its artist and its ids are recomputed from the index on
// demand, by the song-file writer and by the log writer when a play must match the catalog.
// That keeps memory flat for a million songs and lets threads work in any order.
//
// Artists: songs are taken in blocks of 8, and each block is cut into runs of consecutive
// songs by one of a few fixed patterns; a run is one artist. So some artists have several
// songs, and the artist count is exact without a set of ids. An artist's records differ: any
// record may leave the location empty or the coordinates null.
//
// Track ids and folders: characters 3 to 7 of a track id hold a scrambled song index, the
// first three giving the folders A/B/C. Like the Million Song Dataset subset (all of it under
// A/), a catalog uses only as many folders as it needs: the leading folder letters stay 'A'
// while the index fits in the others with room to spare (at most 676 folders for 100,000
// songs, all 17,576 from about 115,000 songs on). Fewer folders make writing much faster.
//
// Durations: a catalog duration in 1e-5 s always ends in a residue below 300 modulo 1000 (its
// last three digits), and a length written for a play that must not match ends in 500..799.
// The two are then at least 0.002 s apart, beyond the matcher's 0.001 s tolerance, whatever
// the title and artist are. Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "generate/random.h"

namespace sparkify::gen {

struct CatalogSong {
  std::string track_id;   // TR + 16: characters 3 to 5 are the folders A/B/C
  std::string song_id;    // SO + 16
  std::string artist_id;  // AR + 16
  std::string artist_name;
  std::string artist_location;  // "" when this record does not say
  bool has_coordinates = false;
  int64_t latitude_e5 = 0;  // 1e-5 degrees
  int64_t longitude_e5 = 0;
  std::string title;
  int64_t duration_e5 = 0;  // 1e-5 s
  int64_t year = 0;         // 0 when unknown, as in the Million Song Dataset
};

class Catalog {
 public:
  // Ids carry the index in five letters, so they are unique up to 26^5 songs.
  static constexpr int64_t kMaxSongs = 26LL * 26 * 26 * 26 * 26;

  Catalog(uint64_t seed, int64_t songs);

  int64_t songs() const { return songs_; }
  int64_t CountArtists() const;  // O(songs / 8) time, O(1) memory
  void Song(int64_t index, CatalogSong& out) const;

  // Track slots: the scrambled indexes behind track ids, in the order of their paths. Slots
  // [k * kSlotsPerFolder, (k + 1) * kSlotsPerFolder) share a folder. A slot holds a song or
  // nothing (-1), so a writer can go folder by folder.
  static constexpr int64_t kSlotsPerFolder = 26 * 26;
  int64_t track_slots() const { return track_slots_; }
  int64_t SongAtSlot(int64_t slot) const;

 private:
  uint64_t seed_;
  int64_t songs_;
  int64_t track_slots_;    // 26^2 to 26^5
  int64_t track_offset_;   // of the affine scramble from index to slot
  int64_t track_inverse_;  // of the scramble's multiplier, modulo track_slots_
};

// A play's length that no catalog duration is within 0.002 s of (see the header comment).
// `near` is a catalog duration to stay close to (same second), or any duration in range.
int64_t NonMatchingLength(int64_t near_e5, Rng& rng);

// A duration in the catalog's range (30 s to 10 min, mostly 1 to 8 min), in 1e-5 s.
int64_t CatalogDuration(Rng& rng);

}  // namespace sparkify::gen

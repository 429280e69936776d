// Deterministic randomness for the generator: SplitMix64 as a hash and as a stream.
//
// Everything is integer arithmetic, so a seed gives the same bytes with every compiler and
// standard library (std:: distributions do not promise that). Values that must be reachable
// out of order (a catalog song, a user) are hashed from (seed, stream, index) instead of drawn
// from a shared stream, so any thread can compute them and the output does not depend on the
// order of work. Header-only, no state shared between objects; thread-safe per object.
#pragma once

#include <cstdint>

namespace sparkify::gen {

// The SplitMix64 finaliser: a bijective 64-bit mix.
constexpr uint64_t Mix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Streams keep independent hash families apart (a user's bits never equal a song's).
enum class Stream : uint64_t {
  kArtistBlock = 1,
  kArtist,
  kSong,
  kUser,
  kDay,
  kTrackTail,
  kSongTail,
  kArtistTail,
  kIdOffset,
};

constexpr uint64_t Hash(uint64_t seed, Stream stream, uint64_t index) {
  return Mix64(Mix64(seed ^ (static_cast<uint64_t>(stream) << 56)) ^ Mix64(index));
}

// Uniform in [0, n) by Lemire's multiply-shift (n > 0); the tiny bias is irrelevant here.
constexpr uint64_t Below(uint64_t bits, uint64_t n) {
  __extension__ using U128 = unsigned __int128;
  return static_cast<uint64_t>((static_cast<U128>(bits) * n) >> 64);
}

class Rng {
 public:
  explicit constexpr Rng(uint64_t seed) : state_(seed) {}
  constexpr uint64_t Next() {
    state_ += 0x9E3779B97F4A7C15ull;
    uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  constexpr uint64_t Below(uint64_t n) { return gen::Below(Next(), n); }
  // True with probability per_mille / 1000.
  constexpr bool Chance(uint64_t per_mille) { return Below(1000) < per_mille; }

 private:
  uint64_t state_;
};

}  // namespace sparkify::gen

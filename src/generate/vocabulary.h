// Word lists and the composition of titles, artist names and user attributes.
//
// Two disjoint vocabularies: the catalog's (song_data) and the outside one, for plays of songs
// the catalog does not hold. No outside word is a catalog word and every name or title starts
// with a word of its own vocabulary, so an outside title or artist name never equals a
// catalog one. Non-ASCII words (é, ö, ñ, CJK, a leading ¿) are chosen so that correct UTF-8
// never looks like double-encoded text to the reader's repair: no letter U+00C0..U+00FF is
// followed by a code point U+0080..U+00BF. Static data; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "generate/random.h"

namespace sparkify::gen {

using WordList = std::span<const std::string_view>;

struct NameWords {
  WordList title_words;
  WordList first_names;
  WordList last_names;
  WordList adjectives;
  WordList nouns;
  WordList full_names;  // written as a whole (CJK names)
};

const NameWords& CatalogWords();
const NameWords& OutsideWords();
WordList TitleSuffixes();  // "(Live)", shared: a suffix alone never makes two titles equal

// Appends a song title or an artist name drawn from `words`.
void AppendTitle(const NameWords& words, Rng& rng, std::string& out);
void AppendArtistName(const NameWords& words, Rng& rng, std::string& out);

// Where catalog artists live (artist_location), with coordinates in 1e-5 degrees when known.
struct Place {
  std::string_view name;
  int32_t latitude_e5;
  int32_t longitude_e5;
  bool has_coordinates;
};
std::span<const Place> ArtistPlaces();
const Place& PickPlace(Rng& rng);  // non-ASCII names less often

// Log users: names by gender, US metro areas as eventsim writes them, browser user agents.
WordList FemaleFirstNames();
WordList MaleFirstNames();
WordList UserLastNames();
WordList UserLocations();
WordList UserAgents();

}  // namespace sparkify::gen

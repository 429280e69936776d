#include "generate/vocabulary.h"

#include <iterator>

namespace sparkify::gen {
namespace {

// ---- The catalog's vocabulary (song_data) ----

constexpr std::string_view kCatalogTitleWords[] = {
    "Midnight", "Star",     "River",   "Lonely",   "Heart",    "Summer",   "Rain",    "Fire",
    "Dancing",  "Shadow",   "Golden",  "Silver",   "Morning",  "Dream",    "Highway", "Blue",
    "Moon",     "Ocean",    "Whisper", "Wild",     "Angel",    "Broken",   "Forever", "Train",
    "Home",     "Sweet",    "Honey",   "Thunder",  "Desert",   "Rose",     "Velvet",  "Window",
    "Garden",   "Mountain", "Echo",    "Stranger", "Paradise", "Sunday",   "Winter",  "Love",
    "Song",     "Night",    "Light",   "City",     "Road",     "Soul",     "Blues",   "Native",
    "Ballad",   "Sleeping", "Beauty",  "Crystal",  "Harbor",   "Lantern",  "Meadow",  "Orchard",
    "Prairie",  "Quarry",   "Saddle",  "Timber",   "Valley",   "Willow",   "Anchor",  "Canyon",
    "Ember",    "Falcon",   "Glacier", "Horizon",  "Island",   "Jasmine",  "Kingdom", "Lullaby",
    "Mirror",   "Nomad",    "Orbit",   "Pilgrim",  "Reverie",  "Serenade", "Tides",   "Twilight",
    "Wanderer", "Carousel", "Dynamo",  "Harvest",  "Corazón",  "Mañana",   "Été",     "Fräulein",
    "Niño",     "Über",     "Café",    "Noël",     "Señor",    "Kärlek",   "Rêverie", "Sømand",
    "夜明け",   "東京",     "さくら",  "¿Dónde",   "Matins",   "Setanta",  "Cielo",   "Amour",
    "Nuit",
};

constexpr std::string_view kCatalogFirstNames[] = {
    "Elena",  "Danilo",  "Line",   "Sophie",  "Curtis", "Marvin", "Aretha",    "Dolly",
    "Johnny", "Nina",    "Miles",  "Etta",    "Otis",   "Joni",   "Willie",    "Patsy",
    "Sam",    "Ella",    "Ray",    "Loretta", "Hank",   "Billie", "Chet",      "Odetta",
    "Townes", "Lucinda", "Gram",   "Emmylou", "Zoë",    "Renée",  "José",      "Søren",
    "Björn",  "Inés",    "Jürgen", "Chloé",   "Ñico",   "Agnès",  "Françoise", "Günter",
};

constexpr std::string_view kCatalogLastNames[] = {
    "Perez",     "Renaud",  "Hawkins",  "Curtis",    "Gaye",     "Franklin", "Parton",
    "Cash",      "Simone",  "Davis",    "James",     "Redding",  "Mitchell", "Nelson",
    "Cline",     "Cooke",   "Charles",  "Lynn",      "Williams", "Holiday",  "Baker",
    "Van Zandt", "Parsons", "Harris",   "Müller",    "Peña",     "Åström",   "Caballé",
    "Dvořák",    "Núñez",   "Sørensen", "Fernández", "Lefèvre",  "Öberg",
};

constexpr std::string_view kCatalogAdjectives[] = {
    "Black",   "Electric", "Velvet", "Crimson", "Silent",    "Rolling", "Flying",
    "Burning", "Golden",   "Hollow", "Lunar",   "Wandering", "Neon",    "Rusty",
    "Frozen",  "Savage",   "Cosmic", "Gentle",  "Atomic",    "Sonic",
};

constexpr std::string_view kCatalogNouns[] = {
    "Keys",     "Horses",        "Pilots",   "Saints",  "Ramblers",  "Comets",    "Rebels",
    "Drifters", "Shadows",       "Sparrows", "Tigers",  "Monks",     "Strangers", "Ghosts",
    "Wolves",   "Orbit Project", "Brothers", "Sisters", "Orchestra", "Quartet",
};

constexpr std::string_view kCatalogFullNames[] = {
    "坂本美雨", "椎名花子", "王小明", "林美玲", "青木遥", "김민수", "이서연", "周杰",
};

// ---- The outside vocabulary: plays of songs the catalog does not hold ----

constexpr std::string_view kOutsideTitleWords[] = {
    "Almost",      "Lover",      "Serve",      "Servants", "Evil",     "Bechet",       "Punk",
    "Elite",       "Thick",      "Backyard",   "Yellow",   "Sugar",    "Kids",         "Secrets",
    "Radioactive", "Undo",       "Clocks",     "Revelry",  "Tonight",  "Closer",       "Breathe",
    "Everybody",   "Hurts",      "Sometimes",  "Fix",      "Somebody", "Knew",         "Counting",
    "Stars",       "Alive",      "Crazy",      "Seven",    "Nation",   "Army",         "Use",
    "Somewhere",   "Only",       "Know",       "Shake",    "Bright",   "Neighborhood", "Tunnels",
    "Pumped",      "Kicks",      "Dog",        "Days",     "Over",     "Cosmic",       "Lovesick",
    "Machine",     "Ghost",      "Signal",     "Static",   "Voltage",  "Circuit",      "Pixel",
    "Subway",      "Concrete",   "Neon",       "Rooftop",  "Traffic",  "Elevator",     "Pavement",
    "Skyline",     "Arcade",     "Laser",      "Cassette", "Radio",    "Sirens",       "Velocity",
    "Canción",     "Déjà",       "Größe",      "Île",      "Ñandú",    "北京",         "Frühling",
    "Tú",          "Représente", "Howlin\x19",
};

constexpr std::string_view kOutsideFirstNames[] = {
    "Anabelle", "Aleena", "Jayden",  "Tegan", "Lily",    "Jacqueline", "Kevin",  "Chloe",
    "Mohammad", "Rylan",  "Jizelle", "Kate",  "Matthew", "Layla",      "Tucker", "Ava",
    "Cienna",   "Noah",   "Wyatt",   "Sara",  "Zoé",     "Adélaïde",   "Mateo",  "Sébastien",
};

constexpr std::string_view kOutsideLastNames[] = {
    "Simpson", "Kirby",    "Graves",  "Levine",  "Koch",  "Lynch",  "Foster", "Cuevas",
    "Rojas",   "George",   "Harrell", "Griffin", "Stone", "Ford",   "Cooper", "Nunez",
    "Freeman", "Mcdonald", "Pierce",  "Reyes",   "Gómez", "Dubois", "Schön",  "Åberg",
};

constexpr std::string_view kOutsideAdjectives[] = {
    "Fine",    "Arctic", "Imagine", "Foo",    "Killers", "Strokes", "Young",  "Kings",
    "Plastic", "Mighty", "Radiant", "Broken", "Paper",   "Static",  "Hungry", "Glass",
};

constexpr std::string_view kOutsideNouns[] = {
    "Frenzy",   "Monkeys",    "Dragons",       "Fighters", "Lions",    "Machines",
    "Coltrane", "Television", "Backyardigans", "Nirvana",  "Coldplay", "Muse",
    "Beacons",  "Parade",     "Collective",    "Union",
};

constexpr std::string_view kOutsideFullNames[] = {
    "宇多田光",
    "陈奕迅",
    "박지민",
    "Calle 13 Featuring Café Tacuba",
};

constexpr std::string_view kTitleSuffixes[] = {
    "(Album Version)", "(Live)", "(Remastered)",           "(Radio Edit)",
    "(LP Version)",    "[Demo]", "(Live @ Fillmore West)",
};

constexpr NameWords kCatalog = {kCatalogTitleWords, kCatalogFirstNames, kCatalogLastNames,
                                kCatalogAdjectives, kCatalogNouns,      kCatalogFullNames};
constexpr NameWords kOutside = {kOutsideTitleWords, kOutsideFirstNames, kOutsideLastNames,
                                kOutsideAdjectives, kOutsideNouns,      kOutsideFullNames};

// ---- Places and users ----

constexpr Place kArtistPlaces[] = {
    {"Panama", 841770, -8011278, true},
    {"Fort Worth, TX", 3274863, -9732925, true},
    {"New York, NY [Manhattan]", 4079086, -7396644, true},
    {"Nashville, TN.", 3616778, -8677836, true},
    {"San Francisco, CA", 3777916, -12242005, true},
    {"Denmark", 5627609, 951695, true},
    {"London, England", 5150632, -12714, true},
    {"Chicago, IL", 4188415, -8763241, true},
    {"Detroit, MI", 4233168, -8304792, true},
    {"Kingston, Jamaica", 1799702, -7679103, true},
    {"Montréal, Québec", 4550884, -7358781, true},
    {"São Paulo, Brazil", -2354838, -4663588, true},
    {"Reykjavík, Iceland", 6414667, -2194000, true},
    {"Zürich, Switzerland", 4736667, 855000, true},
    {"東京, Japan", 3568950, 13969171, true},
    {"Seoul, South Korea", 3756650, 12697800, true},
    {"Paris, France", 4885661, 235222, true},
    {"Berlin, Germany", 5252000, 1340500, true},
    {"Stockholm, Sweden", 5932932, 1806858, true},
    {"Austin, TX", 3026715, -9774306, true},
    {"California - LA", 0, 0, false},
    {"Memphis", 0, 0, false},
    {"UK", 0, 0, false},
    {"Hamburg", 0, 0, false},
    {"Texas", 0, 0, false},
    {"México D.F.", 0, 0, false},
};

constexpr std::string_view kFemaleFirstNames[] = {
    "Lily",   "Aleena", "Tegan",   "Jacqueline", "Kate",    "Chloe",  "Layla",  "Ava",
    "Sara",   "Cienna", "Jizelle", "Anabelle",   "Madison", "Emily",  "Harper", "Stella",
    "Olivia", "Mia",    "Amber",   "Kaylee",     "Brooke",  "Hannah", "Molly",  "Ruby",
};

constexpr std::string_view kMaleFirstNames[] = {
    "Jayden", "Kevin", "Mohammad", "Rylan",  "Matthew", "Tucker", "Noah",  "Wyatt",
    "Jacob",  "Ethan", "Liam",     "Mason",  "Logan",   "Aiden",  "Lucas", "Caleb",
    "Owen",   "Dylan", "Carter",   "Hunter", "Austin",  "Evan",   "Cole",  "Jordan",
};

constexpr std::string_view kUserLastNames[] = {
    "Simpson", "Kirby",  "Graves",  "Levine",   "Koch",    "Lynch", "Foster", "Cuevas",
    "Rojas",   "George", "Harrell", "Griffin",  "Stone",   "Ford",  "Cooper", "Nunez",
    "Freeman", "Pierce", "Reyes",   "Williams", "Johnson", "Brown", "Garcia", "Miller",
    "Davis",   "Clark",  "Lewis",   "Walker",   "Hall",    "Allen", "Young",  "King",
};

constexpr std::string_view kUserLocations[] = {
    "Philadelphia-Camden-Wilmington, PA-NJ-DE-MD",
    "Waterloo-Cedar Falls, IA",
    "Chicago-Naperville-Elgin, IL-IN-WI",
    "Portland-South Portland, ME",
    "Atlanta-Sandy Springs-Roswell, GA",
    "Marinette, WI-MI",
    "San Francisco-Oakland-Hayward, CA",
    "New York-Newark-Jersey City, NY-NJ-PA",
    "Los Angeles-Long Beach-Anaheim, CA",
    "Houston-The Woodlands-Sugar Land, TX",
    "Dallas-Fort Worth-Arlington, TX",
    "Detroit-Warren-Dearborn, MI",
    "Lansing-East Lansing, MI",
    "Birmingham-Hoover, AL",
    "Columbia, SC",
    "Eugene, OR",
    "Klamath Falls, OR",
    "Las Cruces, NM",
    "Tampa-St. Petersburg-Clearwater, FL",
    "Seattle-Tacoma-Bellevue, WA",
    "Indianapolis-Carmel-Anderson, IN",
    "La Crosse-Onalaska, WI-MN",
    "Lake Havasu City-Kingman, AZ",
    "Augusta-Richmond County, GA-SC",
};

constexpr std::string_view kUserAgents[] = {
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.143 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Ubuntu "
    "Chromium/36.0.1985.125 Chrome/36.0.1985.125 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_9_4) AppleWebKit/537.78.2 (KHTML, like Gecko) "
    "Version/7.0.6 Safari/537.78.2",
    "Mozilla/5.0 (Windows NT 5.1; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (Windows NT 6.3; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.143 Safari/537.36",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/36.0.1985.143 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.9; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; rv:31.0) Gecko/20100101 Firefox/31.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 7_1_2 like Mac OS X) AppleWebKit/537.51.2 (KHTML, like "
    "Gecko) Version/7.0 Mobile/11D257 Safari/9537.53",
    "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
    "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; WOW64; Trident/6.0)",
};

std::string_view Pick(WordList list, Rng& rng) { return list[rng.Below(list.size())]; }

bool IsAscii(std::string_view word) {
  for (const char c : word) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Names and titles: a non-ASCII draw is drawn again, twice at most, so accented and CJK text
// stays a small share as in the real data (4% of the log lines are double-encoded there).
std::string_view PickWord(WordList list, Rng& rng) {
  std::string_view word = Pick(list, rng);
  for (int redraw = 0; redraw < 2 && !IsAscii(word); ++redraw) word = Pick(list, rng);
  return word;
}

}  // namespace

const NameWords& CatalogWords() { return kCatalog; }
const NameWords& OutsideWords() { return kOutside; }
WordList TitleSuffixes() { return kTitleSuffixes; }

void AppendTitle(const NameWords& words, Rng& rng, std::string& out) {
  const uint64_t count = 1 + rng.Below(2) + rng.Below(3);  // 1 to 4 words, mostly 2 or 3
  for (uint64_t k = 0; k < count; ++k) {
    if (k > 0) out.push_back(' ');
    out.append(PickWord(words.title_words, rng));
  }
  if (rng.Chance(150)) {
    out.push_back(' ');
    out.append(Pick(kTitleSuffixes, rng));
  }
}

void AppendArtistName(const NameWords& words, Rng& rng, std::string& out) {
  auto person = [&] {
    out.append(PickWord(words.first_names, rng));
    out.push_back(' ');
    out.append(PickWord(words.last_names, rng));
  };
  const uint64_t form = rng.Below(100);
  if (form < 40) {
    person();
  } else if (form < 60) {
    out.append("The ");
    out.append(PickWord(words.adjectives, rng));
    out.push_back(' ');
    out.append(PickWord(words.nouns, rng));
  } else if (form < 72) {
    out.append(PickWord(words.adjectives, rng));
    out.push_back(' ');
    out.append(PickWord(words.nouns, rng));
  } else if (form < 82) {
    out.append(PickWord(words.first_names, rng));  // a mononym, like "Elena"
  } else if (form < 88) {
    person();
    out.append(" & The ");
    out.append(PickWord(words.nouns, rng));
  } else if (form < 91) {
    out.append(Pick(words.full_names, rng));
  } else {
    person();
    out.append(" feat. ");
    person();
  }
}

std::span<const Place> ArtistPlaces() { return kArtistPlaces; }

const Place& PickPlace(Rng& rng) {
  const Place* place = &kArtistPlaces[rng.Below(std::size(kArtistPlaces))];
  if (!IsAscii(place->name)) place = &kArtistPlaces[rng.Below(std::size(kArtistPlaces))];
  return *place;
}
WordList FemaleFirstNames() { return kFemaleFirstNames; }
WordList MaleFirstNames() { return kMaleFirstNames; }
WordList UserLastNames() { return kUserLastNames; }
WordList UserLocations() { return kUserLocations; }
WordList UserAgents() { return kUserAgents; }

}  // namespace sparkify::gen

// sparkify generate: text encodings, vocabulary safety, catalog ids, determinism, the real
// formats, option validation, and a round trip through `sparkify run` and `sparkify check`.
#include <gtest/gtest.h>
#include <simdjson.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "decode/decoders.h"
#include "decode/text_repair.h"
#include "generate/catalog.h"
#include "generate/json_text.h"
#include "generate/vocabulary.h"
#include "sparkify/generate.h"
#include "test_support.h"

namespace sparkify {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunSparkify;
using testing::TempDir;

// ---- Text encodings ----

std::string Decimal(int64_t v) {
  std::string s;
  gen::AppendDecimal5(s, v);
  return s;
}

TEST(GenerateText, DecimalsLookLikePythonFloats) {
  EXPECT_EQ(Decimal(26958322), "269.58322");
  EXPECT_EQ(Decimal(30516200), "305.162");
  EXPECT_EQ(Decimal(4000000), "40.0");
  EXPECT_EQ(Decimal(-8011278), "-80.11278");
  EXPECT_EQ(Decimal(841770), "8.4177");
  EXPECT_EQ(Decimal(5), "0.00005");
}

TEST(GenerateText, SongStringsAreAsciiEscapedLikeJsonDumps) {
  std::string s;
  gen::AppendSongJsonString(s, "Caf\xC3\xA9 \xE6\x9D\xB1/\"\x19 \xF0\x9F\x98\x80");
  EXPECT_EQ(s, R"("Caf\u00e9 \u6771/\"\u0019 \ud83d\ude00")");
}

TEST(GenerateText, LogStringsAreDoubleEncodedWithEscapedSlashes) {
  std::string s;
  gen::AppendLogJsonString(s, "Caf\xC3\xA9 AC/DC");
  EXPECT_EQ(s, R"("Caf\u00c3\u0083\u00c2\u00a9 AC\/DC")");
}

// ---- Vocabulary ----

std::set<std::string> Tokens(std::initializer_list<gen::WordList> lists) {
  std::set<std::string> tokens;
  for (gen::WordList list : lists) {
    for (std::string_view entry : list) {
      std::istringstream words{std::string(entry)};
      for (std::string w; words >> w;) tokens.insert(w);
    }
  }
  return tokens;
}

void ExpectDisjoint(const std::set<std::string>& a, const std::set<std::string>& b) {
  for (const std::string& token : a) EXPECT_EQ(b.count(token), 0u) << token;
}

TEST(GenerateVocabulary, CatalogAndOutsideWordsAreDisjoint) {
  const gen::NameWords& c = gen::CatalogWords();
  const gen::NameWords& o = gen::OutsideWords();
  ExpectDisjoint(Tokens({c.title_words}), Tokens({o.title_words}));
  ExpectDisjoint(Tokens({c.first_names, c.last_names, c.adjectives, c.nouns, c.full_names}),
                 Tokens({o.first_names, o.last_names, o.adjectives, o.nouns, o.full_names}));
}

// Writes `text` into a log line the way the generator does and reads it back with the real
// decoder, which repairs double-encoded text.
std::string ThroughLogDecoder(std::string_view text) {
  std::string line = R"({"ts":1,"sessionId":1,"itemInSession":0,"artist":)";
  gen::AppendLogJsonString(line, text);
  line.push_back('}');
  simdjson::padded_string padded(line);
  std::string decoded = "<rejected>";
  EventDecoder decoder;
  decoder.DecodeFile(
      "t.json", padded,
      [&](const EventRecord& e, const RecordPosition&) { decoded = std::string(*e.artist); },
      [](const Rejection&) {});
  return decoded;
}

TEST(GenerateVocabulary, EveryWordSurvivesTheReaderUnchanged) {
  const gen::NameWords* sides[] = {&gen::CatalogWords(), &gen::OutsideWords()};
  for (const gen::NameWords* w : sides) {
    for (gen::WordList list :
         {w->title_words, w->first_names, w->last_names, w->adjectives, w->nouns, w->full_names}) {
      for (std::string_view word : list) {
        std::string repaired;
        EXPECT_FALSE(RepairMojibake(word, repaired)) << word;  // as written in song files
        EXPECT_EQ(ThroughLogDecoder(word), word);              // double-encoded in logs
      }
    }
  }
  for (const gen::Place& p : gen::ArtistPlaces()) {
    std::string repaired;
    EXPECT_FALSE(RepairMojibake(p.name, repaired)) << p.name;
  }
}

// ---- Catalog ----

TEST(GenerateCatalog, IdsAreUniqueAndShapedLikeTheMillionSongDataset) {
  const gen::Catalog catalog(7, 20000);
  gen::CatalogSong song;
  std::set<std::string> tracks, songs, artists;
  for (int64_t i = 0; i < catalog.songs(); ++i) {
    catalog.Song(i, song);
    ASSERT_EQ(song.track_id.size(), 18u);
    ASSERT_EQ(song.song_id.size(), 18u);
    ASSERT_EQ(song.artist_id.size(), 18u);
    EXPECT_EQ(song.track_id.substr(0, 2), "TR");
    EXPECT_EQ(song.song_id.substr(0, 2), "SO");
    EXPECT_EQ(song.artist_id.substr(0, 2), "AR");
    EXPECT_LT(song.duration_e5 % 1000, 300) << "catalog durations keep off the outside residues";
    tracks.insert(song.track_id);
    songs.insert(song.song_id);
    artists.insert(song.artist_id);
  }
  EXPECT_EQ(tracks.size(), 20000u);
  EXPECT_EQ(songs.size(), 20000u);
  EXPECT_EQ(static_cast<int64_t>(artists.size()), catalog.CountArtists());
  EXPECT_LT(artists.size(), songs.size());  // some artists have several songs
}

TEST(GenerateCatalog, TrackSlotsListEverySongOnceInPathOrder) {
  const gen::Catalog catalog(3, 5000);
  gen::CatalogSong song;
  std::vector<bool> seen(5000, false);
  std::string previous;
  for (int64_t slot = 0; slot < catalog.track_slots(); ++slot) {
    const int64_t index = catalog.SongAtSlot(slot);
    if (index < 0) continue;
    ASSERT_FALSE(seen[index]);
    seen[index] = true;
    catalog.Song(index, song);
    EXPECT_LT(previous, song.track_id);
    previous = song.track_id;
  }
  EXPECT_EQ(std::count(seen.begin(), seen.end(), true), 5000);
}

TEST(GenerateCatalog, NonMatchingLengthsStayBeyondTheMatcherTolerance) {
  gen::Rng rng(1);
  for (int k = 0; k < 10000; ++k) {
    const int64_t duration = gen::CatalogDuration(rng);
    const int64_t length = gen::NonMatchingLength(duration, rng);
    EXPECT_GE(length - duration, 200);  // 0.002 s
    EXPECT_LT(length - duration, 1000);
    EXPECT_GE(length % 1000, 500);
    EXPECT_LT(length % 1000, 800);
  }
}

// ---- Generated datasets ----

GenerateOptions Small(const fs::path& out) {
  GenerateOptions o;
  o.out_dir = out.string();
  o.songs = 200;
  o.users = 30;
  o.days = 3;
  o.events_per_day = 500;
  o.seed = 42;
  return o;
}

// Relative path -> contents of every file under `root`.
std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) {
      files[fs::relative(entry.path(), root).string()] = ReadFile(entry.path());
    }
  }
  return files;
}

std::map<std::string, int64_t> ReadExpected(const fs::path& out) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string json = simdjson::padded_string::load((out / "expected.json").string());
  std::map<std::string, int64_t> counts;
  simdjson::ondemand::document doc = parser.iterate(json);
  for (auto field : doc.get_object()) {
    counts[std::string(std::string_view(field.unescaped_key()))] = int64_t(field.value());
  }
  return counts;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(Generate, SameSeedSameBytesWhateverTheThreads) {
  TempDir dir;
  GenerateOptions a = Small(dir / "a"), b = Small(dir / "b"), c = Small(dir / "c");
  a.threads = 1;
  b.threads = 2;
  c.seed = 43;
  ASSERT_TRUE(Generate(a).ok());
  ASSERT_TRUE(Generate(b).ok());
  ASSERT_TRUE(Generate(c).ok());
  const auto ta = Tree(dir / "a"), tb = Tree(dir / "b"), tc = Tree(dir / "c");
  EXPECT_EQ(ta.size(), 200u + 3u + 1u);
  EXPECT_TRUE(ta == tb);
  EXPECT_NE(ta.at("log_data/2018/11/2018-11-01-events.json"),
            tc.at("log_data/2018/11/2018-11-01-events.json"));
  EXPECT_NE(ta.at("expected.json"), tc.at("expected.json"));
}

TEST(Generate, SongFilesHaveTheRealShape) {
  TempDir dir;
  auto summary = Generate(Small(dir / "out"));
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  const std::vector<std::string> keys = {
      "num_songs",   "artist_id", "artist_latitude", "artist_longitude", "artist_location",
      "artist_name", "song_id",   "title",           "duration",         "year"};
  simdjson::ondemand::parser parser;
  SongDecoder decoder;
  int files = 0, zero_years = 0, null_coordinates = 0, empty_locations = 0, escaped = 0;
  for (const auto& [path, text] : Tree(dir / "out" / "song_data")) {
    ++files;
    const std::string track = fs::path(path).stem().string();
    EXPECT_EQ(path, track.substr(2, 1) + "/" + track.substr(3, 1) + "/" + track.substr(4, 1) + "/" +
                        track + ".json");
    EXPECT_EQ(text.rfind(R"({"num_songs": 1, "artist_id": "AR)", 0), 0u) << text;
    EXPECT_EQ(text.back(), '}');
    simdjson::padded_string padded(text);
    std::vector<std::string> seen;
    simdjson::ondemand::document doc = parser.iterate(padded);
    for (auto field : doc.get_object()) {
      seen.emplace_back(std::string_view(field.unescaped_key()));
    }
    EXPECT_EQ(seen, keys);
    zero_years += text.find(R"("year": 0})") != std::string::npos;
    null_coordinates += text.find(R"("artist_latitude": null)") != std::string::npos;
    empty_locations += text.find(R"("artist_location": "")") != std::string::npos;
    escaped += text.find(R"(\u)") != std::string::npos;
    int rejected = 0;
    decoder.DecodeFile(
        path, padded, [](const SongRecord&, const RecordPosition&) {},
        [&](const Rejection&) { ++rejected; });
    EXPECT_EQ(rejected, 0) << text;
  }
  EXPECT_EQ(files, 200);
  EXPECT_GT(zero_years, 40);
  EXPECT_GT(null_coordinates, 40);
  EXPECT_GT(empty_locations, 20);
  EXPECT_GT(escaped, 5);  // non-ASCII names
}

TEST(Generate, LogFilesHaveTheRealShape) {
  TempDir dir;
  auto summary = Generate(Small(dir / "out"));
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  const std::vector<std::string> keys = {
      "artist",    "auth",  "firstName", "gender", "itemInSession", "lastName",
      "length",    "level", "location",  "method", "page",          "registration",
      "sessionId", "song",  "status",    "ts",     "userAgent",     "userId"};
  using simdjson::ondemand::json_type;
  using simdjson::ondemand::number_type;
  simdjson::ondemand::parser parser;
  std::map<std::string, int> pages;
  std::map<std::string, std::set<std::string>> levels_by_user;
  int lines = 0, logged_out = 0, quoted_agents = 0, mojibake = 0;
  for (const auto& [path, text] : Tree(dir / "out" / "log_data")) {
    EXPECT_NE(text.back(), '\n') << path << ": no newline after the last line";
    for (const std::string& line : Lines(text)) {
      ++lines;
      mojibake += line.find(R"(\u00c3)") != std::string::npos;
      simdjson::padded_string padded(line);
      std::map<std::string, std::string> raw;  // key -> raw JSON token
      std::vector<std::string> seen;
      std::string page, user, level;
      simdjson::ondemand::document doc = parser.iterate(padded);
      for (auto field : doc.get_object()) {
        const std::string key(std::string_view(field.unescaped_key()));
        seen.push_back(key);
        auto value = field.value();
        std::string token(std::string_view(value.raw_json_token()));
        while (!token.empty() && (token.back() == ',' || token.back() == '}')) token.pop_back();
        const json_type type = value.type();
        if (key == "userId" || key == "page" || key == "level" || key == "auth" ||
            key == "method") {
          ASSERT_EQ(type, json_type::string) << key << " in " << line;
          const std::string s(std::string_view(value.get_string()));
          if (key == "userId") user = s;
          if (key == "page") page = s;
          if (key == "level") level = s;
        } else if (key == "ts" || key == "sessionId" || key == "itemInSession" || key == "status") {
          const number_type kind = value.get_number_type();
          ASSERT_EQ(kind, number_type::signed_integer) << key << " in " << line;
        }
        raw[key] = token;
      }
      ASSERT_EQ(seen, keys) << line;
      ++pages[page];
      if (user.empty()) {
        ++logged_out;
        EXPECT_EQ(raw["auth"], R"("Logged Out")");
        for (const char* key : {"firstName", "gender", "lastName", "location", "registration",
                                "userAgent", "artist", "song", "length"}) {
          EXPECT_EQ(raw[key], "null") << key << " in " << line;
        }
        EXPECT_NE(page, "NextSong") << "logged-out users do not play songs";
      } else {
        EXPECT_EQ(raw["auth"], R"("Logged In")");
        EXPECT_EQ(raw["registration"].substr(raw["registration"].size() - 2), ".0") << line;
        quoted_agents += raw["userAgent"].rfind(R"("\"Mozilla)", 0) == 0;
        levels_by_user[user].insert(level);
      }
      if (page == "NextSong") {
        EXPECT_NE(raw["length"], "null");
        EXPECT_NE(raw["song"], "null");
        EXPECT_NE(raw["artist"], "null");
      } else {
        EXPECT_EQ(raw["length"], "null");
        EXPECT_EQ(raw["song"], "null");
      }
    }
  }
  EXPECT_EQ(lines, 1500);
  EXPECT_EQ(pages["NextSong"], summary->songplays);
  EXPECT_GT(pages["NextSong"], 1500 * 70 / 100);
  EXPECT_LT(pages["NextSong"], 1500 * 90 / 100);
  for (const char* page : {"Home", "Login", "Logout", "Settings", "Upgrade"}) {
    EXPECT_GT(pages[page], 0) << page;
  }
  EXPECT_GT(pages["Submit Upgrade"] + pages["Submit Downgrade"], 0);
  EXPECT_GT(logged_out, 0);
  EXPECT_GT(quoted_agents, 0);
  EXPECT_GT(mojibake, 0);
  const auto changed = std::count_if(levels_by_user.begin(), levels_by_user.end(),
                                     [](const auto& entry) { return entry.second.size() == 2; });
  EXPECT_GT(changed, 0) << "some users change level";
  EXPECT_LT(summary->time_rows, summary->songplays) << "a few plays share a timestamp";
  EXPECT_GT(summary->matched_songplays, 0);
}

TEST(Generate, RejectsBadOptionsWithClearMessages) {
  TempDir dir;
  auto expect_invalid = [&](GenerateOptions o, const std::string& fragment) {
    auto result = Generate(o);
    ASSERT_FALSE(result.ok()) << fragment;
    EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(result.status().message().find(fragment), std::string::npos)
        << result.status().message();
  };
  const GenerateOptions base = Small(dir / "out");
  GenerateOptions o = base;
  o.songs = -1;
  expect_invalid(o, "--songs must be between 0 and");
  o = base;
  o.users = -5;
  expect_invalid(o, "--users");
  o = base;
  o.days = -1;
  expect_invalid(o, "--days");
  o = base;
  o.events_per_day = -1;
  expect_invalid(o, "--events-per-day");
  o = base;
  o.users = 0;
  expect_invalid(o, "at least one user");
  o = base;
  o.match_fraction = 1.5;
  expect_invalid(o, "--match-fraction");
  for (const char* date : {"2018-13-01", "2018-02-30", "2018-11-1", "yesterday", "1969-12-31"}) {
    o = base;
    o.start_date = date;
    expect_invalid(o, "--start-date");
  }
  o = base;
  testing::WriteFile(dir / "file", "x");
  o.out_dir = (dir / "file" / "sub").string();
  expect_invalid(o, "cannot create output folder");
  o = base;
  o.out_dir = (dir / "file").string();
  expect_invalid(o, "is not a folder");
  EXPECT_FALSE(fs::exists(dir / "out")) << "nothing is written before the options are checked";

  ASSERT_TRUE(Generate(base).ok());
  expect_invalid(base, "already exists");  // never mixes with an earlier dataset
}

TEST(Generate, EmptyDatasetHasZeroCounts) {
  TempDir dir;
  GenerateOptions o = Small(dir / "out");
  o.songs = 0;
  o.days = 0;
  auto summary = Generate(o);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->events, 0);
  EXPECT_EQ(ReadExpected(dir / "out")["song_files"], 0);
}

// ---- Round trip through the warehouse ----

int64_t Count(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
  int64_t value = -1;
  if (sqlite3_step(stmt) == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  return value;
}

TEST(Generate, ExpectedCountsEqualTheWarehouseAfterOneRun) {
  TempDir dir;
  const fs::path out = dir / "out";
  auto summary = Generate(Small(out));
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  const std::string db = (dir / "w.db").string();
  auto run = RunSparkify("run --database " + db + " --song-data " + (out / "song_data").string() +
                         " --log-data " + (out / "log_data").string());
  ASSERT_EQ(run.exit_code, 0) << run.err;

  auto expected = ReadExpected(out);
  EXPECT_EQ(expected["events"], summary->events);
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> w(handle, &sqlite3_close);
  EXPECT_EQ(Count(w.get(), "SELECT COUNT(*) FROM load_errors"), 0);
  EXPECT_EQ(Count(w.get(), "SELECT SUM(records) FROM load_files WHERE source = 'logs'"),
            expected["events"]);
  EXPECT_EQ(Count(w.get(), "SELECT COUNT(*) FROM staging_songs"), expected["songs"]);
  EXPECT_EQ(Count(w.get(), "SELECT COUNT(*) FROM songs"), expected["songs"]);
  EXPECT_EQ(Count(w.get(), "SELECT COUNT(*) FROM artists"), expected["artists"]);
  EXPECT_EQ(Count(w.get(), "SELECT COUNT(*) FROM songplays"), expected["songplays"]);
  EXPECT_EQ(Count(w.get(), "SELECT COUNT(*) FROM songplays WHERE song_id IS NOT NULL"),
            expected["matched_songplays"]);
  EXPECT_EQ(Count(w.get(), "SELECT COUNT(*) FROM users"), expected["users"]);
  EXPECT_EQ(Count(w.get(), "SELECT COUNT(*) FROM users WHERE user_level = 'paid'"),
            expected["paid_users"]);
  EXPECT_EQ(Count(w.get(), "SELECT COUNT(*) FROM time"), expected["time_rows"]);
  EXPECT_EQ(expected["song_files"], 200);
  EXPECT_EQ(expected["log_files"], 3);
  EXPECT_GT(expected["matched_songplays"], 0);
  EXPECT_LT(expected["time_rows"], expected["songplays"]);

  auto check = RunSparkify("check --database " + db);
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
}

}  // namespace
}  // namespace sparkify

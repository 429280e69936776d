// Decoders: real formats, value conversion rules, and recovery from malformed input.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <string>
#include <vector>

#include "decode/byte_scan.h"
#include "decode/decoders.h"
#include "decode/text_repair.h"

namespace sparkify {
namespace {

struct DecodedEvents {
  std::vector<EventRecord> records;  // string views are dropped; see texts
  std::vector<std::string> users, artists;
  std::vector<int64_t> lines;
  std::vector<Rejection> rejections;
  std::vector<std::string> rejected_raw;
};

DecodedEvents DecodeEvents(const std::string& text) {
  simdjson::padded_string padded(text);
  EventDecoder decoder;
  DecodedEvents out;
  decoder.DecodeFile(
      "events.json", padded,
      [&](const EventRecord& e, const RecordPosition& p) {
        out.records.push_back(e);
        out.users.push_back(e.user_id ? std::to_string(*e.user_id) : "NULL");
        out.artists.push_back(e.artist ? std::string(*e.artist) : "NULL");
        out.lines.push_back(p.line);
      },
      [&](const Rejection& r) {
        out.rejections.push_back(r);
        out.rejected_raw.emplace_back(r.raw);
      });
  return out;
}

const char* kEvent =
    R"({"artist":"Elena","auth":"Logged In","firstName":"Lily","gender":"F","itemInSession":5,)"
    R"("lastName":"Koch","length":269.58322,"level":"paid","location":"Chicago, IL",)"
    R"("method":"PUT","page":"NextSong","registration":1540048000000.0,"sessionId":818,)"
    R"("song":"Setanta matins","status":200,"ts":1542837407796,"userAgent":"\"Mozilla\"",)"
    R"("userId":"15"})";

TEST(EventDecoder, DecodesEveryFieldOfARealEvent) {
  auto d = DecodeEvents(kEvent);
  ASSERT_EQ(d.records.size(), 1u);
  ASSERT_TRUE(d.rejections.empty());
  const EventRecord& e = d.records[0];
  EXPECT_EQ(e.ts, 1542837407796);
  EXPECT_EQ(e.session_id, 818);
  EXPECT_EQ(e.item_in_session, 5);
  EXPECT_EQ(*e.user_id, 15);
  EXPECT_EQ(*e.registration, 1540048000000);
  EXPECT_DOUBLE_EQ(*e.length, 269.58322);
  EXPECT_EQ(*e.status, 200);
  EXPECT_EQ(d.artists[0], "Elena");
}

TEST(EventDecoder, LoggedOutUserIdBecomesNull) {
  auto d = DecodeEvents(R"({"ts":1,"sessionId":2,"itemInSession":0,"userId":"","artist":null})");
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.users[0], "NULL");
  EXPECT_EQ(d.artists[0], "NULL");
}

TEST(EventDecoder, RepairsDoubleEncodedUtf8) {
  auto d = DecodeEvents(
      R"({"ts":1,"sessionId":2,"itemInSession":0,"artist":"Caf\u00c3\u0083\u00c2\u00a9 Tacuba"})");
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.artists[0], "Caf\xC3\xA9 Tacuba");
}

TEST(EventDecoder, KeepsCorrectUtf8AsItIs) {
  auto d = DecodeEvents(R"({"ts":1,"sessionId":2,"itemInSession":0,"artist":"Café Björk"})");
  ASSERT_EQ(d.records.size(), 1u);
  EXPECT_EQ(d.artists[0], "Café Björk");
}

TEST(EventDecoder, ConvertsLosslesslyAndRejectsTheRest) {
  auto d = DecodeEvents(
      "{\"ts\":\"1542837407796\",\"sessionId\":2.0,\"itemInSession\":0,\"userId\":7}\n"
      "{\"ts\":\"abc\",\"sessionId\":2,\"itemInSession\":0}\n"
      "{\"ts\":1,\"sessionId\":2.5,\"itemInSession\":0}\n"
      "{\"ts\":1,\"sessionId\":2,\"itemInSession\":0,\"artist\":{\"name\":\"x\"}}\n"
      "{\"ts\":1,\"sessionId\":2,\"itemInSession\":0,\"artist\":42}\n"
      "{\"sessionId\":2,\"itemInSession\":0}\n"
      "{\"ts\":99999999999999999999,\"sessionId\":2,\"itemInSession\":0}\n");
  ASSERT_EQ(d.records.size(), 2u);
  EXPECT_EQ(d.records[0].ts, 1542837407796);
  EXPECT_EQ(d.records[0].session_id, 2);
  EXPECT_EQ(d.users[0], "7");
  EXPECT_EQ(d.artists[1], "42");  // a number where text is declared keeps its JSON text
  ASSERT_EQ(d.rejections.size(), 5u);
  EXPECT_EQ(d.rejections[0].reason, "ts: expected an integer, got the string \"abc\"");
  EXPECT_EQ(d.rejections[0].field, "ts");
  EXPECT_EQ(d.rejections[0].position.line, 2);
  EXPECT_EQ(d.rejections[1].reason, "sessionId: expected an integer, got the number 2.5");
  EXPECT_EQ(d.rejections[2].reason, "artist: expected text, got an object");
  EXPECT_EQ(d.rejections[3].reason, "ts: missing required field");
  EXPECT_NE(d.rejections[4].reason.find("out of range"), std::string::npos);
  EXPECT_EQ(d.rejections[4].position.line, 7);
}

TEST(EventDecoder, QuarantinesAMalformedLineAndResumesAtTheNext) {
  auto d = DecodeEvents(
      "{\"ts\":1,\"sessionId\":1,\"itemInSession\":0}\n"
      "{\"ts\":2,\"sessionId\":1,\"itemInSession\":1\n"  // missing brace
      "{\"ts\":3,\"sessionId\":1,\"itemInSession\":2}\n"
      "{\"ts\":4,\"sessionId\":\"1,\"itemInSession\":3}\n"  // unbalanced quote
      "{\"ts\":5,\"sessionId\":1,\"itemInSession\":4}");
  std::vector<int64_t> ts;
  for (const auto& r : d.records) ts.push_back(r.ts);
  EXPECT_EQ(ts, (std::vector<int64_t>{1, 3, 5}));
  ASSERT_EQ(d.rejections.size(), 2u);
  EXPECT_EQ(d.rejections[0].position.line, 2);
  EXPECT_EQ(d.rejected_raw[0], "{\"ts\":2,\"sessionId\":1,\"itemInSession\":1");
  EXPECT_EQ(d.rejections[1].position.line, 4);
  EXPECT_NE(d.rejections[0].reason.find("malformed JSON"), std::string::npos);
  EXPECT_EQ(d.lines, (std::vector<int64_t>{1, 3, 5}));
}

TEST(EventDecoder, AcceptsBomCrlfBlankLinesConcatenatedAndPrettyPrinted) {
  auto d = DecodeEvents(
      "\xEF\xBB\xBF{\"ts\":1,\"sessionId\":1,\"itemInSession\":0}\r\n\r\n"
      "{\"ts\":2,\"sessionId\":1,\"itemInSession\":1}{\"ts\":3,\"sessionId\":1,"
      "\"itemInSession\":2}\n"
      "{\n  \"ts\": 4,\n  \"sessionId\": 1,\n  \"itemInSession\": 3\n}\n\n");
  EXPECT_TRUE(d.rejections.empty());
  ASSERT_EQ(d.records.size(), 4u);
  EXPECT_EQ(d.lines, (std::vector<int64_t>{1, 3, 3, 4}));
}

TEST(EventDecoder, EmptyAndWhitespaceFilesHoldNoRecords) {
  EXPECT_TRUE(DecodeEvents("").records.empty());
  EXPECT_TRUE(DecodeEvents(" \n\r\n").rejections.empty());
}

TEST(EventDecoder, RejectsTruncatedLastDocumentAndNonObjects) {
  auto d = DecodeEvents("[1,2]\n{\"ts\":1,\"sessionId\":1,\"itemInSession\":0}\n{\"ts\":2,\"sess");
  ASSERT_EQ(d.records.size(), 1u);
  ASSERT_EQ(d.rejections.size(), 2u);
  EXPECT_EQ(d.rejections[0].reason, "expected a JSON object");
  EXPECT_EQ(d.rejections[1].position.line, 3);
}

TEST(EventDecoder, InvalidUtf8QuarantinesOnlyItsLine) {
  auto d = DecodeEvents(
      "{\"ts\":1,\"sessionId\":1,\"itemInSession\":0}\n"
      "{\"ts\":2,\"sessionId\":1,\"itemInSession\":1,\"artist\":\"\xFF\xFE\"}\n"
      "{\"ts\":3,\"sessionId\":1,\"itemInSession\":2}\n");
  EXPECT_EQ(d.records.size(), 2u);
  ASSERT_EQ(d.rejections.size(), 1u);
  EXPECT_EQ(d.rejections[0].position.line, 2);
}

TEST(SongDecoder, DecodesARealSongAndSeveralDocumentsPerFile) {
  const std::string text =
      R"({"num_songs": 1, "artist_id": "AR62SOJ1187FB47BB5", "artist_latitude": null, )"
      R"("artist_longitude": null, "artist_location": "", "artist_name": "Chase & Status", )"
      R"("song_id": "SOGVQGJ12AB017F169", "title": "Ten Tonne", "duration": 337.68444, )"
      R"("year": 2005})"
      "\n{\"song_id\":\"S2\",\"artist_id\":\"A2\"}\n{\"artist_id\":\"A3\"}";
  simdjson::padded_string padded(text);
  SongDecoder decoder;
  std::vector<std::string> ids;
  std::vector<int64_t> documents;
  std::vector<Rejection> rejections;
  decoder.DecodeFile(
      "song.json", padded,
      [&](const SongRecord& s, const RecordPosition& p) {
        ids.emplace_back(s.song_id);
        documents.push_back(p.document);
        if (s.song_id == "SOGVQGJ12AB017F169") {
          EXPECT_EQ(*s.year, 2005);
          EXPECT_DOUBLE_EQ(*s.duration, 337.68444);
          EXPECT_FALSE(s.artist_latitude.has_value());
          EXPECT_EQ(*s.artist_name, "Chase & Status");
        }
      },
      [&](const Rejection& r) { rejections.push_back(r); });
  EXPECT_EQ(ids, (std::vector<std::string>{"SOGVQGJ12AB017F169", "S2"}));
  EXPECT_EQ(documents, (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(rejections.size(), 1u);
  EXPECT_EQ(rejections[0].reason, "song_id: missing required field");
  EXPECT_EQ(rejections[0].position.document, 3);
}

TEST(TextRepair, UndoesOneOrTwoLayersOnly) {
  std::string out;
  EXPECT_TRUE(RepairMojibake("Caf\xC3\x83\xC2\xA9", out));  // two layers
  EXPECT_EQ(out, "Caf\xC3\xA9");
  EXPECT_TRUE(RepairMojibake("Caf\xC3\x83\xC2\xA9", out));
  EXPECT_TRUE(RepairMojibake("Caf\xC3\x83\xC2\xA9", out));
  EXPECT_FALSE(RepairMojibake("Caf\xC3\xA9", out));  // correct "Café"
  EXPECT_FALSE(RepairMojibake("plain ascii", out));
  EXPECT_FALSE(RepairMojibake("\xE6\x97\xA5\xE6\x9C\xAC", out));  // "日本"
}

// The word-at-a-time scans against byte-by-byte answers, for every placement of an odd byte in
// strings of 0..24 bytes (words straddled, tails of every length).
TEST(ByteScan, AgreesWithAByteLoopAtEveryOffset) {
  const std::string odd_bytes = {'"', '\\', '\0', '\x80', '\xC3', '\x7F', '\x01'};
  for (size_t size = 0; size <= 24; ++size) {
    for (char odd : odd_bytes) {
      for (size_t at = 0; at <= size; ++at) {
        std::string text(size, 'a');
        if (at < size) text[at] = odd;
        const std::string_view s(text);
        size_t stop = s.size();
        for (size_t i = 0; i < s.size(); ++i) {
          if (s[i] == '"' || s[i] == '\\') {
            stop = i;
            break;
          }
        }
        bool plain = true;
        for (size_t i = 0; i < stop; ++i) {
          if (s[i] == '\0' || static_cast<unsigned char>(s[i]) >= 0x80) plain = false;
        }
        const bool ascii = s.find_first_of(std::string_view("\x80\xC3", 2)) == s.npos;
        EXPECT_EQ(byte_scan::FindEither(s, '"', '\\'), stop) << size << " " << at;
        EXPECT_EQ(byte_scan::Contains(s, '\0'), s.find('\0') != s.npos) << size << " " << at;
        EXPECT_EQ(byte_scan::IsAscii(s), ascii) << size << " " << at;
        // Followed by padding, as simdjson's input is; a quote there must not count.
        simdjson::padded_string padded(text + "\"");
        const byte_scan::StringScan scan =
            byte_scan::ScanJsonStringPadded(std::string_view(padded.data(), size));
        EXPECT_EQ(scan.end, stop) << size << " " << at;
        if (stop < size) {
          EXPECT_EQ(scan.plain_ascii, plain) << size << " " << at;
        }
      }
    }
  }
}

}  // namespace
}  // namespace sparkify

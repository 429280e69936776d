// Decoders on input nobody here wrote: record boundaries of text that is not JSON, repairs, size
// limits, deep nesting; and the escaping of load_errors.raw_text.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <string>
#include <vector>

#include "decode/decoders.h"
#include "decode/raw_text.h"
#include "sparkify/pipeline.h"

namespace sparkify {
namespace {

struct Decoded {
  std::vector<std::string> ids;  // events: ts; songs: song_id
  std::vector<int64_t> lines, documents;
  std::vector<std::string> texts;  // events: song; songs: title ("NULL" when absent)
  std::vector<uint32_t> repaired;
  std::vector<Rejection> rejections;
  std::vector<std::string> rejected_raw;
};

Decoded Events(const std::string& text, size_t limit = DocumentStream::kDefaultMaxRecordSize) {
  simdjson::padded_string padded(text);
  EventDecoder decoder(limit);
  Decoded out;
  decoder.DecodeFile(
      "events.json", padded,
      [&](const EventRecord& e, const RecordPosition& p) {
        out.ids.push_back(std::to_string(e.ts));
        out.lines.push_back(p.line);
        out.documents.push_back(p.document);
        out.texts.push_back(e.song ? std::string(*e.song) : "NULL");
        out.repaired.push_back(e.repaired_fields);
      },
      [&](const Rejection& r) {
        out.rejections.push_back(r);
        out.rejected_raw.emplace_back(r.raw);
      });
  return out;
}

Decoded Songs(const std::string& text, size_t limit = DocumentStream::kDefaultMaxRecordSize) {
  simdjson::padded_string padded(text);
  SongDecoder decoder(limit);
  Decoded out;
  decoder.DecodeFile(
      "song.json", padded,
      [&](const SongRecord& s, const RecordPosition& p) {
        out.ids.emplace_back(s.song_id);
        out.lines.push_back(p.line);
        out.documents.push_back(p.document);
        out.texts.push_back(s.title ? std::string(*s.title) : "NULL");
        out.repaired.push_back(s.repaired_fields);
      },
      [&](const Rejection& r) {
        out.rejections.push_back(r);
        out.rejected_raw.emplace_back(r.raw);
      });
  return out;
}

std::string Event(int64_t ts, const std::string& extra = "") {
  return "{\"ts\":" + std::to_string(ts) + ",\"sessionId\":1,\"itemInSession\":0" + extra + "}";
}

TEST(RecordBoundaries, ALineOfWordsIsOneRecord) {
  auto d = Events(Event(1) + "\nthis is not json at all\n" + Event(2) + "\n42\n" + Event(3) +
                  "\ntrue false\n" + Event(4) + Event(5) + "\n");
  EXPECT_EQ(d.ids, (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(d.lines, (std::vector<int64_t>{1, 3, 5, 7, 7}));
  ASSERT_EQ(d.rejections.size(), 3u);
  EXPECT_EQ(d.rejected_raw[0], "this is not json at all");
  EXPECT_EQ(d.rejections[0].position.line, 2);
  EXPECT_EQ(d.rejections[0].reason, "malformed JSON: text that is not a JSON document");
  EXPECT_EQ(d.rejected_raw[1], "42");  // one scalar alone: a document, but not an object
  EXPECT_EQ(d.rejections[1].reason, "expected a JSON object");
  EXPECT_EQ(d.rejected_raw[2], "true false");
  // Every record counted once: documents number 1..8 without gaps.
  std::vector<int64_t> all = d.documents;
  for (const auto& r : d.rejections) all.push_back(r.position.document);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(RecordBoundaries, GarbageAfterAValidDocumentOnItsLineIsOneRecord) {
  auto d = Events(Event(1) + " trailing words here\n" + Event(2) + "\n");
  EXPECT_EQ(d.ids, (std::vector<std::string>{"1", "2"}));
  ASSERT_EQ(d.rejections.size(), 1u);
  EXPECT_EQ(d.rejected_raw[0], "trailing words here");
}

TEST(RecordBoundaries, APrettyPrintedDocumentAfterAnErrorIsStillOneRecord) {
  auto d = Events("{\"ts\":1,\"sessionId\":\n" + Event(2) +
                  "\n{\n  \"ts\": 3,\n  \"sessionId\": 1,\n  \"itemInSession\": 0\n}\n" +
                  "{\n  \"ts\": 4,\n  \"sessionId\": 1\n  \"itemInSession\": 0\n}\n" + Event(5));
  EXPECT_EQ(d.ids, (std::vector<std::string>{"2", "3", "5"}));
  ASSERT_EQ(d.rejections.size(), 2u);  // the broken line, the broken pretty-printed document
  EXPECT_EQ(d.rejections[0].position.line, 1);
  EXPECT_EQ(d.rejections[1].position.line, 8);
  EXPECT_EQ(d.rejected_raw[1], "{\n  \"ts\": 4,\n  \"sessionId\": 1\n  \"itemInSession\": 0\n}");
}

TEST(RecordBoundaries, ASongFileThatIsNotJsonIsOneRecord) {
  auto d = Songs("Not JSON.\nSecond line, also not.\n  {\"indented\": true}\n");
  EXPECT_TRUE(d.ids.empty());
  ASSERT_EQ(d.rejections.size(), 1u);
  EXPECT_EQ(d.rejections[0].position.document, 1);
  EXPECT_EQ(d.rejected_raw[0], "Not JSON.\nSecond line, also not.\n  {\"indented\": true}");
  // A valid document after the garbage, on a line of its own, is still read.
  auto e = Songs("garbage\n{\"song_id\":\"S1\",\"artist_id\":\"A1\"}\n");
  EXPECT_EQ(e.ids, (std::vector<std::string>{"S1"}));
  EXPECT_EQ(e.rejections.size(), 1u);
}

TEST(Repairs, NulBecomesTheReplacementCharacterAndIsCounted) {
  auto d = Events(Event(1, ",\"song\":\"NUL\\u0000inside\\u0000\"") + "\n" +
                  Event(2, ",\"song\":\"plain\"") + "\n" +
                  Event(3, ",\"song\":\"Caf\\u00c3\\u00a9\\u0000\"") + "\n");
  ASSERT_EQ(d.ids.size(), 3u);
  EXPECT_TRUE(d.rejections.empty());
  EXPECT_EQ(d.texts[0], "NUL\xEF\xBF\xBDinside\xEF\xBF\xBD");
  EXPECT_EQ(d.texts[1], "plain");
  EXPECT_EQ(d.texts[2], "Caf\xC3\xA9\xEF\xBF\xBD");  // both repairs
  EventRecord e;
  ASSERT_NE(d.repaired[0], 0u);
  for (unsigned bit = 0; bit < 32; ++bit) {
    if (d.repaired[0] & (1u << bit)) EXPECT_EQ(RepairedFieldName(e, bit), "song");
  }
  EXPECT_EQ(d.repaired[1], 0u);
  auto s = Songs("{\"song_id\":\"S\",\"artist_id\":\"A\",\"title\":\"a\\u0000\"}");
  ASSERT_EQ(s.texts, (std::vector<std::string>{"a\xEF\xBF\xBD"}));
  SongRecord song;
  for (unsigned bit = 0; bit < 32; ++bit) {
    if (s.repaired[0] & (1u << bit)) EXPECT_EQ(RepairedFieldName(song, bit), "title");
  }
}

TEST(SizeLimit, RecordsOverOneMebibyteLoadAndOverTheLimitAreOneRecord) {
  const std::string big(3 << 20, 'x');
  auto d = Events(Event(1) + "\n" + Event(2, ",\"song\":\"" + big + "\"") + "\n" + Event(3));
  EXPECT_EQ(d.ids, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(d.texts[1].size(), big.size());
  EXPECT_TRUE(d.rejections.empty());

  auto over = Events(Event(1) + "\n" + Event(2, ",\"song\":\"" + big + "\"") + "\n" + Event(3),
                     size_t{2} << 20);
  EXPECT_EQ(over.ids, (std::vector<std::string>{"1", "3"}));
  ASSERT_EQ(over.rejections.size(), 1u);
  EXPECT_EQ(over.rejections[0].position.line, 2);
  EXPECT_NE(over.rejections[0].reason.find("over the size limit of 2097152 bytes"),
            std::string::npos)
      << over.rejections[0].reason;
}

TEST(SizeLimit, APrettyPrintedTwoMebibyteSongIsOneRecord) {
  std::string doc = "{\n  \"song_id\": \"SOBIG\",\n  \"artist_id\": \"ARBIG\",\n";
  for (int i = 0; doc.size() < (size_t{2} << 20); ++i) {
    doc += "  \"extra_" + std::to_string(i) + "\": \"" + std::string(100, 'y') + "\",\n";
  }
  doc += "  \"title\": \"Big\"\n}\n";
  auto d = Songs(doc);
  EXPECT_EQ(d.ids, (std::vector<std::string>{"SOBIG"}));
  EXPECT_EQ(d.texts, (std::vector<std::string>{"Big"}));
  EXPECT_TRUE(d.rejections.empty());
}

TEST(SizeLimit, DeepNestingIsQuarantinedNotACrash) {
  const int depth = 100000;
  const std::string arrays = std::string(depth, '[') + std::string(depth, ']');
  const std::string objects = [&] {
    std::string s;
    for (int i = 0; i < depth; ++i) s += "{\"a\":";
    return s + "1" + std::string(depth, '}');
  }();
  auto d = Events(Event(1) + "\n" + arrays + "\n" + objects + "\n" + Event(2, ",\"x\":" + objects) +
                  "\n" + Event(3) + "\n");
  EXPECT_EQ(d.ids.front(), "1");
  EXPECT_EQ(d.ids.back(), "3");
  EXPECT_EQ(d.ids.size() + d.rejections.size(), 5u);
  for (const auto& r : d.rejections) EXPECT_FALSE(r.reason.empty());
}

TEST(SizeLimit, TheOptionTakesBytesOrBinaryUnits) {
  EXPECT_EQ(*ParseRecordSizeLimit("1048576"), size_t{1} << 20);
  EXPECT_EQ(*ParseRecordSizeLimit("16MiB"), size_t{16} << 20);
  EXPECT_EQ(*ParseRecordSizeLimit("64M"), size_t{64} << 20);
  EXPECT_EQ(*ParseRecordSizeLimit("2K"), size_t{2} << 10);
  EXPECT_EQ(*ParseRecordSizeLimit("1G"), size_t{1} << 30);
  for (const char* bad : {"", "MiB", "-1", "0", "12x", "1023", "5GiB", "1.5M"}) {
    auto parsed = ParseRecordSizeLimit(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_NE(parsed.status().message().find("--max-record-size"), std::string::npos);
  }
}

TEST(RawText, EscapesWhatNoTextColumnTakesAndNothingElse) {
  EXPECT_EQ(EscapeRawText("plain {\"a\":1}\ttab\r\n", 100), "plain {\"a\":1}\ttab\r\n");
  EXPECT_EQ(EscapeRawText("Caf\xC3\xA9 \xF0\x9F\x8E\xB5", 100), "Caf\xC3\xA9 \xF0\x9F\x8E\xB5");
  EXPECT_EQ(EscapeRawText(std::string("a\0b", 3), 100), "a\\x00b");
  EXPECT_EQ(EscapeRawText("\xFF\xFE", 100), "\\xff\\xfe");
  EXPECT_EQ(EscapeRawText("back\\slash \\x41", 100), "back\\\\slash \\\\x41");
  // Overlong, surrogate, truncated and too-large sequences are bytes, not text.
  EXPECT_EQ(EscapeRawText("\xC0\xAF|\xED\xA0\x80|\xE2\x82|\xF4\x90\x80\x80", 100),
            "\\xc0\\xaf|\\xed\\xa0\\x80|\\xe2\\x82|\\xf4\\x90\\x80\\x80");
  // Cut at the limit, never inside an escape or a character.
  EXPECT_EQ(EscapeRawText("ab\xFF", 4), "ab");
  EXPECT_EQ(EscapeRawText("ab\xC3\xA9", 3), "ab");
  EXPECT_EQ(EscapeRawText("ab\\", 3), "ab");
}

TEST(RawText, UnescapingGivesBackEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  all += "\\x41 \\\\ \xC3\xA9 \xF0\x9F\x8E\xB5 \xE2\x82";
  const std::string escaped = EscapeRawText(all, all.size() * 4);
  EXPECT_EQ(UnescapeRawText(escaped), all);
  EXPECT_EQ(escaped.find('\0'), std::string::npos);
  EXPECT_TRUE(simdjson::validate_utf8(escaped.data(), escaped.size()));
}

}  // namespace
}  // namespace sparkify

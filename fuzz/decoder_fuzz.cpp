// libFuzzer target for both record decoders. Beyond the sanitizers' checks it asserts the
// decoders' contract: every position and raw text they report lies inside the input, every
// rejection has a reason, its raw text escapes to valid UTF-8 without NUL and back, and accepted
// records have their required fields and no NUL.
#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "decode/decoders.h"
#include "decode/raw_text.h"

namespace {

#define Require(condition)                                                     \
  do {                                                                         \
    if (!(condition)) {                                                        \
      std::fprintf(stderr, "decoder_fuzz: contract broken: %s\n", #condition); \
      std::abort();                                                            \
    }                                                                          \
  } while (false)

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static sparkify::EventDecoder events;
  static sparkify::SongDecoder songs;
  simdjson::padded_string input(reinterpret_cast<const char*>(data), size);
  const char* begin = input.data();
  const char* end = begin + size;
  auto inside = [&](std::string_view part) {
    return part.empty() || (part.data() >= begin && part.data() + part.size() <= end);
  };
  auto check_position = [&](const sparkify::RecordPosition& p) {
    Require(p.line >= 1 && p.document >= 1);
    Require(p.byte_offset >= 0 && static_cast<size_t>(p.byte_offset) <= size);
  };
  auto on_reject = [&](const sparkify::Rejection& r) {
    if (std::getenv("DECODER_FUZZ_VERBOSE")) {
      std::fprintf(stderr, "reject line %lld doc %lld off %lld: %s\n",
                   static_cast<long long>(r.position.line),
                   static_cast<long long>(r.position.document),
                   static_cast<long long>(r.position.byte_offset), r.reason.c_str());
    }
    Require(!r.reason.empty());
    Require(inside(r.raw));
    // What load_errors.raw_text stores: text every engine takes, and the bytes back.
    const std::string stored = sparkify::EscapeRawText(r.raw, r.raw.size() * 4);
    Require(stored.find('\0') == std::string::npos);
    Require(simdjson::validate_utf8(stored.data(), stored.size()));
    Require(sparkify::UnescapeRawText(stored) == r.raw);
    check_position(r.position);
  };
  events.DecodeFile(
      "fuzz.json", input,
      [&](const sparkify::EventRecord& e, const sparkify::RecordPosition& p) {
        check_position(p);
        for (const auto& text : {e.artist, e.song, e.user_agent, e.first_name, e.page}) {
          if (text) Require(text->find('\0') == std::string_view::npos);
        }
      },
      on_reject);
  songs.DecodeFile(
      "fuzz.json", input,
      [&](const sparkify::SongRecord& s, const sparkify::RecordPosition& p) {
        check_position(p);
        Require(!s.song_id.empty() && !s.artist_id.empty());
      },
      on_reject);
  return 0;
}

#include "decode/decoders.h"

#include <functional>
#include <iterator>
#include <string>

namespace sparkify {
namespace {

using simdjson::ondemand::document_reference;
using simdjson::ondemand::object;

constexpr const char* kMissing = "missing required field";
// The timestamps every engine represents exactly: 1970-01-01 to 9999-12-31, in milliseconds.
constexpr int64_t kMinTimestampMs = 0;
constexpr int64_t kMaxTimestampMs = 253402300799999;

// The keys of an event; kUnknown (0) for any other key.
enum class EventKey {
  kUnknown,
  kTs,
  kPage,
  kSong,
  kAuth,
  kLevel,
  kArtist,
  kLength,
  kUserId,
  kStatus,
  kGender,
  kMethod,
  kLastName,
  kLocation,
  kSessionId,
  kFirstName,
  kUserAgent,
  kRegistration,
  kItemInSession,
};

// One switch on the length, then at most a few fixed-size compares.
EventKey LookupEventKey(std::string_view key) {
  using K = EventKey;
  switch (key.size()) {
    case 2:
      if (key == "ts") return K::kTs;
      break;
    case 4:
      if (key == "page") return K::kPage;
      if (key == "song") return K::kSong;
      if (key == "auth") return K::kAuth;
      break;
    case 5:
      if (key == "level") return K::kLevel;
      break;
    case 6:
      if (key == "artist") return K::kArtist;
      if (key == "length") return K::kLength;
      if (key == "userId") return K::kUserId;
      if (key == "status") return K::kStatus;
      if (key == "gender") return K::kGender;
      if (key == "method") return K::kMethod;
      break;
    case 8:
      if (key == "lastName") return K::kLastName;
      if (key == "location") return K::kLocation;
      break;
    case 9:
      if (key == "sessionId") return K::kSessionId;
      if (key == "firstName") return K::kFirstName;
      if (key == "userAgent") return K::kUserAgent;
      break;
    case 12:
      if (key == "registration") return K::kRegistration;
      break;
    case 13:
      if (key == "itemInSession") return K::kItemInSession;
      break;
  }
  return K::kUnknown;
}

// The keys of a song; kUnknown (0) for any other key.
enum class SongKey {
  kUnknown,
  kSongId,
  kArtistId,
  kTitle,
  kArtistName,
  kDuration,
  kYear,
  kArtistLocation,
  kArtistLatitude,
  kArtistLongitude,
  kNumSongs,
};

SongKey LookupSongKey(std::string_view key) {
  using K = SongKey;
  switch (key.size()) {
    case 4:
      if (key == "year") return K::kYear;
      break;
    case 5:
      if (key == "title") return K::kTitle;
      break;
    case 7:
      if (key == "song_id") return K::kSongId;
      break;
    case 8:
      if (key == "duration") return K::kDuration;
      break;
    case 9:
      if (key == "artist_id") return K::kArtistId;
      if (key == "num_songs") return K::kNumSongs;
      break;
    case 11:
      if (key == "artist_name") return K::kArtistName;
      break;
    case 15:
      if (key == "artist_location") return K::kArtistLocation;
      if (key == "artist_latitude") return K::kArtistLatitude;
      break;
    case 16:
      if (key == "artist_longitude") return K::kArtistLongitude;
      break;
  }
  return K::kUnknown;
}

// JSON names in the enums' order.
constexpr std::string_view kEventKeyNames[] = {
    "",          "ts",        "page",      "song",         "auth",         "level",    "artist",
    "length",    "userId",    "status",    "gender",       "method",       "lastName", "location",
    "sessionId", "firstName", "userAgent", "registration", "itemInSession"};
constexpr std::string_view kSongKeyNames[] = {
    "",         "song_id", "artist_id",       "title",           "artist_name",
    "duration", "year",    "artist_location", "artist_latitude", "artist_longitude",
    "num_songs"};
static_assert(std::size(kEventKeyNames) == static_cast<size_t>(EventKey::kItemInSession) + 1);
static_assert(std::size(kSongKeyNames) == static_cast<size_t>(SongKey::kNumSongs) + 1);

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// KeyBeforeColon for `"key" : value` with whitespace around the colon, from the value back.
bool KeyBeforeSpacedColon(const char* begin, const char* value, std::string_view& key) {
  const char* p = value;
  while (p > begin && IsJsonSpace(p[-1])) --p;
  if (p == begin || p[-1] != ':') return false;
  --p;
  while (p > begin && IsJsonSpace(p[-1])) --p;
  if (p == begin || p[-1] != '"') return false;
  key = std::string_view(begin, static_cast<size_t>(p - 1 - begin));
  return true;
}

// Keys are written `"key":value`, or with whitespace around the colon (song files: `"key": value`).
// The text from just after the key's opening quote to the last quote before the colon is then the
// key itself whenever it names a known field: no field name holds a quote or a backslash, so the
// key string ends right there, with nothing to unescape. Returns false when the text before the
// value is not shaped that way.
// Inline, with the compact case first: kept in registers, the key is not copied through memory
// (see FieldReader), and event logs pay for no loop.
inline bool KeyBeforeColon(simdjson::ondemand::field& field, std::string_view& key) {
  const char* begin = field.key().raw();                      // just after the opening quote
  const char* value = field.value().raw_json_token().data();  // the value, after the colon
  if (value - begin >= 2 && value[-1] == ':' && value[-2] == '"') {
    key = std::string_view(begin, static_cast<size_t>(value - 2 - begin));
    return true;
  }
  return KeyBeforeSpacedColon(begin, value, key);
}

// The key of `field` straight from the input when it holds no escape sequence: the same text
// unescaped_key() would copy out, without the copy. False when simdjson must unescape the key.
bool PlainKey(simdjson::ondemand::field& field, std::string_view& key) {
  const char* begin = field.key().raw();                      // just after the opening quote
  const char* value = field.value().raw_json_token().data();  // after the colon: bounds the key
  if (value <= begin) return false;
  return PlainJsonString(std::string_view(begin, static_cast<size_t>(value - begin)), key);
}

// Shared driver: iterates the fields of each document's object in document order, names each
// key with `lookup` (a Key enum whose value-initialised member, 0, means "unknown"), hands each
// known (key, value) to `assign`, then asks `finish` whether the record is complete. Rejections
// carry the field name.
// Each key whose value `fields` repaired sets its bit (the Key's value) in `repaired`.
template <typename Lookup, typename Assign, typename Finish>
DocumentOutcome DecodeObject(document_reference doc, const RecordPosition& position,
                             DocumentText& raw, std::string& malformed_reason,
                             const OnReject& on_reject, FieldReader& fields, uint32_t& repaired,
                             Lookup&& lookup, Assign&& assign, Finish&& finish) {
  using Key = decltype(lookup(std::string_view()));
  auto reject = [&](std::string field, std::string reason) {
    Rejection r;
    r.position = position;
    r.field = std::move(field);
    r.reason = r.field.empty() ? std::move(reason) : r.field + ": " + reason;
    r.raw = raw.Get();
    on_reject(r);
    return DocumentOutcome::kRejected;
  };
  object obj;
  if (auto e = doc.get_object().get(obj)) {
    if (e == simdjson::INCORRECT_TYPE) return reject("", "expected a JSON object");
    malformed_reason = simdjson::error_message(e);
    return DocumentOutcome::kMalformed;
  }
  FieldError error;
  std::string bad_field;
  for (auto field_result : obj) {
    if (auto e = field_result.error()) {
      malformed_reason = simdjson::error_message(e);
      return DocumentOutcome::kMalformed;
    }
    // A reference, not a copy: copying the freshly built result with one wide load stalls
    // store forwarding (it was written piecewise), measurable at this rate of fields.
    simdjson::ondemand::field& field = field_result.value_unsafe();
    std::string_view key;
    Key id = KeyBeforeColon(field, key) ? lookup(key) : Key{};
    if (id == Key{}) {  // not a known key as written: read the key as simdjson does
      if (!PlainKey(field, key)) {
        if (auto e = field.unescaped_key().get(key)) {
          malformed_reason = simdjson::error_message(e);
          return DocumentOutcome::kMalformed;
        }
      }
      id = lookup(key);
      if (id == Key{}) continue;  // unknown keys are ignored
    }
    const bool assigned = assign(id, field.value(), error);
    if (fields.TakeRepaired()) repaired |= uint32_t{1} << static_cast<unsigned>(id);
    if (!assigned) {
      if (error.structural) {
        malformed_reason = error.reason;
        return DocumentOutcome::kMalformed;
      }
      // Keep reading: a later structural error must still be seen as malformed JSON.
      if (bad_field.empty()) {
        bad_field = std::string(key);
        malformed_reason = error.reason;
      }
    }
  }
  if (!bad_field.empty()) {
    std::string reason = std::move(malformed_reason);
    malformed_reason.clear();
    return reject(bad_field, std::move(reason));
  }
  auto [field, reason] = finish();
  if (!field.empty()) return reject(field, reason);
  return DocumentOutcome::kAccepted;
}

}  // namespace

std::string_view RepairedFieldName(const EventRecord&, unsigned bit) {
  return bit < std::size(kEventKeyNames) ? kEventKeyNames[bit] : std::string_view();
}

std::string_view RepairedFieldName(const SongRecord&, unsigned bit) {
  return bit < std::size(kSongKeyNames) ? kSongKeyNames[bit] : std::string_view();
}

void EventDecoder::DecodeFile(std::string_view file, simdjson::padded_string_view data,
                              const OnEvent& on_event, const OnReject& on_reject,
                              StreamOrigin* origin) {
  EventRecord rec;
  std::optional<int64_t> ts, session_id, item_in_session, user_id;
  std::optional<std::string_view> user_id_text;

  using K = EventKey;
  auto assign = [&](EventKey key, simdjson::ondemand::value& value, FieldError& error) {
    switch (key) {
      case K::kTs:
        return fields_.Integer(value, ts, error);
      case K::kPage:
        return fields_.Text(value, rec.page, error);
      case K::kSong:
        return fields_.Text(value, rec.song, error);
      case K::kAuth:
        return fields_.Text(value, rec.auth, error);
      case K::kLevel:
        return fields_.Text(value, rec.level, error);
      case K::kArtist:
        return fields_.Text(value, rec.artist, error);
      case K::kLength:
        return fields_.Real(value, rec.length, error);
      case K::kUserId:
        return fields_.Integer(value, user_id, error);
      case K::kStatus:
        return fields_.Integer(value, rec.status, error);
      case K::kGender:
        return fields_.Text(value, rec.gender, error);
      case K::kMethod:
        return fields_.Text(value, rec.method, error);
      case K::kLastName:
        return fields_.Text(value, rec.last_name, error);
      case K::kLocation:
        return fields_.Text(value, rec.location, error);
      case K::kSessionId:
        return fields_.Integer(value, session_id, error);
      case K::kFirstName:
        return fields_.Text(value, rec.first_name, error);
      case K::kUserAgent:
        return fields_.Text(value, rec.user_agent, error);
      case K::kRegistration:
        return fields_.Integer(value, rec.registration, error);
      case K::kItemInSession:
        return fields_.Integer(value, item_in_session, error);
      case K::kUnknown:
        break;
    }
    return true;  // unknown keys are ignored
  };
  auto finish = [&]() -> std::pair<std::string, std::string> {
    if (!ts) return {"ts", kMissing};
    if (*ts < kMinTimestampMs || *ts > kMaxTimestampMs) {
      return {"ts", "timestamp " + std::to_string(*ts) +
                        " is outside 1970-01-01 .. 9999-12-31 (epoch milliseconds expected)"};
    }
    if (!session_id) return {"sessionId", kMissing};
    if (!item_in_session) return {"itemInSession", kMissing};
    rec.ts = *ts;
    rec.session_id = *session_id;
    rec.item_in_session = *item_in_session;
    rec.user_id = user_id;
    return {};
  };

  auto on_document = [&](document_reference doc, const RecordPosition& position, DocumentText& raw,
                         std::string& malformed_reason) {
    rec = EventRecord{};
    ts.reset();
    session_id.reset();
    item_in_session.reset();
    user_id.reset();
    fields_.Reset();
    DocumentOutcome outcome = DecodeObject(doc, position, raw, malformed_reason, on_reject, fields_,
                                           rec.repaired_fields, LookupEventKey, assign, finish);
    if (outcome == DocumentOutcome::kAccepted) on_event(rec, position);
    return outcome;
  };
  // By reference: a std::function holding the lambda itself would allocate once per file.
  stream_.Walk(file, data, std::ref(on_document), on_reject, origin);
}

void SongDecoder::DecodeFile(std::string_view file, simdjson::padded_string_view data,
                             const OnSong& on_song, const OnReject& on_reject,
                             StreamOrigin* origin) {
  SongRecord rec;
  std::optional<std::string_view> song_id, artist_id;

  using K = SongKey;
  auto assign = [&](SongKey key, simdjson::ondemand::value& value, FieldError& error) {
    switch (key) {
      case K::kSongId:
        return fields_.Text(value, song_id, error);
      case K::kArtistId:
        return fields_.Text(value, artist_id, error);
      case K::kTitle:
        return fields_.Text(value, rec.title, error);
      case K::kArtistName:
        return fields_.Text(value, rec.artist_name, error);
      case K::kDuration:
        return fields_.Real(value, rec.duration, error);
      case K::kYear:
        return fields_.Integer(value, rec.year, error);
      case K::kArtistLocation:
        return fields_.Text(value, rec.artist_location, error);
      case K::kArtistLatitude:
        return fields_.Real(value, rec.artist_latitude, error);
      case K::kArtistLongitude:
        return fields_.Real(value, rec.artist_longitude, error);
      case K::kNumSongs:
        return fields_.Integer(value, rec.num_songs, error);
      case K::kUnknown:
        break;
    }
    return true;
  };
  auto finish = [&]() -> std::pair<std::string, std::string> {
    if (!song_id || song_id->empty()) return {"song_id", kMissing};
    if (!artist_id || artist_id->empty()) return {"artist_id", kMissing};
    rec.song_id = *song_id;
    rec.artist_id = *artist_id;
    return {};
  };

  auto on_document = [&](document_reference doc, const RecordPosition& position, DocumentText& raw,
                         std::string& malformed_reason) {
    rec = SongRecord{};
    song_id.reset();
    artist_id.reset();
    fields_.Reset();
    DocumentOutcome outcome = DecodeObject(doc, position, raw, malformed_reason, on_reject, fields_,
                                           rec.repaired_fields, LookupSongKey, assign, finish);
    if (outcome == DocumentOutcome::kAccepted) on_song(rec, position);
    return outcome;
  };
  // By reference: a std::function holding the lambda itself would allocate once per file.
  stream_.Walk(file, data, std::ref(on_document), on_reject, origin);
}

}  // namespace sparkify

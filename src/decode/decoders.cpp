#include "decode/decoders.h"

#include <string>

namespace sparkify {
namespace {

using simdjson::ondemand::document_reference;
using simdjson::ondemand::object;

constexpr const char* kMissing = "missing required field";
// The timestamps every engine represents exactly: 1970-01-01 to 9999-12-31, in milliseconds.
constexpr int64_t kMinTimestampMs = 0;
constexpr int64_t kMaxTimestampMs = 253402300799999;

// The key of `field` straight from the input when it holds no escape sequence (the usual case):
// the same text unescaped_key() would copy out, without the copy. False when simdjson must
// unescape the key.
bool PlainKey(simdjson::ondemand::field& field, std::string_view& key) {
  const char* begin = field.key().raw();                      // just after the opening quote
  const char* value = field.value().raw_json_token().data();  // after the colon: bounds the key
  if (value <= begin) return false;
  return PlainJsonString(std::string_view(begin, static_cast<size_t>(value - begin)), key);
}

// Shared driver: iterates the fields of each document's object, hands each (key, value) to
// `assign`, then asks `finish` whether the record is complete. Rejections carry the field name.
template <typename Assign, typename Finish>
DocumentOutcome DecodeObject(document_reference doc, const RecordPosition& position,
                             std::string_view raw, std::string& malformed_reason,
                             const OnReject& on_reject, Assign&& assign, Finish&& finish) {
  auto reject = [&](std::string field, std::string reason) {
    Rejection r;
    r.position = position;
    r.field = std::move(field);
    r.reason = r.field.empty() ? std::move(reason) : r.field + ": " + reason;
    r.raw = raw;
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
    simdjson::ondemand::field field = std::move(field_result.value_unsafe());
    std::string_view key;
    if (!PlainKey(field, key)) {
      if (auto e = field.unescaped_key().get(key)) {
        malformed_reason = simdjson::error_message(e);
        return DocumentOutcome::kMalformed;
      }
    }
    if (!assign(key, field.value(), error)) {
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

void EventDecoder::DecodeFile(std::string_view file, simdjson::padded_string_view data,
                              const OnEvent& on_event, const OnReject& on_reject) {
  EventRecord rec;
  std::optional<int64_t> ts, session_id, item_in_session, user_id;
  std::optional<std::string_view> user_id_text;

  auto assign = [&](std::string_view key, simdjson::ondemand::value value, FieldError& error) {
    switch (key.size()) {
      case 2:
        if (key == "ts") return fields_.Integer(value, ts, error);
        break;
      case 4:
        if (key == "page") return fields_.Text(value, rec.page, error);
        if (key == "song") return fields_.Text(value, rec.song, error);
        if (key == "auth") return fields_.Text(value, rec.auth, error);
        break;
      case 5:
        if (key == "level") return fields_.Text(value, rec.level, error);
        break;
      case 6:
        if (key == "artist") return fields_.Text(value, rec.artist, error);
        if (key == "length") return fields_.Real(value, rec.length, error);
        if (key == "userId") return fields_.Integer(value, user_id, error);
        if (key == "status") return fields_.Integer(value, rec.status, error);
        if (key == "gender") return fields_.Text(value, rec.gender, error);
        if (key == "method") return fields_.Text(value, rec.method, error);
        break;
      case 8:
        if (key == "lastName") return fields_.Text(value, rec.last_name, error);
        if (key == "location") return fields_.Text(value, rec.location, error);
        break;
      case 9:
        if (key == "sessionId") return fields_.Integer(value, session_id, error);
        if (key == "firstName") return fields_.Text(value, rec.first_name, error);
        if (key == "userAgent") return fields_.Text(value, rec.user_agent, error);
        break;
      case 12:
        if (key == "registration") return fields_.Integer(value, rec.registration, error);
        break;
      case 13:
        if (key == "itemInSession") return fields_.Integer(value, item_in_session, error);
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

  stream_.Walk(
      file, data,
      [&](document_reference doc, const RecordPosition& position, std::string_view raw,
          std::string& malformed_reason) {
        rec = EventRecord{};
        ts.reset();
        session_id.reset();
        item_in_session.reset();
        user_id.reset();
        fields_.Reset();
        DocumentOutcome outcome =
            DecodeObject(doc, position, raw, malformed_reason, on_reject, assign, finish);
        if (outcome == DocumentOutcome::kAccepted) on_event(rec, position);
        return outcome;
      },
      on_reject);
}

void SongDecoder::DecodeFile(std::string_view file, simdjson::padded_string_view data,
                             const OnSong& on_song, const OnReject& on_reject) {
  SongRecord rec;
  std::optional<std::string_view> song_id, artist_id;

  auto assign = [&](std::string_view key, simdjson::ondemand::value value, FieldError& error) {
    if (key == "song_id") return fields_.Text(value, song_id, error);
    if (key == "artist_id") return fields_.Text(value, artist_id, error);
    if (key == "title") return fields_.Text(value, rec.title, error);
    if (key == "artist_name") return fields_.Text(value, rec.artist_name, error);
    if (key == "duration") return fields_.Real(value, rec.duration, error);
    if (key == "year") return fields_.Integer(value, rec.year, error);
    if (key == "artist_location") return fields_.Text(value, rec.artist_location, error);
    if (key == "artist_latitude") return fields_.Real(value, rec.artist_latitude, error);
    if (key == "artist_longitude") return fields_.Real(value, rec.artist_longitude, error);
    if (key == "num_songs") return fields_.Integer(value, rec.num_songs, error);
    return true;
  };
  auto finish = [&]() -> std::pair<std::string, std::string> {
    if (!song_id || song_id->empty()) return {"song_id", kMissing};
    if (!artist_id || artist_id->empty()) return {"artist_id", kMissing};
    rec.song_id = *song_id;
    rec.artist_id = *artist_id;
    return {};
  };

  stream_.Walk(
      file, data,
      [&](document_reference doc, const RecordPosition& position, std::string_view raw,
          std::string& malformed_reason) {
        rec = SongRecord{};
        song_id.reset();
        artist_id.reset();
        fields_.Reset();
        DocumentOutcome outcome =
            DecodeObject(doc, position, raw, malformed_reason, on_reject, assign, finish);
        if (outcome == DocumentOutcome::kAccepted) on_song(rec, position);
        return outcome;
      },
      on_reject);
}

}  // namespace sparkify

#include "pipeline/staging.h"

namespace sparkify {

const std::vector<std::string>& StagingEventColumns() {
  static const std::vector<std::string> kColumns = {
      "artist", "auth",     "first_name", "gender",  "item_in_session", "last_name",  "length",
      "level",  "location", "method",     "page",    "registration",    "session_id", "song",
      "status", "ts",       "user_agent", "user_id", "file_id",         "line"};
  return kColumns;
}

const std::vector<std::string>& StagingSongColumns() {
  static const std::vector<std::string> kColumns = {
      "num_songs",       "artist_id",   "artist_latitude", "artist_longitude",
      "artist_location", "artist_name", "song_id",         "title",
      "duration",        "year",        "file_id",         "document"};
  return kColumns;
}

void WriteEventFields(const EventRecord& e, RowWriter& w) {
  w.Optional(e.artist);
  w.Optional(e.auth);
  w.Optional(e.first_name);
  w.Optional(e.gender);
  w.Integer(e.item_in_session);
  w.Optional(e.last_name);
  w.Optional(e.length);
  w.Optional(e.level);
  w.Optional(e.location);
  w.Optional(e.method);
  w.Optional(e.page);
  w.Optional(e.registration);
  w.Integer(e.session_id);
  w.Optional(e.song);
  w.Optional(e.status);
  w.Integer(e.ts);
  w.Optional(e.user_agent);
  w.Optional(e.user_id);
}

Status WriteEventRow(const EventRecord& e, int64_t file_id, int64_t line, RowWriter& w) {
  WriteEventFields(e, w);
  w.Integer(file_id);
  w.Integer(line);
  return w.EndRow();
}

void WriteSongFields(const SongRecord& s, RowWriter& w) {
  w.Optional(s.num_songs);
  w.Text(s.artist_id);
  w.Optional(s.artist_latitude);
  w.Optional(s.artist_longitude);
  w.Optional(s.artist_location);
  w.Optional(s.artist_name);
  w.Text(s.song_id);
  w.Optional(s.title);
  w.Optional(s.duration);
  w.Optional(s.year);
}

Status WriteSongRow(const SongRecord& s, int64_t file_id, int64_t document, RowWriter& w) {
  WriteSongFields(s, w);
  w.Integer(file_id);
  w.Integer(document);
  return w.EndRow();
}

}  // namespace sparkify

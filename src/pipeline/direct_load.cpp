#include "pipeline/direct_load.h"

#include "base/numbers.h"
#include "engine/sql_catalog.h"

namespace sparkify {
namespace {

constexpr std::string_view kPlayPage = "NextSong";

const std::vector<std::string> kSongplayColumns = {
    "start_time", "user_id",       "song_id",    "artist_id",  "session_id",  "item_in_session",
    "user_level", "user_location", "user_agent", "song_title", "artist_name", "song_length"};
const std::vector<std::string> kTimeColumns = {"start_time", "hour", "day",    "week",
                                               "month",      "year", "weekday"};
const std::vector<std::string> kRunUserColumns = {
    "user_id",    "first_name",    "last_name",       "user_gender",
    "user_level", "last_event_at", "last_session_id", "last_item_in_session"};

// A play row (DirectPlayColumns): `new_time` (whether to write its time row), the songplays
// columns from start_time on, then the time columns after start_time.
enum PlayColumn { kNewTime = 0, kStartTime = 1, kFirstTimePart = 13 };

// Routes each value of a play row to the songplays writer, the time writer or both.
class DirectPlayWriter final : public RowWriter {
 public:
  DirectPlayWriter(std::unique_ptr<RowWriter> songplays, std::unique_ptr<RowWriter> time)
      : songplays_(std::move(songplays)), time_(std::move(time)) {}

  void Null() override {
    Route([](RowWriter& w) { w.Null(); });
  }
  void Integer(int64_t v) override {
    if (column_ == kNewTime) {
      new_time_ = v != 0;
      ++column_;
      return;
    }
    Route([v](RowWriter& w) { w.Integer(v); });
  }
  void Real(double v) override {
    Route([v](RowWriter& w) { w.Real(v); });
  }
  void Text(std::string_view v) override {
    Route([v](RowWriter& w) { w.Text(v); });
  }
  Status EndRow() override {
    column_ = 0;
    SPARKIFY_RETURN_IF_ERROR(songplays_->EndRow());
    return new_time_ ? time_->EndRow() : Status::Ok();
  }
  Status Finish() override {
    SPARKIFY_RETURN_IF_ERROR(songplays_->Finish());
    return time_->Finish();
  }

 private:
  template <typename Write>
  void Route(Write&& write) {
    if (column_ < kFirstTimePart) write(*songplays_);
    if (new_time_ && (column_ == kStartTime || column_ >= kFirstTimePart)) write(*time_);
    ++column_;
  }

  std::unique_ptr<RowWriter> songplays_, time_;
  int column_ = 0;
  bool new_time_ = false;
};

}  // namespace

const std::vector<std::string>& DirectPlayColumns() {
  static const std::vector<std::string> kColumns = [] {
    std::vector<std::string> columns = {"new_time"};
    columns.insert(columns.end(), kSongplayColumns.begin(), kSongplayColumns.end());
    columns.insert(columns.end(), kTimeColumns.begin() + 1, kTimeColumns.end());
    return columns;
  }();
  return kColumns;
}

Status WriteDirectEvent(const EventRecord& e, DirectLoadState& state, RowWriter& w) {
  if (e.user_id) {
    state.users.Offer(*e.user_id, e.ts, e.session_id, e.item_in_session, e.first_name, e.last_name,
                      e.gender, e.level);
  }
  if (e.page != kPlayPage) return Status::Ok();

  const bool new_time = state.last_play_ts != e.ts;
  state.last_play_ts = e.ts;
  const StartTimeText start_time = FormatStartTime(e.ts);
  const SongCatalog::Song* song =
      e.song && e.artist && e.length ? state.catalog.Match(*e.song, *e.artist, *e.length) : nullptr;
  w.Integer(new_time ? 1 : 0);
  w.Text(std::string_view(start_time.data(), start_time.size()));
  w.Optional(e.user_id);
  if (song) {
    w.Text(song->song_id);
    w.Text(song->artist_id);
  } else {
    w.Null();
    w.Null();
  }
  w.Integer(e.session_id);
  w.Integer(e.item_in_session);
  w.Optional(e.level);
  w.Optional(e.location);
  w.Optional(e.user_agent);
  w.Optional(e.song);
  w.Optional(e.artist);
  w.Optional(e.length);
  const TimeParts t = ComputeTimeParts(e.ts);
  for (int part : {t.hour, t.day, t.week, t.month, t.year, t.weekday}) w.Integer(part);
  return w.EndRow();
}

Result<std::unique_ptr<RowWriter>> OpenDirectPlayWriter(Engine& engine) {
  auto songplays = engine.OpenWriterSkippingDuplicates("songplays", kSongplayColumns);
  if (!songplays.ok()) return songplays.status();
  auto time = engine.OpenWriterSkippingDuplicates("time", kTimeColumns);
  if (!time.ok()) return time.status();
  return std::unique_ptr<RowWriter>(
      std::make_unique<DirectPlayWriter>(std::move(*songplays), std::move(*time)));
}

Status LoadSongCatalog(Engine& engine, SongCatalog& catalog) {
  auto sql = LoadSql(engine.traits().sql_dialects, "direct_song_catalog");
  if (!sql.ok()) return sql.status();
  auto rows = engine.Query(*sql);
  if (!rows.ok()) return rows.status().WithContext("direct_song_catalog");
  for (const auto& row : rows->rows) {
    auto duration = NumberFromWarehouse<double>(row[2].value_or(""), "songs.duration");
    if (!duration.ok()) return duration.status();
    catalog.Add(row[0].value_or(""), row[1].value_or(""), *duration, row[3].value_or(""), row[4]);
  }
  return Status::Ok();
}

Status WriteDirectUsers(Engine& engine, const LatestUsers& users) {
  auto prepare = LoadSql(engine.traits().sql_dialects, "direct_prepare_users");
  if (!prepare.ok()) return prepare.status();
  SPARKIFY_RETURN_IF_ERROR(engine.Execute(*prepare));
  auto writer = engine.OpenWriter("run_users", kRunUserColumns);
  if (!writer.ok()) return writer.status();
  RowWriter& w = **writer;
  for (const auto& [user_id, user] : users.users()) {
    const StartTimeText last_event_at = FormatStartTime(user.ts);
    w.Integer(user_id);
    w.Optional(user.first_name);
    w.Optional(user.last_name);
    w.Optional(user.gender);
    w.Optional(user.level);
    w.Text(std::string_view(last_event_at.data(), last_event_at.size()));
    w.Integer(user.session_id);
    w.Integer(user.item_in_session);
    SPARKIFY_RETURN_IF_ERROR(w.EndRow());
  }
  SPARKIFY_RETURN_IF_ERROR(w.Finish());
  auto upsert = LoadSql(engine.traits().sql_dialects, "direct_users");
  if (!upsert.ok()) return upsert.status();
  return engine.Execute(*upsert).WithContext("direct_users");
}

}  // namespace sparkify

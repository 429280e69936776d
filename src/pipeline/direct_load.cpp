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
// Every event of a user, once (the first copy stays), for user_levels: direct_user_levels.sql
// recomputes a user's stretches from them, as transform_user_levels.sql does from staging_events.
const std::vector<std::string> kUserEventColumns = {"start_time", "user_id", "session_id",
                                                    "item_in_session", "user_level"};
const std::vector<std::string> kRunUserColumns = {
    "user_id",         "first_name",           "last_name",
    "user_gender",     "user_level",           "last_event_at",
    "last_session_id", "last_item_in_session", "earliest_ts"};

// An event row (DirectEventColumns): `targets` (the bits of the tables the row goes to),
// the songplays columns from start_time on, then the time columns after start_time.
enum EventColumn {
  kTargets = 0,
  kStartTime = 1,
  kUserId = 2,
  kSessionId = 5,
  kItemInSession = 6,
  kUserLevel = 7,
  kFirstTimePart = 13
};
constexpr int64_t kToSongplays = 1, kToTime = 2, kToUserEvents = 4;  // the targets' bits

// Routes each value of an event row to the songplays, time and direct_user_events writers its
// targets name: a play goes to songplays (and to time at a new time), an event of a user (any
// page) to direct_user_events.
class DirectEventWriter final : public RowWriter {
 public:
  DirectEventWriter(std::unique_ptr<RowWriter> songplays, std::unique_ptr<RowWriter> time,
                    std::unique_ptr<RowWriter> user_events)
      : songplays_(std::move(songplays)),
        time_(std::move(time)),
        user_events_(std::move(user_events)) {}

  void Null() override {
    Route([](RowWriter& w) { w.Null(); });
  }
  void Integer(int64_t v) override {
    if (column_ == kTargets) {
      targets_ = v;
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
    if (targets_ & kToSongplays) SPARKIFY_RETURN_IF_ERROR(songplays_->EndRow());
    if (targets_ & kToTime) SPARKIFY_RETURN_IF_ERROR(time_->EndRow());
    if (targets_ & kToUserEvents) SPARKIFY_RETURN_IF_ERROR(user_events_->EndRow());
    return Status::Ok();
  }
  Status Finish() override {
    SPARKIFY_RETURN_IF_ERROR(songplays_->Finish());
    SPARKIFY_RETURN_IF_ERROR(time_->Finish());
    return user_events_->Finish();
  }

 private:
  template <typename Write>
  void Route(Write&& write) {
    if ((targets_ & kToSongplays) && column_ < kFirstTimePart) write(*songplays_);
    if ((targets_ & kToTime) && (column_ == kStartTime || column_ >= kFirstTimePart)) {
      write(*time_);
    }
    if ((targets_ & kToUserEvents) &&
        (column_ == kStartTime || column_ == kUserId || column_ == kSessionId ||
         column_ == kItemInSession || column_ == kUserLevel)) {
      write(*user_events_);
    }
    ++column_;
  }

  std::unique_ptr<RowWriter> songplays_, time_, user_events_;
  int column_ = 0;
  int64_t targets_ = 0;
};

}  // namespace

const std::vector<std::string>& DirectEventColumns() {
  static const std::vector<std::string> kColumns = [] {
    std::vector<std::string> columns = {"targets"};
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
  const bool play = e.page == kPlayPage;
  if (!play && !e.user_id) return Status::Ok();

  const StartTimeText start_time = FormatStartTime(e.ts);
  int64_t targets = e.user_id ? kToUserEvents : 0;
  if (!play) {  // only the columns direct_user_events takes: start_time, user, session, item, level
    w.Integer(targets);
    w.Text(std::string_view(start_time.data(), start_time.size()));
    w.Integer(*e.user_id);
    w.Null();
    w.Null();
    w.Integer(e.session_id);
    w.Integer(e.item_in_session);
    w.Optional(e.level);
    for (size_t i = kUserLevel + 1; i < DirectEventColumns().size(); ++i) w.Null();
    return w.EndRow();
  }
  const bool new_time = state.last_play_ts != e.ts;
  state.last_play_ts = e.ts;
  targets |= kToSongplays | (new_time ? kToTime : 0);
  const SongCatalog::Song* song =
      e.song && e.artist && e.length ? state.catalog.Match(*e.song, *e.artist, *e.length) : nullptr;
  w.Integer(targets);
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

Result<std::unique_ptr<RowWriter>> OpenDirectEventWriter(Engine& engine) {
  auto songplays = engine.OpenWriterSkippingDuplicates("songplays", kSongplayColumns);
  if (!songplays.ok()) return songplays.status();
  auto time = engine.OpenWriterSkippingDuplicates("time", kTimeColumns);
  if (!time.ok()) return time.status();
  auto user_events = engine.OpenWriterSkippingDuplicates("direct_user_events", kUserEventColumns);
  if (!user_events.ok()) return user_events.status();
  return std::unique_ptr<RowWriter>(std::make_unique<DirectEventWriter>(
      std::move(*songplays), std::move(*time), std::move(*user_events)));
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
    w.Integer(user.earliest_ts);
    SPARKIFY_RETURN_IF_ERROR(w.EndRow());
  }
  SPARKIFY_RETURN_IF_ERROR(w.Finish());
  auto upsert = LoadSql(engine.traits().sql_dialects, "direct_users");
  if (!upsert.ok()) return upsert.status();
  return engine.Execute(*upsert).WithContext("direct_users");
}

Status WriteDirectUserLevels(Engine& engine) {
  auto sql = LoadSql(engine.traits().sql_dialects, "direct_user_levels");
  if (!sql.ok()) return sql.status();
  return engine.Execute(*sql).WithContext("direct_user_levels");
}

}  // namespace sparkify

#include "pipeline/direct_load.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "base/numbers.h"
#include "engine/sql_catalog.h"
#include "pipeline/row_batch.h"
#include "pipeline/steps.h"

namespace sparkify {
namespace {

constexpr std::string_view kPlayPage = "NextSong";

// An event row (DirectEventColumns): `targets` (the bits of the tables the row goes to), then
// every column any of them takes. kRoutes says which tables take each column; each table's
// columns are the row's columns it takes, in the row's order.
constexpr int64_t kToSongplays = 1, kToTime = 2, kToUserEvents = 4, kToUserNames = 8;
constexpr int64_t S = kToSongplays, T = kToTime, U = kToUserEvents, N = kToUserNames;
struct EventColumn {
  const char* name;
  int64_t routes;
};
constexpr EventColumn kEventColumns[] = {{"targets", 0},
                                         {"start_time", S | T | U},
                                         {"user_id", S | U | N},
                                         {"song_id", S},
                                         {"artist_id", S},
                                         {"session_id", S | U},
                                         {"item_in_session", S | U},
                                         {"user_level", S | U},
                                         {"user_location", S},
                                         {"user_agent", S},
                                         {"song_title", S},
                                         {"artist_name", S},
                                         {"song_length", S},
                                         {"hour", T},
                                         {"day", T},
                                         {"week", T},
                                         {"month", T},
                                         {"year", T},
                                         {"weekday", T},
                                         {"first_name", N},
                                         {"last_name", N},
                                         {"user_gender", N},
                                         {"file_id", S | U | N},
                                         {"line", S | U | N}};
constexpr size_t kEventWidth = std::size(kEventColumns);

size_t ColumnIndex(std::string_view name) {
  for (size_t c = 0; c < kEventWidth; ++c) {
    if (name == kEventColumns[c].name) return c;
  }
  return 0;  // (only names of kEventColumns are asked for)
}

std::vector<std::string> ColumnsOf(int64_t table) {
  std::vector<std::string> columns;
  for (const EventColumn& c : kEventColumns) {
    if (c.routes & table) columns.emplace_back(c.name);
  }
  return columns;
}

// One value of the row being written, kept until its end: a row some table skipped (an event
// delivered twice) goes on to direct_event_copies whole. Text points into the batch being
// replayed, which outlives the row.
struct HeldValue {
  enum Kind { kNull, kInteger, kReal, kText } kind = kNull;
  int64_t integer = 0;
  double real = 0;
  std::string_view text;
};

// Routes each value of an event row to the songplays, time, direct_user_events and
// direct_user_names writers its targets name (a play to songplays, and to time at a new time; an
// event of a user, any page, to direct_user_events, and to direct_user_names where the user's
// names change). A row songplays or direct_user_events skipped as a copy of an event they hold
// goes to direct_event_copies, its targets naming the tables that skipped it.
class DirectEventWriter final : public RowWriter {
 public:
  DirectEventWriter(std::unique_ptr<RowWriter> songplays, std::unique_ptr<RowWriter> time,
                    std::unique_ptr<RowWriter> user_events, std::unique_ptr<RowWriter> user_names,
                    std::unique_ptr<RowWriter> copies)
      : songplays_(std::move(songplays)),
        time_(std::move(time)),
        user_events_(std::move(user_events)),
        user_names_(std::move(user_names)),
        copies_(std::move(copies)) {}

  void Null() override {
    Route(HeldValue{}, [](RowWriter& w) { w.Null(); });
  }
  void Integer(int64_t v) override {
    if (column_ == 0) {
      targets_ = v;
      ++column_;
      return;
    }
    Route(HeldValue{HeldValue::kInteger, v, 0, {}}, [v](RowWriter& w) { w.Integer(v); });
  }
  void Real(double v) override {
    Route(HeldValue{HeldValue::kReal, 0, v, {}}, [v](RowWriter& w) { w.Real(v); });
  }
  void Text(std::string_view v) override {
    Route(HeldValue{HeldValue::kText, 0, 0, v}, [v](RowWriter& w) { w.Text(v); });
  }
  Status EndRow() override {
    column_ = 0;
    int64_t skipped = 0;
    SPARKIFY_RETURN_IF_ERROR(End(kToSongplays, *songplays_, skipped));
    SPARKIFY_RETURN_IF_ERROR(End(kToTime, *time_, skipped));
    SPARKIFY_RETURN_IF_ERROR(End(kToUserEvents, *user_events_, skipped));
    SPARKIFY_RETURN_IF_ERROR(End(kToUserNames, *user_names_, skipped));
    skipped &= kToSongplays | kToUserEvents;  // one time row per start time is as good as another
    return skipped ? WriteCopy(skipped) : Status::Ok();
  }
  Status Finish() override {
    SPARKIFY_RETURN_IF_ERROR(songplays_->Finish());
    SPARKIFY_RETURN_IF_ERROR(time_->Finish());
    SPARKIFY_RETURN_IF_ERROR(user_events_->Finish());
    SPARKIFY_RETURN_IF_ERROR(user_names_->Finish());
    return copies_->Finish();
  }

 private:
  template <typename Write>
  void Route(const HeldValue& value, Write&& write) {
    const int64_t to = kEventColumns[column_].routes & targets_;
    if (to & kToSongplays) write(*songplays_);
    if (to & kToTime) write(*time_);
    if (to & kToUserEvents) write(*user_events_);
    if (to & kToUserNames) write(*user_names_);
    held_[column_] = value;
    ++column_;
  }

  Status End(int64_t table, RowWriter& w, int64_t& skipped) {
    if (!(targets_ & table)) return Status::Ok();
    const int64_t before = w.rows_skipped();
    SPARKIFY_RETURN_IF_ERROR(w.EndRow());
    if (w.rows_skipped() != before) skipped |= table;
    return Status::Ok();
  }

  Status WriteCopy(int64_t skipped) {
    copies_->Integer(skipped);
    for (size_t c = 1; c < kEventWidth; ++c) {
      const HeldValue& v = held_[c];
      switch (v.kind) {
        case HeldValue::kNull:
          copies_->Null();
          break;
        case HeldValue::kInteger:
          copies_->Integer(v.integer);
          break;
        case HeldValue::kReal:
          copies_->Real(v.real);
          break;
        case HeldValue::kText:
          copies_->Text(v.text);
          break;
      }
    }
    return copies_->EndRow();
  }

  std::unique_ptr<RowWriter> songplays_, time_, user_events_, user_names_, copies_;
  size_t column_ = 0;
  int64_t targets_ = 0;
  std::array<HeldValue, kEventWidth> held_;
};

// Passes on the columns of one table (`table`, a targets bit) of the event rows whose targets
// name it; other rows and columns are dropped.
class TableOfEventRows final : public RowWriter {
 public:
  TableOfEventRows(RowWriter& out, int64_t table) : out_(out), table_(table) {}

  void Null() override {
    if (Takes()) out_.Null();
  }
  void Integer(int64_t v) override {
    if (column_ == 0) {
      takes_row_ = (v & table_) != 0;
      ++column_;
      return;
    }
    if (Takes()) out_.Integer(v);
  }
  void Real(double v) override {
    if (Takes()) out_.Real(v);
  }
  void Text(std::string_view v) override {
    if (Takes()) out_.Text(v);
  }
  Status EndRow() override {
    column_ = 0;
    return takes_row_ ? out_.EndRow() : Status::Ok();
  }
  Status Finish() override { return out_.Finish(); }

 private:
  bool Takes() { return takes_row_ && (kEventColumns[column_++].routes & table_) != 0; }

  RowWriter& out_;
  const int64_t table_;
  size_t column_ = 0;
  bool takes_row_ = false;
};

// For an engine with one writer at a time (PostgreSQL, one COPY per connection): holds event
// rows in batches and COPYs each batch table by table into songplays, time, direct_user_events
// and direct_user_names, inside a savepoint. A batch a table refuses (it holds a copy of an
// event already there, or twice; a start time already in time) is rolled back and goes, with
// every batch after it, into direct_run_events, from which direct_distribute.sql keeps the first
// copy of each event by file and line after the logs: the batches before it hold only earlier
// files and lines, so the order of a fresh load is kept.
class BatchedDirectEventWriter final : public RowWriter {
 public:
  BatchedDirectEventWriter(Engine& engine, DirectWriteState& state)
      : engine_(engine), state_(state) {}

  void Null() override { batch_.Null(); }
  void Integer(int64_t v) override { batch_.Integer(v); }
  void Real(double v) override { batch_.Real(v); }
  void Text(std::string_view v) override { batch_.Text(v); }
  Status EndRow() override {
    SPARKIFY_RETURN_IF_ERROR(batch_.EndRow());
    return batch_.rows() >= kBatchRows ? Flush() : Status::Ok();
  }
  Status Finish() override { return Flush(); }

 private:
  static constexpr size_t kBatchRows = 65536;

  Status Flush() {
    if (batch_.rows() == 0) return Status::Ok();
    if (!state_.rows_through_scratch) SPARKIFY_RETURN_IF_ERROR(IntoStarTables());
    if (state_.rows_through_scratch) {
      auto scratch = engine_.OpenWriter("direct_run_events", DirectEventColumns());
      if (!scratch.ok()) return scratch.status();
      SPARKIFY_RETURN_IF_ERROR(batch_.ReplayInto(**scratch, kEventWidth));
      SPARKIFY_RETURN_IF_ERROR((*scratch)->Finish());
    }
    batch_.Clear();
    return Status::Ok();
  }

  // The batch into the star tables, or nothing and rows_through_scratch set.
  Status IntoStarTables() {
    SPARKIFY_RETURN_IF_ERROR(engine_.Execute("SAVEPOINT direct_batch"));
    for (int64_t table : {kToSongplays, kToTime, kToUserEvents, kToUserNames}) {
      auto writer = engine_.OpenWriter(kTableOf(table), ColumnsOf(table));
      if (!writer.ok()) return writer.status();
      TableOfEventRows rows(**writer, table);
      Status status = table == kToUserEvents
                          ? batch_.ReplayRowsInto(rows, kEventWidth, UserEventsInKeyOrder())
                          : batch_.ReplayInto(rows, kEventWidth);
      const Status finished = rows.Finish();
      if (status.ok()) status = finished;
      if (!status.ok()) {  // a refused row, it is assumed; if not, the scratch table says so
        state_.rows_through_scratch = true;
        return engine_.Execute("ROLLBACK TO SAVEPOINT direct_batch");
      }
    }
    return engine_.Execute("RELEASE SAVEPOINT direct_batch");
  }

  // The batch's user events by direct_user_events' key (user, start time, session, item): in
  // arrival order one user's events would lie one per heap page, and the user_levels walk
  // (direct_user_levels.sql), which reads them in key order, would read every page per user.
  std::vector<uint32_t> UserEventsInKeyOrder() const {
    static const size_t kTargets = ColumnIndex("targets"), kUser = ColumnIndex("user_id"),
                        kStart = ColumnIndex("start_time"), kSession = ColumnIndex("session_id"),
                        kItem = ColumnIndex("item_in_session");
    std::vector<uint32_t> order;
    for (uint32_t row = 0; row < batch_.rows(); ++row) {
      if (batch_.IntegerAt(row, kTargets, kEventWidth) & kToUserEvents) order.push_back(row);
    }
    const auto key = [this](uint32_t row) {
      return std::make_tuple(
          batch_.IntegerAt(row, kUser, kEventWidth), batch_.TextAt(row, kStart, kEventWidth),
          batch_.IntegerAt(row, kSession, kEventWidth), batch_.IntegerAt(row, kItem, kEventWidth));
    };
    std::stable_sort(order.begin(), order.end(),
                     [&key](uint32_t a, uint32_t b) { return key(a) < key(b); });
    return order;
  }

  static const char* kTableOf(int64_t table) {
    switch (table) {
      case kToSongplays:
        return "songplays";
      case kToTime:
        return "time";
      case kToUserEvents:
        return "direct_user_events";
      default:
        return "direct_user_names";
    }
  }

  Engine& engine_;
  DirectWriteState& state_;
  RowBatch batch_;
};

const std::vector<std::string> kRunUserColumns = {
    "user_id",         "first_name",           "last_name",
    "user_gender",     "user_level",           "last_event_at",
    "last_session_id", "last_item_in_session", "earliest_ts"};

}  // namespace

const std::vector<std::string>& DirectEventColumns() {
  static const std::vector<std::string> kColumns = [] {
    std::vector<std::string> columns;
    for (const EventColumn& c : kEventColumns) columns.emplace_back(c.name);
    return columns;
  }();
  return kColumns;
}

Status WriteDirectEvent(const EventRecord& e, int64_t file_id, int64_t line, DirectLoadState& state,
                        RowWriter& w) {
  if (e.user_id) {
    state.users.Offer(*e.user_id, e.ts, e.session_id, e.item_in_session, e.first_name, e.last_name,
                      e.gender, e.level);
  }
  const bool play = e.page == kPlayPage;
  if (!play && !e.user_id) return Status::Ok();

  const StartTimeText start_time = FormatStartTime(e.ts);
  int64_t targets = 0;
  if (e.user_id) {
    targets |= kToUserEvents;
    if (state.names_file_id != file_id) {
      state.names_in_file.clear();
      state.names_file_id = file_id;
    }
    auto [names, first_in_file] = state.names_in_file.try_emplace(*e.user_id);
    DirectLoadState::Names& known = names->second;
    const auto differs = [](const std::optional<std::string>& a,
                            const std::optional<std::string_view>& b) {
      return a.has_value() != b.has_value() || (a && *a != *b);
    };
    const auto owned = [](const std::optional<std::string_view>& v) {
      return v ? std::optional<std::string>(*v) : std::nullopt;
    };
    if (first_in_file || differs(known.first_name, e.first_name) ||
        differs(known.last_name, e.last_name) || differs(known.gender, e.gender)) {
      targets |= kToUserNames;
      known = {owned(e.first_name), owned(e.last_name), owned(e.gender)};
    }
  }
  const SongCatalog::Song* song = nullptr;
  if (play) {
    const bool new_time = state.last_play_ts != e.ts;
    state.last_play_ts = e.ts;
    targets |= kToSongplays | (new_time ? kToTime : 0);
    if (e.song && e.artist && e.length) song = state.catalog.Match(*e.song, *e.artist, *e.length);
  }
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
  if (play) {
    const TimeParts t = ComputeTimeParts(e.ts);
    for (int part : {t.hour, t.day, t.week, t.month, t.year, t.weekday}) w.Integer(part);
  } else {
    for (int i = 0; i < 6; ++i) w.Null();
  }
  w.Optional(e.first_name);
  w.Optional(e.last_name);
  w.Optional(e.gender);
  w.Integer(file_id);
  w.Integer(line);
  return w.EndRow();
}

Result<std::unique_ptr<RowWriter>> OpenDirectEventWriter(Engine& engine, DirectWriteState& state) {
  SkippingWriters* skipping = engine.skipping_writers();
  if (skipping == nullptr) {
    return std::unique_ptr<RowWriter>(std::make_unique<BatchedDirectEventWriter>(engine, state));
  }
  auto songplays = skipping->OpenWriterSkippingDuplicates("songplays", ColumnsOf(kToSongplays));
  if (!songplays.ok()) return songplays.status();
  auto time = skipping->OpenWriterSkippingDuplicates("time", ColumnsOf(kToTime));
  if (!time.ok()) return time.status();
  auto user_events =
      skipping->OpenWriterSkippingDuplicates("direct_user_events", ColumnsOf(kToUserEvents));
  if (!user_events.ok()) return user_events.status();
  auto user_names = engine.OpenWriter("direct_user_names", ColumnsOf(kToUserNames));
  if (!user_names.ok()) return user_names.status();
  auto copies = engine.OpenWriter("direct_event_copies", DirectEventColumns());
  if (!copies.ok()) return copies.status();
  return std::unique_ptr<RowWriter>(std::make_unique<DirectEventWriter>(
      std::move(*songplays), std::move(*time), std::move(*user_events), std::move(*user_names),
      std::move(*copies)));
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

Status DistributeDirectEvents(Engine& engine, const std::map<std::string, std::string>& vars) {
  if (engine.skipping_writers() != nullptr) return Status::Ok();  // routed as they came
  auto sql = LoadSql(engine.traits().sql_dialects, kDirectDistribute, vars);
  if (!sql.ok()) return sql.status();
  return engine.Execute(*sql).WithContext(kDirectDistribute);
}

Status TakeBackReplacedFiles(Engine& engine) {
  auto sql = LoadSql(engine.traits().sql_dialects, "direct_take_back");
  if (!sql.ok()) return sql.status();
  return engine.Execute(*sql).WithContext("direct_take_back");
}

Status WriteDirectUserLevels(Engine& engine) {
  auto sql = LoadSql(engine.traits().sql_dialects, "direct_user_levels");
  if (!sql.ok()) return sql.status();
  return engine.Execute(*sql).WithContext("direct_user_levels");
}

}  // namespace sparkify

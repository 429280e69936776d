#include "generate/event_log.h"

#include <algorithm>
#include <string_view>

#include "generate/file_io.h"
#include "generate/json_text.h"
#include "generate/vocabulary.h"

namespace sparkify::gen {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kFlushBytes = size_t{1} << 20;

enum class Page : uint8_t {
  kNextSong,
  kHome,
  kLogin,
  kLogout,
  kAbout,
  kHelp,
  kSettings,
  kSaveSettings,
  kUpgrade,
  kSubmitUpgrade,
  kDowngrade,
  kSubmitDowngrade,
  kError,
};

struct PageInfo {
  std::string_view name;
  std::string_view method;
  int status;
};

// Method and status per page, as in the real logs.
constexpr PageInfo kPages[] = {
    {"NextSong", "PUT", 200},       {"Home", "GET", 200},          {"Login", "PUT", 307},
    {"Logout", "PUT", 307},         {"About", "GET", 200},         {"Help", "GET", 200},
    {"Settings", "GET", 200},       {"Save Settings", "PUT", 307}, {"Upgrade", "GET", 200},
    {"Submit Upgrade", "PUT", 307}, {"Downgrade", "GET", 200},     {"Submit Downgrade", "PUT", 307},
    {"Error", "GET", 404},
};

// A user's fixed attributes, recomputed from (seed, index) whenever a session starts.
struct User {
  bool female = false;
  uint32_t first_name = 0, last_name = 0, location = 0, agent = 0;
  int64_t registration_ms = 0;
  bool starts_paid = false;
  int32_t switch_days[2] = {-1, -1};  // days on which the level flips (-1: never)
};

User MakeUser(const LogSettings& settings, int64_t index) {
  Rng rng(Hash(settings.seed, Stream::kUser, static_cast<uint64_t>(index)));
  User u;
  u.female = rng.Chance(500);
  u.first_name =
      static_cast<uint32_t>(rng.Below((u.female ? FemaleFirstNames() : MaleFirstNames()).size()));
  u.last_name = static_cast<uint32_t>(rng.Below(UserLastNames().size()));
  u.location = static_cast<uint32_t>(rng.Below(UserLocations().size()));
  u.agent = static_cast<uint32_t>(rng.Below(UserAgents().size()));
  u.registration_ms = settings.first_day_ms - 1 - static_cast<int64_t>(rng.Below(60 * kDayMs));
  u.starts_paid = rng.Chance(250);
  if (settings.days > 1 && rng.Chance(350)) {
    u.switch_days[0] = 1 + static_cast<int32_t>(rng.Below(settings.days - 1));
    if (u.switch_days[0] + 1 < settings.days && rng.Chance(300)) {
      u.switch_days[1] = u.switch_days[0] + 1 +
                         static_cast<int32_t>(rng.Below(settings.days - 1 - u.switch_days[0]));
    }
  }
  return u;
}

bool PaidAtStartOf(const User& u, int64_t day) {
  bool paid = u.starts_paid;
  for (const int32_t switch_day : u.switch_days) {
    if (switch_day >= 0 && day > switch_day) paid = !paid;
  }
  return paid;
}

bool IsSwitchDay(const User& u, int64_t day) {
  return day == u.switch_days[0] || day == u.switch_days[1];
}

struct Session {
  bool open = false;
  int64_t user = -1;
  User profile;
  int64_t id = 0;
  int64_t item = 0;
  int64_t prefix_left = 0;  // logged-out events before logging in; the last is Login
  int64_t body_left = 0;    // logged-in events
  bool logout = false;      // the logged-in part ends with Logout
  int64_t suffix_left = 0;  // logged-out events after Logout
  bool paid = false;
  int switch_step = 0;  // 1: show Upgrade/Downgrade next, 2: submit it next
};

}  // namespace

// One day's simulation state; lives for one WriteDay call.
struct EventLogWriter::Day {
  EventLogWriter& writer;
  int64_t day;
  Rng rng;
  std::vector<Session> slots;
  int64_t sessions_started = 0;

  void Start(Session& s) {
    const uint64_t users = static_cast<uint64_t>(writer.settings_.users);
    auto& active = writer.active_;
    // Slots never outnumber users, so a free user exists; random tries first, then a scan.
    uint64_t u = rng.Below(users);
    for (int tries = 0; active[u] && tries < 8; ++tries) u = rng.Below(users);
    while (active[u]) u = (u + 1) % users;
    active[u] = 1;
    s.open = true;
    s.user = static_cast<int64_t>(u);
    s.profile = MakeUser(writer.settings_, s.user);
    s.id = day * writer.settings_.events_per_day + ++sessions_started;
    s.item = 0;
    s.prefix_left = rng.Chance(350) ? 1 + static_cast<int64_t>(rng.Below(3)) : 0;
    s.body_left = 1 + static_cast<int64_t>(rng.Below(40) + rng.Below(40));
    s.logout = rng.Chance(300);
    s.suffix_left = s.logout && rng.Chance(500) ? 1 : 0;
    const bool switched_today = writer.switched_on_[u] == day;
    s.paid = PaidAtStartOf(s.profile, day) != switched_today;
    s.switch_step = IsSwitchDay(s.profile, day) && !switched_today ? 1 : 0;
  }

  Page LoggedInPage(Session& s) {
    if (s.switch_step == 1) {
      s.switch_step = 2;
      return s.paid ? Page::kDowngrade : Page::kUpgrade;
    }
    if (s.switch_step == 2) {
      s.switch_step = 0;
      return s.paid ? Page::kSubmitDowngrade : Page::kSubmitUpgrade;
    }
    const uint64_t r = rng.Below(1000);
    if (r < 830) return Page::kNextSong;
    if (r < 920) return Page::kHome;
    if (r < 932) return Page::kSettings;
    if (r < 937) return Page::kSaveSettings;
    if (r < 942) return Page::kAbout;
    if (r < 948) return Page::kHelp;
    if (r < 958) return s.paid ? Page::kDowngrade : Page::kUpgrade;  // looked, did not switch
    if (r < 961) return Page::kError;
    return Page::kHome;
  }

  // The session's next page and whether its user is logged in for it.
  Page Next(Session& s, bool& logged_in) {
    logged_in = false;
    if (s.prefix_left > 0) {
      if (--s.prefix_left == 0) return Page::kLogin;
      return rng.Chance(100) ? (rng.Chance(500) ? Page::kAbout : Page::kHelp) : Page::kHome;
    }
    logged_in = true;
    if (s.body_left > 0) {
      --s.body_left;
      return LoggedInPage(s);
    }
    if (s.logout) {
      s.logout = false;
      return Page::kLogout;
    }
    logged_in = false;
    --s.suffix_left;
    return Page::kHome;
  }

  static bool Finished(const Session& s) {
    return s.prefix_left == 0 && s.body_left == 0 && !s.logout && s.suffix_left == 0;
  }

  // Fills the writer's title_ and artist_ for a NextSong event and returns its length: a
  // catalog song (the match_fraction share), a near miss, or a song the catalog lacks.
  int64_t ChoosePlay() {
    const Catalog& catalog = writer.catalog_;
    CatalogSong& song = writer.song_;
    std::string& title = writer.title_;
    std::string& artist = writer.artist_;
    title.clear();
    artist.clear();
    const bool have_songs = catalog.songs() > 0;
    const bool match = have_songs && (rng.Next() >> 11) < writer.settings_.match_threshold;
    const uint64_t kind = match ? 0 : rng.Below(100);
    if (!match && (!have_songs || kind >= 30)) {
      AppendTitle(OutsideWords(), rng, title);
      AppendArtistName(OutsideWords(), rng, artist);
      return NonMatchingLength(CatalogDuration(rng), rng);
    }
    // Popular songs first: the square of a uniform draw favours small indexes.
    const uint64_t x = rng.Next() >> 32;
    catalog.Song(
        static_cast<int64_t>(((x * x) >> 32) * static_cast<uint64_t>(catalog.songs()) >> 32), song);
    artist = song.artist_name;
    if (match) {
      title = song.title;
      ++writer.counts_.matched_songplays;
      return song.duration_e5;
    }
    if (kind < 10) {
      // A near miss: the catalog's title and artist, a length 0.002 s or more away.
      title = song.title;
      return NonMatchingLength(song.duration_e5, rng);
    }
    AppendTitle(OutsideWords(), rng, title);  // a known artist, an unknown song
    return NonMatchingLength(CatalogDuration(rng), rng);
  }

  // Appends one event in the real key order; user fields are null when logged out.
  void AppendLine(const Session& s, Page page, bool logged_in, int64_t ts, int64_t length_e5) {
    const PageInfo& info = kPages[static_cast<int>(page)];
    const bool play = page == Page::kNextSong;
    const User& u = s.profile;
    std::string& b = writer.buffer_;
    b.append(R"({"artist":)");
    if (play) {
      AppendLogJsonString(b, writer.artist_);
    } else {
      b.append("null");
    }
    if (logged_in) {
      b.append(R"(,"auth":"Logged In","firstName":)");
      b.append(u.female ? writer.female_names_[u.first_name] : writer.male_names_[u.first_name]);
      b.append(u.female ? R"(,"gender":"F","itemInSession":)"
                        : R"(,"gender":"M","itemInSession":)");
    } else {
      b.append(R"(,"auth":"Logged Out","firstName":null,"gender":null,"itemInSession":)");
    }
    AppendInt(b, s.item);
    b.append(R"(,"lastName":)");
    b.append(logged_in ? std::string_view(writer.last_names_[u.last_name]) : "null");
    b.append(R"(,"length":)");
    if (play) {
      AppendDecimal5(b, length_e5);
    } else {
      b.append("null");
    }
    b.append(s.paid ? R"(,"level":"paid","location":)" : R"(,"level":"free","location":)");
    b.append(logged_in ? std::string_view(writer.locations_[u.location]) : "null");
    b.append(R"(,"method":")");
    b.append(info.method);
    b.append(R"(","page":")");
    b.append(info.name);
    b.append(R"(","registration":)");
    if (logged_in) {
      AppendInt(b, u.registration_ms);
      b.append(".0");
    } else {
      b.append("null");
    }
    b.append(R"(,"sessionId":)");
    AppendInt(b, s.id);
    b.append(R"(,"song":)");
    if (play) {
      AppendLogJsonString(b, writer.title_);
    } else {
      b.append("null");
    }
    b.append(R"(,"status":)");
    AppendInt(b, info.status);
    b.append(R"(,"ts":)");
    AppendInt(b, ts);
    b.append(R"(,"userAgent":)");
    b.append(logged_in ? std::string_view(writer.agents_[u.agent]) : "null");
    b.append(R"(,"userId":")");
    if (logged_in) AppendInt(b, s.user + 1);
    b.append("\"}");
  }

  void Close(Session& s) {
    writer.active_[static_cast<size_t>(s.user)] = 0;
    s.open = false;
  }
};

EventLogWriter::EventLogWriter(const LogSettings& settings, const Catalog& catalog)
    : settings_(settings),
      catalog_(catalog),
      active_(static_cast<size_t>(settings.users), 0),
      switched_on_(static_cast<size_t>(settings.users), -1),
      last_day_(static_cast<size_t>(settings.users), -1),
      last_paid_(static_cast<size_t>(settings.users), 0) {
  auto escape_all = [](WordList words, std::vector<std::string>& out) {
    for (std::string_view w : words) {
      out.emplace_back();
      AppendLogJsonString(out.back(), w);
    }
  };
  escape_all(FemaleFirstNames(), female_names_);
  escape_all(MaleFirstNames(), male_names_);
  escape_all(UserLastNames(), last_names_);
  escape_all(UserLocations(), locations_);
  for (std::string_view agent : UserAgents()) {
    // eventsim's CSV heritage: an agent holding a comma is wrapped in literal double quotes.
    const std::string_view quote = agent.find(',') != std::string_view::npos ? "\"" : "";
    std::string text(quote);
    text.append(agent).append(quote);
    agents_.emplace_back();
    AppendLogJsonString(agents_.back(), text);
  }
  buffer_.reserve(kFlushBytes + 8192);
}

EventLogWriter::~EventLogWriter() = default;

Status EventLogWriter::WriteDay(int64_t day, const std::string& path) {
  const int64_t n = settings_.events_per_day;
  OutputFile file;
  SPARKIFY_RETURN_IF_ERROR(file.Open(path));
  buffer_.clear();

  Day sim{*this, day, Rng(Hash(settings_.seed, Stream::kDay, static_cast<uint64_t>(day))), {}, 0};
  // About one concurrent session per 400 events a day, at least 4 so that collisions between
  // users happen in small datasets too, and never more than there are users.
  sim.slots.resize(
      static_cast<size_t>(std::min(settings_.users, std::clamp<int64_t>(n / 400, 4, 1024))));
  const int64_t step = n > 0 ? kDayMs / n : 0;
  const int64_t day_ms = settings_.first_day_ms + day * kDayMs;
  const int64_t planned_collisions = n >= 2 ? std::max<int64_t>(1, n / 1000) : 0;
  int64_t collisions = 0;
  int64_t previous_ts = -1, previous_user = -1, previous_play_ts = -1;
  bool previous_play = false, previous_collided = false;

  for (int64_t j = 0; j < n; ++j) {
    Session& s = sim.slots[sim.rng.Below(sim.slots.size())];
    if (!s.open) sim.Start(s);
    bool logged_in = false;
    const Page page = sim.Next(s, logged_in);
    const bool play = page == Page::kNextSong;

    int64_t ts = day_ms + j * step + static_cast<int64_t>(sim.rng.Below(step));
    // Collisions are spread over the day: the k-th is due once k/planned of the day has passed.
    const bool collide = play && previous_play && !previous_collided && previous_user != s.user &&
                         collisions * n < planned_collisions * (j + 1);
    if (collide) {
      ts = previous_ts;
      ++collisions;
    }

    const int64_t length_e5 = play ? sim.ChoosePlay() : 0;
    if (j > 0) buffer_.push_back('\n');  // no newline after the last line, like the real files
    sim.AppendLine(s, page, logged_in, ts, length_e5);
    ++s.item;

    ++counts_.events;
    if (play) {
      ++counts_.songplays;
      if (ts != previous_play_ts) ++counts_.time_rows;
      previous_play_ts = ts;
    }
    const auto user_slot = static_cast<size_t>(s.user);
    if (logged_in) {
      last_day_[user_slot] = static_cast<int32_t>(day);
      last_paid_[user_slot] = s.paid;
    }
    if (page == Page::kSubmitUpgrade || page == Page::kSubmitDowngrade) {
      s.paid = !s.paid;  // the submit event still shows the old level, as in the real logs
      switched_on_[user_slot] = static_cast<int32_t>(day);
    }
    previous_ts = ts;
    previous_user = s.user;
    previous_play = play;
    previous_collided = collide;
    if (Day::Finished(s)) sim.Close(s);

    if (buffer_.size() >= kFlushBytes) {
      SPARKIFY_RETURN_IF_ERROR(file.Write(buffer_));
      counts_.bytes += static_cast<int64_t>(buffer_.size());
      buffer_.clear();
    }
  }
  for (Session& s : sim.slots) {
    if (s.open) sim.Close(s);  // the day's file ends mid-session
  }
  SPARKIFY_RETURN_IF_ERROR(file.Write(buffer_));
  counts_.bytes += static_cast<int64_t>(buffer_.size());
  ++counts_.files;
  return file.Close();
}

}  // namespace sparkify::gen

#include "postgres_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace sparkify::testing {
namespace {

namespace fs = std::filesystem;

// The postmaster to stop from a signal handler or at exit; -1 when none.
volatile sig_atomic_t g_postmaster = -1;

void QuitPostmaster() noexcept {
  const pid_t pid = g_postmaster;
  if (pid > 0) ::kill(pid, SIGQUIT);  // immediate shutdown; async-signal-safe
}

void OnFatalSignal(int signal) {
  QuitPostmaster();
  ::raise(signal);  // SA_RESETHAND restored the default action
}

void InstallGuards() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  std::atexit(QuitPostmaster);
  struct sigaction action {};
  action.sa_handler = OnFatalSignal;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) {
    ::sigaction(s, &action, nullptr);
  }
}

std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

// Who runs the server: the postgres system user when we are root, else ourselves.
struct Identity {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Starts `argv` as a child with stdout and stderr appended to `log`, in folder `cwd`. With
// `tie_to_parent`, the child gets SIGQUIT when this thread dies (set after the user switch,
// which would clear it).
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log, const std::string& cwd,
            const Identity& who, bool tie_to_parent) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: only async-signal-safe calls from here on.
  const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  const int in = ::open("/dev/null", O_RDONLY);
  if (out < 0 || in < 0) ::_exit(126);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(out, 2);
  if (who.switch_user) {
    if (::setgroups(1, &who.gid) != 0 || ::setgid(who.gid) != 0 || ::setuid(who.uid) != 0) {
      ::_exit(126);
    }
  }
  if (tie_to_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (::getppid() != parent) ::_exit(126);  // the parent died before prctl
  }
  if (::chdir(cwd.c_str()) != 0) ::_exit(126);
  ::execv(args[0], args.data());
  ::_exit(127);
}

int WaitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Folders of test clusters whose process was killed (SIGKILL leaves the folder behind): older
// than ten minutes, and without a running postmaster. Others may belong to a running test.
void RemoveStaleClusters() {
  std::error_code ec;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path(), ec)) {
    if (entry.path().filename().string().rfind("sparkify-pg-", 0) != 0) continue;
    const auto modified = fs::last_write_time(entry.path(), ec);
    if (ec || now - modified < std::chrono::minutes(10)) continue;
    std::ifstream pid_file(entry.path() / "data" / "postmaster.pid");
    pid_t pid = 0;
    if (pid_file >> pid && pid > 0 && (::kill(pid, 0) == 0 || errno == EPERM)) continue;
    fs::remove_all(entry.path(), ec);
  }
}

std::unique_ptr<PostgresServer> g_server;

class PostgresEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    std::string error;
    g_server = PostgresServer::Start(error);
    if (!g_server) GTEST_FAIL() << "cannot start the test PostgreSQL server: " << error;
  }
  void TearDown() override { g_server.reset(); }
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

}  // namespace

void IgnoreNotice(void*, const char*) {}

PgClient::PgClient(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
  if (conn_)
    PQsetNoticeProcessor(conn_.get(), IgnoreNotice, nullptr);  // "does not exist, skipping"
}

bool PgClient::ok() const { return conn_ && PQstatus(conn_.get()) == CONNECTION_OK; }

std::string PgClient::error() const {
  return conn_ ? OneLine(PQerrorMessage(conn_.get())) : "out of memory";
}

std::string PgClient::Exec(const std::string& sql) {
  if (!ok()) return "not connected: " + error();
  PGresult* r = PQexec(conn_.get(), sql.c_str());
  const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  std::string message;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    message = OneLine(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_.get()));
    if (message.empty()) message = "failed";
  }
  PQclear(r);
  return message;
}

PgRows PgClient::Query(const std::string& sql) {
  PgRows out;
  if (!ok()) {
    ADD_FAILURE() << "not connected: " << error();
    return out;
  }
  PGresult* r = PQexec(conn_.get(), sql.c_str());
  if (!r || PQresultStatus(r) != PGRES_TUPLES_OK) {
    ADD_FAILURE() << sql << ": " << OneLine(r ? PQresultErrorMessage(r) : error());
    PQclear(r);
    return out;
  }
  for (int c = 0; c < PQnfields(r); ++c) {
    out.columns.emplace_back(PQfname(r, c));
    out.types.push_back(PQftype(r, c));
  }
  for (int i = 0; i < PQntuples(r); ++i) {
    auto& row = out.rows.emplace_back();
    for (int c = 0; c < PQnfields(r); ++c) {
      if (PQgetisnull(r, i, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(r, i, c), PQgetlength(r, i, c)));
      }
    }
  }
  PQclear(r);
  return out;
}

std::string PgClient::Scalar(const std::string& sql) {
  PgRows rows = Query(sql);
  if (rows.rows.empty() || rows.rows[0].empty()) {
    ADD_FAILURE() << sql << ": no value";
    return "";
  }
  return rows.rows[0][0].value_or("NULL");
}

std::unique_ptr<PostgresServer> PostgresServer::Start(std::string& error) {
  const char* env_bin = std::getenv("SPARKIFY_PG_BIN");
  const fs::path bin = env_bin && *env_bin ? env_bin : "/usr/lib/postgresql/15/bin";
  for (const char* tool : {"initdb", "postgres"}) {
    if (!fs::exists(bin / tool)) {
      error = (bin / tool).string() +
              " not found: install PostgreSQL 15 (Debian: apt-get install postgresql-15) or set "
              "SPARKIFY_PG_BIN to its bin folder";
      return nullptr;
    }
  }
  Identity who;
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      error = "running as root, and there is no `postgres` user to run the server as";
      return nullptr;
    }
    who = Identity{true, pw->pw_uid, pw->pw_gid};
  }

  RemoveStaleClusters();
  std::unique_ptr<PostgresServer> server(new PostgresServer);
  std::string pattern = (fs::temp_directory_path() / "sparkify-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    error = "cannot create a temporary folder";
    return nullptr;
  }
  server->dir_ = pattern;
  const std::string data = server->dir_ + "/data", socket = server->dir_ + "/socket";
  const std::string log = server->dir_ + "/server.log";
  fs::create_directory(socket);
  if (who.switch_user) {
    for (const std::string& p : {server->dir_, socket}) {
      if (::chown(p.c_str(), who.uid, who.gid) != 0) {
        error = "cannot give " + p + " to the postgres user";
        return nullptr;
      }
    }
  }

  // A cluster whose default collation is not byte order (ICU en-US, when built with ICU), so a
  // transform that orders text without COLLATE "C" differs from SQLite and fails the suite.
  auto initdb = [&](bool icu) {
    std::vector<std::string> argv = {(bin / "initdb").string(),
                                     "-D",
                                     data,
                                     "-U",
                                     "postgres",
                                     "--auth=trust",
                                     "--encoding=UTF8",
                                     "--locale=C.UTF-8",
                                     "--no-sync",
                                     "--no-instructions"};
    if (icu) {
      argv.insert(argv.end(), {"--locale-provider=icu", "--icu-locale=en-US"});
    }
    return WaitFor(Spawn(argv, log, server->dir_, who, false));
  };
  if (initdb(true) != 0) {
    fs::remove_all(data);
    if (initdb(false) != 0) {
      error = "initdb failed: " + server->LogTail();
      return nullptr;
    }
  }
  {
    std::ofstream hba(data + "/pg_hba.conf", std::ios::trunc);
    hba << "local all all trust\n"
        << "host all " << kPasswordRole << " 127.0.0.1/32 scram-sha-256\n"
        << "host all all 127.0.0.1/32 trust\n"
        << "host all all ::1/128 trust\n";
  }

  InstallGuards();
  for (int attempt = 0; attempt < 3 && server->pid_ < 0; ++attempt) {
    server->port_ = FreePort();
    const std::vector<std::string> argv = {(bin / "postgres").string(),
                                           "-D",
                                           data,
                                           "-p",
                                           std::to_string(server->port_),
                                           "-k",
                                           socket,
                                           "-c",
                                           "listen_addresses=127.0.0.1",
                                           "-c",
                                           "fsync=off",
                                           "-c",
                                           "synchronous_commit=off",
                                           "-c",
                                           "full_page_writes=off",
                                           "-c",
                                           "autovacuum=off",
                                           "-c",
                                           "max_connections=30",
                                           "-c",
                                           "max_wal_size=2GB",
                                           "-c",
                                           "password_encryption=scram-sha-256"};
    const pid_t pid = Spawn(argv, log, server->dir_, who, /*tie_to_parent=*/true);
    g_postmaster = pid;
    server->pid_ = pid;
    const std::string ping = "host=127.0.0.1 port=" + std::to_string(server->port_) +
                             " dbname=postgres user=postgres connect_timeout=2";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool ready = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (PQping(ping.c_str()) == PQPING_OK) {
        ready = true;
        break;
      }
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) break;  // exited: port taken?
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!ready) {
      server->Stop();
      server->pid_ = -1;
    }
  }
  if (server->pid_ < 0) {
    error = "postgres did not start: " + server->LogTail();
    return nullptr;
  }

  PgClient admin(server->Uri("postgres"));
  const std::string role_error = admin.Exec(std::string("CREATE ROLE ") + kPasswordRole +
                                            " LOGIN SUPERUSER PASSWORD '" + kPassword + "'");
  if (!role_error.empty()) {
    error = "cannot create the password role: " + role_error;
    return nullptr;
  }
  return server;
}

PostgresServer::~PostgresServer() {
  Stop();
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

void PostgresServer::Stop() noexcept {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGQUIT);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (g_postmaster == pid_) g_postmaster = -1;
  pid_ = -1;
}

std::string PostgresServer::Uri(const std::string& dbname, const std::string& user) const {
  return "postgresql://" + user + "@" + host_ + ":" + std::to_string(port_) + "/" + dbname;
}

std::string PostgresServer::CreateDatabase(const std::string& name) {
  PgClient admin(Uri("postgres"));
  const std::string drop = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  EXPECT_EQ(drop, "") << "dropping database " << name;
  const std::string create = admin.Exec("CREATE DATABASE " + name);
  EXPECT_EQ(create, "") << "creating database " << name;
  return Uri(name);
}

std::string PostgresServer::LogTail() const {
  const std::string text = ReadAll(dir_ + "/server.log");
  const size_t keep = 2000;
  return OneLine(text.size() > keep ? text.substr(text.size() - keep) : text);
}

PostgresServer& Postgres() {
  if (!g_server) {
    std::fprintf(stderr, "the test PostgreSQL server is not running\n");
    std::abort();
  }
  return *g_server;
}

}  // namespace sparkify::testing

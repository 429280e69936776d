// MotoServer: a real S3-compatible server (moto_server) for the duration of a test.
//
// Start() finds moto_server ($MOTO_SERVER, then PATH, then ~/.pyenv/shims), runs it on a free
// port of 127.0.0.1 in its own process group, and waits until it answers HTTP. The destructor
// ends the group (SIGTERM, then SIGKILL); if the test process dies first, the kernel sends the
// server SIGKILL (PR_SET_PDEATHSIG), so no server outlives its test. Tests call
// SPARKIFY_START_MOTO(server) and are skipped only when moto_server is not installed.
//
// HttpRequest() is a minimal raw HTTP/1.1 client (one request per connection), for the few calls
// the tests make outside the S3 client: moto's IAM and its /moto-api/ switches.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace sparkify::testing {

struct HttpReply {
  int status = 0;  // 0: no answer
  std::string head;
  std::string body;
};

// Sends `request` (a complete HTTP/1.1 request) to 127.0.0.1:port and reads until the server
// closes the connection.
inline HttpReply HttpRequest(int port, const std::string& request) {
  HttpReply reply;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return reply;
  timeval timeout{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return reply;
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[8192];
  ssize_t n;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) raw.append(buf, static_cast<size_t>(n));
  ::close(fd);
  const size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/", 0) != 0 || end == std::string::npos) return reply;
  reply.status = std::atoi(raw.c_str() + raw.find(' ') + 1);
  reply.head = raw.substr(0, end);
  reply.body = raw.substr(end + 4);
  return reply;
}

inline std::string HttpPost(const std::string& path, const std::string& body,
                            const std::string& extra_headers = "",
                            const std::string& content_type = "application/x-www-form-urlencoded") {
  return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
         "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n" + extra_headers + "\r\n" + body;
}

// A port that was free a moment ago (the kernel's choice for port 0).
inline int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
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

class MotoServer {
 public:
  // The moto_server executable, or "" when it is not installed.
  static std::string FindExecutable() {
    namespace fs = std::filesystem;
    if (const char* env = std::getenv("MOTO_SERVER"); env && *env) return env;
    std::vector<fs::path> candidates;
    if (const char* path = std::getenv("PATH")) {
      std::string p = path;
      for (size_t start = 0; start <= p.size();) {
        size_t colon = p.find(':', start);
        if (colon == std::string::npos) colon = p.size();
        if (colon > start) candidates.push_back(fs::path(p.substr(start, colon - start)));
        start = colon + 1;
      }
    }
    if (const char* home = std::getenv("HOME"))
      candidates.push_back(fs::path(home) / ".pyenv/shims");
    for (const fs::path& dir : candidates) {
      const fs::path exe = dir / "moto_server";
      if (::access(exe.c_str(), X_OK) == 0) return exe.string();
    }
    return "";
  }

  // Starts moto_server; on failure, error() says why (with the end of its log).
  static std::unique_ptr<MotoServer> Start(const std::string& executable,
                                           const std::vector<std::string>& env = {}) {
    std::unique_ptr<MotoServer> server(new MotoServer());
    for (int attempt = 0; attempt < 3; ++attempt) {  // the free port may be taken meanwhile
      if (server->Launch(executable, env)) return server;
      server->Stop();
    }
    return server;
  }

  ~MotoServer() { Stop(); }
  MotoServer(const MotoServer&) = delete;
  MotoServer& operator=(const MotoServer&) = delete;

  bool ok() const { return pid_ > 0; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  MotoServer() = default;

  bool Launch(const std::string& executable, const std::vector<std::string>& env) {
    port_ = FreePort();
    log_ = (std::filesystem::temp_directory_path() /
            ("sparkify-moto-" + std::to_string(::getpid()) + "-" + std::to_string(port_) + ".log"))
               .string();
    const std::string port = std::to_string(port_);
    std::vector<std::string> args = {executable, "-H", "127.0.0.1", "-p", port};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // The environment is built before fork: the child only makes async-signal-safe calls.
    std::vector<std::string> env_strings = env;
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    std::vector<char*> envp;
    for (std::string& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
      error_ = "fork failed";
      return false;
    }
    if (pid == 0) {
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);
      const int devnull = ::open("/dev/null", O_RDONLY);
      const int log = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(devnull, 0);
      ::dup2(log, 1);
      ::dup2(log, 2);
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    pid_ = pid;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        error_ = "moto_server exited at start; its log: " + Tail();
        return false;
      }
      const HttpReply reply =
          HttpRequest(port_, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      if (reply.status != 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    error_ = "moto_server did not answer within 30 s; its log: " + Tail();
    return false;
  }

  void Stop() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGTERM);
      int status = 0;
      bool exited = false;
      for (int i = 0; i < 60 && !exited; ++i) {
        exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
        if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (!exited) {
        ::kill(-pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
      }
      pid_ = -1;
    }
    if (!log_.empty()) {
      std::error_code ec;
      std::filesystem::remove(log_, ec);
    }
  }

  std::string Tail() const {
    std::string text;
    if (FILE* f = std::fopen(log_.c_str(), "rb")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
      std::fclose(f);
    }
    return text.size() > 800 ? text.substr(text.size() - 800) : text;
  }

  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_;
  std::string error_;
};

}  // namespace sparkify::testing

// Starts moto_server into `server` (a std::unique_ptr<MotoServer>), skipping the test when it is
// not installed and failing it when it does not start.
#define SPARKIFY_START_MOTO(server, ...)                                                  \
  do {                                                                                    \
    const std::string moto_exe = ::sparkify::testing::MotoServer::FindExecutable();       \
    if (moto_exe.empty()) {                                                               \
      GTEST_SKIP() << "moto_server is not installed (pip install 'moto[server]', or set " \
                      "MOTO_SERVER): S3 integration test skipped";                        \
    }                                                                                     \
    server = ::sparkify::testing::MotoServer::Start(moto_exe __VA_OPT__(, ) __VA_ARGS__); \
    ASSERT_TRUE(server->ok()) << server->error();                                         \
  } while (false)

// FaultProxy: an HTTP proxy on 127.0.0.1 that forwards to an upstream server (moto) and injects
// failures, for testing the S3 client's retries.
//
// One thread accepts; each connection gets a thread that reads one request, asks the policy
// what to do with it (given its request line and how many times that line has been seen), and
// then answers 503 SlowDown or 500 InternalError with an S3 XML error body, drops the connection
// without answering, forwards it but cuts the response body in half, forwards it with the body
// cut after its third </Contents> and a Content-Length that matches (a listing cut short that
// HTTP cannot tell), or forwards it untouched.
// Deciding by request line and attempt makes the faults deterministic whatever the order of
// parallel requests. The destructor stops accepting and joins every thread.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sparkify::testing {

class FaultProxy {
 public:
  enum class Fault { kNone, kSlowDown503, kInternalError500, kDrop, kTruncate, kCutListing };
  using Policy = std::function<Fault(const std::string& request_line, int attempt)>;

  FaultProxy(int upstream_port, Policy policy)
      : upstream_port_(upstream_port), policy_(std::move(policy)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~FaultProxy() {
    stop_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    std::vector<std::thread> handlers;
    {
      std::lock_guard<std::mutex> lock(mu_);
      handlers.swap(handlers_);
    }
    for (std::thread& t : handlers) t.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  FaultProxy(const FaultProxy&) = delete;
  FaultProxy& operator=(const FaultProxy&) = delete;

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_.load(); }
  int faults() const { return faults_.load(); }

  // FNV-1a: a hash that is the same on every run and platform.
  static uint64_t StableHash(const std::string& s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    return h;
  }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd pfd{listen_fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      std::lock_guard<std::mutex> lock(mu_);
      handlers_.emplace_back([this, client] { Handle(client); });
    }
  }

  static bool SendAll(int fd, const char* data, size_t n) {
    while (n > 0) {
      const ssize_t sent = ::send(fd, data, n, MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data += sent;
      n -= static_cast<size_t>(sent);
    }
    return true;
  }

  static void SetTimeout(int fd) {
    timeval timeout{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }

  // Reads one request: head and Content-Length body.
  static bool ReadRequest(int fd, std::string& request) {
    char buf[16384];
    size_t head_end = std::string::npos;
    while (head_end == std::string::npos) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      request.append(buf, static_cast<size_t>(n));
      head_end = request.find("\r\n\r\n");
    }
    size_t length = 0;
    const std::string head = request.substr(0, head_end);
    for (size_t pos = 0; (pos = head.find("\r\n", pos)) != std::string::npos;) {
      pos += 2;
      if (strncasecmp(head.c_str() + pos, "content-length:", 15) == 0) {
        length = std::strtoull(head.c_str() + pos + 15, nullptr, 10);
      }
    }
    while (request.size() < head_end + 4 + length) {
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      request.append(buf, static_cast<size_t>(n));
    }
    return true;
  }

  static std::string ErrorResponse(int status, const char* reason, const char* code,
                                   const char* message) {
    const std::string body =
        std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>") + code +
        "</Code><Message>" + message + "</Message><RequestId>FAULTPROXY</RequestId></Error>";
    return "HTTP/1.1 " + std::to_string(status) + " " + reason +
           "\r\nContent-Type: application/xml\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
  }

  // Forwards `request` upstream and returns the whole response ("" when upstream failed).
  std::string Forward(const std::string& request) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    SetTimeout(fd);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string response;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
        SendAll(fd, request.data(), request.size())) {
      char buf[16384];
      ssize_t n;
      while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) response.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return response;
  }

  // The response with its body ending right after the third </Contents>, Content-Length fixed.
  static std::string CutAfterThirdObject(const std::string& response) {
    const size_t head_end = response.find("\r\n\r\n");
    if (head_end == std::string::npos) return response;
    std::string head = response.substr(0, head_end);
    std::string body = response.substr(head_end + 4);
    size_t cut = 0;
    for (int i = 0; i < 3 && cut != std::string::npos; ++i) {
      cut = body.find("</Contents>", cut);
      if (cut != std::string::npos) cut += 11;
    }
    if (cut == std::string::npos) return response;
    body.resize(cut);
    std::string fixed;
    for (size_t pos = 0; pos <= head.size();) {
      size_t eol = head.find("\r\n", pos);
      if (eol == std::string::npos) eol = head.size();
      const std::string line = head.substr(pos, eol - pos);
      fixed += strncasecmp(line.c_str(), "content-length:", 15) == 0
                   ? "Content-Length: " + std::to_string(body.size())
                   : line;
      fixed += "\r\n";
      pos = eol + 2;
    }
    return fixed + "\r\n" + body;
  }

  void Handle(int client) {
    SetTimeout(client);
    std::string request;
    if (!ReadRequest(client, request)) {
      ::close(client);
      return;
    }
    ++requests_;
    const std::string line = request.substr(0, request.find("\r\n"));
    int attempt;
    {
      std::lock_guard<std::mutex> lock(mu_);
      attempt = ++attempts_[line];
    }
    const Fault fault = policy_(line, attempt);
    if (fault != Fault::kNone) ++faults_;
    std::string response;
    switch (fault) {
      case Fault::kSlowDown503:
        response = ErrorResponse(503, "Slow Down", "SlowDown", "Please reduce your request rate.");
        break;
      case Fault::kInternalError500:
        response = ErrorResponse(500, "Internal Server Error", "InternalError",
                                 "We encountered an internal error. Please try again.");
        break;
      case Fault::kDrop:
        break;
      case Fault::kTruncate: {
        response = Forward(request);
        const size_t head_end = response.find("\r\n\r\n");
        const size_t body = head_end == std::string::npos ? 0 : response.size() - head_end - 4;
        response.resize(body > 1 ? head_end + 4 + body / 2 : 0);  // no body: drop instead
        break;
      }
      case Fault::kCutListing:
        response = CutAfterThirdObject(Forward(request));
        break;
      case Fault::kNone:
        response = Forward(request);
        break;
    }
    if (!response.empty()) SendAll(client, response.data(), response.size());
    ::shutdown(client, SHUT_RDWR);
    ::close(client);
  }

  const int upstream_port_;
  const Policy policy_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0}, faults_{0};
  std::mutex mu_;
  std::map<std::string, int> attempts_;
  std::thread acceptor_;
  std::vector<std::thread> handlers_;
};

}  // namespace sparkify::testing

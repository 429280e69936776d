// TcpCutProxy: a TCP relay on 127.0.0.1 to an upstream port (the test PostgreSQL server) that
// drops a connection, both ways at once, as soon as its client has sent more than `cut_after`
// bytes: a connection lost in the middle of a COPY, at a point fixed by the data, not by timing.
//
// One thread accepts; each connection gets two pump threads. Connections whose client sends
// less pass untouched. The destructor stops accepting, closes every socket and joins every
// thread. cuts() says how many connections were dropped.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sparkify::testing {

class TcpCutProxy {
 public:
  TcpCutProxy(int upstream_port, uint64_t cut_after)
      : upstream_port_(upstream_port), cut_after_(cut_after) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~TcpCutProxy() {
    stop_ = true;
    if (acceptor_.joinable()) acceptor_.join();
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& c : connections_) c->Close();
    }
    for (auto& c : connections_) {
      for (std::thread& t : c->pumps) t.join();
    }
    if (listen_fd_ >= 0) ::close(listen_fd_);
  }

  TcpCutProxy(const TcpCutProxy&) = delete;
  TcpCutProxy& operator=(const TcpCutProxy&) = delete;

  int port() const { return port_; }
  int cuts() const { return cuts_.load(); }

 private:
  struct Connection {
    int client = -1, upstream = -1;
    std::atomic<uint64_t> sent{0};  // client -> upstream bytes
    std::once_flag closed;
    std::vector<std::thread> pumps;
    void Close() {
      std::call_once(closed, [this] {
        ::shutdown(client, SHUT_RDWR);
        ::shutdown(upstream, SHUT_RDWR);
      });
    }
    ~Connection() {
      ::close(client);
      ::close(upstream);
    }
  };

  void AcceptLoop() {
    while (!stop_) {
      pollfd pfd{listen_fd_, POLLIN, 0};
      if (::poll(&pfd, 1, 50) <= 0) continue;
      const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      auto c = std::make_unique<Connection>();
      c->client = client;
      c->upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<uint16_t>(upstream_port_));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::connect(c->upstream, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        c->Close();
      }
      Connection* raw = c.get();
      raw->pumps.emplace_back([this, raw] { Pump(*raw, raw->client, raw->upstream, true); });
      raw->pumps.emplace_back([this, raw] { Pump(*raw, raw->upstream, raw->client, false); });
      std::lock_guard<std::mutex> lock(mu_);
      connections_.push_back(std::move(c));
    }
  }

  void Pump(Connection& c, int from, int to, bool from_client) {
    char buf[16384];
    while (true) {
      const ssize_t n = ::recv(from, buf, sizeof buf, 0);
      if (n <= 0) break;
      if (from_client && c.sent.fetch_add(static_cast<uint64_t>(n)) + n > cut_after_) {
        ++cuts_;
        break;  // drop: this chunk never arrives
      }
      size_t done = 0;
      while (done < static_cast<size_t>(n)) {
        const ssize_t sent = ::send(to, buf + done, static_cast<size_t>(n) - done, MSG_NOSIGNAL);
        if (sent <= 0) break;
        done += static_cast<size_t>(sent);
      }
      if (done < static_cast<size_t>(n)) break;
    }
    c.Close();
  }

  const int upstream_port_;
  const uint64_t cut_after_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> cuts_{0};
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::thread acceptor_;
};

}  // namespace sparkify::testing

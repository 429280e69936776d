#include "aws/http_transport.h"

#include <algorithm>
#include <cstdlib>
#include <random>

namespace sparkify {

std::chrono::milliseconds BackoffCeiling(const RetryPolicy& policy, int retry) {
  const int shift = std::clamp(retry - 1, 0, 30);
  const int64_t base = policy.base_delay.count();
  const int64_t cap = policy.max_delay.count();
  return std::chrono::milliseconds(
      std::max<int64_t>(0, std::min<int64_t>(cap, base > (cap >> shift) ? cap : base << shift)));
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, uint64_t random) {
  const int64_t ceiling = BackoffCeiling(policy, retry).count();
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(
      static_cast<int64_t>(random % static_cast<uint64_t>(ceiling + 1)));
}

std::chrono::milliseconds MaxTotalBackoff(const RetryPolicy& policy) {
  std::chrono::milliseconds total{0};
  for (int retry = 1; retry < policy.max_attempts; ++retry) total += BackoffCeiling(policy, retry);
  return total;
}

RetryPolicy WithTestBackoff(RetryPolicy policy) {
  if (policy.max_attempts < 1) policy.max_attempts = 1;
  if (const char* ms = std::getenv("SPARKIFY_TEST_S3_BACKOFF_MS")) {
    policy.base_delay = policy.max_delay = std::chrono::milliseconds(std::strtol(ms, nullptr, 10));
  }
  return policy;
}

void RetryWaiter::WaitBeforeRetry(int retry) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  const std::chrono::milliseconds delay = BackoffDelay(policy_, retry, random());
  std::unique_lock<std::mutex> lock(mu_);
  wake_.wait_for(lock, delay, [&] { return cancelled_.load(); });
}

void RetryWaiter::Cancel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_.store(true);
  }
  wake_.notify_all();
}

bool AppendRequestHeaders(const std::vector<sigv4::Header>& headers,
                          const std::string& authorization, CurlHeaderList& out) {
  for (const sigv4::Header& h : headers) {
    if (!out.Append(h.name + ": " + h.value)) return false;
  }
  if (!authorization.empty() && !out.Append("Authorization: " + authorization)) return false;
  return out.Append("Expect:");
}

bool CurlHeaderList::Append(const std::string& line) {
  curl_slist* head = curl_slist_append(list_.get(), line.c_str());
  if (head == nullptr) return false;
  (void)list_.release();  // `head` is the same list, grown
  list_.reset(head);
  return true;
}

CurlPool::CurlPool() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlEasy CurlPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      CurlEasy handle = std::move(idle_.back());
      idle_.pop_back();
      curl_easy_reset(handle.get());  // keeps the handle's live connections
      return handle;
    }
  }
  return CurlEasy(curl_easy_init());
}

void CurlPool::Release(CurlEasy handle) {
  if (!handle) return;
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(handle));
}

void ApplyCommonOptions(CURL* handle, const TransferLimits& limits) {
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "sparkify/" SPARKIFY_VERSION);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(limits.connect_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(handle, CURLOPT_LOW_SPEED_TIME, static_cast<long>(limits.stall_timeout.count()));
  curl_easy_setopt(handle, CURLOPT_TCP_KEEPALIVE, 1L);
}

bool RetryableCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

}  // namespace sparkify

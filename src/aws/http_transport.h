// HTTP plumbing shared by sparkify's AWS clients (S3 in src/s3/, the Query-protocol services in
// src/aws/query_client.h): RAII owners of the libcurl handles, a pool of easy handles kept alive
// between calls (so connections are reused), the settings every request uses, which transport
// failures are worth another attempt, and the AWS SDKs' standard retry schedule.
//
// What is sent and how an answer is read stay with each client (S3 streams objects into buffers
// and reads ETags; the Query clients read one small XML document): this module knows nothing of
// either.
//
// Thread safety: CurlPool and RetryWaiter may be used from several threads at once; a CurlEasy or
// CurlHeaderList belongs to one thread at a time. The backoff functions are pure.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "s3/sigv4.h"

namespace sparkify {

// The AWS SDKs' "standard" retry mode (docs.aws.amazon.com/sdkref/latest/guide/
// feature-retry-behavior.html; boto3's retries guide): exponential backoff with base 2 and full
// jitter, the delay before retry i being uniform in [0, min(base * 2^(i-1), 20 s)], base 1 s.
// Standard mode makes 3 attempts by default; sparkify makes 5 (S3 asks clients to keep retrying
// SlowDown), so a failing request waits at most 1 + 2 + 4 + 8 = 15 s in all (MaxTotalBackoff)
// before the run gives up, 7.5 s on average.
struct RetryPolicy {
  int max_attempts = 5;  // first try included
  std::chrono::milliseconds base_delay{1000};
  std::chrono::milliseconds max_delay{20000};
};

// The longest delay before retry number `retry` (1-based): min(max, base * 2^(retry-1)).
std::chrono::milliseconds BackoffCeiling(const RetryPolicy& policy, int retry);
// The delay before retry number `retry`: `random` reduced to [0, BackoffCeiling] (full jitter).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, uint64_t random);
// The longest a request can wait between its attempts: the sum of the retries' ceilings.
std::chrono::milliseconds MaxTotalBackoff(const RetryPolicy& policy);
// The policy after the test-only SPARKIFY_TEST_S3_BACKOFF_MS=N (every backoff at most N ms), so
// the suite can run the binary through failing endpoints without waiting seconds.
RetryPolicy WithTestBackoff(RetryPolicy policy);

// The waits between a request's attempts, on a policy's schedule (WithTestBackoff applied): each
// wait is BackoffDelay with a per-thread random number. Cancel() wakes every waiting thread and
// makes later waits return at once; clients check cancelled() before each attempt.
class RetryWaiter {
 public:
  explicit RetryWaiter(RetryPolicy policy) : policy_(WithTestBackoff(policy)) {}
  // Whether attempt number `attempt` (1-based) may be followed by another.
  bool AnotherAttempt(int attempt) const { return attempt < policy_.max_attempts; }
  // Sleeps before retry number `retry` (the attempt that just failed), unless cancelled.
  void WaitBeforeRetry(int retry);
  void Cancel();
  bool cancelled() const { return cancelled_.load(); }
  // The flag itself, for transfer callbacks that abort a transfer in flight.
  const std::atomic<bool>& cancel_flag() const { return cancelled_; }

 private:
  RetryPolicy policy_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> cancelled_{false};
};

struct CurlEasyDeleter {
  void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;

// A curl_slist of request headers, freed with the object.
class CurlHeaderList {
 public:
  bool Append(const std::string& line);
  curl_slist* get() const { return list_.get(); }

 private:
  struct Deleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
  };
  std::unique_ptr<curl_slist, Deleter> list_;
};

// The headers of a signed request as curl sends them: `headers` (Host, x-amz-*, ...), then
// Authorization when `authorization` is not empty (anonymous requests have none), then an empty
// Expect (no 100-continue round trip). False when curl cannot allocate the list.
bool AppendRequestHeaders(const std::vector<sigv4::Header>& headers,
                          const std::string& authorization, CurlHeaderList& out);

// Idle easy handles, each keeping its live connections. Acquire gives an idle one (reset to
// defaults, connections kept) or a new one (null when curl cannot make one); Release returns a
// handle whose transfer succeeded. A handle whose transfer failed may hold a broken connection:
// let it go out of scope instead.
class CurlPool {
 public:
  CurlPool();  // runs curl_global_init once per process
  CurlEasy Acquire();
  void Release(CurlEasy handle);

 private:
  std::mutex mu_;
  std::vector<CurlEasy> idle_;
};

struct TransferLimits {
  std::chrono::milliseconds connect_timeout{5000};
  // A transfer that receives nothing for this long fails (and is retried).
  std::chrono::seconds stall_timeout{30};
};

// What every sparkify request sets: HTTP/1.1, no signals, the user agent, the limits, TCP
// keep-alive.
void ApplyCommonOptions(CURL* handle, const TransferLimits& limits);

// Transport failures another attempt may cure: resolution, connection, timeouts, cut transfers.
bool RetryableCurlCode(CURLcode code);

}  // namespace sparkify

// S3Client: the Amazon S3 calls sparkify needs (ListObjectsV2, GetObject, PutObject,
// CreateBucket) over libcurl, signed with SigV4 (or anonymous).
//
// Addressing: virtual-hosted (https://bucket.s3.<region>.amazonaws.com/key) on AWS, path-style
// for bucket names with dots and for any custom endpoint (http://127.0.0.1:5000/bucket/key).
//
// Failures: 5xx, 429, SlowDown/InternalError/RequestTimeout, timeouts, refused or dropped
// connections, truncated bodies and listing pages cut short (no </ListBucketResult>) are retried
// with exponential backoff and full jitter, up to RetryPolicy::max_attempts in all. Other answers
// (403, 404, 301, ...) are not retried: they return one line naming the object (s3://bucket/key),
// the bucket, key and region, S3's error code and a hint. No message contains the secret key or the
// session token.
//
// The work is split: s3_request.h makes one exchange (addressing, signing, the curl transfer),
// s3_answer.h says what an error answer means, http_transport.h's RetryWaiter keeps the
// schedule; this class makes the calls and retries them. It owns its settings and handle pool.
//
// Thread safety: every method may be called from several threads at once. Each call borrows a
// curl easy handle from a pool, so connections are kept alive and reused between calls; the
// number of connections open at once is the number of concurrent calls.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aws/http_transport.h"
#include "s3/aws_settings.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"
#include "source/source.h"
#include "sparkify/status.h"

namespace sparkify {

struct S3ClientOptions {
  AwsSettings settings;
  RetryPolicy retry;
  std::chrono::milliseconds connect_timeout{5000};
  // A transfer that receives nothing for this long fails (and is retried).
  std::chrono::seconds stall_timeout{30};
  int max_keys = 1000;  // ListObjectsV2 page size (S3's maximum); tests make it small
  // The signing clock; the system clock when empty.
  std::function<std::chrono::system_clock::time_point()> clock;
};

struct S3Stats {
  int64_t requests = 0;  // HTTP attempts, retries included
  int64_t retries = 0;
  int64_t bytes_received = 0;  // object bytes
};

class S3Client {
 public:
  explicit S3Client(S3ClientOptions options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // One ListObjectsV2 page; `continuation_token` empty for the first.
  Result<ListPage> ListObjectsPage(const std::string& bucket, const std::string& prefix,
                                   const std::string& continuation_token);
  // Every page; `on_page` (optional) is called after each page with the objects so far.
  Result<std::vector<ObjectInfo>> ListObjects(
      const std::string& bucket, const std::string& prefix,
      const std::function<void(const std::vector<ObjectInfo>&)>& on_page = {});
  // The object's bytes into `out` (followed by zeroed padding); `etag` gets its ETag.
  Status GetObject(const std::string& bucket, const std::string& key, PaddedBuffer& out,
                   std::string* etag = nullptr);
  Status PutObject(const std::string& bucket, const std::string& key, std::string_view body,
                   const std::string& content_type = "application/octet-stream");
  Status CreateBucket(const std::string& bucket);

  // Makes calls in flight (and later ones) fail promptly; for shutting down.
  void Cancel();
  S3Stats stats() const;
  const std::string& region() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// "s3://bucket/prefix" -> bucket and prefix (the prefix may be empty).
Status ParseS3Uri(const std::string& uri, std::string& bucket, std::string& prefix);

}  // namespace sparkify

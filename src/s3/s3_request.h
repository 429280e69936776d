// One HTTP exchange with S3: where a request goes (RequestTarget: virtual-hosted or path-style),
// its SigV4 signature (none when anonymous), and the transfer over a pooled libcurl handle, with
// the object's bytes streamed into the caller's buffer and the status, ETag and bucket region
// read from the answer. Retrying, and turning an answer into a Status, are the client's
// (s3_client.h, s3_answer.h).
//
// S3Transport borrows the settings it is made with (they must outlive it) and owns its handle
// pool. Thread safety: Perform may be called from several threads at once; each call borrows its
// own handle. An S3Call and its S3Response belong to the one thread performing them.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/http_transport.h"
#include "s3/aws_settings.h"
#include "s3/sigv4.h"
#include "source/source.h"

namespace sparkify {

// Where a request for `key` of `bucket` (empty key: the bucket) goes: path-style on a custom
// endpoint and for bucket names that cannot be one DNS label, virtual-hosted otherwise.
struct RequestTarget {
  std::string authority;  // the Host header
  std::string raw_path;   // unencoded, as signed (encoded by sigv4::CanonicalUri on the wire)
  std::string Url(const std::string& scheme) const;
};
RequestTarget TargetOf(const AwsSettings& settings, const std::string& bucket,
                       const std::string& key);

struct S3Call {
  std::string method;
  std::string bucket;
  std::string key;  // empty for bucket-level calls
  std::vector<sigv4::QueryParam> query;
  std::string_view body;
  std::string payload_hash = std::string(sigv4::kEmptyPayloadHash);
  std::string content_type;
  PaddedBuffer* sink = nullptr;   // GetObject: the object's bytes go here
  std::string what;               // the subject of messages: s3://bucket/key
  const char* key_label = "key";  // how messages name `subject_key`
  std::string subject_key;        // the key (or listing prefix) messages name
  // Optional: why a 2xx body is incomplete ("" when whole); an incomplete body is retried.
  std::function<std::string(const std::string& body)> incomplete;
};

struct S3Response {
  long status = 0;
  std::string body;  // list XML, or an error body (capped)
  std::string etag;
  std::string bucket_region;
};

using SigningClock = std::function<std::chrono::system_clock::time_point()>;

class S3Transport {
 public:
  S3Transport(const AwsSettings& settings, TransferLimits limits, SigningClock clock);

  // One attempt of `call`; CURLE_ABORTED_BY_CALLBACK once `cancelled` is set. The sink, when
  // there is one, holds the object followed by zeroed padding after a successful transfer.
  CURLcode Perform(const S3Call& call, S3Response& response, const std::atomic<bool>& cancelled);
  // Object bytes received by every call so far.
  int64_t bytes_received() const { return bytes_received_.load(); }

 private:
  const AwsSettings& settings_;
  TransferLimits limits_;
  SigningClock clock_;
  std::atomic<int64_t> bytes_received_{0};
  CurlPool pool_;
};

}  // namespace sparkify

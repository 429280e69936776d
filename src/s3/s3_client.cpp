#include "s3/s3_client.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>

namespace sparkify {
namespace {

constexpr size_t kMaxErrorBody = 64 * 1024;

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// Bucket names that can be a DNS label of a virtual host (no dots: TLS wildcards cover one label).
bool VirtualHostable(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  return std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

bool RetryableHttp(long status, const std::string& code) {
  if (status >= 500 || status == 429) return true;
  return code == "SlowDown" || code == "InternalError" || code == "RequestTimeout" ||
         code == "ServiceUnavailable" || code == "Throttling" || code == "ThrottlingException";
}

struct Call {
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

struct Response {
  long status = 0;
  std::string body;  // list XML, or an error body (capped)
  std::string etag;
  std::string bucket_region;
};

struct Transfer {
  const Call* call;
  Response* response;
  size_t upload_pos = 0;
  const std::atomic<bool>* cancelled;
  std::atomic<int64_t>* bytes_received;
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {  // a new response (after 100 Continue, for instance)
    const size_t sp = line.find(' ');
    t->response->status = sp == std::string_view::npos ? 0 : std::atol(line.data() + sp + 1);
    t->response->etag.clear();
    t->response->bucket_region.clear();
    t->response->body.clear();
    if (t->call->sink) t->call->sink->Clear();
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  const std::string name = LowerCopy(TrimView(line.substr(0, colon)));
  const std::string_view value = TrimView(line.substr(colon + 1));
  if (name == "etag") {
    t->response->etag = std::string(value);
    if (t->response->etag.size() >= 2 && t->response->etag.front() == '"') {
      t->response->etag = t->response->etag.substr(1, t->response->etag.size() - 2);
    }
  } else if (name == "x-amz-bucket-region") {
    t->response->bucket_region = std::string(value);
  } else if (name == "content-length" && t->call->sink && t->response->status / 100 == 2) {
    const unsigned long long length = std::strtoull(std::string(value).c_str(), nullptr, 10);
    if (length > 0 && length < (1ull << 40)) t->call->sink->Reserve(static_cast<size_t>(length));
  }
  return n;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = size * count;
  const bool success = t->response->status / 100 == 2;
  if (success && t->call->sink) {
    t->call->sink->Append(data, n);
    t->bytes_received->fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
  } else if (success) {
    t->response->body.append(data, n);
  } else if (t->response->body.size() < kMaxErrorBody) {
    t->response->body.append(data, std::min(n, kMaxErrorBody - t->response->body.size()));
  }
  return n;
}

size_t OnUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view body = t->call->body;
  const size_t n = std::min(size * count, body.size() - t->upload_pos);
  std::memcpy(buffer, body.data() + t->upload_pos, n);
  t->upload_pos += n;
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->cancelled->load(std::memory_order_relaxed) ? 1 : 0;
}

}  // namespace

class S3Client::Impl {
 public:
  explicit Impl(S3ClientOptions options) : options_(std::move(options)) {
    if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
    options_.retry = WithTestBackoff(options_.retry);
  }

  Result<Response> Execute(const Call& call) {
    std::string last_failure;
    for (int attempt = 1;; ++attempt) {
      if (cancelled_.load()) return Status::IoError(call.what + ": cancelled");
      Response response;
      requests_.fetch_add(1, std::memory_order_relaxed);
      const CURLcode code = PerformOnce(call, response);
      bool retryable = false;
      const bool transport_failure = code != CURLE_OK;
      bool cut_short = false;
      if (code != CURLE_OK) {
        if (code == CURLE_ABORTED_BY_CALLBACK) return Status::IoError(call.what + ": cancelled");
        retryable = RetryableCurlCode(code);
        last_failure = curl_easy_strerror(code);
      } else if (response.status / 100 == 2) {
        const std::string why = call.incomplete ? call.incomplete(response.body) : "";
        if (why.empty()) return response;
        retryable = cut_short = true;
        last_failure = why;
      } else {
        const S3Error error = ParseS3Error(response.body);
        retryable = RetryableHttp(response.status, error.code);
        if (!retryable) return Fail(call, response, error);
        last_failure =
            fmt::format("HTTP {}{}{}", response.status, error.code.empty() ? "" : " ", error.code);
      }
      if (!retryable || attempt >= options_.retry.max_attempts) {
        const std::string hint =
            transport_failure ? "check the network and the endpoint (" + EndpointUrl(call) + ")"
            : cut_short ? "the answers kept arriving cut short; check any proxy between here and " +
                              EndpointUrl(call)
                        : "S3 kept answering with server errors or throttling; try again later";
        return Status::IoError(
            Redact(fmt::format("{}: {} failed after {} attempt{}: {} ({}, region {}). Hint: {}",
                               call.what, call.method, attempt, attempt == 1 ? "" : "s",
                               last_failure, Subject(call), options_.settings.region, hint),
                   options_.settings.credentials));
      }
      retries_.fetch_add(1, std::memory_order_relaxed);
      Sleep(BackoffDelay(options_.retry, attempt, NextRandom()));
    }
  }

  void Cancel() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_.store(true);
    }
    wake_.notify_all();
  }

  S3ClientOptions options_;
  std::atomic<int64_t> requests_{0}, retries_{0}, bytes_received_{0};

 private:
  CURLcode PerformOnce(const Call& call, Response& response) {
    const RequestTarget target = TargetOf(options_.settings, call.bucket, call.key);
    sigv4::Request request;
    request.method = call.method;
    request.path = target.raw_path;
    request.query = call.query;
    request.headers.push_back({"Host", target.authority});
    if (!call.content_type.empty()) request.headers.push_back({"Content-Type", call.content_type});
    request.payload_hash = call.payload_hash;
    std::string authorization;
    if (!options_.settings.anonymous) {
      sigv4::SignOptions sign;
      sign.region = options_.settings.region;
      authorization =
          sigv4::SignRequest(request, options_.settings.credentials, sign, options_.clock())
              .authorization;
    }
    CurlHeaderList headers;
    for (const sigv4::Header& h : request.headers) {
      if (!headers.Append(h.name + ": " + h.value)) return CURLE_OUT_OF_MEMORY;
    }
    if (!authorization.empty() && !headers.Append("Authorization: " + authorization)) {
      return CURLE_OUT_OF_MEMORY;
    }
    if (!headers.Append("Expect:")) return CURLE_OUT_OF_MEMORY;  // no 100-continue round trip

    std::string url = target.Url(options_.settings.endpoint.scheme);
    if (!call.query.empty()) url += "?" + sigv4::CanonicalQuery(call.query);

    CurlEasy handle = pool_.Acquire();
    if (!handle) return CURLE_FAILED_INIT;
    CURL* raw = handle.get();
    Transfer transfer{&call, &response, 0, &cancelled_, &bytes_received_};
    curl_easy_setopt(raw, CURLOPT_URL, url.c_str());
    curl_easy_setopt(raw, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(raw, CURLOPT_PATH_AS_IS, 1L);  // S3 keys may hold "/../" and "//"
    ApplyCommonOptions(raw, {options_.connect_timeout, options_.stall_timeout});
    curl_easy_setopt(raw, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(raw, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(raw, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(raw, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(raw, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(raw, CURLOPT_XFERINFOFUNCTION, OnProgress);
    curl_easy_setopt(raw, CURLOPT_XFERINFODATA, &transfer);
    if (call.method == "PUT") {
      curl_easy_setopt(raw, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(raw, CURLOPT_READFUNCTION, OnUpload);
      curl_easy_setopt(raw, CURLOPT_READDATA, &transfer);
      curl_easy_setopt(raw, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
    } else {
      curl_easy_setopt(raw, CURLOPT_HTTPGET, 1L);
    }
    if (call.sink) call.sink->Clear();
    const CURLcode code = curl_easy_perform(raw);
    if (code == CURLE_OK && call.sink) {
      PaddedBuffer& sink = *call.sink;
      sink.Reserve(sink.size());
      std::memset(sink.data() + sink.size(), 0, sink.capacity() - sink.size());
    }
    // A handle whose transfer failed may hold a broken connection: drop it.
    if (code == CURLE_OK) {
      pool_.Release(std::move(handle));
    }
    return code;
  }

  std::string EndpointUrl(const Call& call) const {
    return options_.settings.endpoint.scheme + "://" +
           TargetOf(options_.settings, call.bucket, call.key).authority;
  }

  std::string Subject(const Call& call) const {
    return fmt::format("bucket {}, {} {}", call.bucket, call.key_label,
                       call.subject_key.empty() ? "(none)" : call.subject_key);
  }

  Status Fail(const Call& call, const Response& response, const S3Error& error) const {
    const AwsSettings& s = options_.settings;
    const std::string creds = s.anonymous ? "no credentials (--no-sign-request)"
                                          : "the credentials from " + s.credential_source;
    const std::string& code = error.code;
    std::string hint;
    StatusCode status = StatusCode::kInvalidArgument;
    if (code == "NoSuchBucket") {
      hint = "check the bucket name, and the endpoint if one is set";
    } else if (code == "NoSuchKey") {
      hint = "check the key; the object may have been deleted after the listing";
    } else if (response.status == 404) {
      hint = "check the bucket name and the key";
    } else if (code == "InvalidAccessKeyId") {
      hint = "the access key id of " + creds + " is unknown to this endpoint";
    } else if (code == "SignatureDoesNotMatch") {
      hint = "the secret access key of " + creds + " does not match its access key id";
    } else if (code == "ExpiredToken" || code == "InvalidToken" || code == "TokenRefreshRequired") {
      hint = "the session token of " + creds + " has expired or is invalid; refresh them";
    } else if (code == "RequestTimeTooSkewed") {
      hint = "the system clock is off by more than 15 minutes";
    } else if (response.status == 403) {
      hint = s.anonymous ? "the bucket does not allow anonymous reads; drop --no-sign-request "
                           "and provide credentials"
                         : creds +
                               " may not read this bucket (s3:ListBucket, s3:GetObject); "
                               "for a public bucket, try --no-sign-request";
    } else if (!response.bucket_region.empty() || !error.region.empty() || response.status == 301 ||
               code == "AuthorizationHeaderMalformed") {
      const std::string region =
          !response.bucket_region.empty() ? response.bucket_region : error.region;
      hint = region.empty() ? "the bucket is in another region; set AWS_REGION"
                            : "the bucket is in region " + region + "; set AWS_REGION=" + region +
                                  " or --region " + region;
    } else {
      hint = "see the S3 error code";
      status = StatusCode::kIoError;
    }
    std::string what = fmt::format("HTTP {}", response.status);
    if (!code.empty()) what += " " + code;
    if (!error.message.empty()) what += ": " + error.message;
    return Status::Error(status, Redact(fmt::format("{}: {} ({}, region {}). Hint: {}", call.what,
                                                    what, Subject(call), s.region, hint),
                                        s.credentials));
  }

  void Sleep(std::chrono::milliseconds delay) {
    std::unique_lock<std::mutex> lock(mu_);
    wake_.wait_for(lock, delay, [&] { return cancelled_.load(); });
  }

  uint64_t NextRandom() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return engine();
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::atomic<bool> cancelled_{false};
  CurlPool pool_;
};

S3Client::S3Client(S3ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
S3Client::~S3Client() = default;

Result<ListPage> S3Client::ListObjectsPage(const std::string& bucket, const std::string& prefix,
                                           const std::string& continuation_token) {
  Call call;
  call.method = "GET";
  call.bucket = bucket;
  call.query = {{"list-type", "2"}, {"max-keys", std::to_string(impl_->options_.max_keys)}};
  if (!prefix.empty()) call.query.emplace_back("prefix", prefix);
  if (!continuation_token.empty())
    call.query.emplace_back("continuation-token", continuation_token);
  call.what = "s3://" + bucket + "/" + prefix;
  call.key_label = "prefix";
  call.subject_key = prefix;  // a bucket-level request: the prefix travels in the query
  call.incomplete = [](const std::string& body) {
    return ListObjectsV2Complete(body) ? std::string() : std::string(kListingCutShort);
  };
  auto response = impl_->Execute(call);
  if (!response.ok()) return response.status();
  auto page = ParseListObjectsV2(response->body);
  if (!page.ok()) return page.status().WithContext(call.what);
  return page;
}

Result<std::vector<ObjectInfo>> S3Client::ListObjects(
    const std::string& bucket, const std::string& prefix,
    const std::function<void(const std::vector<ObjectInfo>&)>& on_page) {
  std::vector<ObjectInfo> objects;
  std::string token;
  while (true) {
    auto page = ListObjectsPage(bucket, prefix, token);
    if (!page.ok()) return page.status();
    for (ObjectInfo& o : page->objects) objects.push_back(std::move(o));
    if (on_page) on_page(objects);
    if (!page->truncated) break;
    if (page->next_continuation_token == token) {
      return Status::IoError("s3://" + bucket + "/" + prefix +
                             ": the listing repeats its continuation token");
    }
    token = page->next_continuation_token;
  }
  return objects;
}

Status S3Client::GetObject(const std::string& bucket, const std::string& key, PaddedBuffer& out,
                           std::string* etag) {
  Call call;
  call.method = "GET";
  call.bucket = bucket;
  call.key = key;
  call.subject_key = key;
  call.sink = &out;
  call.what = "s3://" + bucket + "/" + key;
  auto response = impl_->Execute(call);
  if (!response.ok()) return response.status();
  if (etag) *etag = response->etag;
  return Status::Ok();
}

Status S3Client::PutObject(const std::string& bucket, const std::string& key, std::string_view body,
                           const std::string& content_type) {
  Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.key = key;
  call.subject_key = key;
  call.body = body;
  call.payload_hash = sigv4::Sha256Hex(body);
  call.content_type = content_type;
  call.what = "s3://" + bucket + "/" + key;
  auto response = impl_->Execute(call);
  return response.ok() ? Status::Ok() : response.status();
}

Status S3Client::CreateBucket(const std::string& bucket) {
  Call call;
  call.method = "PUT";
  call.bucket = bucket;
  call.what = "s3://" + bucket;
  std::string body;
  if (impl_->options_.settings.region != "us-east-1") {
    body =
        "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        "<LocationConstraint>" +
        impl_->options_.settings.region + "</LocationConstraint></CreateBucketConfiguration>";
    call.body = body;
    call.payload_hash = sigv4::Sha256Hex(body);
    call.content_type = "application/xml";
  }
  auto response = impl_->Execute(call);
  return response.ok() ? Status::Ok() : response.status();
}

void S3Client::Cancel() { impl_->Cancel(); }

S3Stats S3Client::stats() const {
  return {impl_->requests_.load(), impl_->retries_.load(), impl_->bytes_received_.load()};
}

const std::string& S3Client::region() const { return impl_->options_.settings.region; }

RequestTarget TargetOf(const AwsSettings& settings, const std::string& bucket,
                       const std::string& key) {
  const Endpoint& endpoint = settings.endpoint;
  const std::string key_path = key.empty() ? "" : "/" + key;
  if (!endpoint.authority.empty()) {
    return {endpoint.authority, endpoint.base_path + "/" + bucket + key_path};
  }
  const std::string regional = "s3." + settings.region + ".amazonaws.com";
  if (VirtualHostable(bucket)) return {bucket + "." + regional, key_path.empty() ? "/" : key_path};
  return {regional, "/" + bucket + key_path};
}

std::string RequestTarget::Url(const std::string& scheme) const {
  return scheme + "://" + authority + sigv4::CanonicalUri(raw_path);
}

Status ParseS3Uri(const std::string& uri, std::string& bucket, std::string& prefix) {
  if (uri.rfind("s3://", 0) != 0) {
    return Status::InvalidArgument(uri + ": not an s3:// URI (expected s3://bucket/prefix)");
  }
  const std::string rest = uri.substr(5);
  const size_t slash = rest.find('/');
  bucket = rest.substr(0, slash);
  prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (bucket.empty()) {
    return Status::InvalidArgument(uri + ": no bucket name (expected s3://bucket/prefix)");
  }
  return Status::Ok();
}

}  // namespace sparkify

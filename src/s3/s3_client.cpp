#include "s3/s3_client.h"

#include <fmt/format.h>

#include <atomic>

#include "s3/s3_answer.h"

namespace sparkify {

class S3Client::Impl {
 public:
  explicit Impl(S3ClientOptions options)
      : options_(std::move(options)),
        waiter_(options_.retry),
        transport_(
            options_.settings, {options_.connect_timeout, options_.stall_timeout},
            options_.clock ? options_.clock : [] { return std::chrono::system_clock::now(); }) {}

  // `call` until it succeeds, its answer is final, or the attempts run out (s3_client.h).
  Result<S3Response> Execute(const S3Call& call) {
    std::string last_failure;
    for (int attempt = 1;; ++attempt) {
      if (waiter_.cancelled()) return Status::IoError(call.what + ": cancelled");
      S3Response response;
      requests_.fetch_add(1, std::memory_order_relaxed);
      const CURLcode code = transport_.Perform(call, response, waiter_.cancel_flag());
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
        retryable = RetryableS3Answer(response.status, error.code);
        if (!retryable) return S3AnswerStatus(options_.settings, call, response, error);
        last_failure =
            fmt::format("HTTP {}{}{}", response.status, error.code.empty() ? "" : " ", error.code);
      }
      if (!retryable || !waiter_.AnotherAttempt(attempt)) {
        const std::string hint =
            transport_failure ? "check the network and the endpoint (" +
                                    S3EndpointUrl(options_.settings, call) + ")"
            : cut_short ? "the answers kept arriving cut short; check any proxy between here and " +
                              S3EndpointUrl(options_.settings, call)
                        : "S3 kept answering with server errors or throttling; try again later";
        return Status::IoError(
            Redact(fmt::format("{}: {} failed after {} attempt{}: {} ({}, region {}). Hint: {}",
                               call.what, call.method, attempt, attempt == 1 ? "" : "s",
                               last_failure, S3CallSubject(call), options_.settings.region, hint),
                   options_.settings.credentials));
      }
      retries_.fetch_add(1, std::memory_order_relaxed);
      waiter_.WaitBeforeRetry(attempt);
    }
  }

  S3ClientOptions options_;
  RetryWaiter waiter_;
  S3Transport transport_;
  std::atomic<int64_t> requests_{0}, retries_{0};
};

S3Client::S3Client(S3ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
S3Client::~S3Client() = default;

Result<ListPage> S3Client::ListObjectsPage(const std::string& bucket, const std::string& prefix,
                                           const std::string& continuation_token) {
  S3Call call;
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
  S3Call call;
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
  S3Call call;
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
  S3Call call;
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

void S3Client::Cancel() { impl_->waiter_.Cancel(); }

S3Stats S3Client::stats() const {
  return {impl_->requests_.load(), impl_->retries_.load(), impl_->transport_.bytes_received()};
}

const std::string& S3Client::region() const { return impl_->options_.settings.region; }

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

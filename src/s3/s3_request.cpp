#include "s3/s3_request.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

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

struct Transfer {
  const S3Call* call;
  S3Response* response;
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

S3Transport::S3Transport(const AwsSettings& settings, TransferLimits limits, SigningClock clock)
    : settings_(settings), limits_(limits), clock_(std::move(clock)) {}

CURLcode S3Transport::Perform(const S3Call& call, S3Response& response,
                              const std::atomic<bool>& cancelled) {
  const RequestTarget target = TargetOf(settings_, call.bucket, call.key);
  sigv4::Request request;
  request.method = call.method;
  request.path = target.raw_path;
  request.query = call.query;
  request.headers.push_back({"Host", target.authority});
  if (!call.content_type.empty()) request.headers.push_back({"Content-Type", call.content_type});
  request.payload_hash = call.payload_hash;
  std::string authorization;
  if (!settings_.anonymous) {
    sigv4::SignOptions sign;
    sign.region = settings_.region;
    authorization =
        sigv4::SignRequest(request, settings_.credentials, sign, clock_()).authorization;
  }
  CurlHeaderList headers;
  if (!AppendRequestHeaders(request.headers, authorization, headers)) return CURLE_OUT_OF_MEMORY;

  std::string url = target.Url(settings_.endpoint.scheme);
  if (!call.query.empty()) url += "?" + sigv4::CanonicalQuery(call.query);

  CurlEasy handle = pool_.Acquire();
  if (!handle) return CURLE_FAILED_INIT;
  CURL* raw = handle.get();
  Transfer transfer{&call, &response, 0, &cancelled, &bytes_received_};
  curl_easy_setopt(raw, CURLOPT_URL, url.c_str());
  curl_easy_setopt(raw, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(raw, CURLOPT_PATH_AS_IS, 1L);  // S3 keys may hold "/../" and "//"
  ApplyCommonOptions(raw, limits_);
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

}  // namespace sparkify

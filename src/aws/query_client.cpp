#include "aws/query_client.h"

#include <fmt/format.h>

#include <algorithm>

#include "s3/s3_xml.h"

namespace sparkify {
namespace {

constexpr size_t kMaxBody = 4 << 20;  // Query answers are small; a runaway body is cut here

bool RetryableAnswer(long status, const std::string& code) {
  if (status >= 500 || status == 429) return true;
  static const char* const kCodes[] = {"Throttling",           "ThrottlingException",
                                       "RequestLimitExceeded", "RequestThrottled",
                                       "ServiceUnavailable",   "InternalFailure"};
  return std::any_of(std::begin(kCodes), std::end(kCodes),
                     [&](const char* c) { return code == c; });
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (body->size() < kMaxBody) body->append(data, std::min(n, kMaxBody - body->size()));
  return n;
}

std::string EndpointUrl(const QueryService& service) {
  if (service.endpoint.authority.empty()) return "https://" + service.aws_host + "/";
  return service.endpoint.scheme + "://" + service.endpoint.authority + service.endpoint.base_path +
         "/";
}

// application/x-www-form-urlencoded as botocore writes it (Python's urlencode): RFC 3986
// percent-encoding, but a space is '+'. Servers that rebuild the body from the parsed form to
// check the signature (moto does) then hash the very bytes that were signed.
std::string FormEncode(const std::string& raw) {
  std::string out;
  for (char c : raw) {
    out += c == ' ' ? std::string("+") : sigv4::UriEncode(std::string_view(&c, 1), false);
  }
  return out;
}

}  // namespace

std::string QueryBody(const std::string& action, const std::string& version,
                      const std::vector<sigv4::QueryParam>& params) {
  std::string body = "Action=" + FormEncode(action) + "&Version=" + FormEncode(version);
  for (const auto& [name, value] : params) body += "&" + FormEncode(name) + "=" + FormEncode(value);
  return body;
}

class QueryClient::Impl {
 public:
  explicit Impl(QueryClientOptions options)
      : options_(std::move(options)), waiter_(options_.retry) {
    if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
  }

  Result<QueryReply> Send(const QueryService& service, const std::string& action,
                          const std::vector<sigv4::QueryParam>& params) {
    const std::string body = QueryBody(action, service.version, params);
    std::string last_failure;
    for (int attempt = 1;; ++attempt) {
      QueryReply reply;
      const CURLcode code = PerformOnce(service, body, reply);
      bool retryable = false;
      if (code != CURLE_OK) {
        retryable = RetryableCurlCode(code);
        last_failure = curl_easy_strerror(code);
      } else {
        if (reply.ok()) return reply;
        const S3Error error = ParseS3Error(reply.body);
        reply.error_code = error.code;
        reply.error_message = error.message;
        if (!RetryableAnswer(reply.http_status, error.code)) return reply;
        retryable = true;
        last_failure = fmt::format("HTTP {}{}{}", reply.http_status, error.code.empty() ? "" : " ",
                                   error.code);
      }
      if (!retryable || !waiter_.AnotherAttempt(attempt)) {
        return Status::IoError(
            Redact(fmt::format("{} {}: failed after {} attempt{}: {} (endpoint {}, region {})",
                               service.name, action, attempt, attempt == 1 ? "" : "s", last_failure,
                               EndpointUrl(service), service.region),
                   options_.credentials));
      }
      waiter_.WaitBeforeRetry(attempt);
    }
  }

  Status ErrorStatus(const QueryService& service, const std::string& action,
                     const std::string& what, const QueryReply& reply) const {
    std::string line = fmt::format("{} {} ({}): ", service.name, action, what);
    line += reply.error_code.empty() ? fmt::format("HTTP {}", reply.http_status) : reply.error_code;
    if (!reply.error_message.empty()) line += ": " + reply.error_message;
    const std::string& c = reply.error_code;
    StatusCode status = StatusCode::kIoError;
    if (c == "InvalidClientTokenId" || c == "SignatureDoesNotMatch" || c == "AuthFailure" ||
        c == "UnrecognizedClientException" || c == "ExpiredToken" || c == "InvalidAccessKeyId") {
      line += " (the credentials from " + options_.credential_source + " were refused)";
      status = StatusCode::kInvalidArgument;
    } else if (c == "AccessDenied" || c == "AccessDeniedException" ||
               c == "UnauthorizedOperation") {
      line += " (the credentials from " + options_.credential_source + " lack the permission)";
    }
    return Status::Error(status, Redact(line, options_.credentials));
  }

 private:
  CURLcode PerformOnce(const QueryService& service, const std::string& body, QueryReply& reply) {
    const bool custom = !service.endpoint.authority.empty();
    sigv4::Request request;
    request.method = "POST";
    request.path = (custom ? service.endpoint.base_path : std::string()) + "/";
    request.headers.push_back({"Host", custom ? service.endpoint.authority : service.aws_host});
    request.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
    request.payload_hash = sigv4::Sha256Hex(body);
    sigv4::SignOptions sign;
    sign.region = service.region;
    sign.service = service.name;
    sign.content_sha256_header = false;
    const std::string authorization =
        sigv4::SignRequest(request, options_.credentials, sign, options_.clock()).authorization;
    CurlHeaderList headers;
    if (!AppendRequestHeaders(request.headers, authorization, headers)) return CURLE_OUT_OF_MEMORY;
    CurlEasy handle = pool_.Acquire();
    if (!handle) return CURLE_FAILED_INIT;
    CURL* raw = handle.get();
    const std::string url = EndpointUrl(service);
    curl_easy_setopt(raw, CURLOPT_URL, url.c_str());
    curl_easy_setopt(raw, CURLOPT_HTTPHEADER, headers.get());
    ApplyCommonOptions(raw, options_.limits);
    curl_easy_setopt(raw, CURLOPT_POST, 1L);
    curl_easy_setopt(raw, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(raw, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(raw, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(raw, CURLOPT_WRITEDATA, &reply.body);
    const CURLcode code = curl_easy_perform(raw);
    if (code == CURLE_OK) {
      curl_easy_getinfo(raw, CURLINFO_RESPONSE_CODE, &reply.http_status);
      pool_.Release(std::move(handle));
    }
    return code;
  }

  QueryClientOptions options_;
  RetryWaiter waiter_;
  CurlPool pool_;
};

QueryClient::QueryClient(QueryClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
QueryClient::~QueryClient() = default;

Result<QueryReply> QueryClient::Send(const QueryService& service, const std::string& action,
                                     const std::vector<sigv4::QueryParam>& params) {
  return impl_->Send(service, action, params);
}

Result<std::string> QueryClient::Call(const QueryService& service, const std::string& action,
                                      const std::vector<sigv4::QueryParam>& params,
                                      const std::string& what) {
  auto reply = impl_->Send(service, action, params);
  if (!reply.ok()) return reply.status().WithContext(what);
  if (!reply->ok()) return impl_->ErrorStatus(service, action, what, *reply);
  return std::move(reply->body);
}

Status QueryClient::ErrorStatus(const QueryService& service, const std::string& action,
                                const std::string& what, const QueryReply& reply) const {
  return impl_->ErrorStatus(service, action, what, reply);
}

}  // namespace sparkify

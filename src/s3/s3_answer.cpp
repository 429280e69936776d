#include "s3/s3_answer.h"

#include <fmt/format.h>

namespace sparkify {

bool RetryableS3Answer(long status, const std::string& code) {
  if (status >= 500 || status == 429) return true;
  return code == "SlowDown" || code == "InternalError" || code == "RequestTimeout" ||
         code == "ServiceUnavailable" || code == "Throttling" || code == "ThrottlingException";
}

std::string S3CallSubject(const S3Call& call) {
  return fmt::format("bucket {}, {} {}", call.bucket, call.key_label,
                     call.subject_key.empty() ? "(none)" : call.subject_key);
}

std::string S3EndpointUrl(const AwsSettings& settings, const S3Call& call) {
  return settings.endpoint.scheme + "://" + TargetOf(settings, call.bucket, call.key).authority;
}

Status S3AnswerStatus(const AwsSettings& s, const S3Call& call, const S3Response& response,
                      const S3Error& error) {
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
                                                  what, S3CallSubject(call), s.region, hint),
                                      s.credentials));
}

}  // namespace sparkify

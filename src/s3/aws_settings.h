// AwsSettings: region, endpoint and credentials for S3 (and other AWS) requests, resolved once from
// S3Options, the environment and the shared credentials file (the precedence is in
// sparkify/s3_options.h).
//
// Resolution reads the environment only through the GetEnv it is given, so tests need not touch
// the process environment. The result holds secrets: it is never formatted into a message;
// `credential_source` says where the credentials came from, for messages.
#pragma once

#include <string>
#include <utility>

#include "s3/sigv4.h"
#include "sparkify/config.h"
#include "sparkify/s3_options.h"
#include "sparkify/status.h"

namespace sparkify {

struct Endpoint {
  std::string scheme;     // "https" or "http"
  std::string authority;  // host[:port], as sent in the Host header
  std::string base_path;  // "" or "/prefix" without a trailing '/'
  bool path_style = false;
};

struct AwsSettings {
  std::string region;
  Endpoint endpoint;               // empty authority: the AWS endpoint of `region`
  sigv4::Credentials credentials;  // empty when anonymous
  bool anonymous = false;          // --no-sign-request
  std::string credential_source;   // e.g. "environment", "profile default of ~/.aws/credentials"
};

Result<AwsSettings> ResolveAwsSettings(const S3Options& options, const GetEnv& env);

// The parts of ResolveAwsSettings, for clients of other AWS services (src/aws/query_client.h).
// The region: `explicit_region`, AWS_REGION, AWS_DEFAULT_REGION, then us-west-2.
std::string ResolveRegion(const std::string& explicit_region, const GetEnv& env);
// The endpoint of service `service_id` (as the SDKs spell it in variables: "S3", "IAM",
// "REDSHIFT", "EC2"): `explicit_url`, AWS_ENDPOINT_URL_<service_id>, AWS_ENDPOINT_URL; an empty
// authority (scheme https) when none is set, meaning the service's AWS endpoint.
Result<Endpoint> ResolveServiceEndpoint(const std::string& explicit_url, const GetEnv& env,
                                        const std::string& service_id);
// The credentials and where they came from ("environment (AWS_ACCESS_KEY_ID)"), looked up as
// S3Options says (no_sign_request is not looked at); none found is an error ending in `hint`.
Result<std::pair<sigv4::Credentials, std::string>> ResolveCredentials(const S3Options& options,
                                                                      const GetEnv& env,
                                                                      const std::string& hint);

// Parses "http://127.0.0.1:5000" or "https://minio.local/s3" (path-style endpoint).
Result<Endpoint> ParseEndpoint(const std::string& url);

// Reads `profile` from a shared credentials file (aws_access_key_id, aws_secret_access_key,
// aws_session_token). A missing file or profile gives empty credentials, not an error.
Result<sigv4::Credentials> ReadCredentialsFile(const std::string& path, const std::string& profile);

// Replaces every occurrence of the credentials' secret key and session token by "[redacted]".
std::string Redact(std::string text, const sigv4::Credentials& credentials);

}  // namespace sparkify

// AWS Signature Version 4 (header-based), as small pure functions with the clock passed in.
//
// The steps follow the AWS description and the classic SigV4 test suite: CanonicalRequest ->
// StringToSign -> DeriveSigningKey -> SignatureHex -> AuthorizationHeader. SignRequest runs
// them all for a request about to be sent, after adding the x-amz-* headers it needs.
//
// Paths are signed the way Amazon S3 wants them: encoded once, segment by segment ('/' kept),
// and never normalized ("a//b/../c" is signed as written, unlike the generic suite's
// normalize-path cases). Query names and values are RFC 3986 encoded and sorted after encoding.
// Header names are lowercased, values trimmed with inner runs of whitespace folded to one space,
// repeated headers joined with ',' in order of appearance, and every header given is signed.
//
// Every function is pure and thread-safe. Credentials are only read; nothing here logs or keeps
// them, and no result but DeriveSigningKey's (a secret too) depends on the secret key except
// through the HMAC.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sparkify::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // secret
  std::string session_token;      // secret; empty for long-term keys
};

struct Header {
  std::string name;
  std::string value;
};

// One query parameter, not yet encoded ("?lifecycle" is {"lifecycle", ""}).
using QueryParam = std::pair<std::string, std::string>;

// A request as it will be sent. `path` and `query` are raw (unencoded) bytes; `headers` must
// hold Host and X-Amz-Date.
struct Request {
  std::string method;
  std::string path = "/";
  std::vector<QueryParam> query;
  std::vector<Header> headers;
  // Lowercase hex SHA-256 of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_hash;
};

// The credential scope: date (YYYYMMDD), region and service, as in
// "20150830/us-east-1/service/aws4_request".
struct Scope {
  std::string date;
  std::string region;
  std::string service;
  std::string ToString() const;
};

using SigningKey = std::array<uint8_t, 32>;  // secret

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Percent-encodes every byte but A-Z a-z 0-9 - . _ ~ (and '/' when `keep_slash`), with
// uppercase hex.
std::string UriEncode(std::string_view raw, bool keep_slash);
// The canonical URI of an S3 path: encoded once, '/' kept, no normalization.
std::string CanonicalUri(std::string_view raw_path);
// "a=1&b=" from raw parameters: each name and value encoded, then sorted by name, then value.
std::string CanonicalQuery(const std::vector<QueryParam>& query);

struct CanonicalHeaders {
  std::string block;           // "host:example.com\nx-amz-date:...\n" (each line ends in '\n')
  std::string signed_headers;  // "host;x-amz-date"
};
CanonicalHeaders Canonicalize(const std::vector<Header>& headers);

// The six lines joined by '\n': method, URI, query, headers (ending in an empty line), signed
// header names, payload hash. `signed_headers` receives the fifth line when not null.
std::string CanonicalRequest(const Request& request, std::string* signed_headers = nullptr);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of canonical request>".
std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request);

// HMAC("AWS4" + secret, date) -> region -> service -> "aws4_request".
SigningKey DeriveSigningKey(std::string_view secret_access_key, const Scope& scope);

// Lowercase hex HMAC-SHA256 of the string to sign.
std::string SignatureHex(const SigningKey& key, std::string_view string_to_sign);

// "AWS4-HMAC-SHA256 Credential=<id>/<scope>, SignedHeaders=<names>, Signature=<hex>".
std::string AuthorizationHeader(std::string_view access_key_id, const Scope& scope,
                                std::string_view signed_headers, std::string_view signature);

// "20150830T123600Z" for a UTC time.
std::string AmzDate(std::chrono::system_clock::time_point time);

std::string Sha256Hex(std::string_view data);
std::string HexEncode(const uint8_t* bytes, size_t n);

// Everything SignRequest computed, for tests and debugging (no secret in it).
struct Signed {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
  std::string authorization;  // the value of the Authorization header
};

struct SignOptions {
  std::string region;
  std::string service = "s3";
  // Adds x-amz-content-sha256 with the request's payload hash (Amazon S3 requires it).
  bool content_sha256_header = true;
};

// Sets X-Amz-Date from `now`, X-Amz-Security-Token when the credentials carry a session token
// (signed, as the SDKs do) and, per `options`, X-Amz-Content-Sha256, replacing headers of the
// same names; then signs. The caller sends `request.headers` plus "Authorization: <value>".
Signed SignRequest(Request& request, const Credentials& credentials, const SignOptions& options,
                   std::chrono::system_clock::time_point now);

// Sets header `name` to `value`, replacing every header of that name (case-insensitive).
void SetHeader(std::vector<Header>& headers, std::string_view name, std::string value);

}  // namespace sparkify::sigv4

#include "s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>

namespace sparkify::sigv4 {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims the value and folds every inner run of whitespace into one space.
std::string TrimAll(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  bool pending_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string LowerCopy(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), Lower);
  return out;
}

void Hmac(const void* key, size_t key_len, std::string_view data, uint8_t out[32]) {
  unsigned int len = 32;
  HMAC(EVP_sha256(), key, static_cast<int>(key_len),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
}

}  // namespace

std::string Scope::ToString() const {
  return date + "/" + region + "/" + service + "/aws4_request";
}

std::string HexEncode(const uint8_t* bytes, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[bytes[i] >> 4];
    out[2 * i + 1] = kHex[bytes[i] & 0xF];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return HexEncode(digest, len);
}

std::string UriEncode(std::string_view raw, bool keep_slash) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size() + raw.size() / 4);
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string CanonicalUri(std::string_view raw_path) {
  if (raw_path.empty()) return "/";
  return UriEncode(raw_path, /*keep_slash=*/true);
}

std::string CanonicalQuery(const std::vector<QueryParam>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

CanonicalHeaders Canonicalize(const std::vector<Header>& headers) {
  // Stable sort by lowercase name keeps repeated headers in order of appearance.
  std::vector<std::pair<std::string, std::string>> lowered;
  lowered.reserve(headers.size());
  for (const Header& h : headers)
    lowered.emplace_back(LowerCopy(TrimAll(h.name)), TrimAll(h.value));
  std::stable_sort(lowered.begin(), lowered.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (size_t i = 0; i < lowered.size(); ++i) {
    const bool continues = i > 0 && lowered[i].first == lowered[i - 1].first;
    if (continues) {
      out.block.back() = ',';  // replaces the previous line's '\n'
    } else {
      if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
      out.signed_headers += lowered[i].first;
      out.block += lowered[i].first;
      out.block.push_back(':');
    }
    out.block += lowered[i].second;
    out.block.push_back('\n');
  }
  return out;
}

std::string CanonicalRequest(const Request& request, std::string* signed_headers) {
  const CanonicalHeaders headers = Canonicalize(request.headers);
  std::string out;
  out.reserve(256 + headers.block.size());
  out += request.method;
  out.push_back('\n');
  out += CanonicalUri(request.path);
  out.push_back('\n');
  out += CanonicalQuery(request.query);
  out.push_back('\n');
  out += headers.block;
  out.push_back('\n');
  out += headers.signed_headers;
  out.push_back('\n');
  out += request.payload_hash;
  if (signed_headers) *signed_headers = headers.signed_headers;
  return out;
}

std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.push_back('\n');
  out += amz_date;
  out.push_back('\n');
  out += scope.ToString();
  out.push_back('\n');
  out += Sha256Hex(canonical_request);
  return out;
}

SigningKey DeriveSigningKey(std::string_view secret_access_key, const Scope& scope) {
  std::string seed = "AWS4";
  seed += secret_access_key;
  uint8_t k_date[32], k_region[32], k_service[32];
  SigningKey k_signing{};
  Hmac(seed.data(), seed.size(), scope.date, k_date);
  Hmac(k_date, 32, scope.region, k_region);
  Hmac(k_region, 32, scope.service, k_service);
  Hmac(k_service, 32, "aws4_request", k_signing.data());
  std::fill(seed.begin(), seed.end(), '\0');
  return k_signing;
}

std::string SignatureHex(const SigningKey& key, std::string_view string_to_sign) {
  uint8_t mac[32];
  Hmac(key.data(), key.size(), string_to_sign, mac);
  return HexEncode(mac, sizeof mac);
}

std::string AuthorizationHeader(std::string_view access_key_id, const Scope& scope,
                                std::string_view signed_headers, std::string_view signature) {
  std::string out(kAlgorithm);
  out += " Credential=";
  out += access_key_id;
  out.push_back('/');
  out += scope.ToString();
  out += ", SignedHeaders=";
  out += signed_headers;
  out += ", Signature=";
  out += signature;
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

void SetHeader(std::vector<Header>& headers, std::string_view name, std::string value) {
  const std::string lowered = LowerCopy(name);
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const Header& h) { return LowerCopy(h.name) == lowered; }),
                headers.end());
  headers.push_back({std::string(name), std::move(value)});
}

Signed SignRequest(Request& request, const Credentials& credentials, const SignOptions& options,
                   std::chrono::system_clock::time_point now) {
  const std::string amz_date = AmzDate(now);
  SetHeader(request.headers, "X-Amz-Date", amz_date);
  if (!credentials.session_token.empty()) {
    SetHeader(request.headers, "X-Amz-Security-Token", credentials.session_token);
  }
  if (options.content_sha256_header) {
    SetHeader(request.headers, "X-Amz-Content-Sha256", request.payload_hash);
  }
  const Scope scope{amz_date.substr(0, 8), options.region, options.service};
  Signed out;
  std::string signed_headers;
  out.canonical_request = CanonicalRequest(request, &signed_headers);
  out.string_to_sign = StringToSign(amz_date, scope, out.canonical_request);
  out.signature =
      SignatureHex(DeriveSigningKey(credentials.secret_access_key, scope), out.string_to_sign);
  out.authorization =
      AuthorizationHeader(credentials.access_key_id, scope, signed_headers, out.signature);
  return out;
}

}  // namespace sparkify::sigv4

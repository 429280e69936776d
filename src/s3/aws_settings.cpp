#include "s3/aws_settings.h"

#include <ini.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "base/numbers.h"

namespace sparkify {
namespace {

constexpr const char* kDefaultRegion = "us-west-2";  // the original course bucket's region

// The inih build we link reads lines of at most 200 bytes, and session tokens are longer. Long
// "name = value" lines are handed to inih with the value replaced by a short placeholder
// ("\x01" and an index into `long_values`); the handler puts the value back.
constexpr size_t kLongLine = 150;
constexpr char kPlaceholder = '\x01';

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct CredentialsParse {
  std::string profile;
  std::vector<std::string> long_values;
  sigv4::Credentials credentials;
};

int OnCredentialsValue(void* user, const char* section, const char* name, const char* value) {
  auto* state = static_cast<CredentialsParse*>(user);
  if (state->profile != section) return 1;
  std::string v = value ? value : "";
  if (!v.empty() && v[0] == kPlaceholder) {
    const auto index = ParseNumber<size_t>(std::string_view(v).substr(1));
    if (index && *index < state->long_values.size()) v = state->long_values[*index];
  }
  const std::string key = Lower(name);
  if (key == "aws_access_key_id") state->credentials.access_key_id = v;
  if (key == "aws_secret_access_key") state->credentials.secret_access_key = v;
  if (key == "aws_session_token" || key == "aws_security_token") {
    state->credentials.session_token = v;
  }
  return 1;
}

}  // namespace

Result<sigv4::Credentials> ReadCredentialsFile(const std::string& path,
                                               const std::string& profile) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sigv4::Credentials{};
  CredentialsParse state;
  state.profile = profile;
  std::ostringstream text;
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find_first_of("=:");
    const std::string trimmed = Trim(line);
    const bool comment = !trimmed.empty() && (trimmed[0] == '#' || trimmed[0] == ';');
    if (line.size() > kLongLine && !comment && trimmed[0] != '[' && eq != std::string::npos) {
      std::string value = line.substr(eq + 1);
      // inih's inline comments: ';' after whitespace.
      for (size_t i = 1; i < value.size(); ++i) {
        if (value[i] == ';' && (value[i - 1] == ' ' || value[i - 1] == '\t')) {
          value.resize(i);
          break;
        }
      }
      text << line.substr(0, eq) << "= " << kPlaceholder << state.long_values.size() << '\n';
      state.long_values.push_back(Trim(value));
    } else if (line.size() > kLongLine && comment) {
      text << "#\n";
    } else {
      text << line << '\n';
    }
  }
  const int rc = ini_parse_string(text.str().c_str(), OnCredentialsValue, &state);
  if (rc != 0) {
    return Status::InvalidArgument(path + ":" + std::to_string(rc) +
                                   ": not a valid credentials file line (expected [profile] or "
                                   "name = value)");
  }
  return state.credentials;
}

Result<Endpoint> ParseEndpoint(const std::string& url) {
  Endpoint endpoint;
  const size_t sep = url.find("://");
  if (sep == std::string::npos) {
    return Status::InvalidArgument("endpoint URL '" + url +
                                   "': expected http://host[:port] or https://host[:port]");
  }
  endpoint.scheme = Lower(url.substr(0, sep));
  if (endpoint.scheme != "http" && endpoint.scheme != "https") {
    return Status::InvalidArgument("endpoint URL '" + url + "': the scheme must be http or https");
  }
  const std::string rest = url.substr(sep + 3);
  const size_t slash = rest.find('/');
  endpoint.authority = rest.substr(0, slash);
  if (endpoint.authority.empty()) {
    return Status::InvalidArgument("endpoint URL '" + url + "': no host");
  }
  if (slash != std::string::npos) {
    endpoint.base_path = rest.substr(slash);
    while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/') {
      endpoint.base_path.pop_back();
    }
  }
  endpoint.path_style = true;
  return endpoint;
}

std::string ResolveRegion(const std::string& explicit_region, const GetEnv& env) {
  if (!explicit_region.empty()) return explicit_region;
  for (const char* name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    if (auto v = env(name); v && !v->empty()) return *v;
  }
  return kDefaultRegion;
}

Result<Endpoint> ResolveServiceEndpoint(const std::string& explicit_url, const GetEnv& env,
                                        const std::string& service_id) {
  std::string url = explicit_url;
  for (const std::string& name :
       {"AWS_ENDPOINT_URL_" + service_id, std::string("AWS_ENDPOINT_URL")}) {
    if (!url.empty()) break;
    if (auto v = env(name)) url = *v;
  }
  if (url.empty()) {
    Endpoint aws;
    aws.scheme = "https";
    return aws;
  }
  return ParseEndpoint(url);
}

Result<AwsSettings> ResolveAwsSettings(const S3Options& options, const GetEnv& env) {
  AwsSettings settings;
  settings.region = ResolveRegion(options.region, env);
  auto endpoint = ResolveServiceEndpoint(options.endpoint_url, env, "S3");
  if (!endpoint.ok()) return endpoint.status();
  settings.endpoint = *endpoint;

  if (options.no_sign_request) {
    settings.anonymous = true;
    settings.credential_source = "none (--no-sign-request)";
    return settings;
  }
  auto credentials = ResolveCredentials(
      options, env, "set them, or pass --no-sign-request to read a public bucket anonymously");
  if (!credentials.ok()) return credentials.status();
  settings.credentials = credentials->first;
  settings.credential_source = credentials->second;
  return settings;
}

Result<std::pair<sigv4::Credentials, std::string>> ResolveCredentials(const S3Options& options,
                                                                      const GetEnv& env,
                                                                      const std::string& hint) {
  auto get = [&](const char* name) -> std::string {
    auto v = env(name);
    return v ? *v : std::string();
  };
  struct {
    sigv4::Credentials credentials;
    std::string credential_source;
  } settings;
  if (!options.access_key_id.empty()) {
    settings.credentials = {options.access_key_id, options.secret_access_key,
                            options.session_token};
    settings.credential_source = "configuration ([AWS] KEY and SECRET)";
  } else if (options.profile.empty() && !get("AWS_ACCESS_KEY_ID").empty()) {
    // An explicit profile (like the CLI's --profile) wins over the environment; AWS_PROFILE
    // does not.
    settings.credentials = {get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY"),
                            get("AWS_SESSION_TOKEN")};
    settings.credential_source = "environment (AWS_ACCESS_KEY_ID)";
  } else {
    std::string profile = options.profile;
    if (profile.empty()) profile = get("AWS_PROFILE");
    if (profile.empty()) profile = "default";
    std::string file = get("AWS_SHARED_CREDENTIALS_FILE");
    if (file.empty()) {
      const std::string home = get("HOME");
      file = (home.empty() ? std::string(".") : home) + "/.aws/credentials";
    }
    auto credentials = ReadCredentialsFile(file, profile);
    if (!credentials.ok()) return credentials.status();
    settings.credentials = *credentials;
    settings.credential_source = "profile '" + profile + "' of " + file;
  }
  if (settings.credentials.access_key_id.empty() ||
      settings.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument(
        "no AWS credentials found (looked in: [AWS] KEY/SECRET, AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, " +
        settings.credential_source + "); " + hint);
  }
  return std::make_pair(settings.credentials, settings.credential_source);
}

std::string Redact(std::string text, const sigv4::Credentials& credentials) {
  for (const std::string* secret : {&credentials.secret_access_key, &credentials.session_token}) {
    if (secret->size() < 4) continue;  // too short to search for without false hits
    for (size_t pos = 0; (pos = text.find(*secret, pos)) != std::string::npos;) {
      text.replace(pos, secret->size(), "[redacted]");
      pos += 10;
    }
  }
  return text;
}

}  // namespace sparkify

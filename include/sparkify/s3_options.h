// S3Options: how to reach Amazon S3 (or an S3-compatible server) for s3:// sources.
//
// Every field may stay at its default; empty ones are resolved as the AWS CLI resolves them:
//   region       AWS_REGION, AWS_DEFAULT_REGION, then us-west-2 (the course bucket's region)
//   endpoint_url AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, then https://s3.<region>.amazonaws.com;
//                a custom endpoint is addressed path-style (http://127.0.0.1:5000/bucket/key)
//   credentials  these fields when access_key_id is set; else AWS_ACCESS_KEY_ID,
//                AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; else the profile (`profile`,
//                AWS_PROFILE, "default") of the shared credentials file
//                (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials)
// With no_sign_request, requests are anonymous (public buckets) and no credentials are looked
// up. Secrets are never part of a message.
#pragma once

#include <cstdint>
#include <string>

namespace sparkify {

struct S3Options {
  std::string region;
  std::string endpoint_url;
  std::string profile;
  std::string access_key_id;
  std::string secret_access_key;  // secret
  std::string session_token;      // secret
  bool no_sign_request = false;
  int connections = 6;                     // parallel downloads per source, 1 to 16
  int prefetch_files = 32;                 // objects read ahead of the one being decoded
  uint64_t prefetch_bytes = 256ull << 20;  // ... and at most this many stored bytes
};

}  // namespace sparkify

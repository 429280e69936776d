// QueryClient: calls of the AWS Query protocol, which IAM, Redshift and EC2 speak: a form POST
// of Action=...&Version=...&<parameters> to the service's endpoint, signed with SigV4 for the
// service, answered with one XML document (an <ErrorResponse> or EC2's <Response><Errors> when
// it fails).
//
// Transport failures, HTTP 5xx and 429, and the throttling codes are retried on the AWS SDKs'
// standard schedule (RetryPolicy of src/aws/http_transport.h); any other error answer is final.
// Send gives an error answer back as a QueryReply, for callers to whom a code means something
// ("NoSuchEntity": the role is absent); Call turns it into a Status whose one line names the
// service, the action, the resource, AWS's code and message, and the credentials' source when
// they were refused. The secret key and session token never appear in a message.
//
// Thread safety: one QueryClient may be used from several threads at once (curl handles come
// from a pool, as in the S3 client).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aws/http_transport.h"
#include "s3/aws_settings.h"
#include "s3/sigv4.h"
#include "sparkify/status.h"

namespace sparkify {

struct QueryService {
  std::string name;     // the signing name: "iam", "redshift", "ec2"
  std::string version;  // the API version: "2010-05-08" for IAM
  std::string region;   // the signing region ("us-east-1" for IAM, which is global)
  // Where requests go; an empty authority means `aws_host` over https.
  Endpoint endpoint;
  std::string aws_host;  // e.g. "iam.amazonaws.com", "redshift.us-west-2.amazonaws.com"
};

struct QueryClientOptions {
  sigv4::Credentials credentials;  // secret; never formatted
  std::string credential_source;   // for messages: "environment (AWS_ACCESS_KEY_ID)"
  RetryPolicy retry;
  TransferLimits limits;
  // The signing clock; the system clock when empty.
  std::function<std::chrono::system_clock::time_point()> clock;
};

struct QueryReply {
  long http_status = 0;
  std::string body;           // the XML answer
  std::string error_code;     // AWS's code when the call failed ("" when the body has none)
  std::string error_message;  // AWS's sentence
  bool ok() const { return http_status / 100 == 2; }
};

class QueryClient {
 public:
  explicit QueryClient(QueryClientOptions options);
  ~QueryClient();
  QueryClient(const QueryClient&) = delete;
  QueryClient& operator=(const QueryClient&) = delete;

  // One action, retried as above. A Status only when no final answer came (the network, or
  // server errors until the last attempt); an AWS error answer is a reply that is not ok().
  Result<QueryReply> Send(const QueryService& service, const std::string& action,
                          const std::vector<sigv4::QueryParam>& params);
  // Send, with an error answer turned into a Status; `what` names the resource ("role dwhRole").
  Result<std::string> Call(const QueryService& service, const std::string& action,
                           const std::vector<sigv4::QueryParam>& params, const std::string& what);
  // The one-line Status of an error answer, as Call makes it.
  Status ErrorStatus(const QueryService& service, const std::string& action,
                     const std::string& what, const QueryReply& reply) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// "Action=CreateRole&Version=2010-05-08&RoleName=dwhRole": each name and value form-encoded as
// the AWS SDKs do (RFC 3986 percent-encoding, a space as '+'), in the order given (the body of a
// Query request).
std::string QueryBody(const std::string& action, const std::string& version,
                      const std::vector<sigv4::QueryParam>& params);

}  // namespace sparkify

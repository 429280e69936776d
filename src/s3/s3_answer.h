// What S3's answers mean to sparkify: which are worth another attempt (5xx, 429, SlowDown and the
// other throttling codes), and the one-line Status of an answer that is final: the object
// (s3://bucket/key), the bucket, key and region, S3's error code and message, and a hint that
// names what to change (bucket, key, credentials and their source, clock, region). Messages are
// passed through Redact: no secret key or session token appears in them.
//
// Pure functions; thread-safe.
#pragma once

#include <string>

#include "s3/aws_settings.h"
#include "s3/s3_request.h"
#include "s3/s3_xml.h"
#include "sparkify/status.h"

namespace sparkify {

// Whether an error answer (HTTP `status`, S3 error `code`) may succeed when sent again.
bool RetryableS3Answer(long status, const std::string& code);

// "bucket b, key k" (or "prefix p" for listings), as messages name a call's subject.
std::string S3CallSubject(const S3Call& call);

// scheme://authority of the call's target, for hints about the network.
std::string S3EndpointUrl(const AwsSettings& settings, const S3Call& call);

// The Status of a final error answer.
Status S3AnswerStatus(const AwsSettings& settings, const S3Call& call, const S3Response& response,
                      const S3Error& error);

}  // namespace sparkify

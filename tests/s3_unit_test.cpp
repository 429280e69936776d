// The S3 module's pure parts, no server: XML, settings and credentials resolution, URIs,
// backoff, redaction.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "s3/aws_settings.h"
#include "s3/s3_client.h"
#include "s3/s3_xml.h"
#include "test_support.h"

namespace sparkify {
namespace {

using testing::TempDir;
using testing::WriteFile;

GetEnv FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(S3Xml, DecodesEntitiesAndCharacterReferences) {
  EXPECT_EQ(XmlDecode("a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;"), "a&b <c> \"d\" 'e'");
  EXPECT_EQ(XmlDecode("&#65;&#x42;&#x1234;&#128512;"), "AB\xE1\x88\xB4\xF0\x9F\x98\x80");
  EXPECT_EQ(XmlDecode("&unknown; & alone &#xZZ;"), "&unknown; & alone &#xZZ;");
}

TEST(S3Xml, ParsesAListObjectsV2PageAsS3WritesIt) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name>"
      "<Prefix>log_data/</Prefix><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/"
      "wm36Hy4vbOwM=</NextContinuationToken><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>"
      "<IsTruncated>true</IsTruncated>"
      "<Contents><Key>log_data/a&amp;b.json</Key><LastModified>2024-01-02T03:04:05.000Z"
      "</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>1234</Size>"
      "<StorageClass>STANDARD</StorageClass></Contents>"
      "<Contents><Key>log_data/&lt;x&gt;.json.gz</Key><ETag>\"abc-2\"</ETag><Size>0</Size>"
      "<Owner><ID>o</ID></Owner></Contents></ListBucketResult>";
  auto page = ParseListObjectsV2(xml);
  ASSERT_TRUE(page.ok()) << page.status().message();
  EXPECT_TRUE(page->truncated);
  EXPECT_EQ(page->next_continuation_token, "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "log_data/a&b.json");
  EXPECT_EQ(page->objects[0].size, 1234u);
  EXPECT_EQ(page->objects[0].etag, "9b2cf535f27731c974343645a3985328");
  EXPECT_EQ(page->objects[0].last_modified, "2024-01-02T03:04:05.000Z");
  EXPECT_EQ(page->objects[1].key, "log_data/<x>.json.gz");
  EXPECT_EQ(page->objects[1].etag, "abc-2");
}

TEST(S3Xml, LastPageAndEmptyListing) {
  auto last = ParseListObjectsV2(
      "<ListBucketResult><Contents><Key>k</Key><Size>1</Size></Contents>"
      "<IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(last.ok());
  EXPECT_FALSE(last->truncated);
  auto empty = ParseListObjectsV2(
      "<ListBucketResult><Prefix/><KeyCount>0</KeyCount>"
      "<IsTruncated>false</IsTruncated></ListBucketResult>");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->objects.empty());
  EXPECT_FALSE(ParseListObjectsV2("<html>proxy error</html>").ok());
  EXPECT_FALSE(ParseListObjectsV2("<ListBucketResult><IsTruncated>true</IsTruncated>"
                                  "</ListBucketResult>")
                   .ok());  // truncated without a token would loop forever
}

TEST(S3Xml, APageCutAfterAnObjectIsIncompleteNotShorter) {
  const std::string whole =
      "<ListBucketResult><Contents><Key>a.json</Key><Size>1</Size></Contents>"
      "<Contents><Key>b.json</Key><Size>2</Size></Contents>"
      "<IsTruncated>false</IsTruncated></ListBucketResult>\n";
  EXPECT_TRUE(ListObjectsV2Complete(whole));
  ASSERT_TRUE(ParseListObjectsV2(whole).ok());
  const std::string cut = whole.substr(0, whole.find("</Contents>") + 11);
  EXPECT_FALSE(ListObjectsV2Complete(cut));
  auto page = ParseListObjectsV2(cut);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.status().message(), kListingCutShort);
  EXPECT_FALSE(ListObjectsV2Complete(whole.substr(0, whole.size() - 3)));  // "</ListBucketRes"
}

TEST(S3Xml, ParsesErrorBodies) {
  const S3Error e = ParseS3Error(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>PermanentRedirect</Code><Message>"
      "The bucket you are attempting to access must be addressed using the specified endpoint."
      "</Message><Endpoint>b.s3.eu-west-1.amazonaws.com</Endpoint><Region>eu-west-1</Region>"
      "</Error>");
  EXPECT_EQ(e.code, "PermanentRedirect");
  EXPECT_EQ(e.region, "eu-west-1");
  EXPECT_TRUE(ParseS3Error("").code.empty());
}

TEST(AwsSettings, DefaultsToUsWest2AndAwsEndpoints) {
  auto s = ResolveAwsSettings(
      S3Options{}, FakeEnv({{"AWS_ACCESS_KEY_ID", "AK"}, {"AWS_SECRET_ACCESS_KEY", "S"}}));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->region, "us-west-2");
  EXPECT_TRUE(s->endpoint.authority.empty());
  EXPECT_EQ(s->endpoint.scheme, "https");
  EXPECT_EQ(s->credentials.access_key_id, "AK");
  EXPECT_EQ(s->credential_source, "environment (AWS_ACCESS_KEY_ID)");
}

TEST(AwsSettings, RegionAndEndpointPrecedence) {
  std::map<std::string, std::string> env = {{"AWS_ACCESS_KEY_ID", "AK"},
                                            {"AWS_SECRET_ACCESS_KEY", "S"},
                                            {"AWS_DEFAULT_REGION", "eu-west-1"},
                                            {"AWS_ENDPOINT_URL", "http://127.0.0.1:9000"}};
  auto s = ResolveAwsSettings(S3Options{}, FakeEnv(env));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->region, "eu-west-1");
  EXPECT_EQ(s->endpoint.authority, "127.0.0.1:9000");
  EXPECT_TRUE(s->endpoint.path_style);
  env["AWS_REGION"] = "eu-central-1";
  env["AWS_ENDPOINT_URL_S3"] = "https://minio.local/s3/";
  s = ResolveAwsSettings(S3Options{}, FakeEnv(env));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->region, "eu-central-1");
  EXPECT_EQ(s->endpoint.scheme, "https");
  EXPECT_EQ(s->endpoint.authority, "minio.local");
  EXPECT_EQ(s->endpoint.base_path, "/s3");
  S3Options explicit_options;
  explicit_options.region = "ap-south-1";
  explicit_options.endpoint_url = "http://localhost:4566";
  s = ResolveAwsSettings(explicit_options, FakeEnv(env));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->region, "ap-south-1");
  EXPECT_EQ(s->endpoint.authority, "localhost:4566");
  explicit_options.endpoint_url = "ftp://x";
  EXPECT_FALSE(ResolveAwsSettings(explicit_options, FakeEnv(env)).ok());
}

TEST(AwsSettings, CredentialsChainExplicitThenEnvironmentThenProfile) {
  TempDir dir;
  const std::string long_token(900, 'T');  // real session tokens are far over inih's 200 bytes
  WriteFile(dir / "credentials",
            "# a comment\n[default]\naws_access_key_id = FILEDEFAULT\n"
            "aws_secret_access_key = filesecret ; inline comment\n\n"
            "[work]\r\naws_access_key_id=FILEWORK\r\naws_secret_access_key=worksecret\r\n"
            "aws_session_token = " +
                long_token + "\r\n");
  std::map<std::string, std::string> env = {
      {"AWS_SHARED_CREDENTIALS_FILE", (dir / "credentials").string()}};

  auto s = ResolveAwsSettings(S3Options{}, FakeEnv(env));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->credentials.access_key_id, "FILEDEFAULT");
  EXPECT_EQ(s->credentials.secret_access_key, "filesecret");
  EXPECT_EQ(s->credential_source, "profile 'default' of " + (dir / "credentials").string());

  env["AWS_PROFILE"] = "work";
  s = ResolveAwsSettings(S3Options{}, FakeEnv(env));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->credentials.access_key_id, "FILEWORK");
  EXPECT_EQ(s->credentials.secret_access_key, "worksecret");
  EXPECT_EQ(s->credentials.session_token, long_token);

  env["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  env["AWS_SESSION_TOKEN"] = "envtoken";
  s = ResolveAwsSettings(S3Options{}, FakeEnv(env));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->credentials.access_key_id, "ENVKEY");  // AWS_PROFILE does not beat the environment
  EXPECT_EQ(s->credentials.session_token, "envtoken");

  S3Options by_profile;
  by_profile.profile = "default";  // an explicit profile does
  s = ResolveAwsSettings(by_profile, FakeEnv(env));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->credentials.access_key_id, "FILEDEFAULT");

  S3Options explicit_keys;
  explicit_keys.access_key_id = "CFGKEY";
  explicit_keys.secret_access_key = "cfgsecret";
  s = ResolveAwsSettings(explicit_keys, FakeEnv(env));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->credentials.access_key_id, "CFGKEY");
  EXPECT_TRUE(s->credentials.session_token.empty());
}

TEST(AwsSettings, MissingCredentialsSayWhereTheyWereLookedFor) {
  TempDir dir;
  auto s = ResolveAwsSettings(S3Options{}, FakeEnv({{"HOME", dir.path().string()}}));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("no AWS credentials found"), std::string::npos);
  EXPECT_NE(s.status().message().find("--no-sign-request"), std::string::npos);
  S3Options anonymous;
  anonymous.no_sign_request = true;
  s = ResolveAwsSettings(anonymous, FakeEnv({{"HOME", dir.path().string()}}));
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->anonymous);
}

TEST(S3Uri, SplitsBucketAndPrefix) {
  std::string bucket, prefix;
  ASSERT_TRUE(ParseS3Uri("s3://udacity-dend/song_data", bucket, prefix).ok());
  EXPECT_EQ(bucket, "udacity-dend");
  EXPECT_EQ(prefix, "song_data");
  ASSERT_TRUE(ParseS3Uri("s3://b", bucket, prefix).ok());
  EXPECT_EQ(prefix, "");
  ASSERT_TRUE(ParseS3Uri("s3://b/a/b/", bucket, prefix).ok());
  EXPECT_EQ(prefix, "a/b/");
  EXPECT_FALSE(ParseS3Uri("s3:///x", bucket, prefix).ok());
  EXPECT_FALSE(ParseS3Uri("/local/path", bucket, prefix).ok());
}

TEST(S3Addressing, VirtualHostedOnAwsPathStyleForDotsAndCustomEndpoints) {
  AwsSettings aws;
  aws.region = "us-west-2";
  aws.endpoint.scheme = "https";
  RequestTarget t = TargetOf(aws, "udacity-dend", "song_data/A/a b+c.json");
  EXPECT_EQ(t.authority, "udacity-dend.s3.us-west-2.amazonaws.com");
  EXPECT_EQ(t.Url("https"),
            "https://udacity-dend.s3.us-west-2.amazonaws.com/song_data/A/a%20b%2Bc.json");
  EXPECT_EQ(TargetOf(aws, "udacity-dend", "").raw_path, "/");
  t = TargetOf(aws, "my.dotted.bucket", "k//x/../y");  // TLS wildcards cover one label
  EXPECT_EQ(t.authority, "s3.us-west-2.amazonaws.com");
  EXPECT_EQ(t.raw_path, "/my.dotted.bucket/k//x/../y");  // never normalized
  AwsSettings custom = aws;
  custom.endpoint = *ParseEndpoint("http://127.0.0.1:5000/base/");
  t = TargetOf(custom, "udacity-dend", "log_data/x.json");
  EXPECT_EQ(t.Url("http"), "http://127.0.0.1:5000/base/udacity-dend/log_data/x.json");
}

TEST(Backoff, FullJitterWithinTheCappedExponentialCeiling) {
  const RetryPolicy policy{5, std::chrono::milliseconds(100), std::chrono::milliseconds(1000)};
  const int64_t ceilings[] = {100, 200, 400, 800, 1000, 1000};
  for (int retry = 1; retry <= 6; ++retry) {
    int64_t max_seen = 0;
    for (uint64_t r = 0; r < 5000; r += 7) {
      const int64_t d = BackoffDelay(policy, retry, r * 2654435761u).count();
      EXPECT_GE(d, 0);
      EXPECT_LE(d, ceilings[retry - 1]);
      max_seen = std::max(max_seen, d);
    }
    EXPECT_GT(max_seen, ceilings[retry - 1] / 2) << "jitter should span the range";
  }
  EXPECT_EQ(BackoffDelay(policy, 1, 100).count(), 100);
  EXPECT_EQ(BackoffDelay(policy, 1, 101).count(), 0);
}

// The default schedule is the AWS SDKs' standard retry mode: the ceiling doubles from 1 s and
// is capped at 20 s; five attempts wait at most 1 + 2 + 4 + 8 = 15 s in all.
TEST(Backoff, TheDefaultPolicyIsTheAwsStandardSchedule) {
  const RetryPolicy policy;
  EXPECT_EQ(policy.max_attempts, 5);
  const int64_t ceilings[] = {1000, 2000, 4000, 8000, 16000, 20000, 20000};
  for (int retry = 1; retry <= 7; ++retry) {
    EXPECT_EQ(BackoffCeiling(policy, retry).count(), ceilings[retry - 1]) << retry;
    EXPECT_EQ(BackoffDelay(policy, retry, static_cast<uint64_t>(ceilings[retry - 1])).count(),
              ceilings[retry - 1]);
    EXPECT_EQ(BackoffDelay(policy, retry, static_cast<uint64_t>(ceilings[retry - 1]) + 1).count(),
              0);
  }
  EXPECT_EQ(BackoffCeiling(policy, 60).count(), 20000);  // no overflow far out
  EXPECT_EQ(MaxTotalBackoff(policy).count(), 15000);
  EXPECT_EQ(MaxTotalBackoff(RetryPolicy{1, policy.base_delay, policy.max_delay}).count(), 0);
  EXPECT_EQ(MaxTotalBackoff(RetryPolicy{8, policy.base_delay, policy.max_delay}).count(),
            1000 + 2000 + 4000 + 8000 + 16000 + 20000 + 20000);
}

TEST(Redact, RemovesSecretAndTokenWherever) {
  const sigv4::Credentials c{"AKID", "s3cr3t/KEY+x", "tok3n=="};
  EXPECT_EQ(Redact("a s3cr3t/KEY+x b tok3n== c s3cr3t/KEY+x AKID", c),
            "a [redacted] b [redacted] c [redacted] AKID");
}

}  // namespace
}  // namespace sparkify

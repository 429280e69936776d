// The S3 client and source against a real S3-compatible server (moto_server), and through a
// fault-injecting proxy: listing pages, byte-identical reads, ETags, error messages without
// secrets, signatures checked by moto's IAM mode, and end-to-end runs of the sparkify binary.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "base/progress.h"
#include "fault_proxy.h"
#include "moto_fixture.h"
#include "s3/s3_client.h"
#include "s3/s3_source.h"
#include "test_support.h"

namespace sparkify {
namespace {

namespace fs = std::filesystem;
using testing::FaultProxy;
using testing::MotoServer;
using testing::ReadFile;
using testing::TempDir;

constexpr const char* kBucket = "sparkify-test";
constexpr const char* kSecret = "TESTSECRETdoNotPrintMe/0123456789abcdefXYZ";
constexpr const char* kToken = "TESTTOKENdoNotPrintMeEither0123456789";
// The one sample object stored gzipped, as "<key>.gz".
constexpr const char* kGzippedKey = "log_data/2018/11/2018-11-05-events.json";

GetEnv FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::map<std::string, std::string> DummyEnv(const std::string& endpoint) {
  return {{"AWS_ENDPOINT_URL", endpoint},
          {"AWS_ACCESS_KEY_ID", "testing"},
          {"AWS_SECRET_ACCESS_KEY", kSecret},
          {"AWS_REGION", "us-west-2"},
          {"HOME", "/nonexistent"}};
}

std::unique_ptr<S3Client> MakeClient(const std::map<std::string, std::string>& env,
                                     int max_keys = 1000, RetryPolicy retry = {}) {
  auto settings = ResolveAwsSettings(S3Options{}, FakeEnv(env));
  EXPECT_TRUE(settings.ok()) << settings.status().message();
  S3ClientOptions options;
  options.settings = *settings;
  options.max_keys = max_keys;
  options.retry = retry;
  return std::make_unique<S3Client>(std::move(options));
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string Md5Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_md5(), nullptr);
  return sigv4::HexEncode(digest, len);
}

// Sample files by key ("song_data/A/A/A/TRAAAAW128F429D538.json"), sorted.
std::vector<std::string> SampleKeys(const std::string& folder) {
  std::vector<std::string> keys;
  const fs::path root = testing::SampleDir();
  for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
    if (entry.is_regular_file()) keys.push_back(fs::relative(entry.path(), root).string());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::string StoredKey(const std::string& key) { return key == kGzippedKey ? key + ".gz" : key; }

// Creates the bucket and uploads song_data and log_data with the client's PutObject (one object
// gzipped), four uploads at a time.
void UploadSample(S3Client& client) {
  ASSERT_TRUE(client.CreateBucket(kBucket).ok());
  std::vector<std::string> keys = SampleKeys("song_data");
  for (const std::string& k : SampleKeys("log_data")) keys.push_back(k);
  std::vector<Status> results(keys.size());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = static_cast<size_t>(t); i < keys.size(); i += 4) {
        std::string body = ReadFile(testing::SampleDir() / keys[i]);
        if (keys[i] == kGzippedKey) body = Gzip(body);
        results[i] = client.PutObject(kBucket, StoredKey(keys[i]), body);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(results[i].ok()) << results[i].message();
  }
}

void ExpectNoSecrets(const std::string& text) {
  EXPECT_EQ(text.find(kSecret), std::string::npos) << text;
  EXPECT_EQ(text.find(kToken), std::string::npos) << text;
}

// ---- sqlite helpers for the end-to-end runs

std::map<std::string, int64_t> Counts(const fs::path& db) {
  std::map<std::string, int64_t> counts;
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    return counts;
  }
  for (const char* table : {"staging_events", "staging_songs", "songplays", "users", "songs",
                            "artists", "time", "load_files"}) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(handle, (std::string("SELECT COUNT(*) FROM ") + table).c_str(), -1, &stmt,
                       nullptr);
    if (stmt && sqlite3_step(stmt) == SQLITE_ROW) counts[table] = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(handle);
  return counts;
}

// Every row of the star schema, as text, in a stable order: equal digests, equal warehouses.
std::string StarDigest(const fs::path& db) {
  sqlite3* handle = nullptr;
  std::string all;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    for (const char* table : {"songplays", "users", "songs", "artists", "time"}) {
      std::vector<std::string> rows;
      sqlite3_stmt* stmt = nullptr;
      sqlite3_prepare_v2(handle, (std::string("SELECT * FROM ") + table).c_str(), -1, &stmt,
                         nullptr);
      while (stmt && sqlite3_step(stmt) == SQLITE_ROW) {
        std::string row;
        for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
          const unsigned char* text = sqlite3_column_text(stmt, c);
          row += text ? reinterpret_cast<const char*>(text) : "NULL";
          row += '|';
        }
        rows.push_back(std::move(row));
      }
      sqlite3_finalize(stmt);
      std::sort(rows.begin(), rows.end());
      all += table;
      for (const std::string& r : rows) all += "\n" + r;
      all += "\n";
    }
  }
  sqlite3_close(handle);
  return sigv4::Sha256Hex(all) + " (" + std::to_string(all.size()) + " bytes)";
}

const std::map<std::string, int64_t> kExpectedCounts = {
    {"staging_events", 0},  // loaded directly
    {"staging_songs", 71}, {"songplays", 6820}, {"users", 97},      {"songs", 71},
    {"artists", 69},       {"time", 6813},      {"load_files", 101}};

// The environment of a sparkify run against `endpoint`, with dummy credentials.
std::string RunEnv(const std::string& endpoint, const fs::path& home,
                   const std::string& secret = kSecret) {
  return "env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL_S3 -u AWS_DEFAULT_REGION "
         "-u AWS_SHARED_CREDENTIALS_FILE AWS_ENDPOINT_URL=" +
         endpoint + " AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY='" +
         secret + "' HOME=" + home.string() + " SPARKIFY_TEST_S3_BACKOFF_MS=20";
}

std::string RunArgs(const fs::path& db) {
  return "run --database " + db.string() + " --song-data s3://" + kBucket +
         "/song_data --log-data s3://" + kBucket + "/log_data";
}

const std::string& LocalDigest() {
  static const std::string digest = [] {
    TempDir dir;
    const auto result =
        testing::RunSparkify("run --database " + (dir / "local.db").string() + " --song-data " +
                             (testing::SampleDir() / "song_data").string() + " --log-data " +
                             (testing::SampleDir() / "log_data").string());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return StarDigest(dir / "local.db");
  }();
  return digest;
}

// ---- tests

TEST(S3Moto, ListsEveryPageAndReadsObjectsByteIdentical) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  auto client = MakeClient(DummyEnv(moto->endpoint()), /*max_keys=*/7);
  ASSERT_NO_FATAL_FAILURE(UploadSample(*client));

  // Client level: 71 song objects in pages of 7.
  int pages = 0;
  auto objects =
      client->ListObjects(kBucket, "song_data/", [&](const std::vector<ObjectInfo>&) { ++pages; });
  ASSERT_TRUE(objects.ok()) << objects.status().message();
  EXPECT_EQ(pages, 11);
  const std::vector<std::string> song_keys = SampleKeys("song_data");
  ASSERT_EQ(objects->size(), song_keys.size());
  for (size_t i = 0; i < song_keys.size(); ++i) {
    const std::string local = ReadFile(testing::SampleDir() / song_keys[i]);
    EXPECT_EQ((*objects)[i].key, song_keys[i]);
    EXPECT_EQ((*objects)[i].size, local.size());
    EXPECT_EQ((*objects)[i].etag, Md5Hex(local));  // single-part uploads: ETag = MD5
    EXPECT_FALSE((*objects)[i].last_modified.empty());
  }

  // Source level, with progress: the listing is sorted, filtered, and every read (the gzipped
  // object gunzipped) equals the local file.
  TempDir home;
  S3SourceOptions options;
  options.max_keys = 4;
  options.s3.connections = 3;
  Progress progress(true);
  options.progress = &progress;
  ::testing::internal::CaptureStderr();
  auto source = MakeS3Source(std::string("s3://") + kBucket + "/log_data", options,
                             FakeEnv(DummyEnv(moto->endpoint())));
  ASSERT_TRUE(source.ok()) << source.status().message();
  auto files = (*source)->List();
  progress.Done();
  const std::string shown = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_NE(shown.find(std::string("listing s3://") + kBucket + "/log_data: 4 objects"),
            std::string::npos)
      << shown;
  const std::vector<std::string> log_keys = SampleKeys("log_data");
  ASSERT_EQ(files->size(), log_keys.size());
  PaddedBuffer buffer;
  for (size_t i = 0; i < log_keys.size(); ++i) {
    const SourceFile& f = (*files)[i];
    EXPECT_EQ(f.path, std::string("s3://") + kBucket + "/" + StoredKey(log_keys[i]));
    EXPECT_FALSE(f.etag.empty());
    ASSERT_TRUE((*source)->Read(f, buffer).ok()) << f.path;
    EXPECT_EQ(std::string(buffer.data(), buffer.size()),
              ReadFile(testing::SampleDir() / log_keys[i]))
        << f.path;
  }
}

TEST(S3Moto, KeysWithXmlAndUrlSpecialCharactersRoundTrip) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  auto client = MakeClient(DummyEnv(moto->endpoint()), /*max_keys=*/2);
  ASSERT_TRUE(client->CreateBucket(kBucket).ok());
  const std::vector<std::string> keys = {
      "odd/a&b <c> 'q' \"d\".json", "odd/sp ace+plus=eq%25;semi,comma.json",
      "odd/\xC3\xBC/\xE1\x88\xB4.json", "odd/tilde~star*paren().json"};
  for (const std::string& key : keys) {
    ASSERT_TRUE(client->PutObject(kBucket, key, "{\"key\":\"" + key + "\"}").ok()) << key;
  }
  auto objects = client->ListObjects(kBucket, "odd/");
  ASSERT_TRUE(objects.ok()) << objects.status().message();
  std::vector<std::string> listed;
  for (const ObjectInfo& o : *objects) listed.push_back(o.key);
  std::vector<std::string> expected = keys;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(listed, expected);
  for (const std::string& key : keys) {
    PaddedBuffer buffer;
    ASSERT_TRUE(client->GetObject(kBucket, key, buffer).ok()) << key;
    EXPECT_EQ(std::string(buffer.data(), buffer.size()), "{\"key\":\"" + key + "\"}");
  }
}

TEST(S3Moto, MissingBucketAndKeyGiveOneLineWithoutSecrets) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  auto env = DummyEnv(moto->endpoint());
  env["AWS_SESSION_TOKEN"] = kToken;
  auto client = MakeClient(env);
  ASSERT_TRUE(client->CreateBucket(kBucket).ok());

  PaddedBuffer buffer;
  const Status missing_key = client->GetObject(kBucket, "song_data/nope.json", buffer);
  ASSERT_FALSE(missing_key.ok());
  EXPECT_EQ(missing_key.code(), StatusCode::kInvalidArgument);
  const std::string& m = missing_key.message();
  EXPECT_NE(m.find("s3://sparkify-test/song_data/nope.json: HTTP 404 NoSuchKey"), std::string::npos)
      << m;
  EXPECT_NE(m.find("bucket sparkify-test, key song_data/nope.json, region us-west-2"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Hint: "), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  ExpectNoSecrets(m);

  auto listing = client->ListObjects("no-such-bucket", "song_data");
  ASSERT_FALSE(listing.ok());
  const std::string& l = listing.status().message();
  EXPECT_NE(l.find("HTTP 404 NoSuchBucket"), std::string::npos) << l;
  EXPECT_NE(l.find("bucket no-such-bucket, prefix song_data, region us-west-2"), std::string::npos)
      << l;
  EXPECT_NE(l.find("Hint: check the bucket name"), std::string::npos) << l;
  ExpectNoSecrets(l);
}

// moto checks SigV4 signatures (recomputed with botocore) only for IAM users it knows, once its
// authentication is switched on: the user is created through moto's IAM API first.
struct MotoIamUser {
  std::string access_key_id, secret_access_key;
};

MotoIamUser CreateIamUserAndEnableAuth(int port) {
  // moto routes unsigned-looking requests by the Authorization header's credential scope; it
  // checks nothing until authentication is switched on.
  const std::string iam_auth =
      "Authorization: AWS4-HMAC-SHA256 Credential=bootstrap/20240101/us-east-1/iam/aws4_request, "
      "SignedHeaders=host, Signature=0\r\n";
  auto iam = [&](const std::string& body) {
    const auto reply = testing::HttpRequest(port, testing::HttpPost("/", body, iam_auth));
    EXPECT_EQ(reply.status, 200) << body << "\n" << reply.body;
    return reply.body;
  };
  iam("Action=CreateUser&UserName=sparkify&Version=2010-05-08");
  const std::string key = iam("Action=CreateAccessKey&UserName=sparkify&Version=2010-05-08");
  // {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}
  iam("Action=PutUserPolicy&UserName=sparkify&PolicyName=s3&Version=2010-05-08&PolicyDocument="
      "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C"
      "%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D");
  const auto reset =
      testing::HttpRequest(port, testing::HttpPost("/moto-api/reset-auth", "0", "", "text/plain"));
  EXPECT_EQ(reset.status, 200) << reset.body;
  return {XmlElementText(key, "AccessKeyId"), XmlElementText(key, "SecretAccessKey")};
}

TEST(S3MotoAuth, SignaturesAreAcceptedAndAWrongSecretIsA403WithoutSecrets) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  const MotoIamUser user = CreateIamUserAndEnableAuth(moto->port());
  ASSERT_FALSE(user.access_key_id.empty());
  ASSERT_FALSE(user.secret_access_key.empty());

  // Right credentials: every call below is signature-checked by moto. moto rebuilds the URL it
  // checks from werkzeug's request.url, which decodes %2F in the query and leaves '+' raw in the
  // path, while S3 (and botocore when signing) encode them; so the keys and prefixes here avoid
  // those two characters. Everything else, spaces included, is checked.
  auto env = DummyEnv(moto->endpoint());
  env["AWS_ACCESS_KEY_ID"] = user.access_key_id;
  env["AWS_SECRET_ACCESS_KEY"] = user.secret_access_key;
  auto client = MakeClient(env, /*max_keys=*/1);
  ASSERT_TRUE(client->CreateBucket(kBucket).ok());
  for (const char* key :
       {"song_data/a.json", "song_data/b c.json", "songs-1.json", "songs-2.json"}) {
    const Status put = client->PutObject(kBucket, key, "{}");
    ASSERT_TRUE(put.ok()) << put.message();
  }
  // Two pages, so a continuation token is signed too.
  auto listed = client->ListObjects(kBucket, "songs-");
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(listed->size(), 2u);
  PaddedBuffer buffer;
  const Status get = client->GetObject(kBucket, "song_data/b c.json", buffer);
  ASSERT_TRUE(get.ok()) << get.message();

  // Wrong secret: 403 SignatureDoesNotMatch, not retried, secret not shown.
  env["AWS_SECRET_ACCESS_KEY"] = kSecret;
  auto wrong = MakeClient(env);
  const Status denied = wrong->GetObject(kBucket, "song_data/a.json", buffer);
  ASSERT_FALSE(denied.ok());
  const std::string& m = denied.message();
  EXPECT_NE(m.find("s3://sparkify-test/song_data/a.json: HTTP 403 SignatureDoesNotMatch"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("bucket sparkify-test, key song_data/a.json, region us-west-2"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Hint: the secret access key"), std::string::npos) << m;
  EXPECT_EQ(wrong->stats().requests, 1);
  ExpectNoSecrets(m);

  // A session token the key does not have: 400 InvalidToken (as S3 answers), token not shown.
  env["AWS_SECRET_ACCESS_KEY"] = user.secret_access_key;
  env["AWS_SESSION_TOKEN"] = kToken;
  auto with_token = MakeClient(env);
  const Status token_denied = with_token->GetObject(kBucket, "song_data/a.json", buffer);
  ASSERT_FALSE(token_denied.ok());
  EXPECT_NE(token_denied.message().find("InvalidToken"), std::string::npos)
      << token_denied.message();
  ExpectNoSecrets(token_denied.message());

  // The same through the binary: exit code 2, one line on stderr, no secret.
  TempDir dir;
  const auto run = testing::RunSparkify(
      RunArgs(dir / "w.db"), RunEnv(moto->endpoint(), dir.path()) + " AWS_SESSION_TOKEN=" + kToken);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("sparkify: error: s3://sparkify-test/song_data/: HTTP 403"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  ExpectNoSecrets(run.err + run.out);
}

TEST(S3Moto, EndToEndRunMatchesTheLocalSample) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  ASSERT_NO_FATAL_FAILURE(UploadSample(*MakeClient(DummyEnv(moto->endpoint()))));
  TempDir dir;
  const auto run =
      testing::RunSparkify(RunArgs(dir / "w.db"), RunEnv(moto->endpoint(), dir.path()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Counts(dir / "w.db"), kExpectedCounts);
  EXPECT_EQ(StarDigest(dir / "w.db"), LocalDigest());

  // A second run finds every object in the ledger (same key, size and ETag) and loads nothing.
  const auto again =
      testing::RunSparkify(RunArgs(dir / "w.db") + " --json", RunEnv(moto->endpoint(), dir.path()));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("71 unchanged skipped"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("30 unchanged skipped"), std::string::npos) << again.err;
  EXPECT_EQ(Counts(dir / "w.db"), kExpectedCounts);
}

// Each distinct request fails on its first attempt or two, in a way fixed by its request line:
// 503 SlowDown, a dropped connection, or 500 InternalError then a response cut in half.
FaultProxy::Fault FlakyPolicy(const std::string& line, int attempt) {
  using Fault = FaultProxy::Fault;
  if (line.rfind("GET ", 0) != 0) return Fault::kNone;
  switch (FaultProxy::StableHash(line) % 5) {
    case 0:
      return attempt == 1 ? Fault::kSlowDown503 : Fault::kNone;
    case 1:
      return attempt == 1 ? Fault::kDrop : Fault::kNone;
    case 2:
      return attempt == 1 ? Fault::kInternalError500
                          : (attempt == 2 ? Fault::kTruncate : Fault::kNone);
    default:
      return Fault::kNone;
  }
}

TEST(S3Faults, TransientFailuresAreRetriedIntoTheSameWarehouse) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  ASSERT_NO_FATAL_FAILURE(UploadSample(*MakeClient(DummyEnv(moto->endpoint()))));
  FaultProxy proxy(moto->port(), FlakyPolicy);
  ASSERT_GT(proxy.port(), 0);
  TempDir dir;
  const auto run =
      testing::RunSparkify(RunArgs(dir / "w.db"), RunEnv(proxy.endpoint(), dir.path()));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Counts(dir / "w.db"), kExpectedCounts);
  EXPECT_EQ(StarDigest(dir / "w.db"), LocalDigest());
  // 2 listings + 101 objects, of which about 3 in 5 fail once or twice.
  EXPECT_GT(proxy.faults(), 30);
  EXPECT_EQ(proxy.requests(), 103 + proxy.faults());
}

TEST(S3Faults, AFailingServiceEndsTheRunAfterBoundedAttempts) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  FaultProxy proxy(moto->port(),
                   [](const std::string&, int) { return FaultProxy::Fault::kSlowDown503; });
  TempDir dir;
  const auto run =
      testing::RunSparkify(RunArgs(dir / "w.db"), RunEnv(proxy.endpoint(), dir.path()));
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(proxy.requests(), 5);  // RetryPolicy::max_attempts, the first try included
  EXPECT_NE(run.err.find("s3://sparkify-test/song_data/: GET failed after 5 attempts: HTTP 503 "
                         "SlowDown (bucket sparkify-test, prefix song_data/, region us-west-2)"),
            std::string::npos)
      << run.err;
  ExpectNoSecrets(run.err);

  // Dropped connections, at the client level with a short policy.
  FaultProxy dropping(moto->port(),
                      [](const std::string&, int) { return FaultProxy::Fault::kDrop; });
  auto client =
      MakeClient(DummyEnv(dropping.endpoint()), 1000,
                 RetryPolicy{3, std::chrono::milliseconds(1), std::chrono::milliseconds(5)});
  PaddedBuffer buffer;
  const Status status = client->GetObject(kBucket, "song_data/x.json", buffer);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(dropping.requests(), 3);
  EXPECT_NE(status.message().find("failed after 3 attempts"), std::string::npos)
      << status.message();
}

TEST(S3Prefetch, ReadAheadIsBoundedAndSkippedFilesAreDropped) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  ASSERT_NO_FATAL_FAILURE(UploadSample(*MakeClient(DummyEnv(moto->endpoint()))));
  FaultProxy counter(moto->port(),
                     [](const std::string&, int) { return FaultProxy::Fault::kNone; });
  S3SourceOptions options;
  options.s3.connections = 2;
  options.s3.prefetch_files = 3;
  auto source = MakeS3Source(std::string("s3://") + kBucket + "/song_data", options,
                             FakeEnv(DummyEnv(counter.endpoint())));
  ASSERT_TRUE(source.ok()) << source.status().message();
  auto files = (*source)->List();
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 71u);
  // Waits until the proxy has seen `n` requests, then a little longer to catch any extra one.
  auto settle = [&](int n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (counter.requests() < n && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return counter.requests();
  };
  PaddedBuffer buffer;
  ASSERT_TRUE((*source)->Read((*files)[0], buffer).ok());
  EXPECT_EQ(settle(5), 1 + 1 + 3);  // the listing, the file read, three ahead

  // Skipping to file 40 (as when 1-39 are already loaded) drops the read-ahead of 1-3.
  ASSERT_TRUE((*source)->Read((*files)[40], buffer).ok());
  EXPECT_EQ(
      std::string(buffer.data(), buffer.size()),
      ReadFile(testing::SampleDir() / (*files)[40].path.substr(strlen("s3://sparkify-test/"))));
  EXPECT_EQ(settle(9), 5 + 1 + 3);
}

}  // namespace
}  // namespace sparkify

// `sparkify cluster` against a real moto_server (IAM, Redshift and EC2 on one port), run as a
// user runs it: the binary, a course-style dwh.cfg, credentials in the environment. What the
// program says is checked against what the server holds, read with the server's own API.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <regex>

#include "moto_fixture.h"
#include "s3/s3_xml.h"
#include "test_support.h"

namespace sparkify {
namespace {

using testing::MotoServer;

constexpr const char* kSecret = "cluster-test-secret-Zq8Kx2";  // must never be printed
constexpr const char* kPassword = "Passw0rdOfTheCourse";       // nor this

// The course's dwh.cfg as a student has it before the cluster exists: comments, a lower-case
// key, a quoted empty ARN, the [DWH] section of the provisioning notebook.
const char* kCourseConfig = R"(# dwh.cfg of the course
[CLUSTER]
host=
DB_NAME=
DB_USER=
DB_PASSWORD=
DB_PORT=

[IAM_ROLE]
; filled in by sparkify cluster create
ARN=''

[S3]
LOG_DATA='s3://udacity-dend/log_data'

[DWH]
DWH_CLUSTER_TYPE=multi-node
DWH_NUM_NODES=4
DWH_NODE_TYPE=dc2.large
DWH_IAM_ROLE_NAME=dwhRole
DWH_CLUSTER_IDENTIFIER=dwhcluster
DWH_DB=dwh
DWH_DB_USER=dwhuser
DWH_DB_PASSWORD=Passw0rdOfTheCourse
DWH_PORT=5439
)";

// One Query call to moto, outside sparkify: moto routes by the credential scope's service.
std::string Aws(const MotoServer& moto, const std::string& service, const std::string& body,
                int expected_status = 200) {
  const std::string region = service == "iam" ? "us-east-1" : "us-west-2";
  const std::string auth = "Authorization: AWS4-HMAC-SHA256 Credential=AKIDCHECK/20240101/" +
                           region + "/" + service +
                           "/aws4_request, SignedHeaders=host, Signature=0\r\n";
  const auto reply = testing::HttpRequest(moto.port(), testing::HttpPost("/", body, auth));
  EXPECT_EQ(reply.status, expected_status) << body << "\n" << reply.body;
  return reply.body;
}

// moto loads a service's backend on its first request, which on a busy machine can outlast the
// fixture's 10 s read timeout: one read-only call per service, repeated until it is answered.
void WarmUp(const MotoServer& moto) {
  for (const auto& [service, body] :
       {std::pair<std::string, std::string>{"iam", "Action=ListRoles&Version=2010-05-08"},
        {"redshift", "Action=DescribeClusters&Version=2012-12-01"},
        {"ec2", "Action=DescribeVpcs&Version=2016-11-15"}}) {
    const std::string region = service == "iam" ? "us-east-1" : "us-west-2";
    const std::string auth = "Authorization: AWS4-HMAC-SHA256 Credential=AKIDCHECK/20240101/" +
                             region + "/" + service +
                             "/aws4_request, SignedHeaders=host, Signature=0\r\n";
    for (int attempt = 0; attempt < 10; ++attempt) {
      if (testing::HttpRequest(moto.port(), testing::HttpPost("/", body, auth)).status != 0) break;
    }
  }
}

std::string Env(const MotoServer& moto, const std::string& key = "AKIDTEST",
                const std::string& secret = kSecret) {
  return "env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_REGION -u AWS_DEFAULT_REGION "
         "AWS_ACCESS_KEY_ID=" +
         key + " AWS_SECRET_ACCESS_KEY=" + secret + " AWS_ENDPOINT_URL=" + moto.endpoint();
}

void ExpectNoSecrets(const testing::CommandResult& r) {
  for (const std::string* text : {&r.out, &r.err}) {
    EXPECT_EQ(text->find(kSecret), std::string::npos) << *text;
    EXPECT_EQ(text->find(kPassword), std::string::npos) << *text;
  }
}

int FileMode(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}

TEST(ClusterMoto, CreateStatusIdempotentCreateDeleteStatus) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto, {"MOTO_IAM_LOAD_MANAGED_POLICIES=true"});
  WarmUp(*moto);
  testing::TempDir dir;
  const auto cfg = dir / "dwh.cfg";
  testing::WriteFile(cfg, kCourseConfig);
  ASSERT_EQ(::chmod(cfg.c_str(), 0644), 0);
  const std::string env = Env(*moto);
  const std::string config = " --config " + cfg.string();

  const auto create = testing::RunSparkify("cluster create" + config, env);
  ASSERT_EQ(create.exit_code, 0) << create.err;
  ExpectNoSecrets(create);
  EXPECT_NE(create.out.find("role dwhRole: created"), std::string::npos) << create.out;
  EXPECT_NE(create.out.find("role dwhRole: AmazonS3ReadOnlyAccess attached"), std::string::npos);
  EXPECT_NE(create.out.find("cluster dwhcluster: creating (multi-node, 4 x dc2.large"),
            std::string::npos);

  // What moto holds: the role Redshift may assume, with the policy; the cluster with the role.
  const std::string role = Aws(*moto, "iam", "Action=GetRole&RoleName=dwhRole&Version=2010-05-08");
  const std::string arn = XmlElementText(role, "Arn");
  EXPECT_EQ(arn, "arn:aws:iam::123456789012:role/dwhRole");
  EXPECT_NE(
      XmlDecode(XmlElementText(role, "AssumeRolePolicyDocument")).find("redshift.amazonaws.com"),
      std::string::npos)
      << role;
  const std::string policies =
      Aws(*moto, "iam", "Action=ListAttachedRolePolicies&RoleName=dwhRole&Version=2010-05-08");
  EXPECT_NE(policies.find("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), std::string::npos);
  const std::string clusters = Aws(*moto, "redshift", "Action=DescribeClusters&Version=2012-12-01");
  ASSERT_EQ(XmlElementContents(XmlElementContent(clusters, "Clusters"), "Cluster").size(), 1u);
  const std::string_view cluster = XmlElementContent(clusters, "Cluster");
  EXPECT_EQ(XmlElementText(cluster, "NodeType"), "dc2.large");
  EXPECT_EQ(XmlElementText(cluster, "NumberOfNodes"), "4");
  EXPECT_EQ(XmlElementText(cluster, "DBName"), "dwh");
  EXPECT_EQ(XmlElementText(cluster, "MasterUsername"), "dwhuser");
  EXPECT_EQ(XmlElementText(cluster, "IamRoleArn"), arn);
  const std::string host = XmlElementText(XmlElementContent(cluster, "Endpoint"), "Address");
  ASSERT_FALSE(host.empty()) << clusters;
  EXPECT_NE(create.out.find("available at " + host + ":5439"), std::string::npos) << create.out;

  // dwh.cfg: only the values changed, every comment and spelling kept, mode 0600.
  std::string expected = kCourseConfig;
  expected = std::regex_replace(expected, std::regex("\nhost=\n"), "\nhost=" + host + "\n");
  expected = std::regex_replace(expected, std::regex("\nDB_NAME=\n"), "\nDB_NAME=dwh\n");
  expected = std::regex_replace(expected, std::regex("\nDB_USER=\n"), "\nDB_USER=dwhuser\n");
  expected = std::regex_replace(expected, std::regex("\nDB_PASSWORD=\n"),
                                std::string("\nDB_PASSWORD=") + kPassword + "\n");
  expected = std::regex_replace(expected, std::regex("\nDB_PORT=\n"), "\nDB_PORT=5439\n");
  expected = std::regex_replace(expected, std::regex("\nARN=''\n"), "\nARN='" + arn + "'\n");
  EXPECT_EQ(testing::ReadFile(cfg), expected);
  EXPECT_EQ(FileMode(cfg), 0600);

  const auto status = testing::RunSparkify("cluster status" + config, env);
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out, "role dwhRole: present, " + arn +
                            ", policies AmazonS3ReadOnlyAccess\ncluster dwhcluster: available, "
                            "endpoint " +
                            host + ":5439, 4 x dc2.large, database dwh, user dwhuser, roles " +
                            arn + "\n");
  const auto json = testing::RunSparkify("cluster status --json" + config, env);
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(
      json.out.find(R"("cluster":{"identifier":"dwhcluster","exists":true,"status":"available")"),
      std::string::npos)
      << json.out;

  // Again: everything is reused, nothing is made twice, the file is as it was.
  const auto again = testing::RunSparkify("cluster create" + config, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("role dwhRole: exists, reused"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("AmazonS3ReadOnlyAccess already attached"), std::string::npos);
  EXPECT_NE(again.out.find("cluster dwhcluster: exists (available), reused"), std::string::npos);
  EXPECT_NE(again.out.find("already up to date"), std::string::npos);
  EXPECT_EQ(XmlElementContents(XmlElementContent(Aws(*moto, "redshift",
                                                     "Action=DescribeClusters&Version=2012-12-01"),
                                                 "Clusters"),
                               "Cluster")
                .size(),
            1u);
  EXPECT_EQ(testing::ReadFile(cfg), expected);

  // delete asks for --yes when nobody can be asked, and then deletes nothing.
  const auto refused = testing::RunSparkify("cluster delete" + config, env);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("sparkify: error: cluster delete: refusing without --yes"),
            std::string::npos)
      << refused.err;
  Aws(*moto, "redshift", "Action=DescribeClusters&ClusterIdentifier=dwhcluster&Version=2012-12-01");

  const auto deleted = testing::RunSparkify("cluster delete --yes" + config, env);
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  ExpectNoSecrets(deleted);
  EXPECT_EQ(deleted.out,
            "cluster dwhcluster: deleting (no final snapshot)\ncluster dwhcluster: deleted\n"
            "role dwhRole: AmazonS3ReadOnlyAccess detached\nrole dwhRole: deleted\n");
  EXPECT_NE(Aws(*moto, "redshift",
                "Action=DescribeClusters&ClusterIdentifier=dwhcluster&Version=2012-12-01", 404)
                .find("ClusterNotFound"),
            std::string::npos);
  EXPECT_NE(Aws(*moto, "iam", "Action=GetRole&RoleName=dwhRole&Version=2010-05-08", 404)
                .find("NoSuchEntity"),
            std::string::npos);

  const auto gone = testing::RunSparkify("cluster status" + config, env);
  ASSERT_EQ(gone.exit_code, 0) << gone.err;
  EXPECT_EQ(gone.out, "role dwhRole: absent\ncluster dwhcluster: absent\n");
  const auto gone_json = testing::RunSparkify("cluster status --json" + config, env);
  EXPECT_NE(gone_json.out.find(R"("role":{"name":"dwhRole","exists":false)"), std::string::npos)
      << gone_json.out;
  const auto twice = testing::RunSparkify("cluster delete -y" + config, env);
  ASSERT_EQ(twice.exit_code, 0) << twice.err;
  EXPECT_EQ(twice.out,
            "cluster dwhcluster: absent, nothing to delete\nrole dwhRole: absent, nothing to "
            "delete\n");
}

TEST(ClusterMoto, AnExistingClusterIsReusedTheFileCompletedAndThePortOpenedOnce) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto, {"MOTO_IAM_LOAD_MANAGED_POLICIES=true"});
  WarmUp(*moto);
  // A cluster made earlier by hand, without the role, with its own database and user.
  Aws(*moto, "redshift",
      "Action=CreateCluster&ClusterIdentifier=dwhcluster&ClusterType=single-node&NodeType="
      "dc2.large&DBName=handmade&MasterUsername=admin&MasterUserPassword=Other1234&Version="
      "2012-12-01");
  testing::TempDir dir;
  const auto cfg = dir / "dwh.cfg";
  const std::string dwh =
      "; only the provisioning section so far\n[DWH]\nDWH_CLUSTER_TYPE=single-node\n"
      "DWH_NUM_NODES=1\nDWH_NODE_TYPE=dc2.large\nDWH_IAM_ROLE_NAME=dwhRole\n"
      "DWH_CLUSTER_IDENTIFIER=dwhcluster\nDWH_DB=dwh\nDWH_DB_USER=dwhuser\n"
      "DWH_DB_PASSWORD=" +
      std::string(kPassword) + "\nDWH_PORT=5439\n";
  testing::WriteFile(cfg, dwh);
  const std::string args = "cluster create --open-port 203.0.113.7/32 --config " + cfg.string();

  const auto create = testing::RunSparkify(args, Env(*moto));
  ASSERT_EQ(create.exit_code, 0) << create.err;
  ExpectNoSecrets(create);
  EXPECT_NE(create.out.find("cluster dwhcluster: exists (available), reused"), std::string::npos)
      << create.out;
  EXPECT_NE(create.err.find("sparkify: warning: cluster dwhcluster does not have role "
                            "arn:aws:iam::123456789012:role/dwhRole attached"),
            std::string::npos)
      << create.err;
  EXPECT_NE(create.out.find("TCP 5439 from 203.0.113.7/32 allowed"), std::string::npos)
      << create.out;
  const std::string groups = Aws(*moto, "ec2", "Action=DescribeSecurityGroups&Version=2016-11-15");
  EXPECT_NE(groups.find("203.0.113.7/32"), std::string::npos) << groups;

  // The sections are added after [DWH]; the connection is the cluster's own (its database and
  // user), the password the file's.
  const std::string host = XmlElementText(
      XmlElementContent(Aws(*moto, "redshift", "Action=DescribeClusters&Version=2012-12-01"),
                        "Endpoint"),
      "Address");
  EXPECT_EQ(testing::ReadFile(cfg),
            dwh + "\n[CLUSTER]\nHOST=" + host +
                "\nDB_NAME=handmade\nDB_USER=admin\nDB_PASSWORD=" + kPassword +
                "\nDB_PORT=5439\n\n[IAM_ROLE]\nARN=arn:aws:iam::"
                "123456789012:role/dwhRole\n");
  EXPECT_EQ(FileMode(cfg), 0600);

  const auto again = testing::RunSparkify(args, Env(*moto));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("TCP 5439 from 203.0.113.7/32 already allowed"), std::string::npos)
      << again.out;
}

// A cluster that does not become available: create waits with a progress line per poll, stops at
// --timeout with one error line, and has written what it knew (the role's ARN) all the same.
TEST(ClusterMoto, WaitingEndsAtTheTimeoutWithProgressAndTheArnWritten) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto, {"MOTO_IAM_LOAD_MANAGED_POLICIES=true"});
  WarmUp(*moto);
  testing::TempDir dir;
  const auto cfg = dir / "dwh.cfg";
  testing::WriteFile(cfg, kCourseConfig);
  const std::string config = " --config " + cfg.string();
  ASSERT_EQ(testing::RunSparkify("cluster create --no-wait" + config, Env(*moto)).exit_code, 0);
  Aws(*moto, "redshift", "Action=PauseCluster&ClusterIdentifier=dwhcluster&Version=2012-12-01");
  testing::WriteFile(cfg, kCourseConfig);

  const auto paused = testing::RunSparkify("cluster create --timeout 1" + config, Env(*moto));
  EXPECT_EQ(paused.exit_code, 1);
  EXPECT_NE(paused.err.find("sparkify: cluster dwhcluster: paused, waiting until available (0s "
                            "of at most 1s)\n"),
            std::string::npos)
      << paused.err;
  EXPECT_NE(paused.err.find("sparkify: error: cluster dwhcluster: still 'paused' after 1s "
                            "(--timeout); run the command again to wait on\n"),
            std::string::npos)
      << paused.err;
  const std::string file = testing::ReadFile(cfg);
  EXPECT_NE(file.find("\nARN='arn:aws:iam::123456789012:role/dwhRole'\n"), std::string::npos)
      << file;
  EXPECT_NE(file.find("\nhost=\n"), std::string::npos) << file;  // no endpoint: not available

  const auto no_wait = testing::RunSparkify("cluster create --no-wait" + config, Env(*moto));
  EXPECT_EQ(no_wait.exit_code, 0) << no_wait.err;
  EXPECT_NE(no_wait.out.find("cluster dwhcluster: paused, not waiting (--no-wait)"),
            std::string::npos)
      << no_wait.out;
}

// moto checks signatures (with botocore) for the IAM users it knows once authentication is on.
TEST(ClusterMoto, SignedCallsAreAcceptedAndRefusedCredentialsAreOneLineWithoutSecrets) {
  std::unique_ptr<MotoServer> moto;
  SPARKIFY_START_MOTO(moto, {"MOTO_IAM_LOAD_MANAGED_POLICIES=true"});
  WarmUp(*moto);
  Aws(*moto, "iam", "Action=CreateUser&UserName=student&Version=2010-05-08");
  const std::string key =
      Aws(*moto, "iam", "Action=CreateAccessKey&UserName=student&Version=2010-05-08");
  // {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}
  Aws(*moto, "iam",
      "Action=PutUserPolicy&UserName=student&PolicyName=all&Version=2010-05-08&PolicyDocument="
      "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C"
      "%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D");
  const auto auth = testing::HttpRequest(
      moto->port(), testing::HttpPost("/moto-api/reset-auth", "0", "", "text/plain"));
  ASSERT_EQ(auth.status, 200) << auth.body;
  const std::string id = XmlElementText(key, "AccessKeyId");
  const std::string secret = XmlElementText(key, "SecretAccessKey");
  testing::TempDir dir;
  testing::WriteFile(dir / "dwh.cfg", kCourseConfig);
  const std::string config = " --config " + (dir / "dwh.cfg").string();

  const auto create = testing::RunSparkify("cluster create" + config, Env(*moto, id, secret));
  ASSERT_EQ(create.exit_code, 0) << create.err;
  EXPECT_NE(create.out.find("cluster dwhcluster: available at"), std::string::npos) << create.out;

  const auto wrong = testing::RunSparkify("cluster status" + config, Env(*moto, id, kSecret));
  EXPECT_EQ(wrong.exit_code, 2);
  ExpectNoSecrets(wrong);
  EXPECT_EQ(wrong.err.find('\n'), wrong.err.size() - 1) << wrong.err;
  EXPECT_EQ(
      wrong.err.rfind("sparkify: error: iam GetRole (role dwhRole): SignatureDoesNotMatch: ", 0),
      0u)
      << wrong.err;
  EXPECT_NE(wrong.err.find("the credentials from environment (AWS_ACCESS_KEY_ID) were refused"),
            std::string::npos);

  const auto unknown = testing::RunSparkify("cluster delete --yes" + config, Env(*moto));
  EXPECT_EQ(unknown.exit_code, 2);
  ExpectNoSecrets(unknown);
  EXPECT_EQ(
      unknown.err.rfind(
          "sparkify: error: redshift DescribeClusters (cluster dwhcluster): InvalidClientTokenId",
          0),
      0u)
      << unknown.err;
}

// The [DWH] section is checked before any call: the endpoint here is a closed port.
TEST(Cluster, DwhSectionErrorsNameTheFileAndKeyBeforeAnyAwsCall) {
  testing::TempDir dir;
  const auto cfg = dir / "dwh.cfg";
  const std::string env = "env -u AWS_PROFILE AWS_ACCESS_KEY_ID=AKIDTEST AWS_SECRET_ACCESS_KEY=" +
                          std::string(kSecret) + " AWS_ENDPOINT_URL=http://127.0.0.1:" +
                          std::to_string(testing::FreePort());
  const std::string config = " --config " + cfg.string();
  struct Case {
    std::string file, command, error;
  };
  const std::string dwh = kCourseConfig;
  const Case cases[] = {
      {"[CLUSTER]\nHOST=\n", "create",
       "dwh.cfg: no [DWH] section (sparkify cluster reads the course's [DWH] keys: "},
      {std::regex_replace(dwh, std::regex("DWH_NODE_TYPE=dc2.large\n"), ""), "create",
       "dwh.cfg: [DWH] DWH_NODE_TYPE is missing"},
      {std::regex_replace(dwh, std::regex("DWH_NUM_NODES=4"), "DWH_NUM_NODES=1"), "create",
       "dwh.cfg:18: [DWH] DWH_NUM_NODES: invalid value '1' (a multi-node cluster has 2 to 128 "
       "nodes)"},
      {std::regex_replace(dwh, std::regex("DWH_PORT=5439"), "DWH_PORT=port"), "create",
       "dwh.cfg:25: [DWH] DWH_PORT: invalid value 'port'"},
      {std::regex_replace(dwh, std::regex("DWH_IAM_ROLE_NAME=dwhRole"), "DWH_IAM_ROLE_NAME="),
       "status", "dwh.cfg: [DWH] DWH_IAM_ROLE_NAME is empty"},
  };
  for (const Case& c : cases) {
    testing::WriteFile(cfg, c.file);
    const auto r = testing::RunSparkify("cluster " + c.command + config, env);
    EXPECT_EQ(r.exit_code, 2) << c.error << "\n" << r.err;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    ExpectNoSecrets(r);
  }
  // No file at all.
  const auto missing =
      testing::RunSparkify("cluster status --config " + (dir / "none.cfg").string(), env);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("none.cfg: configuration file not found"), std::string::npos)
      << missing.err;
}

TEST(Cluster, HelpDocumentsTheCommandAndEachSubcommand) {
  const auto help = testing::RunSparkify("help cluster");
  ASSERT_EQ(help.exit_code, 0) << help.err;
  for (const char* word : {"DWH_CLUSTER_IDENTIFIER", "create", "status", "delete", "Credentials"}) {
    EXPECT_NE(help.out.find(word), std::string::npos) << word << "\n" << help.out;
  }
  const auto create = testing::RunSparkify("help cluster create");
  ASSERT_EQ(create.exit_code, 0) << create.err;
  for (const char* option :
       {"--open-port", "--no-wait", "--timeout", "--config", "--endpoint-url"}) {
    EXPECT_NE(create.out.find(option), std::string::npos) << option << "\n" << create.out;
  }
  EXPECT_NE(testing::RunSparkify("help cluster delete").out.find("--yes"), std::string::npos);
  const auto unknown = testing::RunSparkify("help cluster start");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err,
            "sparkify: error: help: unknown command 'cluster start'; see 'sparkify --help'\n");
}

}  // namespace
}  // namespace sparkify

// The AWS Query protocol's pure parts: the form body, and answers read as AWS writes them (the
// shapes of the API references' examples: nested <Endpoint><VpcEndpoints>, <PendingModifiedValues>
// after the cluster's own fields, EC2's <Response><Errors>).
#include <gtest/gtest.h>

#include "aws/query_client.h"
#include "cluster/cluster_api.h"
#include "s3/s3_xml.h"

namespace sparkify {
namespace {

TEST(QueryBody, FormEncodedInOrderAsTheSdksWriteIt) {
  EXPECT_EQ(QueryBody("CreateRole", "2010-05-08",
                      {{"RoleName", "dwhRole"},
                       {"AssumeRolePolicyDocument", R"({"a":"b/c"})"},
                       {"Description", "two words~"}}),
            "Action=CreateRole&Version=2010-05-08&RoleName=dwhRole&AssumeRolePolicyDocument="
            "%7B%22a%22%3A%22b%2Fc%22%7D&Description=two+words~");
  // A '+' in a value is data, so it is encoded.
  EXPECT_EQ(QueryBody("X", "1", {{"MasterUserPassword", "a+b c"}}),
            "Action=X&Version=1&MasterUserPassword=a%2Bb+c");
}

TEST(ParseCluster, ReadsTheClustersOwnFieldsNotThePendingOnes) {
  const char* xml =
      R"(<DescribeClustersResponse xmlns="http://redshift.amazonaws.com/doc/2012-12-01/">
  <DescribeClustersResult><Clusters><Cluster>
    <ClusterIdentifier>dwhcluster</ClusterIdentifier>
    <NodeType>dc2.large</NodeType>
    <ClusterStatus>available</ClusterStatus>
    <MasterUsername>dwhuser</MasterUsername>
    <DBName>dwh</DBName>
    <Endpoint>
      <Address>dwhcluster.c1.us-west-2.redshift.amazonaws.com</Address>
      <Port>5439</Port>
      <VpcEndpoints><VpcEndpoint><VpcEndpointId>vpce-1</VpcEndpointId></VpcEndpoint></VpcEndpoints>
    </Endpoint>
    <VpcSecurityGroups><VpcSecurityGroup><VpcSecurityGroupId>sg-0a1</VpcSecurityGroupId><Status>active</Status></VpcSecurityGroup></VpcSecurityGroups>
    <VpcId>vpc-9</VpcId>
    <PendingModifiedValues><NodeType>ra3.xlplus</NodeType><NumberOfNodes>2</NumberOfNodes></PendingModifiedValues>
    <NumberOfNodes>4</NumberOfNodes>
    <IamRoles>
      <ClusterIamRole><IamRoleArn>arn:aws:iam::1:role/dwhRole</IamRoleArn><ApplyStatus>in-sync</ApplyStatus></ClusterIamRole>
      <ClusterIamRole><IamRoleArn>arn:aws:iam::1:role/other</IamRoleArn><ApplyStatus>adding</ApplyStatus></ClusterIamRole>
    </IamRoles>
  </Cluster></Clusters></DescribeClustersResult>
</DescribeClustersResponse>)";
  const ClusterState c = ParseCluster(XmlElementContent(xml, "Cluster"));
  EXPECT_TRUE(c.exists);
  EXPECT_EQ(c.identifier, "dwhcluster");
  EXPECT_EQ(c.status, "available");
  EXPECT_EQ(c.address, "dwhcluster.c1.us-west-2.redshift.amazonaws.com");
  EXPECT_EQ(c.port, 5439);
  EXPECT_EQ(c.node_type, "dc2.large");
  // <PendingModifiedValues> comes first, as in AWS's answers: its values are not the cluster's.
  EXPECT_EQ(c.nodes, 4);
  EXPECT_EQ(c.db_name, "dwh");
  EXPECT_EQ(c.db_user, "dwhuser");
  EXPECT_EQ(c.iam_role_arns,
            (std::vector<std::string>{"arn:aws:iam::1:role/dwhRole", "arn:aws:iam::1:role/other"}));
  EXPECT_EQ(c.vpc_id, "vpc-9");
  EXPECT_EQ(c.vpc_security_group_ids, std::vector<std::string>{"sg-0a1"});
}

TEST(XmlChild, OnlyDirectChildrenAreFound) {
  const std::string_view xml =
      "<?xml version=\"1.0\"?><!-- c --><A><N>inner</N></A><Empty/><NX>no</NX><N a=\"1\">own &amp; "
      "only</N>";
  EXPECT_EQ(XmlChildText(xml, "N"), "own & only");
  EXPECT_EQ(XmlChildContent(xml, "A"), "<N>inner</N>");
  EXPECT_EQ(XmlChildContent(xml, "Empty"), "");
  EXPECT_EQ(XmlChildContent(xml, "Missing"), "");
  EXPECT_EQ(XmlChildContent("<A><B>x</B></A>", "B"), "");
  EXPECT_EQ(XmlChildContent("<N", "N"), "");  // cut short: nothing, no read past the end
}

TEST(QueryErrors, IamRedshiftAndEc2ErrorBodiesGiveTheirCode) {
  const S3Error iam = ParseS3Error(
      "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender"
      "</Type><Code>EntityAlreadyExists</Code><Message>Role with name dwhRole already exists."
      "</Message></Error><RequestId>r</RequestId></ErrorResponse>");
  EXPECT_EQ(iam.code, "EntityAlreadyExists");
  EXPECT_EQ(iam.message, "Role with name dwhRole already exists.");
  const S3Error ec2 = ParseS3Error(
      "<?xml version=\"1.0\"?><Response><Errors><Error><Code>InvalidPermission.Duplicate</Code>"
      "<Message>the rule &quot;tcp 5439&quot; exists</Message></Error></Errors><RequestID>r"
      "</RequestID></Response>");
  EXPECT_EQ(ec2.code, "InvalidPermission.Duplicate");
  EXPECT_EQ(ec2.message, "the rule \"tcp 5439\" exists");
}

}  // namespace
}  // namespace sparkify

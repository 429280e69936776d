#include "cluster/cluster_api.h"

#include "base/numbers.h"
#include "s3/aws_settings.h"
#include "s3/s3_xml.h"

namespace sparkify {
namespace {

// Redshift may assume the role (the trust policy of the course's notebook).
constexpr const char* kTrustPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":)"
    R"({"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]})";

std::vector<std::string> Texts(std::string_view xml, std::string_view list, std::string_view item,
                               std::string_view field) {
  std::vector<std::string> out;
  for (std::string_view member : XmlElementContents(XmlElementContent(xml, list), item)) {
    std::string value = XmlElementText(member, field);
    if (!value.empty()) out.push_back(std::move(value));
  }
  return out;
}

}  // namespace

Result<AwsServices> ResolveAwsServices(const S3Options& aws, const GetEnv& env) {
  AwsServices services;
  const std::string region = ResolveRegion(aws.region, env);
  struct Entry {
    QueryService* service;
    const char* name;
    const char* env_id;
    const char* version;
  };
  for (const Entry& e : {Entry{&services.iam, "iam", "IAM", "2010-05-08"},
                         Entry{&services.redshift, "redshift", "REDSHIFT", "2012-12-01"},
                         Entry{&services.ec2, "ec2", "EC2", "2016-11-15"}}) {
    auto endpoint = ResolveServiceEndpoint(aws.endpoint_url, env, e.env_id);
    if (!endpoint.ok()) return endpoint.status();
    e.service->name = e.name;
    e.service->version = e.version;
    e.service->endpoint = *endpoint;
    // IAM is global: one endpoint, signed for us-east-1.
    const bool global = e.service == &services.iam;
    e.service->region = global ? "us-east-1" : region;
    e.service->aws_host = global ? std::string("iam.amazonaws.com")
                                 : std::string(e.name) + "." + region + ".amazonaws.com";
  }
  return services;
}

Result<RoleState> ClusterApi::GetRole(const std::string& name) {
  RoleState role;
  role.name = name;
  auto reply = client_.Send(services_.iam, "GetRole", {{"RoleName", name}});
  if (!reply.ok()) return reply.status().WithContext("role " + name);
  if (!reply->ok()) {
    if (reply->error_code == "NoSuchEntity") return role;
    return client_.ErrorStatus(services_.iam, "GetRole", "role " + name, *reply);
  }
  role.exists = true;
  role.arn = XmlElementText(XmlElementContent(reply->body, "Role"), "Arn");
  // One page holds 100 policies; a role of ours has one.
  auto policies = client_.Call(services_.iam, "ListAttachedRolePolicies",
                               {{"RoleName", name}, {"MaxItems", "100"}}, "role " + name);
  if (!policies.ok()) return policies.status();
  role.policy_arns = Texts(*policies, "AttachedPolicies", "member", "PolicyArn");
  return role;
}

Result<std::string> ClusterApi::CreateRole(const std::string& name) {
  auto body =
      client_.Call(services_.iam, "CreateRole",
                   {{"RoleName", name},
                    {"AssumeRolePolicyDocument", kTrustPolicy},
                    {"Description", "Lets Redshift read S3 for sparkify (sparkify cluster)"}},
                   "role " + name);
  if (!body.ok()) return body.status();
  return XmlElementText(XmlElementContent(*body, "Role"), "Arn");
}

Status ClusterApi::AttachPolicy(const std::string& role, const std::string& policy_arn) {
  auto body = client_.Call(services_.iam, "AttachRolePolicy",
                           {{"RoleName", role}, {"PolicyArn", policy_arn}},
                           "role " + role + ", policy " + policy_arn);
  return body.ok() ? Status::Ok() : body.status();
}

Result<bool> ClusterApi::DetachPolicy(const std::string& role, const std::string& policy_arn) {
  const std::string what = "role " + role + ", policy " + policy_arn;
  auto reply = client_.Send(services_.iam, "DetachRolePolicy",
                            {{"RoleName", role}, {"PolicyArn", policy_arn}});
  if (!reply.ok()) return reply.status().WithContext(what);
  if (reply->ok()) return true;
  if (reply->error_code == "NoSuchEntity") return false;
  return client_.ErrorStatus(services_.iam, "DetachRolePolicy", what, *reply);
}

Result<bool> ClusterApi::DeleteRole(const std::string& name) {
  auto reply = client_.Send(services_.iam, "DeleteRole", {{"RoleName", name}});
  if (!reply.ok()) return reply.status().WithContext("role " + name);
  if (reply->ok()) return true;
  if (reply->error_code == "NoSuchEntity") return false;
  return client_.ErrorStatus(services_.iam, "DeleteRole", "role " + name, *reply);
}

ClusterState ParseCluster(std::string_view xml) {
  // Direct children only: <PendingModifiedValues> holds a NodeType, NumberOfNodes and
  // ClusterIdentifier of its own (a resize or rename not yet applied).
  ClusterState cluster;
  cluster.exists = true;
  cluster.identifier = XmlChildText(xml, "ClusterIdentifier");
  cluster.status = XmlChildText(xml, "ClusterStatus");
  const std::string_view endpoint = XmlChildContent(xml, "Endpoint");
  cluster.address = XmlChildText(endpoint, "Address");
  cluster.port = ParseNumber<int>(XmlChildText(endpoint, "Port")).value_or(0);
  cluster.node_type = XmlChildText(xml, "NodeType");
  cluster.nodes = ParseNumber<int>(XmlChildText(xml, "NumberOfNodes")).value_or(0);
  cluster.db_name = XmlChildText(xml, "DBName");
  cluster.db_user = XmlChildText(xml, "MasterUsername");
  cluster.iam_role_arns = Texts(xml, "IamRoles", "ClusterIamRole", "IamRoleArn");
  cluster.vpc_id = XmlChildText(xml, "VpcId");
  cluster.vpc_security_group_ids =
      Texts(xml, "VpcSecurityGroups", "VpcSecurityGroup", "VpcSecurityGroupId");
  return cluster;
}

Result<ClusterState> ClusterApi::DescribeCluster(const std::string& identifier) {
  auto reply =
      client_.Send(services_.redshift, "DescribeClusters", {{"ClusterIdentifier", identifier}});
  if (!reply.ok()) return reply.status().WithContext("cluster " + identifier);
  if (!reply->ok()) {
    if (reply->error_code == "ClusterNotFound") {
      ClusterState absent;
      absent.identifier = identifier;
      return absent;
    }
    return client_.ErrorStatus(services_.redshift, "DescribeClusters", "cluster " + identifier,
                               *reply);
  }
  return ParseCluster(XmlElementContent(reply->body, "Cluster"));
}

Result<ClusterState> ClusterApi::CreateCluster(const ClusterSpec& spec,
                                               const std::string& role_arn) {
  std::vector<sigv4::QueryParam> params = {
      {"ClusterIdentifier", spec.identifier}, {"ClusterType", spec.cluster_type},
      {"NodeType", spec.node_type},           {"DBName", spec.db_name},
      {"MasterUsername", spec.db_user},       {"MasterUserPassword", spec.db_password},
      {"Port", std::to_string(spec.port)},    {"IamRoles.IamRoleArn.1", role_arn},
  };
  // Redshift refuses NumberOfNodes for a single-node cluster.
  if (spec.cluster_type == "multi-node") {
    params.emplace_back("NumberOfNodes", std::to_string(spec.num_nodes));
  }
  auto body =
      client_.Call(services_.redshift, "CreateCluster", params, "cluster " + spec.identifier);
  if (!body.ok()) {
    // The password went out in this call: should an answer quote it, it is not repeated.
    sigv4::Credentials password;
    password.secret_access_key = spec.db_password;
    return Status::Error(body.status().code(), Redact(body.status().message(), password));
  }
  return ParseCluster(XmlElementContent(*body, "Cluster"));
}

Result<bool> ClusterApi::DeleteCluster(const std::string& identifier) {
  auto reply =
      client_.Send(services_.redshift, "DeleteCluster",
                   {{"ClusterIdentifier", identifier}, {"SkipFinalClusterSnapshot", "true"}});
  if (!reply.ok()) return reply.status().WithContext("cluster " + identifier);
  if (reply->ok()) return true;
  if (reply->error_code == "ClusterNotFound") return false;
  return client_.ErrorStatus(services_.redshift, "DeleteCluster", "cluster " + identifier, *reply);
}

Result<std::string> ClusterApi::SecurityGroupOf(const ClusterState& cluster) {
  if (!cluster.vpc_security_group_ids.empty()) return cluster.vpc_security_group_ids.front();
  std::string vpc = cluster.vpc_id;
  const std::string what = "cluster " + cluster.identifier;
  if (vpc.empty()) {
    auto vpcs = client_.Call(services_.ec2, "DescribeVpcs",
                             {{"Filter.1.Name", "isDefault"}, {"Filter.1.Value.1", "true"}},
                             what + ", the default VPC");
    if (!vpcs.ok()) return vpcs.status();
    vpc = XmlElementText(*vpcs, "vpcId");
    if (vpc.empty()) {
      return Status::InvalidArgument(what + ": no VPC security group, and region " + region() +
                                     " has no default VPC to open the port in");
    }
  }
  auto groups = client_.Call(services_.ec2, "DescribeSecurityGroups",
                             {{"Filter.1.Name", "vpc-id"},
                              {"Filter.1.Value.1", vpc},
                              {"Filter.2.Name", "group-name"},
                              {"Filter.2.Value.1", "default"}},
                             what + ", VPC " + vpc);
  if (!groups.ok()) return groups.status();
  std::string group = XmlElementText(*groups, "groupId");
  if (group.empty()) {
    return Status::InvalidArgument(what + ": VPC " + vpc + " has no default security group");
  }
  return group;
}

Result<bool> ClusterApi::OpenPort(const std::string& group_id, int port, const std::string& cidr) {
  const std::string what =
      "security group " + group_id + ", TCP " + std::to_string(port) + " from " + cidr;
  auto reply = client_.Send(services_.ec2, "AuthorizeSecurityGroupIngress",
                            {{"GroupId", group_id},
                             {"IpPermissions.1.IpProtocol", "tcp"},
                             {"IpPermissions.1.FromPort", std::to_string(port)},
                             {"IpPermissions.1.ToPort", std::to_string(port)},
                             {"IpPermissions.1.IpRanges.1.CidrIp", cidr},
                             {"IpPermissions.1.IpRanges.1.Description", "sparkify cluster"}});
  if (!reply.ok()) return reply.status().WithContext(what);
  if (reply->ok()) return true;
  if (reply->error_code == "InvalidPermission.Duplicate") return false;
  return client_.ErrorStatus(services_.ec2, "AuthorizeSecurityGroupIngress", what, *reply);
}

}  // namespace sparkify

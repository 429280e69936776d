// ClusterApi: the IAM, Redshift and EC2 actions `sparkify cluster` makes, each one Query call
// (src/aws/query_client.h) with its answer read into RoleState / ClusterState
// (include/sparkify/cluster.h).
//
// "Absent" is an answer, not an error: GetRole and DescribeCluster give exists = false for
// NoSuchEntity and ClusterNotFound, and the Detach/Delete calls give false when there was nothing
// to remove. Every other AWS error is the client's one-line Status, naming the action and the
// resource.
//
// Thread safety: as the QueryClient it is given (calls may run on several threads).
#pragma once

#include <string>

#include "aws/query_client.h"
#include "cluster/cluster_spec.h"
#include "sparkify/cluster.h"
#include "sparkify/config.h"
#include "sparkify/s3_options.h"

namespace sparkify {

inline constexpr const char* kS3ReadOnlyPolicyArn =
    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

struct AwsServices {
  QueryService iam, redshift, ec2;
};

// The three services for `aws` (region and endpoint, see include/sparkify/cluster.h).
Result<AwsServices> ResolveAwsServices(const S3Options& aws, const GetEnv& env);

class ClusterApi {
 public:
  ClusterApi(QueryClient& client, AwsServices services)
      : client_(client), services_(std::move(services)) {}

  const std::string& region() const { return services_.redshift.region; }

  // The role with its attached policies; exists = false when there is none.
  Result<RoleState> GetRole(const std::string& name);
  // A role Redshift may assume (trust policy for redshift.amazonaws.com); its ARN.
  Result<std::string> CreateRole(const std::string& name);
  Status AttachPolicy(const std::string& role, const std::string& policy_arn);
  Result<bool> DetachPolicy(const std::string& role, const std::string& policy_arn);
  Result<bool> DeleteRole(const std::string& name);

  Result<ClusterState> DescribeCluster(const std::string& identifier);
  Result<ClusterState> CreateCluster(const ClusterSpec& spec, const std::string& role_arn);
  // Without a final snapshot.
  Result<bool> DeleteCluster(const std::string& identifier);

  // The cluster's VPC security group: its first one, else the default group of its VPC (or of
  // the region's default VPC).
  Result<std::string> SecurityGroupOf(const ClusterState& cluster);
  // Allows TCP `port` from `cidr`; false when that rule was there already.
  Result<bool> OpenPort(const std::string& group_id, int port, const std::string& cidr);

 private:
  QueryClient& client_;
  AwsServices services_;
};

// A <Cluster> element of a Redshift answer.
ClusterState ParseCluster(std::string_view cluster_xml);

}  // namespace sparkify

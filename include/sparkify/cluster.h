// Cluster provisioning: `sparkify cluster create | status | delete`, the course's boto3
// infrastructure-as-code notebook as library calls.
//
// The cluster is described by the course's [DWH] section of dwh.cfg (DWH_CLUSTER_TYPE,
// DWH_NUM_NODES, DWH_NODE_TYPE, DWH_CLUSTER_IDENTIFIER, DWH_DB, DWH_DB_USER, DWH_DB_PASSWORD,
// DWH_PORT, DWH_IAM_ROLE_NAME). Credentials come from the usual chain (S3Options: [AWS]
// KEY/SECRET as the CLI passes them, the environment, the shared credentials file).
// - CreateCluster: the IAM role DWH_IAM_ROLE_NAME that Redshift may assume, with
//   AmazonS3ReadOnlyAccess attached; the cluster with that role; waits until it is available
//   (or not, `wait`); opens DWH_PORT on its VPC security group to `open_port_cidr` only when one
//   is given; then writes [CLUSTER] HOST, DB_NAME, DB_USER, DB_PORT (DB_PASSWORD only where it is
//   empty) and [IAM_ROLE] ARN into the file, every other line kept, mode 0600. What exists
//   already is reused and reported so: running it again completes the file and succeeds.
// - ClusterStatus: the role (ARN, attached policies) and the cluster (state, endpoint, nodes,
//   roles), each possibly absent.
// - DeleteCluster: the cluster without a final snapshot (waiting until it is gone, unless not
//   `wait`), then the policy detached and the role deleted. Absent resources are no error.
// AWS errors are one line naming the service, action, resource and AWS's code and message. No
// message contains a password, a secret key or a session token.
//
// Services: IAM (global, signed for us-east-1), Redshift and EC2 in the region (S3Options::region,
// AWS_REGION, AWS_DEFAULT_REGION, us-west-2). Endpoints: S3Options::endpoint_url for all three,
// else AWS_ENDPOINT_URL_IAM / _REDSHIFT / _EC2, else AWS_ENDPOINT_URL, else AWS's own.
//
// Thread safety: each call is independent; the callbacks are called on the calling thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "sparkify/config.h"
#include "sparkify/s3_options.h"
#include "sparkify/status.h"

namespace sparkify {

struct ClusterOptions {
  std::string config_file = "dwh.cfg";             // [DWH] is read from it; create writes into it
  S3Options aws;                                   // region, endpoint_url, profile, credentials
  bool wait = true;                                // create: until available; delete: until gone
  std::chrono::seconds timeout{1800};              // the longest wait
  std::chrono::milliseconds poll_interval{15000};  // between two DescribeClusters
  std::string open_port_cidr;  // create: allow TCP DWH_PORT from this CIDR; empty: do not
  // One line each: what was done (stdout), progress while waiting and warnings (stderr). Empty
  // functions drop the lines.
  std::function<void(const std::string&)> report;
  std::function<void(const std::string&)> progress;
  std::function<void(const std::string&)> warn;
};

struct RoleState {
  std::string name;
  bool exists = false;
  std::string arn;
  std::vector<std::string> policy_arns;  // attached managed policies
};

struct ClusterState {
  std::string identifier;
  bool exists = false;
  std::string status;   // Redshift's ClusterStatus: creating, available, deleting, ...
  std::string address;  // the endpoint's host; empty until Redshift assigns it
  int port = 0;
  std::string node_type;
  int nodes = 0;
  std::string db_name;
  std::string db_user;
  std::vector<std::string> iam_role_arns;
  std::string vpc_id;
  std::vector<std::string> vpc_security_group_ids;
};

struct ProvisionedState {
  RoleState role;
  ClusterState cluster;
};

Status CreateCluster(const ClusterOptions& options, const GetEnv& env);
Result<ProvisionedState> GetClusterStatus(const ClusterOptions& options, const GetEnv& env);
Status DeleteCluster(const ClusterOptions& options, const GetEnv& env);

// One line per resource: "role dwhRole: present, arn:..., policies AmazonS3ReadOnlyAccess".
std::string FormatClusterStatusText(const ProvisionedState& state);
// {"role": {...}, "cluster": {...}} on one line.
std::string FormatClusterStatusJson(const ProvisionedState& state);

}  // namespace sparkify

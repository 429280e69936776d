// ClusterSpec: the course's [DWH] section of dwh.cfg, read as configparser reads it
// (src/config/ini_file.h; one pair of quotes around a value removed, as for every dwh.cfg key)
// and checked before any AWS call, so a typo is one line naming file:line and key rather than
// an AWS error after the role was made.
//
// create needs every key; status and delete need only DWH_CLUSTER_IDENTIFIER and
// DWH_IAM_ROLE_NAME. Unknown keys of [DWH] are warnings. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "sparkify/status.h"

namespace sparkify {

struct ClusterSpec {
  std::string cluster_type;  // DWH_CLUSTER_TYPE: single-node or multi-node
  int num_nodes = 1;         // DWH_NUM_NODES (2 to 128 for multi-node; 1 for single-node)
  std::string node_type;     // DWH_NODE_TYPE, e.g. dc2.large, ra3.xlplus
  std::string identifier;    // DWH_CLUSTER_IDENTIFIER
  std::string db_name;       // DWH_DB
  std::string db_user;       // DWH_DB_USER
  std::string db_password;   // DWH_DB_PASSWORD, secret
  int port = 5439;           // DWH_PORT
  std::string role_name;     // DWH_IAM_ROLE_NAME
  std::vector<std::string> warnings;
};

enum class SpecUse {
  kCreate,  // every key
  kLookUp,  // the cluster identifier and the role name
};

Result<ClusterSpec> ReadClusterSpec(const std::string& file, SpecUse use);

}  // namespace sparkify

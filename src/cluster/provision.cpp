// create, status and delete of include/sparkify/cluster.h: the order of the AWS calls, the
// waits, and what goes into dwh.cfg.
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <thread>

#include "base/json_string.h"
#include "cluster/cluster_api.h"
#include "config/ini_editor.h"
#include "s3/aws_settings.h"
#include "sparkify/cluster.h"

namespace sparkify {
namespace {

void Say(const std::function<void(const std::string&)>& to, const std::string& line) {
  if (to) to(line);
}

std::string PolicyName(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

std::string Duration(std::chrono::seconds s) {
  const auto n = s.count();
  if (n < 60) return fmt::format("{}s", n);
  if (n % 60 == 0) return fmt::format("{}m", n / 60);
  return fmt::format("{}m{:02}s", n / 60, n % 60);
}

// Everything a call needs: the spec, the client and the API over it.
struct Session {
  ClusterSpec spec;
  std::unique_ptr<QueryClient> client;
  std::unique_ptr<ClusterApi> api;
};

Result<Session> Open(const ClusterOptions& options, const GetEnv& env, SpecUse use) {
  Session session;
  auto spec = ReadClusterSpec(options.config_file, use);
  if (!spec.ok()) return spec.status();
  session.spec = std::move(*spec);
  for (const std::string& w : session.spec.warnings) Say(options.warn, w);
  auto services = ResolveAwsServices(options.aws, env);
  if (!services.ok()) return services.status();
  auto credentials = ResolveCredentials(options.aws, env, "set them (see `sparkify help cluster`)");
  if (!credentials.ok()) return credentials.status();
  QueryClientOptions client_options;
  client_options.credentials = credentials->first;
  client_options.credential_source = credentials->second;
  session.client = std::make_unique<QueryClient>(std::move(client_options));
  session.api = std::make_unique<ClusterApi>(*session.client, std::move(*services));
  return session;
}

// Polls until `done` holds for the cluster (or it is absent when `until_gone`), giving a
// progress line per poll; an error on timeout or on a state it will not leave.
Result<ClusterState> WaitFor(ClusterApi& api, const ClusterOptions& options,
                             const std::string& identifier, bool until_gone) {
  const auto start = std::chrono::steady_clock::now();
  const std::string goal = until_gone ? "gone" : "available";
  while (true) {
    auto cluster = api.DescribeCluster(identifier);
    if (!cluster.ok()) return cluster.status();
    if (until_gone ? !cluster->exists : cluster->status == "available") return cluster;
    if (!until_gone) {
      if (!cluster->exists) {
        return Status::IoError("cluster " + identifier +
                               ": vanished while waiting for it to be "
                               "available (deleted by someone else?)");
      }
      const std::string& s = cluster->status;
      if (s == "deleting" || s == "final-snapshot" || s == "hardware-failure" ||
          s.rfind("incompatible-", 0) == 0) {
        return Status::IoError("cluster " + identifier + ": status '" + s +
                               "', which does not become available; see the Redshift console");
      }
    }
    const auto waited =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
    if (waited >= options.timeout) {
      return Status::IoError(fmt::format(
          "cluster {}: still '{}' after {} (--timeout); run the command again to wait on",
          identifier, cluster->status, Duration(options.timeout)));
    }
    Say(options.progress,
        fmt::format("cluster {}: {}, waiting until {} ({} of at most {})", identifier,
                    cluster->status, goal, Duration(waited), Duration(options.timeout)));
    // The last poll falls on the deadline, not a whole interval after it.
    std::this_thread::sleep_for(
        std::min<std::chrono::milliseconds>(options.poll_interval, options.timeout - waited));
  }
}

// Writes what dwh.cfg's [CLUSTER] and [IAM_ROLE] should say now.
Status CompleteConfig(const ClusterOptions& options, const ClusterSpec& spec,
                      const ClusterState& cluster, const std::string& role_arn) {
  const std::string& file = options.config_file;
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::IoError(file + ": cannot read it again to write the cluster into it");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<IniAssignment> assignments;
  if (!cluster.address.empty()) assignments.push_back({"CLUSTER", "HOST", cluster.address});
  assignments.push_back(
      {"CLUSTER", "DB_NAME", cluster.db_name.empty() ? spec.db_name : cluster.db_name});
  assignments.push_back(
      {"CLUSTER", "DB_USER", cluster.db_user.empty() ? spec.db_user : cluster.db_user});
  assignments.push_back({"CLUSTER", "DB_PASSWORD", spec.db_password, true});
  assignments.push_back(
      {"CLUSTER", "DB_PORT", std::to_string(cluster.port ? cluster.port : spec.port)});
  assignments.push_back({"IAM_ROLE", "ARN", role_arn});
  auto edit = EditIni(text, assignments, file);
  if (!edit.ok()) return edit.status();
  SPARKIFY_RETURN_IF_ERROR(WritePrivateFile(file, edit->text));
  // "[CLUSTER] HOST, DB_PORT and [IAM_ROLE] ARN"
  std::string changed, section;
  for (size_t i = 0; i < edit->changed.size(); ++i) {
    const std::string& c = edit->changed[i];
    const std::string this_section = c.substr(0, c.find(']') + 1);
    const bool last = i + 1 == edit->changed.size() && i > 0;
    changed += i == 0 ? "" : last ? " and " : ", ";
    changed += this_section == section ? c.substr(section.size() + 1) : c;
    section = this_section;
  }
  Say(options.report,
      file + ": " + (changed.empty() ? "already up to date" : "wrote " + changed) + " (mode 0600)");
  return Status::Ok();
}

}  // namespace

Status CreateCluster(const ClusterOptions& options, const GetEnv& env) {
  auto session = Open(options, env, SpecUse::kCreate);
  if (!session.ok()) return session.status();
  const ClusterSpec& spec = session->spec;
  ClusterApi& api = *session->api;

  auto role = api.GetRole(spec.role_name);
  if (!role.ok()) return role.status();
  if (role->exists) {
    Say(options.report, "role " + spec.role_name + ": exists, reused (" + role->arn + ")");
  } else {
    auto arn = api.CreateRole(spec.role_name);
    if (!arn.ok()) return arn.status();
    role->arn = *arn;
    Say(options.report, "role " + spec.role_name + ": created (" + role->arn + ")");
  }
  const std::string policy = PolicyName(kS3ReadOnlyPolicyArn);
  if (std::count(role->policy_arns.begin(), role->policy_arns.end(), kS3ReadOnlyPolicyArn)) {
    Say(options.report, "role " + spec.role_name + ": " + policy + " already attached");
  } else {
    SPARKIFY_RETURN_IF_ERROR(api.AttachPolicy(spec.role_name, kS3ReadOnlyPolicyArn));
    Say(options.report, "role " + spec.role_name + ": " + policy + " attached");
  }

  auto cluster = api.DescribeCluster(spec.identifier);
  if (!cluster.ok()) return cluster.status();
  const std::string name = "cluster " + spec.identifier;
  if (!cluster->exists) {
    cluster = api.CreateCluster(spec, role->arn);
    if (!cluster.ok()) return cluster.status();
    Say(options.report,
        fmt::format("{}: creating ({}, {} x {}, database {}, user {}, port {}, region {})", name,
                    spec.cluster_type, spec.num_nodes, spec.node_type, spec.db_name, spec.db_user,
                    spec.port, api.region()));
  } else if (cluster->status == "deleting") {
    return Status::InvalidArgument(name +
                                   ": is being deleted; run create again once `sparkify "
                                   "cluster status` says it is absent");
  } else {
    Say(options.report, fmt::format("{}: exists ({}), reused", name, cluster->status));
    if (std::find(cluster->iam_role_arns.begin(), cluster->iam_role_arns.end(), role->arn) ==
        cluster->iam_role_arns.end()) {
      Say(options.warn, name + " does not have role " + role->arn +
                            " attached; COPY with [IAM_ROLE] ARN fails until it is (Redshift "
                            "console: Actions, Manage IAM roles)");
    }
  }

  if (options.wait && cluster->status != "available") {
    cluster = WaitFor(api, options, spec.identifier, false);
    if (!cluster.ok()) {
      // What is known is written all the same: the ARN, and the rest once it is available.
      (void)CompleteConfig(options, spec, ClusterState{}, role->arn);
      return cluster.status();
    }
  }
  if (cluster->status == "available") {
    Say(options.report,
        fmt::format("{}: available at {}:{}", name, cluster->address, cluster->port));
  } else {
    Say(options.report, name + ": " + cluster->status +
                            ", not waiting (--no-wait); run create again to complete dwh.cfg "
                            "once it is available");
  }

  if (!options.open_port_cidr.empty()) {
    auto group = api.SecurityGroupOf(*cluster);
    if (!group.ok()) return group.status();
    const int port = cluster->port ? cluster->port : spec.port;
    auto opened = api.OpenPort(*group, port, options.open_port_cidr);
    if (!opened.ok()) return opened.status();
    Say(options.report,
        fmt::format("security group {}: TCP {} from {} {}", *group, port, options.open_port_cidr,
                    *opened ? "allowed" : "already allowed"));
  }
  return CompleteConfig(options, spec, *cluster, role->arn);
}

Result<ProvisionedState> GetClusterStatus(const ClusterOptions& options, const GetEnv& env) {
  auto session = Open(options, env, SpecUse::kLookUp);
  if (!session.ok()) return session.status();
  ProvisionedState state;
  auto role = session->api->GetRole(session->spec.role_name);
  if (!role.ok()) return role.status();
  state.role = std::move(*role);
  auto cluster = session->api->DescribeCluster(session->spec.identifier);
  if (!cluster.ok()) return cluster.status();
  state.cluster = std::move(*cluster);
  return state;
}

Status DeleteCluster(const ClusterOptions& options, const GetEnv& env) {
  auto session = Open(options, env, SpecUse::kLookUp);
  if (!session.ok()) return session.status();
  const ClusterSpec& spec = session->spec;
  ClusterApi& api = *session->api;
  const std::string name = "cluster " + spec.identifier;

  // A cluster another delete is already deleting is waited for: DeleteCluster would refuse it
  // (InvalidClusterState).
  auto before = api.DescribeCluster(spec.identifier);
  if (!before.ok()) return before.status();
  bool deleting = before->exists && before->status == "deleting";
  if (before->exists && !deleting) {
    auto deleted = api.DeleteCluster(spec.identifier);
    if (!deleted.ok()) return deleted.status();
    deleting = *deleted;
  }
  if (!deleting) {
    Say(options.report, name + ": absent, nothing to delete");
  } else {
    Say(options.report, name + (before->status == "deleting" ? ": already deleting"
                                                             : ": deleting (no final snapshot)"));
    if (options.wait) {
      auto gone = WaitFor(api, options, spec.identifier, true);
      if (!gone.ok()) return gone.status();
      Say(options.report, name + ": deleted");
    }
  }
  const std::string role = "role " + spec.role_name;
  auto detached = api.DetachPolicy(spec.role_name, kS3ReadOnlyPolicyArn);
  if (!detached.ok()) return detached.status();
  if (*detached) Say(options.report, role + ": " + PolicyName(kS3ReadOnlyPolicyArn) + " detached");
  auto role_deleted = api.DeleteRole(spec.role_name);
  if (!role_deleted.ok()) return role_deleted.status();
  Say(options.report, role + (*role_deleted ? ": deleted" : ": absent, nothing to delete"));
  return Status::Ok();
}

std::string FormatClusterStatusText(const ProvisionedState& state) {
  std::string out;
  const RoleState& r = state.role;
  if (r.exists) {
    std::string policies;
    for (const std::string& p : r.policy_arns)
      policies += (policies.empty() ? "" : ", ") + PolicyName(p);
    out += fmt::format("role {}: present, {}, policies {}\n", r.name, r.arn,
                       policies.empty() ? "none" : policies);
  } else {
    out += "role " + r.name + ": absent\n";
  }
  const ClusterState& c = state.cluster;
  if (c.exists) {
    std::string roles;
    for (const std::string& a : c.iam_role_arns) roles += (roles.empty() ? "" : ", ") + a;
    out += fmt::format(
        "cluster {}: {}, endpoint {}, {} x {}, database {}, user {}, roles {}\n", c.identifier,
        c.status,
        c.address.empty() ? std::string("(none yet)") : fmt::format("{}:{}", c.address, c.port),
        c.nodes, c.node_type, c.db_name, c.db_user, roles.empty() ? "none" : roles);
  } else {
    out += "cluster " + c.identifier + ": absent\n";
  }
  return out;
}

std::string FormatClusterStatusJson(const ProvisionedState& state) {
  auto list = [](const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + JsonString(items[i]);
    return out + "]";
  };
  const RoleState& r = state.role;
  const ClusterState& c = state.cluster;
  return fmt::format(
      R"({{"role":{{"name":{},"exists":{},"arn":{},"policies":{}}},)"
      R"("cluster":{{"identifier":{},"exists":{},"status":{},"address":{},"port":{},)"
      R"("node_type":{},"nodes":{},"database":{},"user":{},"iam_roles":{}}}}})",
      JsonString(r.name), r.exists, JsonString(r.arn), list(r.policy_arns),
      JsonString(c.identifier), c.exists, JsonString(c.status), JsonString(c.address), c.port,
      JsonString(c.node_type), c.nodes, JsonString(c.db_name), JsonString(c.db_user),
      list(c.iam_role_arns));
}

}  // namespace sparkify

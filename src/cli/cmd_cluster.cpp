// `sparkify cluster create | status | delete`: the course's Redshift cluster and IAM role from
// dwh.cfg's [DWH] section (the library's include/sparkify/cluster.h does the work).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "cli/commands.h"
#include "sparkify/cluster.h"

namespace sparkify::cli {
namespace {

struct ClusterFlags {
  std::optional<std::string> config_file;
  std::string region;
  std::string endpoint_url;
  bool wait = true;
  int timeout_seconds = 1800;
  std::string open_port_cidr;
  bool json = false;
  bool yes = false;
};

void Print(FILE* to, const std::string& prefix, const std::string& line) {
  std::fprintf(to, "%s%s\n", prefix.c_str(), line.c_str());
  std::fflush(to);
}

Result<ClusterOptions> Resolve(const ClusterFlags& flags) {
  ConfigOverrides warehouse;
  warehouse.config_file = flags.config_file;
  // dwh.cfg as every command reads it: [AWS] KEY/SECRET, and its warnings.
  auto config = ResolveConfig(warehouse);
  if (!config.ok()) return config.status();
  ClusterOptions options;
  options.config_file = flags.config_file.value_or("dwh.cfg");
  options.aws.region = flags.region;
  options.aws.endpoint_url = flags.endpoint_url;
  ApplyConfigCredentials(*config, options.aws);
  options.wait = flags.wait;
  options.timeout = std::chrono::seconds(flags.timeout_seconds);
  options.open_port_cidr = flags.open_port_cidr;
  options.report = [](const std::string& line) { Print(stdout, "", line); };
  options.progress = [](const std::string& line) { Print(stderr, "sparkify: ", line); };
  options.warn = [](const std::string& line) { Print(stderr, "sparkify: warning: ", line); };
  return options;
}

// "203.0.113.7/32": four octets and a prefix length.
bool IsIpv4Cidr(const std::string& text) {
  unsigned a, b, c, d, bits;
  char tail;
  return std::sscanf(text.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &bits, &tail) == 5 &&
         a < 256 && b < 256 && c < 256 && d < 256 && bits <= 32;
}

Status RunCreate(const ClusterFlags& flags) {
  if (!flags.open_port_cidr.empty() && !IsIpv4Cidr(flags.open_port_cidr)) {
    return Status::InvalidArgument("--open-port: invalid value '" + flags.open_port_cidr +
                                   "' (expected an IPv4 CIDR such as 203.0.113.7/32)");
  }
  auto options = Resolve(flags);
  if (!options.ok()) return options.status();
  if (flags.open_port_cidr == "0.0.0.0/0") {
    options->warn("--open-port 0.0.0.0/0 lets the whole internet try the cluster's password");
  }
  return CreateCluster(*options, ProcessEnvironment());
}

Status RunStatus(const ClusterFlags& flags) {
  auto options = Resolve(flags);
  if (!options.ok()) return options.status();
  auto state = GetClusterStatus(*options, ProcessEnvironment());
  if (!state.ok()) return state.status();
  if (flags.json) {
    std::printf("%s\n", FormatClusterStatusJson(*state).c_str());
  } else {
    std::fputs(FormatClusterStatusText(*state).c_str(), stdout);
  }
  return Status::Ok();
}

Status RunDelete(const ClusterFlags& flags) {
  if (!flags.yes) {
    if (!::isatty(STDIN_FILENO)) {
      return Status::InvalidArgument(
          "cluster delete: refusing without --yes (it deletes the cluster, its data with no "
          "final snapshot, and the IAM role; stdin is not a terminal to ask)");
    }
    std::fprintf(stderr,
                 "Delete the Redshift cluster and IAM role of [DWH] in %s, with all the "
                 "cluster's data (no final snapshot)? [y/N] ",
                 flags.config_file.value_or("dwh.cfg").c_str());
    std::string answer;
    std::getline(std::cin, answer);
    if (answer != "y" && answer != "Y" && answer != "yes") {
      return Status::InvalidArgument("cluster delete: not confirmed; nothing deleted");
    }
  }
  auto options = Resolve(flags);
  if (!options.ok()) return options.status();
  return DeleteCluster(*options, ProcessEnvironment());
}

void AddCommonFlags(CLI::App& cmd, ClusterFlags& flags) {
  cmd.add_option("--config", flags.config_file,
                 "configuration file with the [DWH] section (default: ./dwh.cfg)");
  cmd.add_option("--region", flags.region,
                 "AWS region of the cluster (default: AWS_REGION, AWS_DEFAULT_REGION, "
                 "us-west-2)");
  cmd.add_option("--endpoint-url", flags.endpoint_url,
                 "one endpoint for IAM, Redshift and EC2, e.g. a moto_server (default: "
                 "AWS_ENDPOINT_URL_IAM, _REDSHIFT, _EC2, then AWS_ENDPOINT_URL)");
}

void AddWaitFlags(CLI::App& cmd, ClusterFlags& flags, const char* until) {
  cmd.add_flag("--wait,!--no-wait", flags.wait,
               std::string("wait until the cluster is ") + until + " (default), or return at once");
  cmd.add_option("--timeout", flags.timeout_seconds, "the longest wait, in seconds (default 1800)")
      ->check(CLI::Range(1, 86400).description("SECONDS from 1 to 86400"));
}

}  // namespace

void SetupCluster(CLI::App& app, Outcome outcome) {
  auto flags = std::make_shared<ClusterFlags>();
  CLI::App* cluster = app.add_subcommand(
      "cluster",
      "Create, show or delete the course's Redshift cluster and its IAM role, from the [DWH] "
      "section of dwh.cfg (DWH_CLUSTER_TYPE, DWH_NUM_NODES, DWH_NODE_TYPE, "
      "DWH_CLUSTER_IDENTIFIER, DWH_DB, DWH_DB_USER, DWH_DB_PASSWORD, DWH_PORT, "
      "DWH_IAM_ROLE_NAME).");
  cluster->require_subcommand(1);
  cluster->footer(
      "Credentials: dwh.cfg [AWS] KEY/SECRET, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/"
      "AWS_SESSION_TOKEN, or ~/.aws/credentials (AWS_PROFILE). Run `sparkify cluster COMMAND "
      "--help` for a command's options.");

  CLI::App* create = cluster->add_subcommand(
      "create",
      "Create the IAM role (Redshift may assume it; AmazonS3ReadOnlyAccess attached) and the "
      "cluster, wait until it is available, then write [CLUSTER] HOST, DB_NAME, DB_USER, DB_PORT "
      "(DB_PASSWORD where empty) and [IAM_ROLE] ARN into dwh.cfg, keeping its other lines, mode "
      "0600. What exists is reused: running it again completes the file.");
  AddCommonFlags(*create, *flags);
  AddWaitFlags(*create, *flags, "available");
  create->add_option("--open-port", flags->open_port_cidr,
                     "also allow TCP DWH_PORT from this IPv4 CIDR (e.g. your address/32) on the "
                     "cluster's VPC security group; nothing is opened without it");
  create->callback([flags, outcome] { outcome(RunCreate(*flags)); });

  CLI::App* status = cluster->add_subcommand(
      "status",
      "One line per resource: the role (ARN, policies) and the cluster (state, "
      "endpoint, nodes, roles), or absent.");
  AddCommonFlags(*status, *flags);
  status->add_flag("--json", flags->json, "write the status as one JSON object to stdout");
  status->callback([flags, outcome] { outcome(RunStatus(*flags)); });

  CLI::App* del = cluster->add_subcommand(
      "delete",
      "Delete the cluster without a final snapshot (its data is lost), wait until it is gone, "
      "then detach the policy and delete the role. Asks first, or needs --yes when stdin is not "
      "a terminal.");
  AddCommonFlags(*del, *flags);
  AddWaitFlags(*del, *flags, "gone");
  del->add_flag("-y,--yes", flags->yes, "delete without asking");
  del->callback([flags, outcome] { outcome(RunDelete(*flags)); });
}

}  // namespace sparkify::cli

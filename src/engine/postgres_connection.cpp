#include "engine/postgres_connection.h"

#include <fmt/format.h>

#include <cctype>
#include <cstring>

namespace sparkify::postgres {

// libpq's messages span lines ("...failed: ...\n\tIs the server running...?\n"): one line.
std::string OneLine(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
      line.remove_suffix(1);
    if (!line.empty()) {
      // A new sentence after "; ", a wrapped one ("...abnormally\n\tbefore or...") after " ".
      if (!out.empty()) out += std::isupper(static_cast<unsigned char>(line.front())) ? "; " : " ";
      out += line;
    }
    pos = end + 1;
  }
  for (char& c : out) {
    if (c == '\t' || c == '\r') c = ' ';
  }
  return out;
}

// For a connection string libpq could not parse: its message quotes parts of the string, which
// may be the password, so every quoted part is hidden.
std::string HideQuoted(std::string_view message) {
  std::string out;
  bool quoted = false;
  for (char c : message) {
    if (c == '"') {
      out += quoted ? "\"" : "\"...";
      quoted = !quoted;
    } else if (!quoted) {
      out.push_back(c);
    }
  }
  return out;
}

// The password part of a URI's user info, as written (possibly percent-encoded).
std::string UriPassword(std::string_view uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = uri.substr(scheme + 3);
  const size_t at = rest.rfind('@', rest.find('/'));
  if (at == std::string_view::npos) return {};
  const size_t colon = rest.substr(0, at).find(':');
  if (colon == std::string_view::npos) return {};
  return std::string(rest.substr(colon + 1, at - colon - 1));
}

std::string Value(const char* text) { return text ? text : ""; }

// Server notices ("table ... does not exist, skipping") are not the library's to print.
void IgnoreNotice(void*, const char*) {}

std::string Connection::Scrub(std::string text) const {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    for (size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + 3)) {
      text.replace(pos, secret.size(), "***");
    }
  }
  return text;
}

Status Connection::Failure(const PGresult* result, std::string_view what) const {
  if (PQstatus(get()) == CONNECTION_BAD) {
    std::string reason = result ? Value(PQresultErrorMessage(result)) : "";
    if (reason.empty()) reason = Value(PQerrorMessage(get()));
    return Status::EngineError(Scrub(fmt::format("{}: lost the connection to {} ({}): {}", what,
                                                 product, where, OneLine(reason))));
  }
  const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (sqlstate == nullptr) {
    std::string reason = result ? Value(PQresultErrorMessage(result)) : "";
    if (reason.empty()) reason = Value(PQerrorMessage(get()));
    return Status::EngineError(Scrub(fmt::format("{}: {}", what, OneLine(reason))));
  }
  std::string message =
      fmt::format("{}: {}", what, Value(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)));
  if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL))
    message += fmt::format("; {}", detail);
  if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT))
    message += fmt::format("; hint: {}", hint);
  if (const char* context = PQresultErrorField(result, PG_DIAG_CONTEXT)) {
    std::string_view first(context);
    message += fmt::format(" ({})", first.substr(0, first.find('\n')));
  }
  message += fmt::format(" [SQLSTATE {}]", sqlstate);
  if (IsSerializationFailure(sqlstate,
                             Value(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)))) {
    return Status::Busy(Scrub(OneLine(
        message + "; another transaction changed the same tables at the same time: run again")));
  }
  return Status::EngineError(Scrub(OneLine(message)));
}

bool IsSerializationFailure(std::string_view sqlstate, std::string_view message) {
  // PostgreSQL's serialization_failure; Redshift reports "1023 ... Serializable isolation
  // violation on table ..." (c_serial_isolation.html), whose SQLSTATE is not documented.
  return sqlstate == "40001" ||
         message.find("Serializable isolation violation") != std::string_view::npos;
}

ResultHandle Connection::Run(std::string_view sql) const {
  const std::string text(sql);
  return ResultHandle(PQexec(get(), text.c_str()));
}

bool Connection::Succeeded(const PGresult* result) {
  if (result == nullptr) return false;
  const ExecStatusType status = PQresultStatus(result);
  return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
}

Result<ResultHandle> Connection::Exec(std::string_view sql, std::string_view what) const {
  ResultHandle result = Run(sql);
  if (!Succeeded(result.get())) return Failure(result.get(), what);
  return result;
}

Result<ResultHandle> Connection::ExecParams(const char* sql, const std::vector<std::string>& params,
                                            std::string_view what) const {
  std::vector<const char*> values;
  for (const auto& p : params) values.push_back(p.c_str());
  ResultHandle result(PQexecParams(get(), sql, static_cast<int>(values.size()), nullptr,
                                   values.data(), nullptr, nullptr, 0));
  if (!Succeeded(result.get())) return Failure(result.get(), what);
  return result;
}

std::string Connection::QuoteIdentifier(std::string_view name) const {
  char* quoted = PQescapeIdentifier(get(), name.data(), name.size());
  if (quoted == nullptr) return "\"" + std::string(name) + "\"";  // out of memory
  std::string out(quoted);
  PQfreemem(quoted);
  return out;
}

bool IsConnectionString(std::string_view conninfo) {
  return conninfo.rfind("postgresql://", 0) == 0 || conninfo.rfind("postgres://", 0) == 0 ||
         conninfo.find('=') != std::string_view::npos;
}

// "host=... port=... dbname=... user=...": where a connection goes, for messages. libpq fills
// in what the user left to its environment and defaults, also after a failed attempt.
std::string Where(const PGconn* conn) {
  std::string host = Value(PQhost(conn));
  if (host.empty()) host = "(default socket)";
  return fmt::format("host={} port={} dbname={} user={}", host, Value(PQport(conn)),
                     Value(PQdb(conn)), Value(PQuser(conn)));
}

// libpq's connection failure without the redundant "connection to server at ..., port ... failed:"
// (our message names host and port already) and the "FATAL:" severity.
std::string ConnectionFailureReason(std::string_view message) {
  std::string text(message);
  const std::string prefix = "connection to server ";
  if (text.rfind(prefix, 0) == 0 && text.find(prefix, prefix.size()) == std::string::npos) {
    const size_t failed = text.find(" failed: ");
    if (failed != std::string::npos) text.erase(0, failed + 9);
  }
  for (const char* severity : {"FATAL:  ", "ERROR:  "}) {
    for (size_t pos = text.find(severity); pos != std::string::npos; pos = text.find(severity))
      text.erase(pos, std::strlen(severity));
  }
  return OneLine(text);
}

}  // namespace sparkify::postgres

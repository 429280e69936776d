// Status and Result<T>: the one error model of the library.
//
// Every fallible library call returns a Status (or a Result<T> holding a value or a Status).
// Nothing in the library throws across its public API; the CLI maps a Status to an exit code
// and one line on stderr. Messages name what was wrong (file, line, key, value) and never
// contain credentials. Both types are cheap to move and are not thread-safe to share mutably.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace sparkify {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // bad flag, config value or input path
  kIoError,          // a file or network read/write failed
  kEngineError,      // the warehouse refused a statement or connection
  kDataError,        // input records could not be accepted (error budget exceeded, ...)
  kCheckFailed,      // a data-quality check found violating rows
  kBusy,             // another run holds the warehouse
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Error(StatusCode code, std::string message) {
    return Status(code, std::move(message));
  }
  static Status InvalidArgument(std::string m) {
    return Error(StatusCode::kInvalidArgument, std::move(m));
  }
  static Status IoError(std::string m) { return Error(StatusCode::kIoError, std::move(m)); }
  static Status EngineError(std::string m) { return Error(StatusCode::kEngineError, std::move(m)); }
  static Status DataError(std::string m) { return Error(StatusCode::kDataError, std::move(m)); }
  static Status CheckFailed(std::string m) { return Error(StatusCode::kCheckFailed, std::move(m)); }
  static Status Busy(std::string m) { return Error(StatusCode::kBusy, std::move(m)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes the message with context, e.g. the file being read: "song_data/x.json: <message>".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  // A Result holds a value or an error: built from an OK Status (a caller's slip), it holds an
  // error that says so, rather than claiming a value it does not have.
  Result(Status status)  // NOLINT: implicit by design
      : state_(status.ok() ? Status::Error(StatusCode::kEngineError,
                                           "internal error: a result was built from an OK status")
                           : std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace sparkify

// Returns early from the calling function when `expr` yields a failed Status.
#define SPARKIFY_RETURN_IF_ERROR(expr)   \
  do {                                   \
    ::sparkify::Status _status = (expr); \
    if (!_status.ok()) return _status;   \
  } while (false)

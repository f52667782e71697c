#pragma once

// Status and Result<T>: the one error system of Kintsugi (conventions.md
// "Errors"). A Status says whether the work could be done; a verdict such as
// "no family matched" or "key not found" is data in a report, never a Status.
// No exceptions cross our API.

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace kintsugi {

// Canonical error codes. Append-only: their names reach users through the
// JSON output; how each becomes a CLI exit code and an HTTP status is the
// one table in kintsugi/status_table.h (docs/cli.md "Exit codes").
enum class StatusCode : std::uint8_t {
  kOk = 0,
  kInvalidArgument = 1,    // The caller's input is malformed.
  kNotFound = 2,           // A named thing (file, family, key) does not exist.
  kCorrupt = 3,            // Data is damaged or truncated.
  kUnsupported = 4,        // Well-formed but not something we handle.
  kResourceExhausted = 5,  // A named limit (limits.h) or the disk is full.
  kDeadlineExceeded = 6,   // A time limit was reached.
  kIoError = 7,            // The operating system failed an I/O request.
  kPermissionDenied = 8,   // The OS or a policy refused access.
  kCancelled = 9,          // The operation was stopped on request.
  kInternal = 10,          // A bug in Kintsugi.
  kAlreadyExists = 11,     // Refused to create something that exists.
  kUnavailable = 12,       // A service or resource is down for now; retry.
  kUnauthenticated = 13,   // Credentials are missing, wrong or expired.
};

// The stable lowercase name of a code, e.g. "invalid_argument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  // An OK status.
  Status() = default;
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "code: message", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` ("file:12: ").
  // An OK status stays OK.
  Status WithContext(std::string_view context) const;

  // Explicitly ignores a Status where failure is acceptable (best-effort
  // cleanup). Prefer handling it.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Named factories, one per code.
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status CorruptError(std::string message);
Status UnsupportedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status DeadlineExceededError(std::string message);
Status IoError(std::string message);
Status PermissionDeniedError(std::string message);
Status CancelledError(std::string message);
Status InternalError(std::string message);
Status AlreadyExistsError(std::string message);
Status UnavailableError(std::string message);
Status UnauthenticatedError(std::string message);

// Maps errno to a Status: ENOSPC/EDQUOT -> kResourceExhausted, EACCES/EPERM
// -> kPermissionDenied, ENOENT -> kNotFound, EEXIST -> kAlreadyExists,
// others -> kIoError. `what` names the operation and the path.
Status ErrnoToStatus(int errno_value, std::string_view what);

// Result<T> holds a T or a non-OK Status, shaped like std::expected.
template <typename T>
class [[nodiscard]] Result {
 public:
  static_assert(!std::is_same_v<std::remove_cvref_t<T>, Status>,
                "Result<Status> makes no sense");

  // From a value.
  template <typename U = T,
            typename = std::enable_if_t<
                std::is_constructible_v<T, U&&> &&
                !std::is_same_v<std::remove_cvref_t<U>, Status> &&
                !std::is_same_v<std::remove_cvref_t<U>, Result<T>>>>
  Result(U&& value)  // NOLINT(google-explicit-constructor)
      : storage_(std::in_place_index<0>, std::forward<U>(value)) {}

  // From an error. An OK status here is a bug and becomes kInternal.
  Result(Status status)  // NOLINT(google-explicit-constructor)
      : storage_(std::in_place_index<1>,
                 status.ok() ? Status(StatusCode::kInternal,
                                      "Result built from an OK Status")
                             : std::move(status)) {}

  bool has_value() const { return storage_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  bool ok() const { return has_value(); }

  // Precondition: has_value(). Checked: a violation aborts, it never reads
  // garbage.
  T& value() & { return std::get<0>(storage_); }
  const T& value() const& { return std::get<0>(storage_); }
  T&& value() && { return std::get<0>(std::move(storage_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return has_value() ? value() : static_cast<T>(std::forward<U>(fallback));
  }

  // The error; an OK Status when there is a value.
  Status status() const {
    return has_value() ? Status() : std::get<1>(storage_);
  }
  const Status& error() const& { return std::get<1>(storage_); }
  Status&& error() && { return std::get<1>(std::move(storage_)); }

 private:
  std::variant<T, Status> storage_;
};

namespace internal {
inline const Status& AsStatus(const Status& s) { return s; }
template <typename T>
Status AsStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace kintsugi

#define KINTSUGI_CONCAT_INNER_(a, b) a##b
#define KINTSUGI_CONCAT_(a, b) KINTSUGI_CONCAT_INNER_(a, b)

// Returns the Status of `expr` (a Status or a Result) from the enclosing
// function if it is not OK.
#define KINTSUGI_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::kintsugi::Status kintsugi_status_ =                \
        ::kintsugi::internal::AsStatus((expr));          \
    if (!kintsugi_status_.ok()) return kintsugi_status_; \
  } while (false)

// `lhs = value of expr` (a Result), or returns its error from the enclosing
// function. `lhs` may declare a variable: KINTSUGI_ASSIGN_OR_RETURN(auto x,
// F());
#define KINTSUGI_ASSIGN_OR_RETURN(lhs, expr) \
  KINTSUGI_ASSIGN_OR_RETURN_IMPL_(           \
      KINTSUGI_CONCAT_(kintsugi_result_, __LINE__), lhs, expr)

#define KINTSUGI_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.has_value()) return std::move(tmp).error();  \
  lhs = std::move(*tmp)

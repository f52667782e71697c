#include "kintsugi/status.h"

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

#include "kintsugi/status_table.h"

namespace kintsugi {

namespace {

// The one table (kintsugi/status_table.h), documented in docs/cli.md "Exit
// codes". HTTP: the client's request is at fault for 4xx (499 is the
// de-facto "client closed request" of a cancelled one), the server for 5xx.
constexpr std::array<StatusCodeOutcome, 14> kStatusCodeTable{{
    {StatusCode::kOk, "ok", kExitOk, 200},
    {StatusCode::kInvalidArgument, "invalid_argument", kExitBadInput, 400},
    {StatusCode::kNotFound, "not_found", kExitBadInput, 404},
    {StatusCode::kCorrupt, "corrupt", kExitBadInput, 422},
    {StatusCode::kUnsupported, "unsupported", kExitBadInput, 415},
    {StatusCode::kResourceExhausted, "resource_exhausted", kExitLimit, 413},
    {StatusCode::kDeadlineExceeded, "deadline_exceeded", kExitLimit, 504},
    {StatusCode::kIoError, "io_error", kExitIo, 500},
    {StatusCode::kPermissionDenied, "permission_denied", kExitIo, 403},
    {StatusCode::kCancelled, "cancelled", kExitInterrupted, 499},
    {StatusCode::kInternal, "internal", kExitInternal, 500},
    {StatusCode::kAlreadyExists, "already_exists", kExitIo, 409},
    {StatusCode::kUnavailable, "unavailable", kExitUnavailable, 503},
    {StatusCode::kUnauthenticated, "unauthenticated", kExitUnauthenticated,
     401},
}};

// Row i holds code i, so a lookup is an index; a row added out of order
// fails the build.
constexpr bool InEnumOrder() {
  for (std::size_t i = 0; i < kStatusCodeTable.size(); ++i) {
    if (static_cast<std::size_t>(kStatusCodeTable[i].code) != i) return false;
  }
  return true;
}
static_assert(InEnumOrder(), "kStatusCodeTable must follow StatusCode");
static_assert(kStatusCodeTable.back().code == StatusCode::kUnauthenticated,
              "a new StatusCode needs its row in kStatusCodeTable");

}  // namespace

std::span<const StatusCodeOutcome> StatusCodeTable() {
  return kStatusCodeTable;
}

const StatusCodeOutcome& OutcomeOf(StatusCode code) {
  const auto index = static_cast<std::size_t>(code);
  if (index >= kStatusCodeTable.size()) {
    return kStatusCodeTable[static_cast<std::size_t>(StatusCode::kInternal)];
  }
  return kStatusCodeTable[index];
}

std::string_view StatusCodeName(StatusCode code) {
  const auto index = static_cast<std::size_t>(code);
  if (index >= kStatusCodeTable.size()) return "unknown";
  return kStatusCodeTable[index].name;
}

Status::Status(StatusCode code, std::string message)
    : code_(code),
      message_(code == StatusCode::kOk ? "" : std::move(message)) {}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  if (!message_.empty()) {
    out += ": ";
    out += message_;
  }
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += message_;
  return Status(code_, std::move(message));
}

Status InvalidArgumentError(std::string message) {
  return {StatusCode::kInvalidArgument, std::move(message)};
}
Status NotFoundError(std::string message) {
  return {StatusCode::kNotFound, std::move(message)};
}
Status CorruptError(std::string message) {
  return {StatusCode::kCorrupt, std::move(message)};
}
Status UnsupportedError(std::string message) {
  return {StatusCode::kUnsupported, std::move(message)};
}
Status ResourceExhaustedError(std::string message) {
  return {StatusCode::kResourceExhausted, std::move(message)};
}
Status DeadlineExceededError(std::string message) {
  return {StatusCode::kDeadlineExceeded, std::move(message)};
}
Status IoError(std::string message) {
  return {StatusCode::kIoError, std::move(message)};
}
Status PermissionDeniedError(std::string message) {
  return {StatusCode::kPermissionDenied, std::move(message)};
}
Status CancelledError(std::string message) {
  return {StatusCode::kCancelled, std::move(message)};
}
Status InternalError(std::string message) {
  return {StatusCode::kInternal, std::move(message)};
}
Status AlreadyExistsError(std::string message) {
  return {StatusCode::kAlreadyExists, std::move(message)};
}
Status UnavailableError(std::string message) {
  return {StatusCode::kUnavailable, std::move(message)};
}
Status UnauthenticatedError(std::string message) {
  return {StatusCode::kUnauthenticated, std::move(message)};
}

Status ErrnoToStatus(int errno_value, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += std::strerror(errno_value);
  switch (errno_value) {
    case ENOSPC:
    case EDQUOT:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case EFBIG:
      return ResourceExhaustedError(std::move(message));
    case EACCES:
    case EPERM:
    case EROFS:
      return PermissionDeniedError(std::move(message));
    case ENOENT:
    case ENOTDIR:
      return NotFoundError(std::move(message));
    case EEXIST:
      return AlreadyExistsError(std::move(message));
    case EINVAL:
    case ENAMETOOLONG:
    case ELOOP:
      return InvalidArgumentError(std::move(message));
    case EINTR:
    case ECANCELED:
      return CancelledError(std::move(message));
    default:
      return IoError(std::move(message));
  }
}

}  // namespace kintsugi

#if defined(__SANITIZE_ADDRESS__)
// LeakSanitizer's suppressions, in sanitizer builds only, for every binary
// (it asks the program for them once, at start-up; they live here because
// every binary links this file). Only allocations made inside these
// third-party libraries are suppressed; a leak in our code still fails:
//   - The Sleuth Kit 4.11 leaks a few hundred bytes each time it opens a
//     GPT disk (or a protective MBR) with tsk_vs_open, even when closed
//     properly (disk images, src/io/disk_image.cpp);
//   - pocl compiles OpenCL kernels with the LLVM inside it, and both, like
//     the ICD loader, keep what they allocate (target machines, pass
//     registries, device and program caches) until the process ends
//     (src/gpu/opencl.cpp).
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libtsk.so\nleak:libpocl.so\nleak:libLLVM\nleak:libOpenCL.so\n";
}
#endif

// The fault plans of the in-memory file system (memory_file_system.h),
// apart from the file system that follows them.

#include <cstdint>
#include <utility>

#include "io/memory_file_system.h"

namespace kintsugi::io {

bool IsMutation(Operation operation) {
  switch (operation) {
    case Operation::kCreateNew:
    case Operation::kAppend:
    case Operation::kSync:
    case Operation::kRename:
    case Operation::kRemove:
    case Operation::kSyncDir:
    case Operation::kCreateDirs:
      return true;
    default:
      return false;
  }
}

FaultPlan FaultPlan::DiskFullAt(std::uint64_t byte) {
  FaultPlan plan;
  plan.disk_full_at_byte = byte;
  return plan;
}

FaultPlan FaultPlan::ShortWriteOnAppend(std::uint64_t k) {
  FaultPlan plan;
  plan.short_write_on_append = k;
  return plan;
}

FaultPlan FaultPlan::DenyWritesUnder(Path dir) {
  FaultPlan plan;
  plan.deny_writes_under.push_back(std::move(dir));
  return plan;
}

FaultPlan FaultPlan::CrashAfterMutations(std::uint64_t n) {
  FaultPlan plan;
  plan.crash_after_mutations = n;
  return plan;
}

FaultPlan FaultPlan::FailOperation(Operation operation, std::uint64_t nth,
                                   StatusCode code) {
  FaultPlan plan;
  OperationFault fault;
  fault.operation = operation;
  fault.nth = nth;
  fault.code = code;
  plan.fail_operations.push_back(fault);
  return plan;
}

}  // namespace kintsugi::io

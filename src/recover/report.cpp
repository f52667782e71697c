// The public report types of include/kintsugi/recover.h.

#include "kintsugi/recover.h"

namespace kintsugi {

std::string_view RecoverStatusName(RecoverStatus status) {
  switch (status) {
    case RecoverStatus::kRecovered:
      return "recovered";
    case RecoverStatus::kUnverified:
      return "unverified";
    case RecoverStatus::kNotEncrypted:
      return "not_encrypted";
    case RecoverStatus::kUnsupported:
      return "unsupported";
    case RecoverStatus::kNeedsInput:
      return "needs_input";
    case RecoverStatus::kKeyNotFound:
      return "key_not_found";
    case RecoverStatus::kError:
      return "error";
    case RecoverStatus::kPartial:
      return "partial";
  }
  return "error";
}

std::string_view VerifiedByName(VerifiedBy verified_by) {
  switch (verified_by) {
    case VerifiedBy::kNone:
      return "none";
    case VerifiedBy::kStructure:
      return "structure";
    case VerifiedBy::kChecksum:
      return "checksum";
  }
  return "none";
}

bool RecoverReport::AllWell() const {
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const auto status = static_cast<RecoverStatus>(i);
    if (counts[i] > 0 && status != RecoverStatus::kRecovered &&
        status != RecoverStatus::kNotEncrypted &&
        status != RecoverStatus::kUnsupported) {
      return false;
    }
  }
  return !cancelled;
}

}  // namespace kintsugi

// Fuzz target: the body of POST /api/v1/identify (src/portal/
// identify_request.h), parsed and read as the portal does. Must never
// crash or hang; what decodes keeps every limit of limits.h.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_target.h"
#include "kintsugi/limits.h"
#include "portal/identify_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace limits = kintsugi::limits;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto evidence = kintsugi::portal::DecodeIdentifyRequest(body);
  if (!evidence.has_value()) return 0;
  if (evidence->files.size() > limits::kMaxPortalFiles ||
      evidence->notes.size() > limits::kMaxPortalNotes ||
      evidence->contacts.size() > limits::kMaxContacts) {
    __builtin_trap();
  }
  for (const auto& file : evidence->files) {
    if (file.head.size() > limits::kFileHeadBytes ||
        file.tail.size() > limits::kFileTailBytes ||
        file.size < file.head.size() || file.name.empty()) {
      __builtin_trap();
    }
  }
  const auto request = kintsugi::portal::ReadEvidence(*evidence);
  if (request.inputs.size() + request.unread.size() >
      evidence->files.size() + evidence->notes.size() +
          evidence->contacts.size()) {
    __builtin_trap();
  }
  return 0;
}

// Fuzz target: one KB family document (docs/kb-format.md) from arbitrary
// bytes. The parser must return a Status, never crash, hang or throw; a
// document that parses must also survive Lint and a write/parse round trip.

#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "kb/kb_format.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data),  // NOLINT
                        size);
  auto family = kintsugi::kb::internal::ParseFamily(text, "fuzz.yaml");
  if (!family.has_value()) return 0;
  kintsugi::kb::KnowledgeBase kb;
  kb.families.push_back(*family);
  (void)kintsugi::kb::Lint(kb);
  std::string yaml = kintsugi::kb::internal::FamilyToYaml(*family);
  auto again = kintsugi::kb::internal::ParseFamily(yaml, "roundtrip.yaml");
  if (!again.has_value()) __builtin_trap();  // The writer must round-trip.
  return 0;
}

#pragma once

// What a submission must pass before it is stored and again before it is
// approved (partners.h Submit, Review): a key dump parsed as `keys import`
// parses it, against the KB's families; a family definition linted laid
// over the KB. Problems name lines, never key bytes. Internal.

#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/kb.h"
#include "kintsugi/status.h"
#include "kintsugi/store.h"

namespace kintsugi::partners::internal {

struct CheckedKeys {
  std::vector<KeyRecord> records;     // Their own state as the dump says.
  std::string summary;                // "3 keys: jigsaw, stop-djvu".
  std::vector<std::string> families;  // Sorted, each once.
};

// Parses `content` (a key dump; `format` "jsonl", "csv" or "" to guess)
// against `kb`'s family ids. Records without a source get `source`, without
// a case reference `case_reference`. kInvalidArgument naming each problem's
// line (at most 20) for a dump that does not pass, or a format that does
// not match the text.
Result<CheckedKeys> CheckKeyDump(std::string_view content,
                                 std::string_view format,
                                 const kb::KnowledgeBase& kb,
                                 std::string_view source,
                                 std::string_view case_reference);

// Lints family definitions laid over one KB.
class FamilyCheck {
 public:
  explicit FamilyCheck(std::shared_ptr<const kb::KnowledgeBase> kb)
      : kb_(std::move(kb)) {}

  // Parses `yaml` as one family file and lints the KB with it in place of
  // the family of the same id (or added); the family's id. kInvalidArgument
  // with "submission:LINE: ..." for a file that does not parse, and with
  // each lint error the KB did not have without it.
  Result<std::string> Check(std::string_view yaml);

 private:
  std::shared_ptr<const kb::KnowledgeBase> kb_;
  // The KB's own lint errors, found once: what a submission is not blamed
  // for.
  std::optional<std::set<std::string>> baseline_;
};

}  // namespace kintsugi::partners::internal

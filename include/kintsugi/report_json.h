#pragma once

// The JSON that scripts read (docs/cli.md): identify's and recover's reports
// as documents, produced in one place (src/report_json/) so that the shape
// is defined once and checked by one schema test each. The JSON library
// stays behind this header: callers get text.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/recover.h"
#include "kintsugi/status.h"

namespace kintsugi {

// An input the caller could not read; listed in identify's "inputs" with
// kind "unread" and its error.
struct UnreadInput {
  std::string source;
  Status status;
};

// `kintsugi identify --json` (docs/cli.md): {"verdict", "named",
// "candidates": [{"family", "name", "score", "evidence": [{"kind",
// "detail", "message", "source"}], "recovery": {"possible", "decryptor",
// "available", "needs"}, "related"}], "unattributed_evidence"?, "inputs"}.
// Details are rendered in English; "message" carries the id and arguments
// for other languages. "available": this build's `kintsugi recover` has the
// decryptor. Indented by `indent` spaces (-1: on one line, as the portal's
// API answers); invalid UTF-8 is replaced.
std::string IdentifyReportJson(const identify::Report& report,
                               const std::vector<UnreadInput>& unread = {},
                               int indent = 2);

// `kintsugi families --json` and the portal's GET /api/v1/families
// (docs/api.md): {"families": [{"id", "name", "aliases", "decryptor",
// "recovery"}]}, in the KB's order. Indented by two spaces.
std::string FamiliesJson(const kb::KnowledgeBase& kb);

// The portal's GET /api/v1/families/{id} (docs/api.md): one family's
// public facts: {"id", "name", "aliases", "first_seen", "last_seen",
// "platforms", "related", "references", "recovery": {"possible",
// "decryptor", "available", "strategy", "needs"}, "indicators":
// {"extensions", "note_names", "contacts": [{"kind", "value"}]}}.
std::string FamilyJson(const kb::Family& family);

// `kintsugi recover --json` (docs/cli.md): {"files": [...], "summary":
// {...}}.
std::string RecoverReportJson(const RecoverReport& report);

// The same document written as the run goes: File() for each outcome as it
// comes (RecoverOptions::on_file), then Finish() with the report, whose
// `files` are not read. The bytes are those RecoverReportJson gives for
// the same files and report, so a run over millions of files needs no
// memory for its list.
class RecoverJsonWriter {
 public:
  explicit RecoverJsonWriter(std::function<void(std::string_view)> out);
  void File(const FileOutcome& file);
  void Finish(const RecoverReport& report);
  // Ends the document when the run failed after it started (e.g. its
  // journal could not be written): "error" ({"code", "message"}) instead
  // of "summary".
  void Fail(const Status& status);

 private:
  std::function<void(std::string_view)> out_;
  std::uint64_t files_ = 0;
};

}  // namespace kintsugi

// The checks of a submission's content (submission_check.h): key dumps
// through ParseKeyDump (include/kintsugi/key_dump.h), family definitions
// through the KB's own parser and Lint (docs/kb-format.md §8).

#include "partners/submission_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kb/kb_format.h"
#include "kintsugi/key_dump.h"
#include "kintsugi/message.h"

namespace kintsugi::partners::internal {
namespace {

// Problems listed in one refusal; the count says how many more.
constexpr std::size_t kListedProblems = 20;

// The file name a submitted family is shown under in its problems.
constexpr const char* kSubmissionFile = "submission";

// Whether the first character that is not white space opens JSON.
bool LooksLikeJson(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos &&
         (text[first] == '{' || text[first] == '[');
}

std::string DiagnosticText(const kb::Diagnostic& diagnostic) {
  return fmt::format("{}:{}: {}", diagnostic.where.file, diagnostic.where.line,
                     diagnostic.message);
}

}  // namespace

Result<CheckedKeys> CheckKeyDump(std::string_view content,
                                 std::string_view format,
                                 const kb::KnowledgeBase& kb,
                                 std::string_view source,
                                 std::string_view case_reference) {
  if (format == "jsonl" && !LooksLikeJson(content)) {
    return InvalidArgumentError(
        "the key dump was given as JSON lines but does not start with a JSON "
        "record");
  }
  if (format == "csv" && LooksLikeJson(content)) {
    return InvalidArgumentError(
        "the key dump was given as CSV but starts with a JSON record");
  }
  if (!format.empty() && format != "jsonl" && format != "csv") {
    return InvalidArgumentError(
        fmt::format("unknown key dump format \"{}\" (jsonl or csv)", format));
  }
  KeyDumpDefaults defaults;
  defaults.source = std::string(source);
  for (const kb::Family& family : kb.families) {
    defaults.kb_families.insert(family.id);
  }
  KINTSUGI_ASSIGN_OR_RETURN(ParsedKeyDump dump,
                            ParseKeyDump(content, defaults));
  if (!dump.problems.empty() || dump.rejected_count > 0) {
    std::string text = fmt::format(
        "the key dump was refused: {} of its {} records have problems",
        dump.rejected_count, dump.record_count);
    for (std::size_t i = 0; i < dump.problems.size() && i < kListedProblems;
         ++i) {
      const KeyDumpProblem& problem = dump.problems[i];
      text += fmt::format("; line {}: {}", problem.line,
                          problem.detail.id == MessageId::kCount
                              ? problem.message
                              : RenderEnglish(problem.detail));
    }
    if (dump.problems.size() > kListedProblems) {
      text +=
          fmt::format("; and {} more", dump.problems.size() - kListedProblems);
    }
    return InvalidArgumentError(std::move(text));
  }
  if (dump.records.empty()) {
    return InvalidArgumentError("the key dump holds no key record");
  }
  CheckedKeys checked;
  std::set<std::string> families;
  for (KeyRecord& record : dump.records) {
    if (record.provenance.case_reference.empty()) {
      record.provenance.case_reference = std::string(case_reference);
    }
    families.insert(record.family);
  }
  checked.families.assign(families.begin(), families.end());
  std::string list;
  for (const std::string& family : checked.families) {
    list += (list.empty() ? "" : ", ") + family;
  }
  checked.summary = fmt::format("{} key{}: {}", dump.records.size(),
                                dump.records.size() == 1 ? "" : "s", list);
  checked.records = std::move(dump.records);
  return checked;
}

Result<std::string> FamilyCheck::Check(std::string_view yaml) {
  Result<kb::Family> parsed = kb::internal::ParseFamily(yaml, kSubmissionFile);
  if (!parsed) {
    // The parser's "file:line: message", as a problem of the submission.
    return InvalidArgumentError(parsed.error().message());
  }
  kb::Family family = std::move(*parsed);
  // As the loader does: rules for a newer engine are skipped.
  std::erase_if(family.rules, [](const kb::Rule& rule) {
    return !rule.min_engine.empty() &&
           kb::internal::IsNewerThanEngine(rule.min_engine);
  });
  if (!baseline_) {
    std::set<std::string> errors;
    for (const kb::Diagnostic& diagnostic : kb::Lint(*kb_)) {
      if (diagnostic.severity == kb::Diagnostic::Severity::kError) {
        errors.insert(DiagnosticText(diagnostic));
      }
    }
    baseline_ = std::move(errors);
  }
  const std::string id = family.id;
  kb::KnowledgeBase laid = *kb_;
  auto same = std::find_if(
      laid.families.begin(), laid.families.end(),
      [&id](const kb::Family& existing) { return existing.id == id; });
  if (same != laid.families.end()) {
    *same = std::move(family);
  } else {
    laid.families.push_back(std::move(family));
    std::sort(
        laid.families.begin(), laid.families.end(),
        [](const kb::Family& a, const kb::Family& b) { return a.id < b.id; });
  }
  std::vector<std::string> problems;
  for (const kb::Diagnostic& diagnostic : kb::Lint(laid)) {
    if (diagnostic.severity != kb::Diagnostic::Severity::kError) continue;
    std::string text = DiagnosticText(diagnostic);
    if (!baseline_->contains(text)) problems.push_back(std::move(text));
  }
  if (problems.empty()) return id;
  std::string text =
      fmt::format("the family definition was refused: {} problem{}",
                  problems.size(), problems.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < problems.size() && i < kListedProblems; ++i) {
    text += "; " + problems[i];
  }
  if (problems.size() > kListedProblems) {
    text += fmt::format("; and {} more", problems.size() - kListedProblems);
  }
  return InvalidArgumentError(std::move(text));
}

}  // namespace kintsugi::partners::internal

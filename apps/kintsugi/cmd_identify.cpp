// `kintsugi identify [PATH...] [--contact TEXT]... [--yara RULES] [--json]`
// (issue #3, docs/cli.md): names the ransomware family from any mix of
// encrypted files, ransom notes and contacts, with the evidence.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "interrupt.h"
#include "kintsugi/fs.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "kintsugi/message.h"
#include "kintsugi/recover.h"
#include "kintsugi/report_json.h"

namespace kintsugi::cli {
namespace {

struct IdentifyArgs {
  std::vector<std::string> paths;
  std::vector<std::string> contacts;
  std::string yara;
};

std::string Clean(std::string_view text) { return SanitizeForLog(text); }

void PrintEvidence(const char* indent, const identify::Evidence& e) {
  std::printf("%s- %s: %s [%s]\n", indent,
              std::string(identify::EvidenceKindName(e.kind)).c_str(),
              Clean(RenderEnglish(e.detail)).c_str(), Clean(e.source).c_str());
}

void PrintCandidateDetails(const identify::Candidate& c) {
  std::printf("  %s (%s), score %.2f\n", Clean(c.name).c_str(),
              Clean(c.family).c_str(), c.score);
  std::string recovery =
      "    Recovery: " + std::string(kb::RecoveryPossibleName(c.recovery));
  const bool built = DecryptorBuilt(c.decryptor);
  if (identify::RecoveryOffered(c.recovery, built)) {
    recovery += ", with 'kintsugi recover' (decryptor " + c.decryptor + ")";
  } else if (built) {
    recovery += "; its decryptor (" + c.decryptor +
                ") is in 'kintsugi recover', but whether it can recover "
                "files is not known yet";
  } else if (!c.decryptor.empty()) {
    recovery += "; its decryptor (" + c.decryptor +
                ") is not in this version of Kintsugi yet";
  }
  std::printf("%s\n", Clean(recovery).c_str());
  for (const std::string& need : c.needs) {
    std::printf("    %s\n",
                Clean(RenderEnglish(
                          Message{MessageId::kRecoveryNeed, {{"need", need}}}))
                    .c_str());
  }
  for (const identify::Evidence& e : c.evidence) PrintEvidence("    ", e);
}

void PrintHuman(const identify::Report& report,
                const std::vector<UnreadInput>& failed) {
  const auto& candidates = report.candidates;
  // The answer first, then what can be done about it.
  std::printf("%s\n",
              Clean(RenderEnglish(identify::VerdictSummary(report))).c_str());
  if (const auto why = identify::ExplainVerdict(report)) {
    std::printf("%s\n", Clean(RenderEnglish(*why)).c_str());
  }
  if (const auto group = identify::ExplainGroup(report)) {
    std::printf("%s\n", Clean(RenderEnglish(*group)).c_str());
  }
  if (report.verdict == identify::Verdict::kIdentified) {
    const identify::Candidate& best = candidates.front();
    for (const Message& advice :
         identify::RecoveryAdvice(best, DecryptorBuilt(best.decryptor))) {
      std::printf("%s\n", Clean(RenderEnglish(advice)).c_str());
    }
  }
  if (!candidates.empty()) {
    std::printf("\n%s\n", report.verdict == identify::Verdict::kUnknown
                              ? "Weak hints:"
                              : "Candidates, best first:");
    for (const identify::Candidate& c : candidates) PrintCandidateDetails(c);
  }
  if (!report.unattributed.empty()) {
    std::printf("\nOther evidence (no family):\n");
    for (const identify::Evidence& e : report.unattributed) {
      PrintEvidence("  ", e);
    }
  }
  std::printf("\nInputs:\n");
  for (const identify::InputSummary& in : report.inputs) {
    std::printf(
        "  %s: %s%s\n", Clean(in.source).c_str(),
        Clean(RenderEnglish(in.description)).c_str(),
        in.allow_listed.empty()
            ? ""
            : Clean(" (allow-listed: " + in.allow_listed + ")").c_str());
    for (const auto& [kind, value] : in.indicators) {
      std::printf("    %s: %s\n", Clean(kind).c_str(), Clean(value).c_str());
    }
  }
  for (const UnreadInput& f : failed) {
    std::printf("  %s: not read: %s\n", Clean(f.source).c_str(),
                Clean(f.status.message()).c_str());
  }
}

int RunIdentify(const GlobalOptions& options, const IdentifyArgs& args) {
  if (args.paths.empty() && args.contacts.empty()) {
    return ReportFailure(
        options, InvalidArgumentError("nothing to identify: give at least one "
                                      "PATH (a note or an encrypted file) or "
                                      "--contact TEXT"));
  }
  if (args.paths.size() + args.contacts.size() > limits::kMaxIdentifyInputs) {
    return ReportFailure(
        options, ResourceExhaustedError(
                     "more than " + std::to_string(limits::kMaxIdentifyInputs) +
                     " inputs in one request; identify a sample of them"));
  }
  auto compiled = LoadCompiledKb(options);
  if (!compiled) {
    ReportFailure(options, compiled.error().WithContext("knowledge base: "));
    return kExitKbInvalid;
  }
  std::shared_ptr<const identify::YaraRules> yara;
  if (!args.yara.empty()) {
    auto rules = identify::YaraRules::Compile(RealFileSystem(), args.yara);
    if (!rules) return ReportFailure(options, rules.error());
    yara = *rules;
  }

  // Ctrl-C or SIGTERM (interrupt.h): stop reading, say so, exit 130.
  const auto stopped = [&options] {
    return ReportFailure(
        options, CancelledError("interrupted before the answer was ready; "
                                "nothing was written"));
  };
  if (Interrupted()) return stopped();
  std::vector<identify::Input> inputs;
  std::vector<UnreadInput> failed;
  for (const std::string& contact : args.contacts) {
    auto input = identify::ContactInput(contact);
    if (!input) {
      failed.push_back({"contact", input.error()});
      continue;
    }
    inputs.push_back(std::move(*input));
  }
  for (const std::string& path : args.paths) {
    if (Interrupted()) return stopped();
    auto input = identify::ReadInput(RealFileSystem(), path);
    if (!input) {
      failed.push_back({path, input.error()});
      continue;
    }
    inputs.push_back(std::move(*input));
  }
  // Nothing usable: the first failure is the answer, and is printed only
  // as that (each failure once on stderr; its message names the input).
  const bool nothing_usable = inputs.empty();
  for (std::size_t i = nothing_usable ? 1 : 0; i < failed.size(); ++i) {
    std::fprintf(stderr, "kintsugi: %s: %s\n", Clean(failed[i].source).c_str(),
                 Clean(failed[i].status.ToString()).c_str());
  }
  if (nothing_usable) return ReportFailure(options, failed.front().status);

  if (Interrupted()) return stopped();
  const identify::Report report = (*compiled)->Identify(inputs, yara.get());
  if (Interrupted()) return stopped();
  // Binary that is neither text nor encrypted-looking, with no evidence in
  // its name either: not something identify can work with.
  if (const Status usable = identify::CheckSomethingToIdentify(inputs, report);
      !usable.ok()) {
    return ReportFailure(options, usable);
  }
  if (options.json) {
    std::printf("%s\n", IdentifyReportJson(report, failed).c_str());
  } else if (!options.quiet) {
    PrintHuman(report, failed);
  }
  return failed.empty() ? kExitOk : kExitPartial;
}

}  // namespace

void AddIdentifyCommand(CLI::App& app, const GlobalOptions& options,
                        Handler* handler) {
  CLI::App* command =
      app.add_subcommand("identify",
                         "Name the ransomware family from encrypted files, "
                         "ransom notes and contacts");
  auto args = std::make_shared<IdentifyArgs>();
  command
      ->add_option("PATH", args->paths,
                   "Ransom notes and encrypted files (classified by "
                   "content, not by name)")
      ->check(NonEmpty());
  command
      ->add_option("--contact", args->contacts,
                   "A contact from the note (e-mail, onion, Tox ID, "
                   "wallet, victim ID); repeatable")
      ->allow_extra_args(false)
      ->check(NonEmpty());
  command
      ->add_option("--yara", args->yara, "Also match your own YARA rules file")
      ->check(NonEmpty());
  command->footer(
      "Exit codes: 0 any verdict (even unknown), 1 some inputs unreadable, "
      "3 bad input, 5 a size limit, 7 knowledge base invalid (docs/cli.md).");
  command->callback([&options, handler, args] {
    *handler = [&options, args] { return RunIdentify(options, *args); };
  });
}

}  // namespace kintsugi::cli

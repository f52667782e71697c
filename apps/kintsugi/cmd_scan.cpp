// `kintsugi scan PATH...`: the triage of a whole tree (docs/cli.md "scan",
// issue 11): how many files are hit, by what, since when, where the notes
// are, and what can be recovered today. The answer first.

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "cli.h"
#include "interrupt.h"
#include "kintsugi/disk_image.h"
#include "kintsugi/fs.h"
#include "kintsugi/log.h"
#include "kintsugi/message.h"
#include "kintsugi/scan.h"
#include "kintsugi/scan_report_html.h"
#include "kintsugi/store.h"

namespace kintsugi::cli {
namespace {

struct ScanArgs {
  std::vector<std::string> paths;
  std::vector<std::string> excludes;
  std::string db;
  std::string image;
  std::string report_html;
  unsigned threads = 0;
  bool names_only = false;
  bool one_file_system = false;
};

// "2026-12-03 14:05" (UTC) for the summary.
std::string MinuteText(std::int64_t ns) {
  const std::time_t t = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return std::string(text, n);
}

void PrintLine(const Message& message, const char* indent = "") {
  std::printf("%s%s\n", indent, SanitizeForLog(RenderEnglish(message)).c_str());
}

std::int64_t Count(std::uint64_t n) { return static_cast<std::int64_t>(n); }

// The summary: the answer first (how many files, by what), then what can
// be recovered, the notes, the timeline, each family's verdict, and what
// was left out.
void PrintSummary(const ScanReport& report) {
  const std::uint64_t encrypted = report.count(ScanClass::kEncrypted);
  if (encrypted == 0) {
    PrintLine(Message{MessageId::kScanSummaryNone,
                      {{"files", Count(report.total_files())}}});
  } else {
    std::string by;
    for (const FamilyVerdict& f : report.families) {
      if (f.files == 0) continue;
      by += (by.empty() ? "" : ", ") + std::to_string(f.files) + " by " +
            f.family;
    }
    PrintLine(Message{MessageId::kScanSummaryEncrypted,
                      {{"encrypted", Count(encrypted)},
                       {"files", Count(report.total_files())},
                       {"families", by}}});
    std::uint64_t recoverable = 0;
    std::uint64_t partly = 0;
    for (const FamilyVerdict& f : report.families) {
      recoverable += f.recoverable_now;
      partly += f.recoverable_partly;
    }
    if (!report.names_only) {
      PrintLine(Message{MessageId::kScanRecoverableNow,
                        {{"files", Count(recoverable)}}});
      if (partly > 0) {
        PrintLine(Message{MessageId::kScanRecoverablePartly,
                          {{"files", Count(partly)}}});
      }
    }
  }
  if (const std::uint64_t notes = report.count(ScanClass::kNote); notes > 0) {
    std::string paths;
    std::size_t listed = 0;
    for (const ScannedFile& f : report.files) {
      if (f.klass != ScanClass::kNote) continue;
      if (listed++ == 3) {
        paths += ", ...";
        break;
      }
      paths += (paths.empty() ? "" : ", ") + f.path.string();
    }
    PrintLine(Message{MessageId::kScanNotes,
                      {{"notes", Count(notes)}, {"paths", paths}}});
  }
  if (const std::uint64_t odd = report.count(ScanClass::kSuspicious); odd > 0) {
    PrintLine(Message{MessageId::kScanSuspicious, {{"files", Count(odd)}}});
  }
  if (report.first_encrypted_ns && report.last_encrypted_ns) {
    const double minutes =
        std::max(1.0, static_cast<double>(*report.last_encrypted_ns -
                                          *report.first_encrypted_ns) /
                          60e9);
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f",
                  static_cast<double>(encrypted) / minutes);
    PrintLine(Message{MessageId::kScanTimeline,
                      {{"first", MinuteText(*report.first_encrypted_ns)},
                       {"last", MinuteText(*report.last_encrypted_ns)},
                       {"rate", std::string(rate)}}});
  }
  for (const FamilyVerdict& f : report.families) {
    if (f.decryptor.empty()) {
      PrintLine(Message{MessageId::kScanFamilyNoDecryptor,
                        {{"family", f.family},
                         {"files", Count(f.files)},
                         {"notes", Count(f.notes)}}},
                "  ");
    } else {
      PrintLine(Message{MessageId::kScanFamily,
                        {{"family", f.family},
                         {"files", Count(f.files)},
                         {"notes", Count(f.notes)},
                         {"decryptor", f.decryptor},
                         {"strategy", f.strategy},
                         {"recoverable", Count(f.recoverable_now)}}},
                "  ");
    }
    if (!f.advice.empty()) {
      PrintLine(Message{MessageId::kScanFamilyNeeds,
                        {{"needs", std::vector<Message>(f.advice)}}},
                "    ");
    }
    if (f.search_plan) PrintLine(*f.search_plan, "    ");
    if (!f.campaigns.empty()) {
      std::string ids;
      for (const std::string& id : f.campaigns) {
        ids += (ids.empty() ? "" : ", ") + id;
      }
      PrintLine(Message{MessageId::kScanFamilyCampaigns, {{"ids", ids}}},
                "    ");
    }
  }
  if (!report.errors.empty()) {
    const ScanError& first = report.errors.front();
    PrintLine(Message{MessageId::kScanErrors,
                      {{"errors", Count(report.errors.size())},
                       {"path", first.path.string()},
                       {"error", std::vector<Message>{first.error}}}});
  }
  if (report.symlinks_skipped + report.excluded + report.other_file_systems >
      0) {
    PrintLine(Message{MessageId::kScanLeftOut,
                      {{"symlinks", Count(report.symlinks_skipped)},
                       {"excluded", Count(report.excluded)},
                       {"other", Count(report.other_file_systems)}}});
  }
  if (report.names_only) PrintLine(Message{MessageId::kScanNamesOnly, {}});
  if (report.cancelled) PrintLine(Message{MessageId::kScanInterrupted, {}});
}

int Run(const GlobalOptions& global, const ScanArgs& args) {
  ScanOptions options;
  // --image: the paths are inside the image (default: all of it), read
  // through The Sleuth Kit without mounting or writing anything.
  std::unique_ptr<ReadOnlyFileSystem> image;
  if (!args.image.empty()) {
    auto opened = OpenDiskImage(args.image);
    if (!opened) return ReportFailure(global, opened.error());
    image = std::move(*opened);
    options.image = args.image;
  } else if (args.paths.empty()) {
    std::fprintf(stderr, "kintsugi: scan: give PATHs, or --image FILE\n");
    return kExitUsage;
  }
  for (const std::string& p : args.paths) {
    options.paths.emplace_back(image && p.front() != '/' ? "/" + p : p);
  }
  if (image && options.paths.empty()) options.paths.emplace_back("/");
  options.excludes = args.excludes;
  options.threads = args.threads;
  options.names_only = args.names_only;
  // The summary counts clean files; the JSON and the HTML report list them.
  options.list_clean = global.json || !args.report_html.empty();
  options.one_file_system = args.one_file_system;
  options.cancel = InterruptFlag();
  // The KB finds the notes and the families this build cannot decrypt; one
  // that cannot be used leaves the decryptors' probes alone.
  auto compiled = LoadCompiledKb(global);
  if (compiled) {
    options.kb = *compiled;
  } else if (!global.kb_dir.empty()) {
    ReportFailure(global, compiled.status().WithContext("knowledge base: "));
    return kExitKbInvalid;
  } else if (!global.quiet) {
    std::fprintf(stderr, "kintsugi: knowledge base not used (%s)\n",
                 SanitizeForLog(compiled.status().ToString()).c_str());
  }
  // The key store, as recover finds it (a names-only scan asks it nothing:
  // only --db is opened, so that a bad one is still an error).
  if (!args.names_only || !args.db.empty()) {
    auto store = OpenRunKeyStore(args.db);
    if (!store) return ReportFailure(global, store.error());
    options.key_store = std::move(*store);
  }
  auto report = RunScan(image ? *image : RealFileSystem(), options);
  if (!report) return ReportFailure(global, report.error());
  std::string json;
  if (global.json || !args.report_html.empty()) json = ScanReportJson(*report);
  if (!args.report_html.empty()) {
    // The self-contained HTML report (issue 11), written as a new file: an
    // existing file is never replaced.
    auto html = RenderScanReportHtml(json);
    if (!html) return ReportFailure(global, html.error());
    const Status written =
        WriteNewFile(RealFileSystem(), args.report_html,
                     ByteView::FromString(*html), kPrivateFileMode);
    if (!written.ok()) {
      return ReportFailure(global, written.WithContext("--report: "));
    }
  }
  if (global.json) {
    std::fwrite(json.data(), 1, json.size(), stdout);
    std::printf("\n");
  } else if (!global.quiet) {
    PrintSummary(*report);
  }
  if (report->cancelled) return kExitInterrupted;
  return report->errors.empty() ? kExitOk : kExitPartial;
}

}  // namespace

void AddScanCommand(CLI::App& app, const GlobalOptions& options,
                    Handler* handler) {
  CLI::App* command =
      app.add_subcommand("scan",
                         "Triage a tree: which files are encrypted, by what, "
                         "and which can be recovered");
  auto args = std::make_shared<ScanArgs>();
  command
      ->add_option("PATH", args->paths,
                   "Files or folders to scan (with --image: paths inside the "
                   "image; default: all of it)")
      ->check(NonEmpty());
  command
      ->add_option("--report", args->report_html,
                   "Also write a self-contained HTML report to FILE.html "
                   "(a new file: an existing one is not replaced)")
      ->check(NonEmpty());
  command
      ->add_option("--image", args->image,
                   "Scan a disk image (raw/dd: ext2/3/4, FAT, NTFS; DOS or "
                   "GPT partitions as /p1, /p2, ...), read-only, nothing "
                   "mounted")
      ->check(NonEmpty());
  command
      ->add_option("--exclude", args->excludes,
                   "Leave out entries matching GLOB (a name, or a whole "
                   "path when it has a /); repeatable")
      ->check(NonEmpty());
  command
      ->add_option("--threads", args->threads,
                   "Worker threads (default: all cores)")
      ->check(NonEmpty());
  command->add_flag("--names-only", args->names_only,
                    "Classify from file names alone: no file is read");
  command->add_flag("--one-file-system", args->one_file_system,
                    "Do not enter folders on other file systems");
  command
      ->add_option("--db", args->db,
                   "Key store, to tell which files a stored key recovers; "
                   "default: $XDG_DATA_HOME/kintsugi/keys.sqlite if it exists")
      ->check(NonEmpty());
  command->callback([&options, handler, args] {
    *handler = [&options, args] { return Run(options, *args); };
  });
}

}  // namespace kintsugi::cli

// `kintsugi recover PATH...`: decrypt files where recovery is possible,
// never touching the originals (docs/cli.md "recover", issue 4).

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cli.h"
#include "family_options.h"
#include "interrupt.h"
#include "journal_place.h"
#include "kintsugi/disk_image.h"
#include "kintsugi/fs.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/key_server.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "kintsugi/message.h"
#include "kintsugi/petya_red.h"
#include "kintsugi/recover.h"
#include "kintsugi/report_json.h"
#include "kintsugi/scan.h"
#include "kintsugi/store.h"
#include "progress_bar.h"
#include "recover_args.h"

namespace kintsugi::cli {
namespace {

struct RecoverArgs {
  std::vector<std::string> paths;
  std::string image;  // --image FILE: the paths are inside it.
  std::string family;
  std::vector<std::string> pairs;
  std::vector<std::string> known;  // --known OFFSET:HEX
  std::string key_hex;
  std::string iv_hex;
  std::string out_dir;
  std::string db;
  std::string key_server;
  std::string seed_range;
  std::string around;
  std::string shard;
  std::string variant;
  std::string victim_id;
  std::vector<std::string> logs;  // --log FILE (akira)
  std::string gap;                // --gap A-B (akira)
  std::string from_scan;
  std::string key_pattern;  // --key-pattern (petya-red)
  std::map<std::string, std::string> family_options;  // --rhysida-*
  bool follow_symlinks = false;
  std::string journal_dir;
  unsigned threads = 0;
  bool dry_run = false;
  bool verified_only = false;
};

// The terminal's width in columns; 0 when unknown.
std::size_t TerminalWidth() {
  struct winsize size {};
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) != 0) return 0;
  return size.ws_col;
}

// Draws the progress bar (progress_bar.h) on stderr, at most ten times a
// second except for the last file.
class ProgressBar {
 public:
  void Show(const RecoverProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    const bool finished = p.files_done >= p.files_total;
    if (!finished && shown_ && now - last_ < std::chrono::milliseconds(100)) {
      return;
    }
    last_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const std::string text =
        RenderProgressBar(p, elapsed, TerminalWidth(), finished);
    if (text.empty()) return;
    std::fputs(text.c_str(), stderr);
    std::fflush(stderr);
    shown_ = true;
    open_ = !finished;
  }

  // Wipes a bar left running (a run that stopped before its last file), so
  // the summary starts on a clean line.
  void Finish() {
    if (!open_) return;
    std::fputs(ClearProgressBar(TerminalWidth()).c_str(), stderr);
    std::fflush(stderr);
    open_ = false;
  }

 private:
  std::chrono::steady_clock::time_point start_ =
      std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
  bool shown_ = false;
  bool open_ = false;  // A running line is on screen, cursor at its start.
};

// A key search (a seed search may take hours): how far, how fast, and how
// long is left, a few times a second, on one line of stderr.
std::function<void(const KeySearchProgress&)> KeySearchLine() {
  return [start = std::chrono::steady_clock::now(),
          shown = std::chrono::steady_clock::time_point()](
             const KeySearchProgress& p) mutable {
    const auto now = std::chrono::steady_clock::now();
    if (now - shown < std::chrono::milliseconds(250) && p.done < p.total) {
      return;
    }
    shown = now;
    const double seconds = std::chrono::duration<double>(now - start).count();
    const double rate =
        seconds > 0 ? static_cast<double>(p.done) / seconds : 0.0;
    const double left =
        rate > 0 ? static_cast<double>(p.total - p.done) / rate : 0.0;
    std::fprintf(stderr,
                 "\r%s: %llu of %llu candidates (%.1f%%), %.0f/s, "
                 "about %.0f min left   ",
                 SanitizeForLog(p.decryptor).c_str(),
                 static_cast<unsigned long long>(p.done),
                 static_cast<unsigned long long>(p.total),
                 p.total > 0 ? 100.0 * static_cast<double>(p.done) /
                                   static_cast<double>(p.total)
                             : 100.0,
                 rate, left / 60.0);
    if (p.done >= p.total) std::fprintf(stderr, "\n");
  };
}

// One line for a file, as soon as it is done.
void PrintFileLine(const FileOutcome& f) {
  std::string line =
      std::string(RecoverStatusName(f.status)) + "  " + f.path.string();
  if (!f.output.empty()) line += " -> " + f.output.string();
  if (!f.decryptor.empty()) line += "  [" + f.decryptor + "]";
  if (f.detail.id != MessageId::kCount) {
    line += "  " + RenderEnglish(f.detail);
  }
  std::printf("%s\n", SanitizeForLog(line).c_str());
}

// The summary, after the files' lines (the last thing on screen).
void PrintSummary(const RecoverReport& report) {
  const auto count = [&](RecoverStatus s) {
    return report.counts[static_cast<std::size_t>(s)];
  };
  std::printf(
      "%s%llu recovered, %llu partial, %llu unverified, %llu need input, "
      "%llu key not found, %llu errors (%llu not encrypted, %llu "
      "unsupported)\n",
      report.dry_run ? "Dry run (nothing written): " : "",
      static_cast<unsigned long long>(count(RecoverStatus::kRecovered)),
      static_cast<unsigned long long>(count(RecoverStatus::kPartial)),
      static_cast<unsigned long long>(count(RecoverStatus::kUnverified)),
      static_cast<unsigned long long>(count(RecoverStatus::kNeedsInput)),
      static_cast<unsigned long long>(count(RecoverStatus::kKeyNotFound)),
      static_cast<unsigned long long>(count(RecoverStatus::kError)),
      static_cast<unsigned long long>(count(RecoverStatus::kNotEncrypted)),
      static_cast<unsigned long long>(count(RecoverStatus::kUnsupported)));
  // How strong the verification of what was recovered is (issue 16):
  // structure alone lets a few wrong bytes through.
  const auto recovered_by = [&](VerifiedBy by) {
    const auto index = static_cast<std::size_t>(by);
    return index < report.verified_by.size() ? report.verified_by[index] : 0;
  };
  if (count(RecoverStatus::kRecovered) > 0) {
    std::string line = std::to_string(recovered_by(VerifiedBy::kChecksum)) +
                       " verified by checksum, " +
                       std::to_string(recovered_by(VerifiedBy::kStructure)) +
                       " by structure only";
    if (const auto none = recovered_by(VerifiedBy::kNone); none > 0) {
      line += ", " + std::to_string(none) +
              " not checked (empty, or recovered by an earlier run)";
    }
    std::printf("%s\n", line.c_str());
  }
  // What the walk left out on purpose.
  if (report.symlinks_skipped > 0) {
    std::printf(
        "%llu symbolic link(s) inside the inputs not followed "
        "(--follow-symlinks follows them)\n",
        static_cast<unsigned long long>(report.symlinks_skipped));
  }
  if (report.duplicates_skipped > 0) {
    std::printf(
        "%llu file(s) or folder(s) named more than once (an input given "
        "twice or inside another, a hard link) were processed once\n",
        static_cast<unsigned long long>(report.duplicates_skipped));
  }
  for (const ReportedKey& k : report.keys) {
    // A key without hex is one not to be shown (a leaked private key,
    // Chimera's): its detail names it.
    std::printf("Key found (%s, from %s)%s%s\n", k.decryptor.c_str(),
                SanitizeForLog(k.source).c_str(), k.key_hex.empty() ? "" : ": ",
                k.key_hex.c_str());
    if (k.detail.id != MessageId::kCount) {
      std::printf("  %s\n", RenderEnglish(k.detail).c_str());
    }
  }
  if (report.cancelled) {
    std::printf("Interrupted: run the same command again to finish.\n");
  }
}

// A --pair side must be an existing regular file (after symbolic links) of
// the source: the host, or the --image.
Status CheckPairSide(ReadOnlyFileSystem& source, const Path& path) {
  KINTSUGI_ASSIGN_OR_RETURN(const FileInfo info, source.Stat(path, true));
  if (info.type == FileType::kRegular) return Status::Ok();
  return InvalidArgumentError("--pair: " + path.string() +
                              (info.type == FileType::kDirectory
                                   ? ": is a folder, not a file"
                                   : ": not a file"));
}

// `recover --family petya-red --image FILE`: the key of a Petya Red disk,
// searched for on its verification sector (kintsugi/petya_red.h). The image
// is read raw (sectors 54 and 55), not as a file system; nothing is
// written.
int RunPetyaRed(const GlobalOptions& global, const RecoverArgs& args) {
  if (args.image.empty() || !args.paths.empty() || !args.from_scan.empty()) {
    std::fprintf(stderr,
                 "kintsugi: recover --family petya-red reads the disk's "
                 "sectors 54 and 55: give --image FILE (a raw image of the "
                 "disk, or of its first 56 sectors) and no PATH\n");
    return kExitUsage;
  }
  // Options of the file decryptors: refused rather than silently ignored.
  const std::pair<bool, const char*> unused[] = {
      {!args.pairs.empty(), "--pair"},
      {!args.known.empty(), "--known"},
      {!args.key_hex.empty(), "--key"},
      {!args.iv_hex.empty(), "--iv"},
      {!args.out_dir.empty(), "--out"},
      {!args.journal_dir.empty(), "--journal"},
      {!args.db.empty(), "--db"},
      {!args.key_server.empty(), "--key-server"},
      {!args.seed_range.empty(), "--seed-range"},
      {!args.around.empty(), "--around"},
      {!args.shard.empty(), "--shard"},
      {!args.variant.empty(), "--variant"},
      {!args.victim_id.empty(), "--victim-id"},
      {!args.logs.empty(), "--log"},
      {!args.gap.empty(), "--gap"},
      {args.follow_symlinks, "--follow-symlinks"},
      {args.dry_run, "--dry-run"},
      {args.verified_only, "--verified-only"},
      {!args.family_options.empty(), "--rhysida-*"},
  };
  for (const auto& [given, name] : unused) {
    if (given) {
      std::fprintf(stderr,
                   "kintsugi: recover --family petya-red takes only --image, "
                   "--key-pattern and --threads (it writes nothing): %s is "
                   "for the file decryptors\n",
                   name);
      return kExitUsage;
    }
  }
  PetyaRedOptions options;
  options.image = args.image;
  options.key_pattern = args.key_pattern;
  options.threads = args.threads;
  options.cancel = InterruptFlag();
  // The progress line ends with the search, found or not (a key found
  // early leaves it short of its total).
  auto shown = std::make_shared<bool>(false);
  if (!global.json && !global.quiet && isatty(STDERR_FILENO) == 1) {
    options.on_key_search = [line = KeySearchLine(),
                             shown](const KeySearchProgress& p) {
      *shown = true;
      line(p);
    };
  }
  auto result = RecoverPetyaRedKey(RealFileSystem(), options);
  if (*shown) std::fputs("\n", stderr);
  if (!result) return ReportFailure(global, result.error());
  if (global.json) {
    std::printf("%s\n", RecoverReportJson(result->report).c_str());
  } else if (!global.quiet || result->key) {
    std::printf("%s\n", RenderEnglish(result->outcome).c_str());
  }
  return result->key ? kExitOk : kExitPartial;
}

int Run(const GlobalOptions& global, const RecoverArgs& args) {
  if (args.family == "petya-red") return RunPetyaRed(global, args);
  if (!args.key_pattern.empty()) {
    std::fprintf(stderr,
                 "kintsugi: recover: --key-pattern is for --family "
                 "petya-red\n");
    return kExitUsage;
  }
  if (args.paths.empty() && args.image.empty() && args.from_scan.empty()) {
    std::fprintf(stderr,
                 "kintsugi: recover: give the encrypted files or folders "
                 "(PATH...), --from-scan REPORT.json, or --image FILE --out "
                 "DIR\n");
    return kExitUsage;
  }
  // A disk image is read, never written to: the outputs must go elsewhere.
  std::unique_ptr<ReadOnlyFileSystem> image;
  if (!args.image.empty()) {
    if (args.out_dir.empty()) {
      std::fprintf(stderr,
                   "kintsugi: recover --image needs --out DIR: the outputs "
                   "are written there, never into the image\n");
      return kExitUsage;
    }
    auto opened = OpenDiskImage(args.image);
    if (!opened) return ReportFailure(global, opened.error());
    image = std::move(*opened);
  }
  ReadOnlyFileSystem& source = image ? *image : RealFileSystem();
  RecoverOptions options;
  for (const std::string& p : args.paths) {
    // Paths inside an image are its file system's paths, from its root.
    options.paths.emplace_back(image && p.front() != '/' ? "/" + p : p);
  }
  // --from-scan: exactly the files a scan marked recoverable now or found
  // by a seed search (issue 11), instead of PATHs (with --image, neither:
  // all of the image).
  if ((!args.from_scan.empty() && !args.paths.empty()) ||
      (args.from_scan.empty() && args.paths.empty() && !image)) {
    std::fprintf(stderr,
                 "kintsugi: recover: give PATHs or --from-scan REPORT.json "
                 "(one of the two)\n");
    return kExitUsage;
  }
  if (!args.from_scan.empty()) {
    auto text = ReadWholeFile(RealFileSystem(), args.from_scan,
                              limits::kMaxScanReportBytes);
    if (!text) {
      return ReportFailure(global, text.error().WithContext("--from-scan: "));
    }
    // With --family, that decryptor's files alone (a seed search runs
    // only for the family asked for).
    auto paths = RecoverableFromScanJson(
        std::string_view(reinterpret_cast<const char*>(text->data()),
                         text->size()),
        args.family);
    if (!paths) {
      return ReportFailure(global, paths.error().WithContext("--from-scan: "));
    }
    if (paths->empty()) {
      if (global.json) {
        std::printf("%s\n", RecoverReportJson(RecoverReport{}).c_str());
      } else if (!global.quiet) {
        std::printf("%s\n",
                    RenderEnglish(Message{MessageId::kScanFromScanNothing, {}})
                        .c_str());
      }
      return kExitOk;
    }
    options.paths = std::move(*paths);
  }
  if (image && options.paths.empty()) options.paths.emplace_back("/");
  options.family = args.family;
  for (const std::string& pair : args.pairs) {
    const std::size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      std::fprintf(stderr, "kintsugi: --pair wants ENC=ORIG, got '%s'\n",
                   SanitizeForLog(pair).c_str());
      return kExitUsage;
    }
    options.pairs.push_back({pair.substr(0, eq), pair.substr(eq + 1)});
  }
  // Both sides of a pair are files: said up front, in those words, rather
  // than as whatever reading a folder as a file would give later.
  for (const KnownPlaintextPair& pair : options.pairs) {
    for (const Path& side : {pair.encrypted, pair.original}) {
      if (Status file = CheckPairSide(source, side); !file.ok()) {
        return ReportFailure(global, file);
      }
    }
  }
  for (const std::string& text : args.known) {
    auto known = ParseKnown(text);
    if (!known) return ReportFailure(global, known.error());
    options.known.push_back(std::move(*known));
  }
  if (!args.key_hex.empty()) {
    auto key = SecretBytes::FromHex(args.key_hex);
    if (!key)
      return ReportFailure(
          global, InvalidArgumentError("--key: " + key.error().message()));
    options.key = std::move(*key);
  }
  // Seed searches (issue 10).
  if (!args.seed_range.empty()) {
    // "A-B": split at the dash between two values.
    const std::size_t dash = args.seed_range.find('-', 1);
    if (dash == std::string::npos) {
      return ReportFailure(global,
                           InvalidArgumentError("--seed-range: give A-B, e.g. "
                                                "5000000-5600000 or 1h-3h"));
    }
    auto first =
        ParseSeedValue(std::string_view(args.seed_range).substr(0, dash));
    auto last =
        ParseSeedValue(std::string_view(args.seed_range).substr(dash + 1));
    if (!first) return ReportFailure(global, first.error());
    if (!last) return ReportFailure(global, last.error());
    if (*first > *last) {
      return ReportFailure(global,
                           InvalidArgumentError("--seed-range: A is after B"));
    }
    options.seed_range = std::make_pair(*first, *last);
  }
  if (!args.around.empty()) {
    auto around = ParseSeedValue(args.around);
    if (!around) return ReportFailure(global, around.error());
    options.seed_around = *around;
  }
  options.shard = args.shard;  // Checked by Recover().
  options.variant = args.variant;
  options.victim_id = args.victim_id;  // Checked by the decryptor.
  if (const char* misplaced =
          MisplacedFamilyOption(args.family, args.family_options)) {
    std::fprintf(stderr, "kintsugi: --%s needs --family rhysida\n", misplaced);
    return kExitUsage;
  }
  options.family_options = args.family_options;  // Checked by the decryptor.
  for (const std::string& log : args.logs) options.seed_logs.emplace_back(log);
  if (!args.gap.empty()) {
    auto gap = ParseGap(args.gap);
    if (!gap) return ReportFailure(global, gap.error());
    options.seed_gap = *gap;
  }
  if (!args.iv_hex.empty()) {
    auto iv = SecretBytes::FromHex(args.iv_hex);
    if (!iv)
      return ReportFailure(
          global, InvalidArgumentError("--iv: " + iv.error().message()));
    options.iv = std::move(*iv);
  }
  // Without --family, identify's evidence helps choose each file's
  // decryptor; a KB that cannot be used leaves the choice to probing.
  if (options.family.empty() && !Interrupted()) {
    auto compiled = LoadCompiledKb(global);
    Status kb_status = compiled.status();
    if (compiled) options.kb = *compiled;
    if (!kb_status.ok() && !global.kb_dir.empty()) {
      // A KB the user named and that cannot be used is refused, as by
      // identify, rather than quietly ignored.
      ReportFailure(global, kb_status.WithContext("knowledge base: "));
      return kExitKbInvalid;
    }
    if (!kb_status.ok() && !global.quiet) {
      std::fprintf(stderr,
                   "kintsugi: knowledge base not used (%s); decryptors are "
                   "chosen by probing alone\n",
                   SanitizeForLog(kb_status.ToString()).c_str());
    }
  }
  if (!args.out_dir.empty()) {
    // Absolute, so that the report's outputs are, like its paths (the
    // library joins a relative --out as given; issue 16).
    std::error_code error;
    options.out_dir = std::filesystem::absolute(args.out_dir, error);
    if (error) {
      return ReportFailure(global,
                           InvalidArgumentError("bad --out " + args.out_dir));
    }
  }
  options.verified_only = args.verified_only;
  // The journal: --journal, else in --out (the library's default), else a
  // per-user state folder named by the run (docs/journal-format.md §1).
  options.journal_dir = args.journal_dir;
  if (options.journal_dir.empty() && options.out_dir.empty()) {
    const char* state = std::getenv("XDG_STATE_HOME");
    const char* home = std::getenv("HOME");
    auto dir = StateJournalDir(options, state == nullptr ? "" : state,
                               home == nullptr ? "" : home);
    if (!dir) return ReportFailure(global, dir.error());
    options.journal_dir = *dir;
  }
  if (!options.journal_dir.empty() && !args.dry_run) {
    if (Status made = CreatePrivateDirs(options.journal_dir); !made.ok()) {
      return ReportFailure(global, made);
    }
  }
  options.threads = args.threads;
  options.dry_run = args.dry_run;
  // The handlers were installed on main's first line: a signal that came
  // before this point (while the KB loaded) stops the run before its first
  // file, with the usual summary.
  options.cancel = InterruptFlag();
  options.follow_symlinks = args.follow_symlinks;
  // The key store: --db, else the default one when it exists. One store
  // (one connection) for the run; the pipeline asks it from one worker at a
  // time.
  {
    auto store = OpenRunKeyStore(args.db);
    if (!store) return ReportFailure(global, store.error());
    options.key_store = std::move(*store);
  }
  // A key server, asked where the local store has no key (off unless
  // given: only the family and the victim ID are sent).
  if (!args.key_server.empty()) {
    KeyServerOptions server;
    server.url = args.key_server;
    auto remote = OpenKeyServer(server);
    if (!remote) return ReportFailure(global, remote.error());
    options.key_store =
        LayerKeyStores(std::move(options.key_store),
                       std::shared_ptr<KeyStore>(std::move(*remote)));
  }
  // What a seed search will cover and cost, before it runs (stderr: stdout
  // may be JSON).
  if (!global.quiet) {
    options.on_key_search_plan = [](std::string_view decryptor,
                                    const Message& plan) {
      std::fprintf(stderr, "%s: %s\n",
                   SanitizeForLog(std::string(decryptor)).c_str(),
                   SanitizeForLog(RenderEnglish(plan)).c_str());
    };
  }
  auto bar = std::make_shared<ProgressBar>();
  if (!global.json && !global.quiet && isatty(STDERR_FILENO) == 1) {
    options.on_progress = [bar](const RecoverProgress& p) { bar->Show(p); };
    options.on_key_search = KeySearchLine();
  }
  // Each file is printed as soon as it is done (in input order), so that
  // nothing grows with the number of files; the summary comes last.
  RecoverJsonWriter json_writer([](std::string_view part) {
    std::fwrite(part.data(), 1, part.size(), stdout);
  });
  bool streamed = false;
  if (global.json) {
    options.on_file = [&](FileOutcome&& f) {
      json_writer.File(f);
      streamed = true;
    };
  } else if (!global.quiet) {
    options.on_file = [&, bar](FileOutcome&& f) {
      bar->Finish();  // Off the screen before the line, redrawn after.
      PrintFileLine(f);
      streamed = true;
    };
  } else {
    options.on_file = [](FileOutcome&&) {};
  }
  Result<RecoverReport> report = RecoverReport{};
  if (Interrupted()) {
    report->dry_run = options.dry_run;
    report->cancelled = true;
  } else {
    report = image ? Recover(*image, RealFileSystem(), options)
                   : Recover(RealFileSystem(), options);
  }
  bar->Finish();
  if (!report) {
    if (global.json && streamed) {
      // The document has begun: it ends with the error.
      json_writer.Fail(report.error());
      std::printf("\n");
      std::fprintf(stderr, "kintsugi: error: %s\n",
                   SanitizeForLog(report.error().ToString()).c_str());
      return ExitCodeFor(report.error());
    }
    return ReportFailure(global, report.error());
  }
  if (global.json) {
    json_writer.Finish(*report);
    std::printf("\n");
  } else if (!global.quiet) {
    PrintSummary(*report);
  }
  if (report->cancelled) return kExitInterrupted;
  return report->AllWell() ? kExitOk : kExitPartial;
}

}  // namespace

void AddRecoverCommand(CLI::App& app, const GlobalOptions& options,
                       Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "recover",
      "Decrypt files where recovery is possible (never touches the originals)");
  auto args = std::make_shared<RecoverArgs>();
  // No option takes an empty value: "--key ''" would read as no key.
  command
      ->add_option("PATH", args->paths,
                   "Encrypted files or folders (with --image: paths inside "
                   "the image; default: all of it)")
      ->check(NonEmpty());
  command
      ->add_option("--image", args->image,
                   "Read the inputs from this disk image (raw/dd: ext2/3/4, "
                   "FAT, NTFS; DOS or GPT partitions as /p1, /p2, ...), "
                   "read-only, nothing mounted; needs --out")
      ->check(NonEmpty());
  command
      ->add_option("--from-scan", args->from_scan,
                   "Recover exactly the files this `kintsugi scan --json` "
                   "report marks recoverable now, and those of its "
                   "seed-search families (instead of PATHs; with --family, "
                   "that family's alone)")
      ->check(NonEmpty());
  command
      ->add_option("--family", args->family,
                   "Decryptor or family id (jigsaw, nemucod; petya-red with "
                   "--image: the disk's Petya Red key); default: chosen per "
                   "file by probing")
      ->check(NonEmpty());
  command
      ->add_option("--pair", args->pairs,
                   "ENC=ORIG: an encrypted file and its original "
                   "(known plaintext, e.g. Nemucod)")
      ->check(NonEmpty());
  command
      ->add_option("--known", args->known,
                   "OFFSET:HEX: bytes every original holds at OFFSET "
                   "(known plaintext, e.g. Black Basta; needs --family)")
      ->check(NonEmpty());
  command
      ->add_option("--key-pattern", args->key_pattern,
                   "Petya Red: the key characters you know, ab3d???? (the 8 "
                   "that count) or the 16 as typed, ? for unknown ones; "
                   "default: a genetic search")
      ->check(NonEmpty());
  command->add_option("--key", args->key_hex, "Key in hex (needs --family)")
      ->check(NonEmpty());
  command->add_option("--iv", args->iv_hex, "IV in hex (with --key)")
      ->check(NonEmpty());
  command
      ->add_option("--out", args->out_dir,
                   "Write outputs under DIR, mirroring the input tree")
      ->check(NonEmpty());
  command
      ->add_option("--journal", args->journal_dir,
                   "Keep the journal (what a rerun resumes from) in DIR; "
                   "default: in --out, else a per-user state folder")
      ->check(NonEmpty());
  command
      ->add_option("--seed-range", args->seed_range,
                   "Seed searches: only seeds A-B, as numbers or uptimes "
                   "(Hidden Tear: 1h-3h; Linux.Encoder: Unix times)")
      ->check(NonEmpty());
  command
      ->add_option("--around", args->around,
                   "Seed searches: start here and go outward (a number or "
                   "an uptime such as 2h13m; Linux.Encoder: a Unix time)")
      ->check(NonEmpty());
  command
      ->add_option("--shard", args->shard,
                   "Seed searches: run part K of N (1/4 ... 4/4); the N "
                   "parts cover the space once")
      ->check(NonEmpty());
  command
      ->add_option("--variant", args->variant,
                   "A family's parameter set: seed searches (Hidden Tear: "
                   "hiddentear, bankaccountsummary, mireware), Hive's layout "
                   "(v3, v4); default: all, or as the evidence tells")
      ->check(NonEmpty());
  command
      ->add_option("--victim-id", args->victim_id,
                   "Seed searches (Princess Locker): the victim ID the ransom "
                   "note shows, when the note is not among the inputs")
      ->check(NonEmpty());
  AddFamilyOptions(command, &args->family_options);
  command
      ->add_option("--log", args->logs,
                   "Seed searches (Akira): a log with timestamps (ESXi "
                   "hostd.log, shell.log, ...) that bounds the window; "
                   "repeatable")
      ->check(NonEmpty());
  command
      ->add_option("--gap", args->gap,
                   "Seed searches (Akira): nanoseconds between two clock "
                   "reads to try, A-B (default: 1000000-1800000, then wider)")
      ->check(NonEmpty());
  command
      ->add_option("--threads", args->threads,
                   "Worker threads (default: all cores)")
      ->check(NonEmpty());
  command->add_flag("--dry-run", args->dry_run,
                    "Decrypt and verify, say what would be written, write "
                    "nothing");
  command
      ->add_option("--db", args->db,
                   "Key store for key-lookup decryptors: an SQLite file "
                   "or a postgresql:// URL; default: "
                   "$XDG_DATA_HOME/kintsugi/keys.sqlite if it exists")
      ->check(NonEmpty());
  command
      ->add_option("--key-server", args->key_server,
                   "Off by default. Ask this Kintsugi portal (https://...) "
                   "for keys the store lacks; only the family and the "
                   "victim ID are sent, never files")
      ->check(NonEmpty());
  command->add_flag("--follow-symlinks", args->follow_symlinks,
                    "Follow symbolic links inside the inputs (each real "
                    "folder once); default: count them, do not follow");
  command->add_flag("--verified-only", args->verified_only,
                    "Do not keep outputs that cannot be verified");
  command->callback([&options, handler, args] {
    *handler = [&options, args] { return Run(options, *args); };
  });
}

}  // namespace kintsugi::cli

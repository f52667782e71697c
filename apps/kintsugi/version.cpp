// `kintsugi --version` (issue 13): the program's version, the commit it was
// built from, and which knowledge base would answer (the same choice every
// subcommand makes: --kb, else the installed release, else the built-in
// one), with its release number and date.

#include <time.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "build_info.h"
#include "cli.h"
#include "kintsugi/log.h"
#include "kintsugi/status_table.h"

namespace kintsugi::cli {
namespace {

struct KbIdentity {
  std::string source;  // "built-in", "release", "folder" or "bundle".
  std::string path;    // --kb's; empty otherwise.
  std::optional<std::uint64_t> release;
  std::string date;  // YYYY-MM-DD, UTC; empty when unknown.
  std::size_t families = 0;
};

std::string DateOf(std::int64_t unix_seconds) {
  const auto t = static_cast<time_t>(unix_seconds);
  struct tm utc {};
  if (gmtime_r(&t, &utc) == nullptr) return "";
  char text[16];
  if (std::strftime(text, sizeof text, "%Y-%m-%d", &utc) == 0) return "";
  return text;
}

Result<KbIdentity> IdentifyKb(const GlobalOptions& options) {
  KbIdentity kb;
  if (!options.kb_dir.empty()) {
    kb.path = options.kb_dir;
    std::error_code ec;
    if (std::filesystem::is_regular_file(options.kb_dir, ec)) {
      KINTSUGI_ASSIGN_OR_RETURN(release::Bundle bundle,
                                ReadVerifiedBundle(options, options.kb_dir));
      kb.source = "bundle";
      kb.release = bundle.version;
      kb.date = DateOf(bundle.created);
    } else {
      kb.source = "folder";
    }
  } else {
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<release::Bundle> installed,
                              InstalledRelease(options));
    if (installed) {
      kb.source = "release";
      kb.release = installed->version;
      kb.date = DateOf(installed->created);
    } else {
      kb.source = "built-in";
      kb.date = BuiltInKbDate();
    }
  }
  KINTSUGI_ASSIGN_OR_RETURN(const kb::KnowledgeBase loaded,
                            LoadKnowledgeBase(options));
  kb.families = loaded.families.size();
  return kb;
}

nlohmann::json OrNull(const std::string& text) {
  return text.empty() ? nlohmann::json() : nlohmann::json(text);
}

}  // namespace

int PrintVersion(const GlobalOptions& options) {
  const Result<KbIdentity> kb = IdentifyKb(options);
  if (options.json) {
    nlohmann::json out = {{"version", KINTSUGI_VERSION},
                          {"commit", BuildCommit()}};
    if (kb) {
      out["kb"] = {{"source", kb->source},
                   {"path", OrNull(kb->path)},
                   {"release", kb->release ? nlohmann::json(*kb->release)
                                           : nlohmann::json()},
                   {"date", OrNull(kb->date)},
                   {"families", kb->families}};
    } else {
      out["kb"] = {{"error", kb.error().message()}};
    }
    std::printf("%s\n", out.dump(2).c_str());
  } else {
    std::printf("kintsugi %s\ncommit %s\n", KINTSUGI_VERSION, BuildCommit());
    if (kb) {
      // "built-in (kb/ of 2026-12-04)", "installed release 7 of
      // 2026-12-03", "bundle FILE, release 7 of ...", "folder DIR".
      std::string what;
      if (kb->source == "built-in") {
        what = "built-in";
        if (!kb->date.empty()) what += " (kb/ of " + kb->date + ")";
      } else {
        what = kb->source == "release"
                   ? "installed"
                   : kb->source + " " + SanitizeForLog(kb->path);
        if (kb->release) {
          what += std::string(kb->source == "release" ? " " : ", ") +
                  "release " + std::to_string(*kb->release);
        }
        if (!kb->date.empty()) what += " of " + kb->date;
      }
      std::printf("knowledge base: %s, %zu families\n", what.c_str(),
                  kb->families);
    }
  }
  if (!kb) {
    std::fprintf(stderr, "kintsugi: the knowledge base cannot be loaded: %s\n",
                 SanitizeForLog(kb.error().message()).c_str());
    return kExitKbInvalid;
  }
  return 0;
}

}  // namespace kintsugi::cli

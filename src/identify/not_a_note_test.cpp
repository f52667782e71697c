// Issue 15, "Not a note": ordinary texts -- licences, READMEs, copyright
// files, C headers, logs -- identified as notes with the shipped KB give
// `unknown` and no candidate at or above 0.3. The corpus is what every
// Debian machine has (base-files' licences, libc6-dev's headers, the
// packages' copyright files) plus generated logs; nothing of it is checked
// in.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/fs.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"

namespace kintsugi::identify {
namespace {

struct Text {
  std::string name;
  std::string content;
};

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str().substr(0, 256 * 1024);
}

// Regular files under `dir` whose name passes `keep`, sorted, at most `max`.
std::vector<Text> Files(const std::filesystem::path& dir, std::size_t max,
                        bool (*keep)(const std::filesystem::path&)) {
  std::vector<std::filesystem::path> paths;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(
           dir, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file(ec) && !it->is_symlink(ec) && keep(it->path())) {
      paths.push_back(it->path());
    }
  }
  std::sort(paths.begin(), paths.end());
  // An even spread over the sorted list, not the first packages only.
  std::vector<Text> out;
  const std::size_t step = std::max<std::size_t>(1, paths.size() / max);
  for (std::size_t i = 0; i < paths.size() && out.size() < max; i += step) {
    std::string content = ReadText(paths[i]);
    if (!content.empty()) out.push_back({paths[i].string(), content});
  }
  return out;
}

// Syslog, web server and application log lines: words such as "locked",
// "restore" and "payment" that notes use too, in ordinary places.
std::vector<Text> GeneratedLogs() {
  const char* lines[] = {
      "sshd[{}]: Accepted publickey for deploy from 10.0.{}.7 port 51234",
      "systemd[1]: Started Daily apt upgrade and clean activities.",
      "kernel: [{}.114] EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro",
      "CRON[{}]: (root) CMD (test -x /usr/sbin/anacron || run-parts)",
      "nginx: 203.0.113.{} - - \"GET /api/payment/status HTTP/1.1\" 200 512",
      "postgres[{}]: LOG: checkpoint complete: wrote 42 buffers (0.3%)",
      "app[{}]: user account locked after 5 failed logins",
      "backup[{}]: restore of /srv/data finished, 1204 files recovered",
      "dpkg: status installed libssl3:amd64 3.0.{}-1~deb12u1",
      "sudo: admin : TTY=pts/{} ; PWD=/home/admin ; USER=root ; "
      "COMMAND=/bin/ls",
  };
  std::mt19937 random(15);
  std::vector<Text> out;
  for (int file = 0; file < 20; ++file) {
    std::string text;
    for (int line = 0; line < 200; ++line) {
      std::string l = lines[random() % std::size(lines)];
      const auto brace = l.find("{}");
      if (brace != std::string::npos) {
        l.replace(brace, 2, std::to_string(random() % 30000));
      }
      text += "Dec  3 07:" + std::to_string(10 + line % 50) + ":00 host " + l +
              "\n";
    }
    out.push_back({"generated-" + std::to_string(file) + ".log", text});
  }
  return out;
}

bool Any(const std::filesystem::path&) { return true; }
bool Header(const std::filesystem::path& p) { return p.extension() == ".h"; }
bool Copyright(const std::filesystem::path& p) {
  return p.filename() == "copyright";
}
bool Readme(const std::filesystem::path& p) {
  const std::string name = p.filename().string();
  return name.rfind("README", 0) == 0 && p.extension() != ".gz";
}

TEST(NotANoteTest, OrdinaryTextsGiveUnknownWithNoCandidate) {
  ASSERT_OK_AND_ASSIGN(const kb::KnowledgeBase kb,
                       kb::LoadEmbeddedKnowledgeBase());
  ASSERT_OK_AND_ASSIGN(const auto compiled, Compile(kb));
  std::vector<Text> corpus = Files("/usr/share/common-licenses", 40, Any);
  const std::size_t licences = corpus.size();
  for (auto part : {Files("/usr/include", 150, Header),
                    Files("/usr/share/doc", 150, Copyright),
                    Files("/usr/share/doc", 60, Readme), GeneratedLogs()}) {
    corpus.insert(corpus.end(), part.begin(), part.end());
  }
  // Debian's base-files and libc6-dev are always there: an empty corpus
  // would test nothing.
  ASSERT_GE(licences, 5u);
  ASSERT_GE(corpus.size(), 200u);
  std::size_t said_not_a_note = 0;
  for (const Text& text : corpus) {
    Input input;
    input.kind = InputKind::kNote;
    input.source = text.name;
    input.file_name = std::filesystem::path(text.name).filename().string();
    input.content = ByteView::FromString(text.content).ToBytes();
    input.size = input.content.size();
    const Report report = compiled->Identify({&input, 1});
    EXPECT_EQ(report.verdict, Verdict::kUnknown) << text.name;
    if (!report.candidates.empty()) {
      EXPECT_LT(report.candidates[0].score, 0.3)
          << text.name << ": " << report.candidates[0].family;
    }
    if (report.inputs[0].kind == InputKind::kOtherFile) ++said_not_a_note;
  }
  std::printf("not-a-note corpus: %zu texts, %zu said 'not a ransom note'\n",
              corpus.size(), said_not_a_note);
}

}  // namespace
}  // namespace kintsugi::identify

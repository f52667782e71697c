// A release's contents: the KB packed and loaded back, its released keys,
// and where `kb update` installs it (kintsugi/release.h).

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "kb/bundle.h"
#include "kb/kb_format.h"
#include "kintsugi/fs.h"
#include "kintsugi/key_dump.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "kintsugi/message.h"
#include "kintsugi/release.h"

namespace kintsugi::release {

Result<kb::KnowledgeBase> LoadBundleKnowledgeBase(const Bundle& bundle) {
  KINTSUGI_ASSIGN_OR_RETURN(const std::vector<kb::internal::KbFile> files,
                            kb::internal::UnpackBundle(bundle.kb));
  KINTSUGI_ASSIGN_OR_RETURN(kb::KnowledgeBase loaded,
                            kb::internal::LoadFromFiles(files, "release:"));
  if (loaded.families.empty()) {
    return CorruptError("the release's KB holds no family");
  }
  return loaded;
}

Result<std::vector<KeyRecord>> BundleKeys(const Bundle& bundle,
                                          const kb::KnowledgeBase& kb) {
  if (bundle.keys.empty()) return std::vector<KeyRecord>();
  KeyDumpDefaults defaults;
  defaults.source = "release " + std::to_string(bundle.version);
  for (const kb::Family& family : kb.families) {
    defaults.kb_families.insert(family.id);
  }
  KINTSUGI_ASSIGN_OR_RETURN(ParsedKeyDump parsed,
                            ParseKeyDump(bundle.keys, defaults));
  if (!parsed.problems.empty()) {
    const KeyDumpProblem& first = parsed.problems.front();
    return CorruptError(fmt::format(
        "the release's keys: line {}: {}", first.line,
        first.message.empty() ? RenderEnglish(first.detail) : first.message));
  }
  for (const KeyRecord& record : parsed.records) {
    if (record.state != ReleaseState::kReleased) {
      return CorruptError(
          "the release carries an embargoed key; a public bundle never may");
    }
  }
  return std::move(parsed.records);
}

namespace {

// The KB files of `dir` read into `contents` (kept alive for the views).
Result<std::vector<kb::internal::KbFile>> ReadKbFolder(
    const std::filesystem::path& dir, std::vector<Bytes>& contents) {
  std::error_code ec;
  const std::vector<std::string> paths = kb::internal::ListBundlePaths(dir, ec);
  if (ec) {
    return IoError(
        fmt::format("{}: cannot list: {}", dir.string(), ec.message()));
  }
  contents.reserve(paths.size());
  std::vector<kb::internal::KbFile> files;
  for (const std::string& path : paths) {
    KINTSUGI_ASSIGN_OR_RETURN(Bytes data,
                              ReadWholeFile(RealFileSystem(), Path(dir / path),
                                            limits::kMaxKbBundleBytes));
    contents.push_back(std::move(data));
    files.push_back({path, ByteView(contents.back())});
  }
  bool has_family = false;
  for (const std::string& path : paths) {
    has_family = has_family || path.find('/') == std::string::npos;
  }
  if (!has_family) {
    return InvalidArgumentError(
        dir.string() + ": not a knowledge base: it holds no family definition");
  }
  return files;
}

}  // namespace

Result<Bytes> PackKnowledgeBase(const std::filesystem::path& dir,
                                std::span<const KbOverlayFile> overlay) {
  if (dir.empty() && overlay.empty()) {
    return kb::internal::EmbeddedBundle().ToBytes();
  }
  std::vector<Bytes> contents;
  std::vector<kb::internal::KbFile> files;
  if (dir.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(
        files, kb::internal::UnpackBundle(kb::internal::EmbeddedBundle()));
  } else {
    KINTSUGI_ASSIGN_OR_RETURN(files, ReadKbFolder(dir, contents));
  }
  // The overlay replaces the file of the same path or joins the others; the
  // bundle keeps its files sorted by path, as ListBundlePaths gives them.
  for (const KbOverlayFile& file : overlay) {
    const bool plain = !file.path.empty() &&
                       file.path.find('/') == std::string::npos &&
                       file.path.ends_with(".yaml") && file.path[0] != '.';
    if (!plain) {
      return InvalidArgumentError(
          fmt::format("{}: an overlaid KB file must be a top-level NAME.yaml",
                      SanitizeForLog(file.path)));
    }
    const ByteView data(reinterpret_cast<const std::uint8_t*>(file.text.data()),
                        file.text.size());
    auto same = std::find_if(
        files.begin(), files.end(),
        [&](const kb::internal::KbFile& f) { return f.path == file.path; });
    if (same != files.end()) {
      same->data = data;
    } else {
      files.push_back({file.path, data});
    }
  }
  std::sort(files.begin(), files.end(),
            [](const kb::internal::KbFile& a, const kb::internal::KbFile& b) {
              return a.path < b.path;
            });
  Bytes packed = kb::internal::PackBundle(files);
  if (packed.size() > limits::kMaxKbBundleBytes) {
    return ResourceExhaustedError("the KB is larger than a bundle may carry");
  }
  return packed;
}

Result<std::string> ReleasedKeysDump(KeyStore& store, std::size_t* count) {
  std::string out;
  std::size_t n = 0;
  KINTSUGI_RETURN_IF_ERROR(store.Export([&](const KeyRecord& record) {
    if (record.state != ReleaseState::kReleased) return Status::Ok();
    out += KeyDumpLine(record);
    out += '\n';
    ++n;
    if (out.size() > limits::kMaxKeyDumpBytes) {
      return ResourceExhaustedError(
          "the released keys are more than one bundle may carry");
    }
    return Status::Ok();
  }));
  if (count != nullptr) *count = n;
  return out;
}

Result<std::filesystem::path> InstalledBundlePath() {
  const char* data_home = std::getenv("XDG_DATA_HOME");
  if (data_home != nullptr && data_home[0] == '/') {
    return std::filesystem::path(data_home) / "kintsugi" / "release.bundle";
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') {
    return std::filesystem::path(home) / ".local/share/kintsugi/release.bundle";
  }
  return InvalidArgumentError(
      "no folder for the installed release: neither XDG_DATA_HOME nor HOME is "
      "set to an absolute path");
}

}  // namespace kintsugi::release

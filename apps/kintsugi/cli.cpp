#include "cli.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "kintsugi/compiled_kb_cache.h"
#include "kintsugi/fs.h"
#include "kintsugi/key_server.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "kintsugi/message.h"

namespace kintsugi::cli {

int ExitCodeFor(const Status& status) {
  return OutcomeOf(status.code()).exit_code;
}

int ReportFailure(const GlobalOptions& options, const Status& status) {
  std::fprintf(stderr, "kintsugi: error: %s\n",
               SanitizeForLog(status.ToString()).c_str());
  if (options.json) {
    PrintJson({{"error",
                {{"code", std::string(StatusCodeName(status.code()))},
                 {"message", status.message()}}}});
  }
  return ExitCodeFor(status);
}

Result<std::string> DefaultKeyStorePath() {
  const char* data_home = std::getenv("XDG_DATA_HOME");
  if (data_home != nullptr && data_home[0] == '/') {
    return std::string(data_home) + "/kintsugi/keys.sqlite";
  }
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] == '/') {
    return std::string(home) + "/.local/share/kintsugi/keys.sqlite";
  }
  return InvalidArgumentError(
      "no folder for the key store: neither XDG_DATA_HOME nor HOME is set to "
      "an absolute path; give --db PATH");
}

Result<std::shared_ptr<KeyStore>> OpenRunKeyStore(const std::string& db) {
  std::string path = db;
  if (path.empty()) {
    if (auto fallback = DefaultKeyStorePath();
        fallback && std::filesystem::exists(*fallback)) {
      path = *fallback;
    }
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::shared_ptr<KeyStore> builtin,
                            BuiltinKeyStore());
  if (path.empty()) return builtin;
  KINTSUGI_ASSIGN_OR_RETURN(auto store,
                            OpenKeyStore(path, KeyStoreCreation::kMustExist));
  return LayerKeyStores(std::shared_ptr<KeyStore>(std::move(store)),
                        std::move(builtin));
}

namespace {

// The message for a failure of the store at `db` (docs/messages.md): an id
// per status code, the store's own text as the detail. `opening`: an
// invalid argument then means a file that is not a key store.
Message StoreFailureMessage(const std::string& db, const Status& status,
                            bool opening) {
  std::string detail = status.message();
  if (detail.starts_with(db + ": ")) detail.erase(0, db.size() + 2);
  const std::string safe_db = SanitizeForLog(db);
  const auto with_detail = [&](MessageId id) {
    return Message{id, {{"db", safe_db}, {"detail", detail}}};
  };
  switch (status.code()) {
    case StatusCode::kNotFound:
      return Message{MessageId::kKeysStoreNotFound, {{"db", safe_db}}};
    case StatusCode::kCorrupt:
      return with_detail(MessageId::kKeysStoreCorrupt);
    case StatusCode::kUnsupported:
      return with_detail(MessageId::kKeysStoreUnsupported);
    case StatusCode::kIoError:
    case StatusCode::kPermissionDenied:
      return with_detail(MessageId::kKeysStoreIoError);
    case StatusCode::kInvalidArgument:
      if (opening) return with_detail(MessageId::kKeysStoreNotAStore);
      break;
    default:
      break;
  }
  return Message{MessageId::kKeysStoreFailed,
                 {{"db", safe_db},
                  {"code", std::string(StatusCodeName(status.code()))},
                  {"detail", detail}}};
}

}  // namespace

int ReportStoreFailure(const GlobalOptions& options, const std::string& db,
                       const Status& status, bool opening) {
  if (db.empty()) return ReportFailure(options, status);
  const std::string code(StatusCodeName(status.code()));
  const std::string text =
      RenderEnglish(StoreFailureMessage(db, status, opening));
  std::fprintf(stderr, "kintsugi: error: %s: %s\n", code.c_str(),
               SanitizeForLog(text).c_str());
  if (options.json) {
    PrintJson({{"error", {{"code", code}, {"message", text}}}});
  }
  return ExitCodeFor(status);
}

void PrintJson(const nlohmann::json& document) {
  // `replace` keeps output valid UTF-8 whatever a file name holds.
  std::cout << document.dump(2, ' ', false,
                             nlohmann::json::error_handler_t::replace)
            << '\n';
}

const CLI::Validator& NonEmpty() {
  static const CLI::Validator validator(
      [](const std::string& value) {
        return value.empty() ? std::string("an empty value is not allowed")
                             : std::string();
      },
      /*validator_desc=*/"", "NONEMPTY");
  return validator;
}

Result<release::PublicKey> TrustedReleaseKey(const GlobalOptions& options) {
  if (options.release_key.empty()) return release::PinnedPublicKey();
  KINTSUGI_ASSIGN_OR_RETURN(const Bytes text,
                            ReadWholeFile(RealFileSystem(), options.release_key,
                                          limits::kMaxReleaseKeyFileBytes));
  auto key = release::ParsePublicKeyFile(ByteView(text).AsChars());
  if (!key) {
    return Status(key.error().code(),
                  options.release_key + ": " + key.error().message());
  }
  return *key;
}

Result<release::Bundle> ReadVerifiedBundle(const GlobalOptions& options,
                                           const std::string& path,
                                           std::string* sha256) {
  KINTSUGI_ASSIGN_OR_RETURN(const release::PublicKey key,
                            TrustedReleaseKey(options));
  KINTSUGI_ASSIGN_OR_RETURN(
      const Bytes file,
      ReadWholeFile(RealFileSystem(), path, limits::kMaxReleaseBundleBytes));
  auto bundle = release::VerifyBundle(file, key);
  if (!bundle) {
    return Status(bundle.error().code(),
                  path + ": " + bundle.error().message());
  }
  if (sha256 != nullptr) *sha256 = release::BundleSha256(file);
  return bundle;
}

Result<std::optional<release::Bundle>> InstalledRelease(
    const GlobalOptions& options) {
  auto path = release::InstalledBundlePath();
  if (!path || !std::filesystem::exists(*path)) {
    return std::optional<release::Bundle>();
  }
  auto bundle = ReadVerifiedBundle(options, path->string());
  if (!bundle) {
    return Status(bundle.error().code(),
                  "the installed release " + bundle.error().message() +
                      " (install a good one with `kintsugi kb update --from "
                      "FILE`, or remove the file to use the built-in KB)");
  }
  return std::optional<release::Bundle>(std::move(*bundle));
}

Result<kb::KnowledgeBase> LoadKnowledgeBase(const GlobalOptions& options) {
  if (options.kb_dir.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<release::Bundle> installed,
                              InstalledRelease(options));
    if (installed) return release::LoadBundleKnowledgeBase(*installed);
    return kb::LoadEmbeddedKnowledgeBase();
  }
  if (std::filesystem::is_regular_file(options.kb_dir)) {
    KINTSUGI_ASSIGN_OR_RETURN(const release::Bundle bundle,
                              ReadVerifiedBundle(options, options.kb_dir));
    return release::LoadBundleKnowledgeBase(bundle);
  }
  KINTSUGI_ASSIGN_OR_RETURN(
      kb::KnowledgeBase loaded,
      kb::LoadKnowledgeBase(RealFileSystem(), options.kb_dir));
  if (loaded.families.empty()) {
    return InvalidArgumentError(
        options.kb_dir +
        ": not a knowledge base: it holds no family definition (<id>.yaml, "
        "docs/kb-format.md)");
  }
  return loaded;
}

Result<std::shared_ptr<const identify::CompiledKb>> InstalledCompiledKb(
    const release::Bundle& installed) {
  KINTSUGI_ASSIGN_OR_RETURN(const std::filesystem::path bundle_path,
                            release::InstalledBundlePath());
  const std::filesystem::path cache =
      bundle_path.parent_path() / "release.compiled";
  if (std::filesystem::exists(cache)) {
    auto artefact = ReadWholeFile(RealFileSystem(), cache.string(),
                                  limits::kMaxCompiledKbCacheBytes);
    auto loaded = artefact
                      ? identify::LoadCachedCompiledKb(*artefact, installed.kb)
                      : Result<std::shared_ptr<const identify::CompiledKb>>(
                            artefact.error());
    if (loaded) return loaded;
    Log(LogLevel::kInfo,
        "identify: the installed release's compiled KB is compiled again "
        "({})",
        loaded.error().ToString());
  }
  KINTSUGI_ASSIGN_OR_RETURN(const kb::KnowledgeBase kb,
                            release::LoadBundleKnowledgeBase(installed));
  KINTSUGI_ASSIGN_OR_RETURN(identify::CompiledForCache made,
                            identify::CompileForCache(kb, installed.kb));
  // Saved by rename, so that a run stopped half-way leaves no half file;
  // a failure only costs the next run the compilation.
  const std::filesystem::path temporary =
      cache.string() + ".new." + std::to_string(::getpid());
  Status saved =
      WriteNewFile(RealFileSystem(), temporary.string(), made.artefact, 0644);
  if (saved.ok()) {
    saved =
        RealFileSystem().RenameReplacing(temporary.string(), cache.string());
  }
  if (!saved.ok()) {
    std::error_code ec;
    std::filesystem::remove(temporary, ec);
    Log(LogLevel::kWarning,
        "identify: the installed release's compiled KB could not be saved "
        "({}); every run compiles it",
        saved.ToString());
  }
  return made.compiled;
}

Result<std::shared_ptr<const identify::CompiledKb>> LoadCompiledKb(
    const GlobalOptions& options) {
  if (options.kb_dir.empty()) {
    // The built-in KB comes precompiled; an installed release is compiled
    // once and kept beside it.
    KINTSUGI_ASSIGN_OR_RETURN(std::optional<release::Bundle> installed,
                              InstalledRelease(options));
    if (!installed) return identify::CompileBuiltInKb();
    return InstalledCompiledKb(*installed);
  }
  KINTSUGI_ASSIGN_OR_RETURN(kb::KnowledgeBase loaded,
                            LoadKnowledgeBase(options));
  return identify::Compile(loaded);
}

}  // namespace kintsugi::cli

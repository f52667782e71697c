// `kintsugi release keygen|make|sign|verify` and `kintsugi kb verify|update`:
// signed knowledge-base releases (issue 12, docs/bundle-format.md,
// docs/cli.md).

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <span>
#include <string>

#include "cli.h"
#include "kintsugi/audit.h"
#include "kintsugi/fs.h"
#include "kintsugi/limits.h"
#include "kintsugi/log.h"
#include "kintsugi/partners.h"
#include "kintsugi/release.h"
#include "kintsugi/store.h"

namespace kintsugi::cli {
namespace {

// As the audit log writes times: UTC, RFC 3339 to the second.
std::string UtcDate(std::int64_t seconds) {
  return AuditTime(std::chrono::system_clock::from_time_t(
      static_cast<std::time_t>(seconds)));
}

// SOURCE_DATE_EPOCH when set (reproducible releases), else now.
std::int64_t CreatedNow() {
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH")) {
    char* end = nullptr;
    const long long value = std::strtoll(epoch, &end, 10);
    if (end != epoch && *end == '\0' && value > 0) return value;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<std::string> ReadKeyFile(const std::string& path) {
  KINTSUGI_ASSIGN_OR_RETURN(
      const Bytes text,
      ReadWholeFile(RealFileSystem(), path, limits::kMaxReleaseKeyFileBytes));
  return std::string(ByteView(text).AsChars());
}

int RunKeygen(const GlobalOptions& options, const std::string& secret,
              const std::string& public_file) {
  if (std::filesystem::absolute(secret) ==
      std::filesystem::absolute(public_file)) {
    return ReportFailure(
        options, InvalidArgumentError("--secret and --public name one file"));
  }
  const release::KeyPair pair = release::GenerateKeyPair();
  const std::string secret_text = release::SecretKeyFileText(pair);
  const std::string public_text = release::PublicKeyFileText(pair.public_key);
  // Neither file is ever replaced: a release key overwritten by mistake
  // cannot be made again.
  Status written =
      WriteNewFile(RealFileSystem(), secret, ByteView::FromString(secret_text),
                   kPrivateFileMode);
  if (!written.ok()) return ReportFailure(options, written);
  written = WriteNewFile(RealFileSystem(), public_file,
                         ByteView::FromString(public_text), 0644);
  if (!written.ok()) {
    ::unlink(secret.c_str());
    return ReportFailure(options, written);
  }
  const std::string id = release::KeyId(pair.public_key);
  if (options.json) {
    PrintJson({{"secret", secret}, {"public", public_file}, {"key_id", id}});
  } else if (!options.quiet) {
    std::printf(
        "Made release key %s: secret %s (mode 0600: keep it off line), "
        "public %s\n",
        id.c_str(), secret.c_str(), public_file.c_str());
  }
  return kExitOk;
}

// A release secret key file, its path in any error.
Result<release::KeyPair> ReadSecretKey(const std::string& path) {
  KINTSUGI_ASSIGN_OR_RETURN(const std::string text, ReadKeyFile(path));
  auto key = release::ParseSecretKeyFile(text);
  if (!key)
    return Status(key.error().code(), path + ": " + key.error().message());
  return std::move(*key);
}

// A packed KB loaded back from its bytes, as `kb update` will load it.
Result<kb::KnowledgeBase> LoadPacked(const Bytes& packed) {
  release::Bundle bundle;
  bundle.kb = packed;
  return release::LoadBundleKnowledgeBase(bundle);
}

struct MakeArgs {
  std::string db;
  std::string secret;
  std::string out;
  std::uint64_t version = 0;
};

int RunMake(const GlobalOptions& options, const MakeArgs& args) {
  auto key = ReadSecretKey(args.secret);
  if (!key) return ReportFailure(options, key.error());
  if (std::filesystem::exists(args.out)) {
    return ReportFailure(options,
                         AlreadyExistsError(args.out + ": exists; a release "
                                                       "is never written "
                                                       "over a file"));
  }
  // The KB: --kb DIR, else the built-in one; it must load and lint clean.
  if (!options.kb_dir.empty() &&
      !std::filesystem::is_directory(options.kb_dir)) {
    return ReportFailure(options,
                         InvalidArgumentError("release make: --kb must be a "
                                              "KB folder"));
  }
  auto store = OpenKeyStore(args.db, KeyStoreCreation::kMustExist);
  if (!store) return ReportFailure(options, store.error());
  // The partners' part (docs/partners.md): the keys whose embargo has come
  // are released first, and the approved family definitions are laid over
  // the KB.
  auto base_packed = release::PackKnowledgeBase(options.kb_dir);
  if (!base_packed) return ReportFailure(options, base_packed.error());
  auto base = LoadPacked(*base_packed);
  if (!base) {
    ReportFailure(options, base.error());
    return kExitKbInvalid;
  }
  partners::PartnersOptions partner_options;
  partner_options.kb =
      std::make_shared<const kb::KnowledgeBase>(std::move(*base));
  partner_options.creation = KeyStoreCreation::kMustExist;
  auto partners = partners::OpenPartners(args.db, partner_options);
  if (!partners) return ReportFailure(options, partners.error());
  const partners::Principal cli = partners::Principal::Cli();
  auto lifted = (*partners)->LiftEmbargoes(cli);
  if (!lifted) return ReportFailure(options, lifted.error());
  auto approved = (*partners)->ApprovedFamilies(cli);
  if (!approved) return ReportFailure(options, approved.error());
  release::Bundle bundle;
  std::shared_ptr<const kb::KnowledgeBase> kb = partner_options.kb;
  if (approved->empty()) {
    bundle.kb = std::move(*base_packed);
  } else {
    std::vector<release::KbOverlayFile> overlay;
    for (const partners::ApprovedFamily& family : *approved) {
      overlay.push_back({family.family + ".yaml", family.yaml});
    }
    auto laid_packed = release::PackKnowledgeBase(options.kb_dir, overlay);
    if (!laid_packed) return ReportFailure(options, laid_packed.error());
    auto laid = LoadPacked(*laid_packed);
    if (!laid) {
      ReportFailure(options, laid.error());
      return kExitKbInvalid;
    }
    bundle.kb = std::move(*laid_packed);
    kb = std::make_shared<const kb::KnowledgeBase>(std::move(*laid));
  }
  for (const kb::Diagnostic& d : kb::Lint(*kb, {})) {
    if (d.severity == kb::Diagnostic::Severity::kError) {
      ReportFailure(options,
                    InvalidArgumentError(
                        "the KB does not lint clean: " + d.where.file + ":" +
                        std::to_string(d.where.line) + ": " + d.message));
      return kExitKbInvalid;
    }
  }
  std::size_t keys = 0;
  auto dump = release::ReleasedKeysDump(**store, &keys);
  if (!dump) return ReportFailure(options, dump.error());
  bundle.keys = std::move(*dump);
  // The keys must read back as `kb update` will read them.
  if (auto check = release::BundleKeys(bundle, *kb); !check) {
    return ReportFailure(options, check.error());
  }
  bundle.created = CreatedNow();
  bundle.version = args.version != 0
                       ? args.version
                       : static_cast<std::uint64_t>(bundle.created);
  auto signed_bundle = release::SignBundle(bundle, *key);
  if (!signed_bundle) return ReportFailure(options, signed_bundle.error());
  const Status written =
      WriteNewFile(RealFileSystem(), args.out, *signed_bundle, 0644);
  if (!written.ok()) return ReportFailure(options, written);
  const std::string id = release::KeyId(key->public_key);
  // The release in the store's audit log (docs/audit-log.md): which
  // version, by which key, with how much; never a key.
  AuditRecord record;
  record.actor = "cli";
  record.action = AuditAction::kRelease;
  record.object = "release/" + std::to_string(bundle.version);
  record.detail =
      nlohmann::json{
          {"bundle",
           SanitizeForLog(std::filesystem::path(args.out).filename().string())},
          {"version", bundle.version},
          {"created", UtcDate(bundle.created)},
          {"signer", id},
          {"families", kb->families.size()},
          {"approved_families", approved->size()},
          {"lifted_keys", *lifted},
          {"released_keys", keys},
          {"sha256", release::BundleSha256(*signed_bundle)}}
          .dump();
  auto log = OpenAuditLog(args.db, KeyStoreCreation::kMustExist);
  const Status logged = log ? (*log)->Append(record).status() : log.error();
  if (!logged.ok()) {
    return ReportFailure(
        options,
        Status(logged.code(), "release " + std::to_string(bundle.version) +
                                  " was made in " + args.out +
                                  ", but its audit log entry was "
                                  "not written: " +
                                  logged.message()));
  }
  if (options.json) {
    PrintJson({{"bundle", args.out},
               {"version", bundle.version},
               {"created", UtcDate(bundle.created)},
               {"signer", id},
               {"families", kb->families.size()},
               {"approved_families", approved->size()},
               {"keys", keys},
               {"lifted_keys", *lifted},
               {"bytes", signed_bundle->size()}});
  } else if (!options.quiet) {
    std::printf(
        "Made release %llu (%s) in %s: %zu families (%zu changed by partners), "
        "%zu released keys (%zu out of embargo now), %zu bytes, signed by "
        "%s\n",
        static_cast<unsigned long long>(bundle.version),
        UtcDate(bundle.created).c_str(), args.out.c_str(), kb->families.size(),
        approved->size(), keys, *lifted, signed_bundle->size(), id.c_str());
  }
  return kExitOk;
}

// What a verified bundle holds, checked through: the KB loads, the keys
// read back released.
struct Checked {
  release::Bundle bundle;
  std::string sha256;  // Of the file.
  std::size_t families = 0;
  std::vector<KeyRecord> keys;
};

Result<Checked> ReadAndCheck(const GlobalOptions& options,
                             const std::string& path) {
  Checked checked;
  KINTSUGI_ASSIGN_OR_RETURN(checked.bundle,
                            ReadVerifiedBundle(options, path, &checked.sha256));
  auto kb = release::LoadBundleKnowledgeBase(checked.bundle);
  if (!kb) return Status(kb.error().code(), path + ": " + kb.error().message());
  checked.families = kb->families.size();
  auto keys = release::BundleKeys(checked.bundle, *kb);
  if (!keys) {
    return Status(keys.error().code(), path + ": " + keys.error().message());
  }
  checked.keys = std::move(*keys);
  return checked;
}

// Refuses a release older than the installed one (a replayed bundle);
// `installed_version` receives the installed version, 0 when none.
Status CheckNotOlder(const GlobalOptions& options, const std::string& path,
                     const release::Bundle& bundle,
                     std::uint64_t* installed_version) {
  KINTSUGI_ASSIGN_OR_RETURN(std::optional<release::Bundle> installed,
                            InstalledRelease(options));
  *installed_version = installed ? installed->version : 0;
  if (installed && bundle.version < installed->version) {
    return InvalidArgumentError(path + ": release " +
                                std::to_string(bundle.version) +
                                " is older than the installed release " +
                                std::to_string(installed->version) +
                                "; refused (an older bundle replayed?)");
  }
  if (installed && bundle.version == installed->version &&
      (bundle.kb != installed->kb || bundle.keys != installed->keys)) {
    return InvalidArgumentError(
        path + ": release " + std::to_string(bundle.version) +
        " differs from the installed release of the same version; refused");
  }
  return Status::Ok();
}

int RunVerify(const GlobalOptions& base, const std::string& path,
              const std::string& public_file) {
  GlobalOptions options = base;
  if (!public_file.empty()) options.release_key = public_file;
  auto checked = ReadAndCheck(options, path);
  if (!checked) return ReportFailure(options, checked.error());
  std::uint64_t installed = 0;
  if (const Status fresh =
          CheckNotOlder(options, path, checked->bundle, &installed);
      !fresh.ok()) {
    return ReportFailure(options, fresh);
  }
  const release::Bundle& b = checked->bundle;
  if (options.json) {
    PrintJson({{"bundle", path},
               {"valid", true},
               {"version", b.version},
               {"created", UtcDate(b.created)},
               {"signer", b.signer},
               {"families", checked->families},
               {"keys", checked->keys.size()},
               {"sha256", checked->sha256},
               {"installed_version", installed}});
  } else if (!options.quiet) {
    std::printf(
        "%s: release %llu (%s), signature good (key %s): %zu families, %zu "
        "released keys; sha256 %s\n",
        path.c_str(), static_cast<unsigned long long>(b.version),
        UtcDate(b.created).c_str(), b.signer.c_str(), checked->families,
        checked->keys.size(), checked->sha256.c_str());
  }
  return kExitOk;
}

// Imports the keys the store does not hold yet; returns how many.
Result<std::size_t> ImportNewKeys(const std::string& db,
                                  const std::vector<KeyRecord>& keys) {
  std::string path = db;
  if (path.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(path, DefaultKeyStorePath());
  }
  KINTSUGI_ASSIGN_OR_RETURN(auto store, OpenKeyStore(path));
  std::vector<KeyRecord> fresh;
  for (const KeyRecord& record : keys) {
    KINTSUGI_ASSIGN_OR_RETURN(const std::vector<KeyRecord> stored,
                              store->Lookup(record.family, record.handle));
    bool known = false;
    for (const KeyRecord& s : stored) {
      known = known || s.key.view().AsChars() == record.key.view().AsChars();
    }
    if (!known) fresh.push_back(record);
  }
  if (!fresh.empty()) KINTSUGI_RETURN_IF_ERROR(store->Import(fresh));
  return fresh.size();
}

int RunUpdate(const GlobalOptions& base, const std::string& from,
              const std::string& public_file, const std::string& db) {
  GlobalOptions options = base;
  if (!public_file.empty()) options.release_key = public_file;
  auto checked = ReadAndCheck(options, from);
  if (!checked) return ReportFailure(options, checked.error());
  std::uint64_t installed = 0;
  if (const Status fresh =
          CheckNotOlder(options, from, checked->bundle, &installed);
      !fresh.ok()) {
    return ReportFailure(options, fresh);
  }
  auto target = release::InstalledBundlePath();
  if (!target) return ReportFailure(options, target.error());
  std::size_t imported = 0;
  if (!checked->keys.empty()) {
    auto added = ImportNewKeys(db, checked->keys);
    if (!added) return ReportFailure(options, added.error());
    imported = *added;
  }
  // Installed by rename, so that a crash leaves the old release or the new
  // one, never half of one.
  std::error_code ec;
  std::filesystem::create_directories(target->parent_path(), ec);
  const std::filesystem::path temporary =
      target->string() + ".new." + std::to_string(::getpid());
  auto file =
      ReadWholeFile(RealFileSystem(), from, limits::kMaxReleaseBundleBytes);
  if (!file) return ReportFailure(options, file.error());
  Status written = WriteNewFile(RealFileSystem(), temporary, *file, 0644);
  if (written.ok()) {
    written = RealFileSystem().RenameReplacing(temporary, *target);
  }
  if (!written.ok()) {
    std::filesystem::remove(temporary, ec);
    return ReportFailure(options, written);
  }
  // Compiled now for this machine and kept beside it, so that the next
  // identify starts as fast as with the built-in KB.
  if (auto compiled = InstalledCompiledKb(checked->bundle); !compiled) {
    Log(LogLevel::kWarning,
        "kb update: release installed, but its KB could not be compiled "
        "ahead ({}); it is compiled when used",
        compiled.error().ToString());
  }
  const release::Bundle& b = checked->bundle;
  if (options.json) {
    PrintJson({{"installed", target->string()},
               {"version", b.version},
               {"previous_version", installed},
               {"created", UtcDate(b.created)},
               {"signer", b.signer},
               {"families", checked->families},
               {"keys", checked->keys.size()},
               {"keys_imported", imported}});
  } else if (!options.quiet) {
    std::printf(
        "Installed release %llu (%s; was %s): %zu families, %zu released "
        "keys (%zu new in the key store)\n",
        static_cast<unsigned long long>(b.version), UtcDate(b.created).c_str(),
        installed == 0 ? "the built-in KB"
                       : ("release " + std::to_string(installed)).c_str(),
        checked->families, checked->keys.size(), imported);
  }
  return kExitOk;
}

// `release sign FILE`: a detached signature beside it (issue 13: the
// release's SHA256SUMS), never over an existing file.
struct SignArgs {
  std::string file;
  std::string secret;
  std::string out;
};

int RunSign(const GlobalOptions& options, const SignArgs& args) {
  auto key = ReadSecretKey(args.secret);
  if (!key) return ReportFailure(options, key.error());
  auto file = ReadWholeFile(RealFileSystem(), args.file,
                            limits::kMaxReleaseBundleBytes);
  if (!file) return ReportFailure(options, file.error());
  const std::string out = args.out.empty() ? args.file + ".sig" : args.out;
  const std::string signature = release::SignFile(*file, *key);
  const Status written = WriteNewFile(RealFileSystem(), out,
                                      ByteView::FromString(signature), 0644);
  if (!written.ok()) return ReportFailure(options, written);
  const std::string id = release::KeyId(key->public_key);
  if (options.json) {
    PrintJson({{"file", args.file}, {"signature", out}, {"key_id", id}});
  } else if (!options.quiet) {
    std::printf("Signed %s with release key %s: %s\n", args.file.c_str(),
                id.c_str(), out.c_str());
  }
  return kExitOk;
}

// `release verify FILE`: its detached signature against the trusted key.
int RunVerifySignature(const GlobalOptions& base, const std::string& path,
                       const std::string& signature_path,
                       const std::string& public_file) {
  GlobalOptions options = base;
  if (!public_file.empty()) options.release_key = public_file;
  auto key = TrustedReleaseKey(options);
  if (!key) return ReportFailure(options, key.error());
  auto file =
      ReadWholeFile(RealFileSystem(), path, limits::kMaxReleaseBundleBytes);
  if (!file) return ReportFailure(options, file.error());
  const std::string sig_path =
      signature_path.empty() ? path + ".sig" : signature_path;
  auto signature = ReadKeyFile(sig_path);
  if (!signature) return ReportFailure(options, signature.error());
  const Status checked = release::VerifyFileSignature(*file, *signature, *key);
  if (!checked.ok()) {
    return ReportFailure(
        options, Status(checked.code(), path + ": " + checked.message()));
  }
  const std::string id = release::KeyId(*key);
  if (options.json) {
    PrintJson({{"file", path},
               {"signature", sig_path},
               {"key_id", id},
               {"valid", true}});
  } else if (!options.quiet) {
    std::printf("%s: good signature by release key %s\n", path.c_str(),
                id.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddKbReleaseCommands(CLI::App* kb_command, const GlobalOptions& options,
                          Handler* handler) {
  static std::string verify_path, verify_public;
  CLI::App* verify = kb_command->add_subcommand(
      "verify", "Check a release bundle's signature and contents");
  verify->add_option("bundle", verify_path, "The release bundle")
      ->required()
      ->check(NonEmpty());
  verify
      ->add_option("--public", verify_public,
                   "Public key file (default: the pinned release key)")
      ->check(NonEmpty());
  verify->callback([&options, handler] {
    *handler = [&options] {
      return RunVerify(options, verify_path, verify_public);
    };
  });

  static std::string update_from, update_public, update_db;
  CLI::App* update = kb_command->add_subcommand(
      "update", "Install a verified release: its KB and its released keys");
  update->add_option("--from", update_from, "The release bundle")
      ->required()
      ->check(NonEmpty());
  update
      ->add_option("--public", update_public,
                   "Public key file (default: the pinned release key)")
      ->check(NonEmpty());
  update
      ->add_option("--db", update_db,
                   "Key store for the release's keys (default: the user's)")
      ->check(NonEmpty());
  update->callback([&options, handler] {
    *handler = [&options] {
      return RunUpdate(options, update_from, update_public, update_db);
    };
  });
}

void AddReleaseCommand(CLI::App& app, const GlobalOptions& options,
                       Handler* handler) {
  CLI::App* command = app.add_subcommand(
      "release", "Make signed knowledge-base releases (partners)");
  command->require_subcommand(1);

  static std::string secret, public_file;
  CLI::App* keygen =
      command->add_subcommand("keygen", "Make a new Ed25519 release key pair");
  keygen->add_option("--secret", secret, "Secret key file to create (0600)")
      ->required()
      ->check(NonEmpty());
  keygen->add_option("--public", public_file, "Public key file to create")
      ->required()
      ->check(NonEmpty());
  keygen->callback([&options, handler] {
    *handler = [&options] { return RunKeygen(options, secret, public_file); };
  });

  static SignArgs sign;
  CLI::App* sign_command = command->add_subcommand(
      "sign", "Sign a file (a release's SHA256SUMS) into FILE.sig");
  sign_command->add_option("FILE", sign.file, "The file to sign")
      ->required()
      ->check(NonEmpty());
  sign_command->add_option("--secret", sign.secret, "The release secret key")
      ->required()
      ->check(NonEmpty());
  sign_command
      ->add_option("--out", sign.out,
                   "The signature file to create (default: FILE.sig)")
      ->check(NonEmpty());
  sign_command->callback([&options, handler] {
    *handler = [&options] { return RunSign(options, sign); };
  });

  static std::string verify_file, verify_signature, verify_public;
  CLI::App* verify_command = command->add_subcommand(
      "verify", "Check a file's signature (FILE.sig) by the release key");
  verify_command->add_option("FILE", verify_file, "The signed file")
      ->required()
      ->check(NonEmpty());
  verify_command
      ->add_option("--signature", verify_signature,
                   "The signature file (default: FILE.sig)")
      ->check(NonEmpty());
  verify_command
      ->add_option("--public", verify_public,
                   "Public key file (default: the pinned release key)")
      ->check(NonEmpty());
  verify_command->callback([&options, handler] {
    *handler = [&options] {
      return RunVerifySignature(options, verify_file, verify_signature,
                                verify_public);
    };
  });

  static MakeArgs make;
  CLI::App* make_command = command->add_subcommand(
      "make", "Sign the KB and a store's released keys into a bundle");
  make_command->add_option("--db", make.db, "The key store (path or URL)")
      ->required()
      ->check(NonEmpty());
  make_command->add_option("--secret", make.secret, "The release secret key")
      ->required()
      ->check(NonEmpty());
  make_command->add_option("--out", make.out, "The bundle file to create")
      ->required()
      ->check(NonEmpty());
  make_command
      ->add_option("--release-version", make.version,
                   "Release number (default: the creation time in Unix "
                   "seconds); must grow from release to release")
      ->check(CLI::Range(std::uint64_t{1}, UINT64_MAX));
  make_command->callback([&options, handler] {
    *handler = [&options] { return RunMake(options, make); };
  });
}

}  // namespace kintsugi::cli

#pragma once

// Test doubles shared by the recover tests: a decryptor that accepts files
// by extension with a chosen confidence, and a small KB whose families have
// (Alpha, Beta) or lack (Gamma, Delta) a decryptor.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/message.h"
#include "recover/decryptor.h"

namespace kintsugi::recover::fakes {

// A decryptor that accepts names ending in `extension` with a fixed
// confidence (0: rejects everything) and then asks for a key, so a test
// sees which decryptor was chosen without decrypting anything.
class FakeDecryptor final : public Decryptor {
 public:
  FakeDecryptor(std::string id, std::string family, std::string extension,
                int confidence)
      : id_(std::move(id)),
        family_(std::move(family)),
        extension_(std::move(extension)),
        confidence_(confidence) {
    info_.id = id_;
    info_.family_id = family_;
    info_.extensions = {extension_};
    info_.spec = "test double";
  }
  FakeDecryptor(const FakeDecryptor&) = delete;
  FakeDecryptor& operator=(const FakeDecryptor&) = delete;

  const DecryptorInfo& info() const override { return info_; }
  Result<std::unique_ptr<DecryptorRun>> Prepare(
      ReadOnlyFileSystem&, const RunInputs&) const override {
    return std::unique_ptr<DecryptorRun>(new FakeRun(*this));
  }

 private:
  class FakeRun final : public DecryptorRun {
   public:
    explicit FakeRun(const FakeDecryptor& d) : d_(d) {}
    ProbeResult Probe(const FileSample& file) const override {
      ProbeResult probe;
      if (d_.confidence_ == 0 || !EndsWithIgnoreCase(file.name, d_.extension_))
        return probe;
      probe.confidence = d_.confidence_;
      probe.original_name =
          file.name.substr(0, file.name.size() - d_.extension_.size());
      probe.reason = Message{MessageId::kRecoverProbeExtension,
                             {{"name", "test"}, {"extension", d_.extension_}}};
      return probe;
    }
    KeyOutcome FindKey(const FileSample&, const ProbeResult&) const override {
      KeyOutcome outcome;
      outcome.verdict = KeyVerdict::kNeedsInput;
      outcome.detail = "needs a test key";
      return outcome;
    }
    Result<std::unique_ptr<StreamDecryption>> StartDecryption(
        const Key&, std::uint64_t) const override {
      return InternalError("not used");
    }

   private:
    const FakeDecryptor& d_;
  };

  std::string id_, family_, extension_;
  int confidence_;
  DecryptorInfo info_;
};

inline kb::Rule KbRule(std::string id, kb::RuleKind kind, std::string pattern) {
  kb::Rule rule;
  rule.id = std::move(id);
  rule.kind = kind;
  rule.pattern = std::move(pattern);
  rule.strength = kb::Strength::kStrong;
  rule.where = {"kb/test.yaml", 1};
  return rule;
}

inline kb::Family KbFamily(std::string id, std::string name,
                           std::vector<kb::Rule> rules,
                           kb::RecoveryPossible recovery,
                           std::string decryptor) {
  kb::Family family;
  family.id = std::move(id);
  family.name = std::move(name);
  family.rules = std::move(rules);
  family.recovery.possible = recovery;
  family.recovery.decryptor = std::move(decryptor);
  return family;
}

// Alpha and Beta have decryptors (the fakes); Gamma has none anywhere,
// Delta's decryptor is not in this build.
inline std::shared_ptr<const identify::CompiledKb> TestKb() {
  kb::KnowledgeBase kb;
  kb.families.push_back(
      KbFamily("alpha", "Alpha",
               {KbRule("phrase", kb::RuleKind::kNotePhrase,
                       "alpha has locked every one of your files")},
               kb::RecoveryPossible::kYes, "alpha"));
  kb.families.push_back(KbFamily("beta", "Beta",
                                 {KbRule("phrase", kb::RuleKind::kNotePhrase,
                                         "beta has taken your documents away")},
                                 kb::RecoveryPossible::kYes, "beta"));
  kb.families.push_back(
      KbFamily("gamma", "Gamma Locker",
               {KbRule("ext", kb::RuleKind::kExtension, ".gamma")},
               kb::RecoveryPossible::kNo, ""));
  kb::Family delta = KbFamily(
      "delta", "Delta", {KbRule("ext", kb::RuleKind::kExtension, ".delta")},
      kb::RecoveryPossible::kYes, "delta-tool");
  delta.recovery.needs = {"an encrypted file and its original"};
  kb.families.push_back(std::move(delta));
  auto compiled = identify::Compile(kb);
  EXPECT_TRUE(compiled.has_value()) << compiled.error().message();
  return compiled ? *compiled : nullptr;
}

inline Bytes NoteText(std::string_view phrase) {
  const std::string text =
      "ATTENTION!\n\nAll of your important files were encrypted.\n" +
      std::string(phrase) +
      ".\nTo get them back, write to us and pay. Do not rename the files "
      "and do not try to decrypt them yourself.\n";
  return Bytes(text.begin(), text.end());
}

// HasDeclaredArgs for `message` and every message among its arguments
// (a file's detail nests identify's origin and advice).
inline bool DeclaredThroughout(const Message& message) {
  if (!HasDeclaredArgs(message)) return false;
  for (const MessageArg& arg : message.args) {
    if (const auto* nested = std::get_if<std::vector<Message>>(&arg.value)) {
      for (const Message& m : *nested) {
        if (!DeclaredThroughout(m)) return false;
      }
    }
  }
  return true;
}

}  // namespace kintsugi::recover::fakes

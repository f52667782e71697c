#pragma once

// A set of patterns compiled into one Hyperscan block-mode database, so a
// text is matched against every pattern of the KB in one pass.

#include <hs/hs.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kintsugi/bytes.h"
#include "kintsugi/status.h"

namespace kintsugi::identify {

// Escapes `literal` so Hyperscan matches it byte for byte.
std::string EscapeForRegex(std::string_view literal);

class PatternSet {
 public:
  struct Pattern {
    std::string expression;
    unsigned flags = 0;  // HS_FLAG_*.
    unsigned id = 0;     // Reported on a match.
    std::string where;   // For diagnostics ("kb/x.yaml:3 rule r").
  };

  PatternSet() = default;

  // Compiles `patterns`. Invalid ones (unsupported syntax) are dropped and
  // described in `warnings`; only a Hyperscan failure on valid input is an
  // error. `platform` is the CPU the database is for; null: this one.
  static Result<PatternSet> Compile(
      std::vector<Pattern> patterns, std::vector<std::string>& warnings,
      const hs_platform_info_t* platform = nullptr);

  // The database as bytes (hs_serialize_database), empty for an empty set,
  // for the precompiled KB (docs/kb-format.md §9).
  Result<Bytes> Serialize() const;
  // The inverse of Serialize, for a set of `count` patterns. kCorrupt when
  // Hyperscan rejects the bytes, kUnsupported when the database was built
  // by another Hyperscan version or for a CPU this one is not.
  static Result<PatternSet> Deserialize(ByteView bytes, std::size_t count);

  bool empty() const { return database_ == nullptr; }
  std::size_t size() const { return count_; }

  // Grows `scratch` (may be null) so it can scan this set.
  Status AllocScratch(hs_scratch_t** scratch) const;

  // Calls `on_match(id, end_offset)` for each match in `text`.
  void Scan(
      std::string_view text, hs_scratch_t* scratch,
      const std::function<void(unsigned, unsigned long long)>& on_match) const;

 private:
  struct DatabaseDeleter {
    void operator()(hs_database_t* db) const { hs_free_database(db); }
  };
  std::shared_ptr<hs_database_t> database_;
  std::size_t count_ = 0;
};

// Owns a scratch space; one per thread / per Identify call.
class Scratch {
 public:
  Scratch() = default;
  explicit Scratch(hs_scratch_t* s) : scratch_(s) {}
  ~Scratch() {
    if (scratch_ != nullptr) hs_free_scratch(scratch_);
  }
  Scratch(Scratch&& other) noexcept : scratch_(other.scratch_) {
    other.scratch_ = nullptr;
  }
  Scratch& operator=(Scratch&& other) noexcept {
    std::swap(scratch_, other.scratch_);
    return *this;
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  hs_scratch_t* get() const { return scratch_; }
  hs_scratch_t** address() { return &scratch_; }

 private:
  hs_scratch_t* scratch_ = nullptr;
};

}  // namespace kintsugi::identify

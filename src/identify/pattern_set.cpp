#include "identify/pattern_set.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace kintsugi::identify {
namespace {

struct ScanContext {
  const std::function<void(unsigned, unsigned long long)>* on_match;
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* context) {
  const auto* scan = static_cast<ScanContext*>(context);
  (*scan->on_match)(id, to);
  return 0;
}

}  // namespace

std::string EscapeForRegex(std::string_view literal) {
  std::string out;
  out.reserve(literal.size() * 2);
  for (const char c : literal) {
    const auto u = static_cast<unsigned char>(c);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == ' ' || c == '_';
    if (plain) {
      out.push_back(c);
    } else {
      out += fmt::format("\\x{:02x}", u);
    }
  }
  return out;
}

Result<PatternSet> PatternSet::Compile(std::vector<Pattern> patterns,
                                       std::vector<std::string>& warnings,
                                       const hs_platform_info_t* platform) {
  PatternSet set;
  // Drop expressions Hyperscan cannot parse, one by one, with a warning.
  std::vector<Pattern> valid;
  valid.reserve(patterns.size());
  for (Pattern& p : patterns) {
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* error = nullptr;
    if (hs_expression_info(p.expression.c_str(), p.flags, &info, &error) !=
        HS_SUCCESS) {
      warnings.push_back(fmt::format("{}: pattern skipped: {}", p.where,
                                     error != nullptr ? error->message : "?"));
      hs_free_compile_error(error);
      continue;
    }
    const bool matches_empty = info->min_width == 0;
    std::free(info);  // NOLINT: Hyperscan allocates with malloc.
    if (matches_empty) {
      warnings.push_back(
          fmt::format("{}: pattern skipped: it matches empty text", p.where));
      continue;
    }
    valid.push_back(std::move(p));
  }
  for (int attempt = 0; attempt < 64 && !valid.empty(); ++attempt) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags;
    std::vector<unsigned> ids;
    for (const Pattern& p : valid) {
      expressions.push_back(p.expression.c_str());
      flags.push_back(p.flags);
      ids.push_back(p.id);
    }
    hs_database_t* database = nullptr;
    hs_compile_error_t* error = nullptr;
    const hs_error_t rc =
        hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                         static_cast<unsigned>(valid.size()), HS_MODE_BLOCK,
                         platform, &database, &error);
    if (rc == HS_SUCCESS) {
      set.database_.reset(database, DatabaseDeleter());
      set.count_ = valid.size();
      return set;
    }
    const int bad = error != nullptr ? error->expression : -1;
    const std::string message = error != nullptr ? error->message : "?";
    hs_free_compile_error(error);
    if (bad < 0 || static_cast<std::size_t>(bad) >= valid.size()) {
      return InternalError("hyperscan compile failed: " + message);
    }
    const auto index = static_cast<std::size_t>(bad);
    warnings.push_back(
        fmt::format("{}: pattern skipped: {}", valid[index].where, message));
    valid.erase(valid.begin() + static_cast<std::ptrdiff_t>(index));
  }
  if (valid.empty()) return set;
  return ResourceExhaustedError("too many patterns failed to compile");
}

Result<Bytes> PatternSet::Serialize() const {
  if (database_ == nullptr) return Bytes();
  char* bytes = nullptr;
  std::size_t length = 0;
  if (hs_serialize_database(database_.get(), &bytes, &length) != HS_SUCCESS) {
    return ResourceExhaustedError("cannot serialise a hyperscan database");
  }
  // Hyperscan hands out malloc'd bytes; copy them once into Bytes.
  const auto* begin = reinterpret_cast<const std::uint8_t*>(bytes);  // NOLINT
  Bytes out(begin, begin + length);
  std::free(bytes);  // NOLINT: Hyperscan allocates with malloc.
  return out;
}

Result<PatternSet> PatternSet::Deserialize(ByteView bytes, std::size_t count) {
  PatternSet set;
  if (bytes.empty()) {
    if (count != 0) return CorruptError("hyperscan database missing");
    return set;
  }
  hs_database_t* database = nullptr;
  const hs_error_t rc = hs_deserialize_database(
      reinterpret_cast<const char*>(bytes.data()),  // NOLINT
      bytes.size(), &database);
  if (rc != HS_SUCCESS) {
    if (rc == HS_DB_VERSION_ERROR || rc == HS_DB_PLATFORM_ERROR) {
      return UnsupportedError(
          fmt::format("hyperscan database not for this build ({})", rc));
    }
    return CorruptError(fmt::format("hyperscan database rejected ({})", rc));
  }
  set.database_.reset(database, DatabaseDeleter());
  set.count_ = count;
  return set;
}

Status PatternSet::AllocScratch(hs_scratch_t** scratch) const {
  if (database_ == nullptr) return Status::Ok();
  const hs_error_t rc = hs_alloc_scratch(database_.get(), scratch);
  if (rc == HS_DB_VERSION_ERROR || rc == HS_DB_PLATFORM_ERROR) {
    return UnsupportedError(
        fmt::format("hyperscan database not for this CPU ({})", rc));
  }
  if (rc != HS_SUCCESS) {
    return ResourceExhaustedError("cannot allocate hyperscan scratch space");
  }
  return Status::Ok();
}

void PatternSet::Scan(
    std::string_view text, hs_scratch_t* scratch,
    const std::function<void(unsigned, unsigned long long)>& on_match) const {
  if (database_ == nullptr || text.empty()) return;
  ScanContext context{&on_match};
  // Hyperscan takes an unsigned length; notes are bounded far below 4 GiB
  // (limits::kMaxNoteBytes), so this never truncates.
  const auto length =
      static_cast<unsigned>(std::min<std::size_t>(text.size(), 0xFFFFFFFFu));
  hs_scan(database_.get(), text.data(), length, 0, scratch, OnMatch, &context);
}

}  // namespace kintsugi::identify

// The precompiled KB (docs/kb-format.md §9): a compiled KB as bytes and
// back. Every struct is written member by member in declaration order,
// through one list of members per struct (KINTSUGI_FIELDS below, or the
// VisitFields of a class with private members). Each list is a structured
// binding of the whole struct, so a member added to a struct and not to its
// list fails to compile: the artefact cannot silently lose a field.

#include "identify/precompiled_kb.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstring>
#include <map>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "kintsugi/log.h"

namespace kintsugi::identify::internal {
namespace {

using Impl = CompiledKb::Impl;

// ---------------------------------------------------------------------------
// The members of each struct, in declaration order.

#define KINTSUGI_FIELDS(Type, ...)                       \
  template <typename Self, typename F>                   \
  requires std::same_as<std::remove_const_t<Self>, Type> \
  void VisitFields(Self& self, F&& f) {                  \
    auto& [__VA_ARGS__] = self;                          \
    f(__VA_ARGS__);                                      \
  }

KINTSUGI_FIELDS(kb::Source, dataset, entry)
KINTSUGI_FIELDS(kb::Location, file, line)
KINTSUGI_FIELDS(kb::FieldBound, relative_to_size, value, delta)
KINTSUGI_FIELDS(kb::FileField, at, type, length, values, min, max, where)
KINTSUGI_FIELDS(kb::Rule, id, kind, strength, pattern, is_regex, marker, anchor,
                offset, fields, modulus, remainder, footer_bytes, min_engine,
                sources, where)
KINTSUGI_FIELDS(kb::Recovery, possible, decryptor, planned, strategy, needs,
                notes, sources)
KINTSUGI_FIELDS(kb::AllowEntry, kind, pattern, is_regex, reason, where)
KINTSUGI_FIELDS(CompileStats, families, name_patterns, note_patterns, markers,
                contacts, reference_notes, skipped_rules, warnings)
KINTSUGI_FIELDS(PatternSet::Pattern, expression, flags, id, where)
KINTSUGI_FIELDS(NameMatcher::WholeEntry, id, literal)
KINTSUGI_FIELDS(SimilarityModel::Note, family, norm)
KINTSUGI_FIELDS(kb::Group, id, name, kind, members, shares, sources, where)
KINTSUGI_FIELDS(Impl::FamilyInfo, id, name, related, recovery, group)
KINTSUGI_FIELDS(Impl::RuleInfo, family, rule, weight)
KINTSUGI_FIELDS(Impl::ContactInfo, family, value, weight)

#undef KINTSUGI_FIELDS

// CompiledKb::Impl: everything but the scratch spaces, which the loader
// allocates for this CPU (Impl::AllocPrototype).
template <typename Self, typename F>
requires std::same_as<std::remove_const_t<Self>, Impl>
void VisitFields(Self& self, F&& f) {
  auto& [families, groups, rules, allow, file_names, note_names, note_text,
         victim_ids, allow_names, markers, contacts, similarity, family_names,
         prototype, stats, pool_mutex, pool] = self;
  (void)prototype;
  (void)pool_mutex;
  (void)pool;
  f(families, groups, rules, allow, file_names, note_names, note_text,
    victim_ids, allow_names, markers, contacts, similarity, family_names,
    stats);
}

// Classes with private members list them in a static VisitFields.
template <typename Self, typename F>
requires requires(Self& self, F&& f) {
  std::remove_const_t<Self>::VisitFields(self, f);
}
void VisitFields(Self& self, F&& f) {
  std::remove_const_t<Self>::VisitFields(self, f);
}

// The last value of each enum stored; a larger byte is corrupt. A new enum
// member must be added here (the decoder then refuses nothing valid).
template <typename T>
constexpr T LastValue();
template <>
constexpr kb::RuleKind LastValue() {
  return kb::RuleKind::kVictimId;
}
template <>
constexpr kb::Strength LastValue() {
  return kb::Strength::kDecisive;
}
template <>
constexpr kb::Anchor LastValue() {
  return kb::Anchor::kTail;
}
template <>
constexpr kb::RecoveryPossible LastValue() {
  return kb::RecoveryPossible::kUnknown;
}
template <>
constexpr kb::FieldType LastValue() {
  return kb::FieldType::kKey;
}

template <typename T>
struct IsOptional : std::false_type {};
template <typename E>
struct IsOptional<std::optional<E>> : std::true_type {};

template <typename T>
struct IsVector : std::false_type {};
template <typename E, typename A>
struct IsVector<std::vector<E, A>> : std::true_type {};
template <typename T>
struct IsMap : std::false_type {};
template <typename K, typename V, typename H, typename E, typename A>
struct IsMap<std::unordered_map<K, V, H, E, A>> : std::true_type {};
template <typename K, typename V, typename C, typename A>
struct IsMap<std::map<K, V, C, A>> : std::true_type {};

// Vectors of these are stored as their bytes (little-endian hosts).
template <typename E>
constexpr bool kRawElements =
    std::is_arithmetic_v<E> && !std::is_same_v<E, bool> &&
    std::endian::native == std::endian::little;

// ---------------------------------------------------------------------------
// Encoding: integers little-endian in their C++ width, doubles as their
// IEEE-754 bits, strings and containers as a u32 count then the elements,
// maps sorted by key (so the same KB gives the same bytes).

class Encoder {
 public:
  explicit Encoder(bool with_databases) : with_databases_(with_databases) {}

  Bytes& bytes() { return out_; }
  const Status& status() const { return status_; }

  template <typename T>
  void Put(const T& value) {
    if constexpr (std::is_same_v<T, bool>) {
      PutInt<std::uint8_t>(value ? 1 : 0);
    } else if constexpr (std::is_enum_v<T>) {
      PutInt(static_cast<std::underlying_type_t<T>>(value));
    } else if constexpr (std::is_integral_v<T>) {
      PutInt(static_cast<std::make_unsigned_t<T>>(value));
    } else if constexpr (std::is_same_v<T, double>) {
      PutInt(std::bit_cast<std::uint64_t>(value));
    } else if constexpr (std::is_same_v<T, std::string>) {
      PutCount(value.size());
      out_.insert(out_.end(), value.begin(), value.end());
    } else if constexpr (IsOptional<T>::value) {
      Put(value.has_value());
      if (value.has_value()) Put(*value);
    } else if constexpr (IsVector<T>::value) {
      using E = typename T::value_type;
      PutCount(value.size());
      if constexpr (kRawElements<E>) {
        const auto* begin =
            reinterpret_cast<const std::uint8_t*>(value.data());  // NOLINT
        out_.insert(out_.end(), begin, begin + value.size() * sizeof(E));
      } else {
        for (const E& element : value) Put(element);
      }
    } else if constexpr (IsMap<T>::value) {
      std::vector<const typename T::value_type*> entries;
      entries.reserve(value.size());
      for (const auto& entry : value) entries.push_back(&entry);
      std::sort(
          entries.begin(), entries.end(),
          [](const auto* a, const auto* b) { return a->first < b->first; });
      PutCount(entries.size());
      for (const auto* entry : entries) {
        Put(entry->first);
        Put(entry->second);
      }
    } else if constexpr (std::is_same_v<T, PatternSet>) {
      PutPatternSet(value);
    } else {
      VisitFields(value, [this](const auto&... fields) { (Put(fields), ...); });
    }
  }

  template <typename U>
  void PutInt(U value) {
    for (std::size_t i = 0; i < sizeof(U); ++i) {
      out_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
  }

  void PutRaw(ByteView bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }

 private:
  void PutCount(std::size_t count) {
    if (count > 0xFFFFFFFFu && status_.ok()) {
      status_ = ResourceExhaustedError("precompiled KB: a list too long");
    }
    PutInt(static_cast<std::uint32_t>(count));
  }

  // The pattern count, then the serialised database (empty for none).
  void PutPatternSet(const PatternSet& set) {
    PutInt(static_cast<std::uint64_t>(set.size()));
    if (!with_databases_) return;
    Result<Bytes> database = set.Serialize();
    if (!database) {
      if (status_.ok()) status_ = database.error();
      return;
    }
    PutInt(static_cast<std::uint64_t>(database->size()));
    PutRaw(*database);
  }

  bool with_databases_;
  Bytes out_;
  Status status_;
};

// The inverse. The first problem sticks: later reads do nothing, and a
// count is never larger than the bytes left, so no loop or allocation
// outgrows the input.
class Decoder {
 public:
  explicit Decoder(ByteView in) : in_(in) {}

  const Status& status() const { return status_; }
  bool ok() const { return status_.ok(); }
  bool AtEnd() const { return in_.AtEnd(); }
  std::size_t position() const { return in_.position(); }
  std::size_t remaining() const { return in_.remaining(); }

  template <typename T>
  void Get(T& value) {
    if (!ok()) return;
    if constexpr (std::is_same_v<T, bool>) {
      const auto byte = GetInt<std::uint8_t>();
      if (byte > 1) Fail("a flag is neither 0 nor 1");
      value = byte == 1;
    } else if constexpr (std::is_enum_v<T>) {
      using U = std::underlying_type_t<T>;
      const U raw = GetInt<U>();
      if (raw > static_cast<U>(LastValue<T>())) Fail("unknown enum value");
      value = static_cast<T>(raw);
    } else if constexpr (std::is_integral_v<T>) {
      value = static_cast<T>(GetInt<std::make_unsigned_t<T>>());
    } else if constexpr (std::is_same_v<T, double>) {
      value = std::bit_cast<double>(GetInt<std::uint64_t>());
    } else if constexpr (std::is_same_v<T, std::string>) {
      const ByteView chars = GetRaw(GetCount(1));
      value.assign(chars.AsChars());
    } else if constexpr (IsOptional<T>::value) {
      bool present = false;
      Get(present);
      value.reset();
      if (ok() && present) Get(value.emplace());
    } else if constexpr (IsVector<T>::value) {
      using E = typename T::value_type;
      if constexpr (kRawElements<E>) {
        const std::size_t count = GetCount(sizeof(E));
        const ByteView raw = GetRaw(count * sizeof(E));
        if (!ok()) return;
        value.resize(count);
        if (count > 0) std::memcpy(value.data(), raw.data(), raw.size());
      } else {
        const std::size_t count = GetCount(1);
        value.clear();
        value.reserve(count);
        for (std::size_t i = 0; i < count && ok(); ++i) {
          Get(value.emplace_back());
        }
      }
    } else if constexpr (IsMap<T>::value) {
      const std::size_t count = GetCount(1);
      value.clear();
      if constexpr (requires { value.reserve(count); }) value.reserve(count);
      for (std::size_t i = 0; i < count && ok(); ++i) {
        typename T::key_type key{};
        typename T::mapped_type mapped{};
        Get(key);
        Get(mapped);
        if (ok() && !value.emplace(std::move(key), std::move(mapped)).second) {
          Fail("a key twice in a table");
        }
      }
    } else if constexpr (std::is_same_v<T, PatternSet>) {
      GetPatternSet(value);
    } else {
      VisitFields(value, [this](auto&... fields) { (Get(fields), ...); });
    }
  }

  template <typename U>
  U GetInt() {
    static_assert(sizeof(U) == 1 || sizeof(U) == 4 || sizeof(U) == 8);
    if (!ok()) return 0;
    auto read = [this] {
      if constexpr (sizeof(U) == 1) {
        return in_.ReadU8();
      } else if constexpr (sizeof(U) == 4) {
        return in_.ReadU32Le();
      } else {
        return in_.ReadU64Le();
      }
    };
    auto value = read();
    if (!value) {
      Fail("truncated");
      return 0;
    }
    return static_cast<U>(*value);
  }

  ByteView GetRaw(std::size_t length) {
    if (!ok()) return {};
    Result<ByteView> raw = in_.ReadBytes(length);
    if (!raw) {
      Fail("truncated");
      return {};
    }
    return *raw;
  }

  void Fail(std::string_view what) {
    if (ok()) status_ = CorruptError(fmt::format("precompiled KB: {}", what));
  }

 private:
  // A count of elements of at least `element_bytes` each.
  std::size_t GetCount(std::size_t element_bytes) {
    const std::size_t count = GetInt<std::uint32_t>();
    if (ok() && count > in_.remaining() / element_bytes) Fail("truncated");
    return ok() ? count : 0;
  }

  void GetPatternSet(PatternSet& set) {
    const auto count = GetInt<std::uint64_t>();
    const auto length = GetInt<std::uint64_t>();
    if (ok() && length > in_.remaining()) Fail("truncated");
    const ByteView database = GetRaw(static_cast<std::size_t>(length));
    if (!ok()) return;
    Result<PatternSet> loaded =
        PatternSet::Deserialize(database, static_cast<std::size_t>(count));
    if (!loaded) {
      status_ = loaded.error().WithContext("precompiled KB: ");
      return;
    }
    set = std::move(*loaded);
  }

  ByteReader in_;
  Status status_;
};

// Every index a decoded KB holds points inside it, so a damaged artefact
// that decodes can still never make Identify read out of bounds (the ids
// inside the Hyperscan databases are covered by the payload checksum).
Status CheckIndices(const Impl& impl) {
  const std::size_t families = impl.families.size();
  const std::size_t rules = impl.rules.size();
  bool fine = true;
  for (const auto& rule : impl.rules) fine &= rule.family < families;
  for (const std::uint32_t marker : impl.markers) fine &= marker < rules;
  for (const auto& [key, list] : impl.contacts) {
    for (const auto& contact : list) fine &= contact.family < families;
  }
  fine &= impl.file_names.IdsBelow(rules) && impl.note_names.IdsBelow(rules) &&
          impl.allow_names.IdsBelow(impl.allow.size()) &&
          impl.similarity.WellFormed(families) &&
          impl.family_names.FamiliesBelow(families);
  if (!fine) return CorruptError("precompiled KB: an index out of range");
  return Status::Ok();
}

Sha256Digest ReadDigest(Decoder& in) {
  Sha256Digest digest{};
  const ByteView raw = in.GetRaw(digest.size());
  if (in.ok()) std::copy(raw.begin(), raw.end(), digest.begin());
  return digest;
}

}  // namespace

Sha256Digest Sha256Of(ByteView bytes) {
  Sha256Digest digest{};
  unsigned length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length,
                 EVP_sha256(), nullptr) != 1) {
    digest.fill(0);  // Matches no real digest: the artefact is not used.
  }
  return digest;
}

// SHA-256 of `header` then `payload`.
Sha256Digest ChecksumOf(ByteView header, ByteView payload) {
  Sha256Digest digest{};
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool done =
      context != nullptr &&
      EVP_DigestInit_ex(context, EVP_sha256(), nullptr) == 1 &&
      EVP_DigestUpdate(context, header.data(), header.size()) == 1 &&
      EVP_DigestUpdate(context, payload.data(), payload.size()) == 1 &&
      EVP_DigestFinal_ex(context, digest.data(), nullptr) == 1;
  EVP_MD_CTX_free(context);
  if (!done) digest.fill(0);  // Matches no artefact: it is not used.
  return digest;
}

hs_platform_info_t BaselinePlatform() {
  hs_platform_info_t platform{};
  platform.tune = HS_TUNE_FAMILY_GENERIC;
  platform.cpu_features = 0;  // SSSE3 only: what Hyperscan itself needs.
  return platform;
}

Result<Bytes> EncodePrecompiledPayload(const Impl& impl, bool with_databases) {
  Encoder out(with_databases);
  out.Put(impl);
  if (!out.status().ok()) return out.status();
  return std::move(out.bytes());
}

Result<std::unique_ptr<Impl>> DecodePrecompiledPayload(ByteView payload) {
  auto impl = std::make_unique<Impl>();
  Decoder in(payload);
  in.Get(*impl);
  if (in.ok() && !in.AtEnd()) in.Fail("bytes after the end");
  if (!in.ok()) return in.status();
  KINTSUGI_RETURN_IF_ERROR(CheckIndices(*impl));
  for (NameMatcher* matcher :
       {&impl->file_names, &impl->note_names, &impl->allow_names}) {
    matcher->IndexSuffixes();
  }
  impl->family_names.Index();
  impl->similarity.Index();
  return impl;
}

Result<Bytes> SavePrecompiledKb(const Impl& impl, ByteView bundle,
                                const hs_platform_info_t& platform) {
  KINTSUGI_ASSIGN_OR_RETURN(Bytes payload, EncodePrecompiledPayload(impl));
  PrecompiledHeader header;
  header.bundle_sha256 = Sha256Of(bundle);
  header.engine_version = kb::kEngineVersion;
  header.hyperscan_version = hs_version();
  header.tune = platform.tune;
  header.cpu_features = platform.cpu_features;
  return WritePrecompiledKb(header, payload);
}

Bytes WritePrecompiledKb(const PrecompiledHeader& header, ByteView payload) {
  Encoder out(true);
  out.PutRaw(ByteView::FromString(kPrecompiledMagic));
  out.PutInt(header.format_version);
  out.PutRaw(
      ByteView(header.bundle_sha256.data(), header.bundle_sha256.size()));
  out.Put(header.engine_version);
  out.Put(header.hyperscan_version);
  out.PutInt(header.tune);
  out.PutInt(header.cpu_features);
  out.PutInt(static_cast<std::uint64_t>(payload.size()));
  const Sha256Digest checksum = ChecksumOf(out.bytes(), payload);
  out.PutRaw(ByteView(checksum.data(), checksum.size()));
  out.PutRaw(payload);
  return std::move(out.bytes());
}

Result<ParsedArtefact> ParsePrecompiledKb(ByteView artefact) {
  if (artefact.empty()) return NotFoundError("no precompiled KB in this build");
  if (!artefact.StartsWith(ByteView::FromString(kPrecompiledMagic))) {
    return CorruptError("precompiled KB: bad magic");
  }
  KINTSUGI_ASSIGN_OR_RETURN(ByteView rest,
                            artefact.From(kPrecompiledMagic.size()));
  Decoder in(rest);
  ParsedArtefact parsed;
  PrecompiledHeader& header = parsed.header;
  header.format_version = in.GetInt<std::uint32_t>();
  if (in.ok() && header.format_version != kPrecompiledFormatVersion) {
    return UnsupportedError(
        fmt::format("precompiled KB: format version {}, this build reads {}",
                    header.format_version, kPrecompiledFormatVersion));
  }
  header.bundle_sha256 = ReadDigest(in);
  in.Get(header.engine_version);
  in.Get(header.hyperscan_version);
  header.tune = in.GetInt<std::uint32_t>();
  header.cpu_features = in.GetInt<std::uint64_t>();
  header.payload_bytes = in.GetInt<std::uint64_t>();
  const std::size_t checked = kPrecompiledMagic.size() + in.position();
  header.checksum = ReadDigest(in);
  if (!in.ok()) return in.status();
  if (header.payload_bytes != in.remaining()) {
    return CorruptError("precompiled KB: truncated or too long");
  }
  parsed.payload = in.GetRaw(in.remaining());
  if (!in.ok()) return in.status();
  if (ChecksumOf(artefact.First(checked), parsed.payload) != header.checksum) {
    return CorruptError("precompiled KB: checksum mismatch");
  }
  return parsed;
}

Result<std::unique_ptr<Impl>> LoadPrecompiledKb(ByteView artefact,
                                                ByteView bundle) {
  KINTSUGI_ASSIGN_OR_RETURN(ParsedArtefact parsed,
                            ParsePrecompiledKb(artefact));
  const PrecompiledHeader& header = parsed.header;
  if (header.bundle_sha256 != Sha256Of(bundle)) {
    return UnsupportedError(
        "precompiled KB: made from another KB than the one built in (stale)");
  }
  if (header.engine_version != kb::kEngineVersion) {
    return UnsupportedError(
        fmt::format("precompiled KB: for engine {}, this is {}",
                    header.engine_version, kb::kEngineVersion));
  }
  if (header.hyperscan_version != hs_version()) {
    return UnsupportedError(
        fmt::format("precompiled KB: for Hyperscan {}, this is {}",
                    header.hyperscan_version, hs_version()));
  }
  hs_platform_info_t current{};
  if (hs_valid_platform() != HS_SUCCESS ||
      hs_populate_platform(&current) != HS_SUCCESS ||
      (header.cpu_features & ~current.cpu_features) != 0) {
    return UnsupportedError(fmt::format(
        "precompiled KB: needs CPU features {:#x}, this CPU has {:#x}",
        header.cpu_features, current.cpu_features));
  }
  KINTSUGI_ASSIGN_OR_RETURN(std::unique_ptr<Impl> impl,
                            DecodePrecompiledPayload(parsed.payload));
  KINTSUGI_RETURN_IF_ERROR(impl->AllocPrototype());
  return impl;
}

Result<std::shared_ptr<const CompiledKb>> LoadOrCompile(
    ByteView artefact, ByteView bundle,
    const std::function<Result<kb::KnowledgeBase>()>& load_kb) {
  Result<std::unique_ptr<Impl>> loaded = LoadPrecompiledKb(artefact, bundle);
  if (loaded) return Impl::Share(std::move(*loaded));
  // Same answers, only slower: a warning, so that a binary that always
  // falls back (e.g. after a Hyperscan upgrade) is noticed and rebuilt.
  Log(LogLevel::kWarning,
      "identify: the precompiled KB is not used ({}); compiling the built-in "
      "KB instead, which is slower",
      loaded.error().ToString());
  KINTSUGI_ASSIGN_OR_RETURN(kb::KnowledgeBase kb, load_kb());
  return Compile(kb);
}

}  // namespace kintsugi::identify::internal

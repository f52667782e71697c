#pragma once

// The precompiled KB (docs/kb-format.md §9): the built-in KB compiled when
// the binary is built (Hyperscan databases serialised, the rules, contacts,
// names and similarity model in binary form), so a command starts in
// milliseconds instead of parsing YAML and compiling patterns for most of a
// second (issue #15 "Cold start"). It is used only when it was made from
// the KB bundle the binary embeds, by this format version, engine version
// and Hyperscan version, for a CPU this one can run; otherwise the caller
// compiles the KB as before.

#include <hs/hs.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "identify/compiled_kb.h"
#include "kintsugi/bytes.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/status.h"

namespace kintsugi::identify::internal {

inline constexpr std::string_view kPrecompiledMagic = "KSKBPREC";
// Bump on any change to the layout of the payload or the header.
inline constexpr std::uint32_t kPrecompiledFormatVersion = 3;

using Sha256Digest = std::array<std::uint8_t, 32>;
Sha256Digest Sha256Of(ByteView bytes);
// SHA-256 of `header` then `payload`: the artefact's checksum.
Sha256Digest ChecksumOf(ByteView header, ByteView payload);

// The header of an artefact (docs/kb-format.md §9).
struct PrecompiledHeader {
  std::uint32_t format_version = kPrecompiledFormatVersion;
  Sha256Digest bundle_sha256{};   // The KB bundle it was compiled from.
  std::string engine_version;     // kb::kEngineVersion.
  std::string hyperscan_version;  // hs_version() of the compiler.
  std::uint32_t tune = 0;         // hs_platform_info_t of the databases.
  std::uint64_t cpu_features = 0;
  std::uint64_t payload_bytes = 0;  // What follows the header.
  // SHA-256 of every other byte of the artefact: the header before it and
  // the payload after it, so no damaged byte goes unnoticed.
  Sha256Digest checksum{};
};

// The CPU the build-time databases are compiled for: any x86-64 CPU that
// Hyperscan runs on (SSSE3, no AVX2 or AVX-512 needed), tuned generically,
// so a binary built on one machine starts fast on every other.
hs_platform_info_t BaselinePlatform();

// The payload: every member of `impl` but its scratch spaces. Without
// databases (`with_databases` false) it is what two compilations for
// different CPUs share, for tests.
Result<Bytes> EncodePrecompiledPayload(const CompiledKb::Impl& impl,
                                       bool with_databases = true);
// The inverse; kCorrupt on malformed bytes, never a crash. The scratch
// prototype is not allocated (AllocPrototype).
Result<std::unique_ptr<CompiledKb::Impl>> DecodePrecompiledPayload(
    ByteView payload);

// A whole artefact for `impl`, compiled from `bundle` with its databases
// built for `platform`.
Result<Bytes> SavePrecompiledKb(const CompiledKb::Impl& impl, ByteView bundle,
                                const hs_platform_info_t& platform);
// The artefact of `header` and `payload`; header.payload_bytes and
// header.checksum are computed, the rest taken as given (tests make
// foreign ones).
Bytes WritePrecompiledKb(const PrecompiledHeader& header, ByteView payload);

// The header and the payload of `artefact`, its magic, format version,
// lengths and checksum checked. kCorrupt when malformed,
// kUnsupported for another format version.
struct ParsedArtefact {
  PrecompiledHeader header;
  ByteView payload;  // Into `artefact`.
};
Result<ParsedArtefact> ParsePrecompiledKb(ByteView artefact);

// The compiled KB from `artefact`, ready to identify. kUnsupported when it
// does not fit this binary (another bundle, engine or Hyperscan version, a
// CPU feature this one lacks), kCorrupt when damaged.
Result<std::unique_ptr<CompiledKb::Impl>> LoadPrecompiledKb(ByteView artefact,
                                                            ByteView bundle);

// LoadPrecompiledKb, or, when it fails, `load_kb` compiled now (with a
// warning giving the reason).
Result<std::shared_ptr<const CompiledKb>> LoadOrCompile(
    ByteView artefact, ByteView bundle,
    const std::function<Result<kb::KnowledgeBase>()>& load_kb);

}  // namespace kintsugi::identify::internal

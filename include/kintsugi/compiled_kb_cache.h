#pragma once

// The compiled KB of an installed release, kept beside it (issue 12): the
// built-in KB comes precompiled in the binary, but a release installed by
// `kintsugi kb update` was compiled again by every command (most of a
// second of Hyperscan compilation). Compiled once for this machine's CPU
// and saved in the precompiled KB's format (docs/kb-format.md §9), it is
// used only for the exact KB bytes it was made from (their SHA-256 is in
// its header) and only when its checksum holds; otherwise the KB is
// compiled as before.
//
// The cache lives in the user's own data folder, beside the bundle; it is
// checked for damage, not signed: whoever can write that folder can also
// change the user's shell start-up files.

#include <memory>

#include "kintsugi/bytes.h"
#include "kintsugi/identify.h"
#include "kintsugi/kb.h"
#include "kintsugi/status.h"

namespace kintsugi::identify {

struct CompiledForCache {
  std::shared_ptr<const CompiledKb> compiled;
  Bytes artefact;  // What to save.
};

// Compiles `kb`, which was loaded from the KSKB0001 bundle `kb_bundle`, for
// this CPU, and the artefact that LoadCachedCompiledKb reads back.
Result<CompiledForCache> CompileForCache(const kb::KnowledgeBase& kb,
                                         ByteView kb_bundle);

// The compiled KB saved by CompileForCache for the same `kb_bundle` bytes.
// kUnsupported when it was made from other bytes or by another build (a
// format, engine or Hyperscan version) or for a CPU feature this one lacks;
// kCorrupt when damaged. Never a crash.
Result<std::shared_ptr<const CompiledKb>> LoadCachedCompiledKb(
    ByteView artefact, ByteView kb_bundle);

}  // namespace kintsugi::identify

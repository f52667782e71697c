#pragma once

// The precompiled KB built into the binary (builtin_kb.cpp, in the
// kintsugi::builtin_kb library; docs/kb-format.md §9).

#include "kintsugi/bytes.h"

namespace kintsugi::identify::internal {

// The artefact's bytes, as kintsugi_kb_precompile wrote them.
ByteView BuiltInArtefact();

}  // namespace kintsugi::identify::internal

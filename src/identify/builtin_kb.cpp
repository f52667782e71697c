// The built-in KB, compiled when the binary was built: the artefact
// kintsugi_kb_precompile wrote (src/identify/CMakeLists.txt), pulled in
// with the assembler's .incbin like the KB bundle (src/kb/embedded_kb.cpp,
// docs/kb-format.md §9). It sits in a library of its own, kintsugi::
// builtin_kb, because the precompiler links the identify library.

#include "identify/builtin_kb.h"

#include <cstdint>

#include "identify/precompiled_kb.h"
#include "kb/bundle.h"
#include "kintsugi/identify.h"

#ifndef KINTSUGI_PRECOMPILED_KB_PATH
#error "KINTSUGI_PRECOMPILED_KB_PATH must name the precompiled KB"
#endif

// NOLINTNEXTLINE(hicpp-no-assembler)
__asm__(
    ".pushsection .rodata\n"
    ".balign 16\n"
    ".hidden kintsugi_precompiled_kb_start\n"
    ".globl kintsugi_precompiled_kb_start\n"
    "kintsugi_precompiled_kb_start:\n"
    ".incbin \"" KINTSUGI_PRECOMPILED_KB_PATH
    "\"\n"
    ".hidden kintsugi_precompiled_kb_end\n"
    ".globl kintsugi_precompiled_kb_end\n"
    "kintsugi_precompiled_kb_end:\n"
    ".byte 0\n"
    ".popsection\n");

extern "C" {
extern const std::uint8_t kintsugi_precompiled_kb_start[];
extern const std::uint8_t kintsugi_precompiled_kb_end[];
}

namespace kintsugi::identify {

ByteView internal::BuiltInArtefact() {
  // The symbols' difference is the only pointer arithmetic here, on bytes
  // we built ourselves.
  auto size = static_cast<std::size_t>(kintsugi_precompiled_kb_end -
                                       kintsugi_precompiled_kb_start);
  return ByteView(kintsugi_precompiled_kb_start, size);
}

Result<std::shared_ptr<const CompiledKb>> CompileBuiltInKb() {
  return internal::LoadOrCompile(
      internal::BuiltInArtefact(), kb::internal::EmbeddedBundle(),
      [] { return kb::LoadEmbeddedKnowledgeBase(); });
}

}  // namespace kintsugi::identify

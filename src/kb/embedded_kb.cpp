// The KB built into the binary: kb/ packed into a bundle at build time
// (kb_pack, src/kb/CMakeLists.txt) and pulled in with the assembler's
// .incbin, so `kintsugi` needs no files beside it (docs/kb-format.md §9).
// .incbin keeps the build fast and memory-light where a multi-megabyte C++
// array literal would not.

#include <cstdint>

#include "kb/bundle.h"
#include "kb/kb_format.h"

#ifndef KINTSUGI_KB_BUNDLE_PATH
#error "KINTSUGI_KB_BUNDLE_PATH must name the generated kb bundle"
#endif

// NOLINTNEXTLINE(hicpp-no-assembler)
__asm__(
    ".pushsection .rodata\n"
    ".balign 16\n"
    ".hidden kintsugi_kb_bundle_start\n"
    ".globl kintsugi_kb_bundle_start\n"
    "kintsugi_kb_bundle_start:\n"
    ".incbin \"" KINTSUGI_KB_BUNDLE_PATH
    "\"\n"
    ".hidden kintsugi_kb_bundle_end\n"
    ".globl kintsugi_kb_bundle_end\n"
    "kintsugi_kb_bundle_end:\n"
    ".byte 0\n"
    ".popsection\n");

extern "C" {
extern const std::uint8_t kintsugi_kb_bundle_start[];
extern const std::uint8_t kintsugi_kb_bundle_end[];
}

namespace kintsugi::kb {

ByteView internal::EmbeddedBundle() {
  // The symbols' difference is the only pointer arithmetic here, on bytes
  // we built ourselves.
  auto size = static_cast<std::size_t>(kintsugi_kb_bundle_end -
                                       kintsugi_kb_bundle_start);
  return ByteView(kintsugi_kb_bundle_start, size);
}

Result<KnowledgeBase> LoadEmbeddedKnowledgeBase() {
  KINTSUGI_ASSIGN_OR_RETURN(auto files,
                            internal::UnpackBundle(internal::EmbeddedBundle()));
  return internal::LoadFromFiles(files, "kb/");
}

}  // namespace kintsugi::kb

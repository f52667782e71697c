// Fuzz target: the precompiled KB (docs/kb-format.md §9) from arbitrary
// bytes, both as a whole artefact and as a payload past its checksum. The
// parser must return a Status, never crash, hang or throw; a payload that
// decodes must encode and decode again.

#include "fuzz_target.h"
#include "identify/precompiled_kb.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace internal = kintsugi::identify::internal;
  const kintsugi::ByteView bytes(data, size);
  (void)internal::LoadPrecompiledKb(bytes, bytes);
  // A fuzzer rarely forges a SHA-256: the decoder gets the bytes directly.
  auto impl = internal::DecodePrecompiledPayload(bytes);
  if (!impl.has_value()) return 0;
  auto again = internal::EncodePrecompiledPayload(**impl);
  if (!again.has_value()) return 0;  // E.g. out of memory.
  if (!internal::DecodePrecompiledPayload(*again).has_value()) {
    __builtin_trap();  // What the encoder writes must decode.
  }
  return 0;
}

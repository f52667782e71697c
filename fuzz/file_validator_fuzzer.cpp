// Fuzzes the file-type validators (src/formats): whole-buffer Verify with and
// without an expected kind, the StreamVerifier on chunks sized by the input's
// first byte (which must agree with Verify), and the cheap header checks.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "formats/file_validator.h"
#include "fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  namespace f = kintsugi::formats;
  const kintsugi::ByteView input(data, size);
  const f::Verification whole = f::Verify(input);
  std::size_t chunk = 1 + (size > 0 ? data[0] % 64 : 0);
  f::StreamVerifier stream;
  for (std::size_t at = 0; at < size; at += chunk) {
    stream.Update(
        input.First(at + chunk).Last(at + chunk <= size ? chunk : size - at));
  }
  const f::Verification streamed = stream.Finish();
  if (streamed.verdict != whole.verdict || streamed.kind != whole.kind ||
      streamed.detail != whole.detail || streamed.strength != whole.strength) {
    std::abort();  // chunking changed the verdict
  }
  for (f::FileKind kind : f::kAllFileKinds) {
    (void)f::HeaderPlausible(kind, input.First(16), size);
    if (size > 0 && static_cast<std::uint8_t>(kind) == data[0] % 16) {
      (void)f::Verify(input, kind);
    }
  }
  (void)f::SniffHeader(input);
  if (size >= 16) (void)f::Pkcs7PaddingLength(input.Last(16), 16);
  return 0;
}

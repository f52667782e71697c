// Fuzzes file evidence: the first byte splits the input into a file name
// and head/tail bytes; the name is parsed (extension chain, embedded IDs)
// and the bytes classified (entropy, text or encrypted).

#include <cstddef>
#include <cstdint>

#include "fuzz_target.h"
#include "identify/file_evidence.h"
#include "kintsugi/bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  using namespace kintsugi::identify;
  const kintsugi::ByteView input(data, size);
  auto split = input.U8(0);
  if (!split) return 0;
  const std::size_t name_length = *split;
  auto rest = input.From(1);
  if (!rest) return 0;
  const kintsugi::ByteView name = rest->First(name_length);
  auto bytes = rest->From(name.size());
  if (!bytes) return 0;
  const FileNameEvidence evidence = ParseFileName(name.AsChars());
  const ContentVerdict verdict = ClassifyContent(*bytes);
  std::size_t sink = evidence.extension_chain.size() + evidence.ids.size();
  sink += static_cast<std::size_t>(verdict.head_entropy);
  sink += static_cast<std::size_t>(ShannonEntropy(bytes->Last(4096)));
  return sink == static_cast<std::size_t>(-1) ? 1 : 0;
}

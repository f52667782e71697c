// Fuzzes file evidence: the first byte splits the input into a file name
// and head/tail bytes; the name is parsed (extension chain, embedded IDs,
// contacts), the bytes classified (entropy, text or encrypted) and matched
// against marker layouts with fields (footer sizes, size bounds, keys),
// with a file size that may be larger than the bytes.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_target.h"
#include "identify/file_evidence.h"
#include "kintsugi/bytes.h"
#include "kintsugi/kb.h"

namespace {

using kintsugi::kb::Anchor;
using kintsugi::kb::FieldBound;
using kintsugi::kb::FieldType;
using kintsugi::kb::FileField;
using kintsugi::kb::Rule;

// Layouts like the shipped KB's: fields at both ends, bounds relative to
// the size below and above it, a key.
std::vector<Rule> Layouts() {
  std::vector<Rule> rules;
  Rule footer;
  footer.anchor = Anchor::kEnd;
  footer.offset = 178;
  FileField magic{4, FieldType::kLe32, 0, {0xAF77BC0F, 0xF0A75E12}, {}, {}, {}};
  FileField length{168, FieldType::kLe32,          0,
                   {},  FieldBound{false, 178, 0}, FieldBound{true, 0, 0},
                   {}};
  footer.fields = {magic, length};
  rules.push_back(footer);
  Rule sized = footer;
  sized.offset = 534;
  FileField original{526, FieldType::kLe64,          0,
                     {},  FieldBound{true, 0, -534}, FieldBound{true, 0, -534},
                     {}};
  FileField key{0, FieldType::kKey, 512, {}, {}, {}, {}};
  FileField above{-3, FieldType::kBe16, 0, {}, {}, FieldBound{true, 0, 7}, {}};
  sized.fields = {key, original, above};
  rules.push_back(sized);
  Rule tag;
  tag.anchor = Anchor::kEnd;
  tag.offset = 3;
  tag.marker = {'I', 'N', 'C'};
  tag.fields = {FileField{-32, FieldType::kKey, 32, {}, {}, {}, {}}};
  rules.push_back(tag);
  Rule head = tag;
  head.anchor = Anchor::kStart;
  head.offset = 2;
  head.fields = {
      FileField{-2, FieldType::kU8, 0, {}, {}, FieldBound{false, 9, 0}, {}}};
  rules.push_back(head);
  return rules;
}

}  // namespace

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
  sink += evidence.contacts.size();
  static const std::vector<kintsugi::kb::Rule> layouts = Layouts();
  // The file may be larger than the bytes seen (head and tail only).
  const std::uint64_t sizes[] = {bytes->size(), bytes->size() + name_length,
                                 UINT64_MAX};
  for (const auto& rule : layouts) {
    for (const std::uint64_t file_size : sizes) {
      if (MatchesFileMarker(rule, *bytes, *bytes, file_size)) ++sink;
    }
  }
  return sink == static_cast<std::size_t>(-1) ? 1 : 0;
}

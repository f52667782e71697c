#include "identify/file_evidence.h"

#include <array>
#include <cmath>

#include "text/decode.h"
#include "text/indicators.h"

namespace kintsugi::identify {
namespace {

using text::DecodedText;
using text::DecodeText;
using text::ExtractIndicators;
using text::TextEncoding;
using text::TextEncodingName;

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}

// Bytes of head used for entropy: enough to be stable, small enough that a
// partly encrypted file (only its start encrypted) still counts.
constexpr std::size_t kEntropyWindow = 4096;

}  // namespace

FileNameEvidence ParseFileName(std::string_view name) {
  const std::size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  FileNameEvidence out;
  // Split on dots outside brackets.
  std::vector<std::size_t> dots;
  int depth = 0;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '[' || c == '(' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == ')' || c == '}') && depth > 0) {
      --depth;
    } else if (c == '.' && depth == 0 && i > 0) {
      dots.push_back(i);
    }
  }
  for (std::size_t k = 0; k < dots.size(); ++k) {
    const std::size_t end = k + 1 < dots.size() ? dots[k + 1] : name.size();
    const std::string_view part = name.substr(dots[k], end - dots[k]);
    if (part.size() > 1) out.extension_chain.emplace_back(part);
  }
  if (!out.extension_chain.empty()) out.extension = out.extension_chain.back();
  out.indicators = ExtractIndicators(name);
  // IDs: runs of alphanumerics (with inner '-') of >= 6 characters inside
  // brackets, or after "id-"/"id[" / "id_".
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] != '[' && name[i] != '(' && name[i] != '{' &&
        !(i >= 2 && (name[i] == '-' || name[i] == '_') &&
          (name[i - 1] == 'd' || name[i - 1] == 'D') &&
          (name[i - 2] == 'i' || name[i - 2] == 'I'))) {
      continue;
    }
    std::size_t end = i + 1;
    while (end < name.size() && (IsAlnum(name[end]) || name[end] == '-')) {
      ++end;
    }
    const std::string_view id = name.substr(i + 1, end - i - 1);
    const bool has_digit =
        id.find_first_of("0123456789") != std::string_view::npos;
    if (id.size() >= 6 && id.size() <= 128 && has_digit &&
        out.ids.size() < 16) {
      out.ids.emplace_back(id);
    }
  }
  return out;
}

double ShannonEntropy(ByteView bytes) {
  if (bytes.empty()) return 0.0;
  std::array<std::size_t, 256> counts{};
  for (const std::uint8_t b : bytes) ++counts[b];
  const auto n = static_cast<double>(bytes.size());
  double entropy = 0.0;
  for (const std::size_t count : counts) {
    if (count == 0) continue;
    const double p = static_cast<double>(count) / n;
    entropy -= p * std::log2(p);
  }
  return entropy;
}

ContentVerdict ClassifyContent(ByteView head) {
  ContentVerdict out;
  const ByteView window = head.First(kEntropyWindow);
  out.head_entropy = ShannonEntropy(window);
  const DecodedText text = DecodeText(head.First(16 * 1024));
  out.printable_ratio = text.printable_ratio;
  out.encoding = std::string(TextEncodingName(text.encoding));
  if (head.empty()) return out;
  // Text: nearly everything printable, and not a near-random byte soup that
  // happens to decode as Windows-1252.
  const bool texty =
      text.printable_ratio >= 0.95 &&
      (text.encoding != TextEncoding::kWindows1252 || out.head_entropy < 6.5);
  if (texty) {
    out.content = ContentClass::kNote;
    return out;
  }
  // High entropy relative to what this many bytes can reach: log2(n) bits
  // for n < 256 distinct-byte samples, 8 otherwise.
  const double reachable =
      std::min(8.0, std::log2(static_cast<double>(window.size())));
  const double threshold = window.size() >= 1024 ? 7.2 : 0.85 * reachable;
  if (window.size() >= 16 && out.head_entropy >= threshold) {
    out.content = ContentClass::kEncryptedFile;
  }
  return out;
}

}  // namespace kintsugi::identify

#include "text/shingles.h"

#include <algorithm>
#include <string_view>

namespace kintsugi::text {
namespace {

// FNV-1a, 64-bit.
std::uint64_t Hash(std::string_view text,
                   std::uint64_t h = 14695981039346656037ull) {
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

bool IsWordByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || u >= 0x80;
}

// Tokens of a folded note, with what varies between victims replaced by a
// placeholder.
std::vector<std::string_view> Tokens(std::string_view folded) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < folded.size()) {
    // Whitespace-separated chunk.
    while (i < folded.size() && folded[i] == ' ') ++i;
    std::size_t end = i;
    while (end < folded.size() && folded[end] != ' ') ++end;
    const std::string_view chunk = folded.substr(i, end - i);
    i = end;
    if (chunk.empty()) continue;
    if (chunk.find('@') != std::string_view::npos ||
        chunk.find("://") != std::string_view::npos ||
        chunk.find(".onion") != std::string_view::npos ||
        chunk.find("www.") != std::string_view::npos) {
      out.push_back("<contact>");
      continue;
    }
    std::size_t k = 0;
    while (k < chunk.size()) {
      if (!IsWordByte(chunk[k])) {
        ++k;
        continue;
      }
      std::size_t word_end = k;
      bool digit = false;
      bool alpha = false;
      while (word_end < chunk.size() && IsWordByte(chunk[word_end])) {
        if (chunk[word_end] >= '0' && chunk[word_end] <= '9') {
          digit = true;
        } else {
          alpha = true;
        }
        ++word_end;
      }
      const std::string_view word = chunk.substr(k, word_end - k);
      k = word_end;
      if (digit && !alpha) {
        out.push_back("<n>");
      } else if (digit || word.size() > 24) {
        out.push_back("<id>");
      } else {
        out.push_back(word);
      }
    }
  }
  return out;
}

}  // namespace

std::vector<std::uint64_t> NoteShingles(std::string_view folded) {
  const std::vector<std::string_view> tokens = Tokens(folded);
  std::vector<std::uint64_t> out;
  out.reserve(tokens.size() * 2);
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    std::uint64_t h = Hash(tokens[i]);
    h = Hash(" ", h);
    h = Hash(tokens[i + 1], h);
    out.push_back(h);
    if (i + 2 < tokens.size()) {
      std::uint64_t h3 = Hash(" ", h);
      h3 = Hash(tokens[i + 2], h3);
      out.push_back(h3 ^ 0x9E3779B97F4A7C15ull);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

double ShingleJaccard(const std::vector<std::uint64_t>& a,
                      const std::vector<std::uint64_t>& b) {
  if (a.empty() || b.empty()) return 0.0;
  std::size_t common = 0;
  auto x = a.begin();
  auto y = b.begin();
  while (x != a.end() && y != b.end()) {
    if (*x < *y) {
      ++x;
    } else if (*y < *x) {
      ++y;
    } else {
      ++common, ++x, ++y;
    }
  }
  return static_cast<double>(common) /
         static_cast<double>(a.size() + b.size() - common);
}

}  // namespace kintsugi::text

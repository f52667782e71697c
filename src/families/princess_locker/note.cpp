// Reading a Princess Locker note (recovery-schemes.md §3.6 "Recognition"):
// its name carries the extension appended to every file, its text the
// victim ID. Notes are hostile text: bounded tokens, nothing interpreted.

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "families/princess_locker/princess_locker.h"
#include "recover/decryptor.h"

namespace kintsugi::families {
namespace {

constexpr std::string_view kNotePrefix = "!_HOW_TO_RESTORE_";
constexpr std::size_t kMaxExtension = 16;
constexpr std::size_t kMinId = 4;
constexpr std::size_t kMaxId = 64;

bool Alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// `text` without HTML tags (what lies between '<' and '>').
std::string WithoutTags(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool in_tag = false;
  for (char c : text) {
    if (c == '<') {
      in_tag = true;
      out += ' ';
    } else if (c == '>' && in_tag) {
      in_tag = false;
    } else if (!in_tag) {
      out += c;
    }
  }
  return out;
}

// The alphanumeric run starting at `at`.
std::string_view RunAt(std::string_view text, std::size_t at) {
  std::size_t end = at;
  while (end < text.size() && Alnum(text[end])) ++end;
  return text.substr(at, end - at);
}

std::optional<std::string> IdToken(std::string_view token) {
  if (token.size() < kMinId || token.size() > kMaxId) return std::nullopt;
  return recover::AsciiLower(token);
}

}  // namespace

std::optional<std::string> PrincessNoteExtension(std::string_view file_name) {
  if (file_name.size() <= kNotePrefix.size() ||
      recover::AsciiLower(file_name.substr(0, kNotePrefix.size())) !=
          recover::AsciiLower(kNotePrefix)) {
    return std::nullopt;
  }
  const std::string_view rest = file_name.substr(kNotePrefix.size());
  const std::size_t dot = rest.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot > kMaxExtension) {
    return std::nullopt;
  }
  const std::string_view extension = rest.substr(0, dot);
  for (char c : extension) {
    if (!Alnum(c)) return std::nullopt;
  }
  const std::string suffix = recover::AsciiLower(rest.substr(dot));
  if (suffix != ".txt" && suffix != ".html" && suffix != ".htm" &&
      suffix != ".url") {
    return std::nullopt;
  }
  return recover::AsciiLower(extension);
}

std::optional<std::string> PrincessNoteId(std::string_view note) {
  const std::string text = WithoutTags(note);
  const std::string lower = recover::AsciiLower(text);
  // "ID" as a word, then the first token of 4 or more characters after it
  // that is not a filler word ("Your ID is: ...", "unique ID - ...").
  for (std::size_t at = lower.find("id"); at != std::string::npos;
       at = lower.find("id", at + 2)) {
    const bool word = (at == 0 || !Alnum(lower[at - 1])) &&
                      (at + 2 == lower.size() || !Alnum(lower[at + 2]));
    if (!word) continue;
    std::size_t next = at + 2;
    for (int tokens = 0; tokens < 3 && next < lower.size(); ++tokens) {
      while (next < lower.size() && !Alnum(lower[next]) &&
             lower[next] != '\n') {
        ++next;
      }
      if (next >= lower.size() || lower[next] == '\n') break;
      const std::string_view token = RunAt(lower, next);
      if (token == "is" || token == "number" || token == "no" ||
          token == "code") {
        next += token.size();
        continue;
      }
      if (auto id = IdToken(token)) return id;
      break;
    }
  }
  // A link to the payment site with the ID as its path.
  constexpr std::string_view kOnion = ".onion/";
  for (std::size_t at = lower.find(kOnion); at != std::string::npos;
       at = lower.find(kOnion, at + 1)) {
    if (auto id = IdToken(RunAt(lower, at + kOnion.size()))) return id;
  }
  return std::nullopt;
}

}  // namespace kintsugi::families

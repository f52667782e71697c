#include "text/indicators.h"

#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <utility>

#include "kintsugi/limits.h"

namespace kintsugi::text {
namespace {

constexpr std::string_view kBase58Alphabet =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

int Base58Digit(char c) {
  const std::size_t pos = kBase58Alphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
         (c >= 'A' && c <= 'Z');
}
bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsBase32(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '2' && c <= '7');
}
char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string Lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}
bool AllOf(std::string_view s, bool (*pred)(char)) {
  return std::all_of(s.begin(), s.end(), pred);
}

bool IsEmailLocalChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}
bool IsHostChar(char c) { return IsAlnum(c) || c == '.' || c == '-'; }
bool IsUrlChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7F) return false;
  return c != '"' && c != '\'' && c != '<' && c != '>' && c != '`' &&
         c != '(' && c != ')' && c != '[' && c != ']' && c != '{' && c != '}' &&
         c != '|' && c != '\\' && c != '^';
}

// Decodes base58 into big-endian bytes (leading '1's become zero bytes).
bool Base58Decode(std::string_view text, Bytes& out) {
  Bytes number;  // Little-endian base-256 accumulator.
  for (const char c : text) {
    const int digit = Base58Digit(c);
    if (digit < 0) return false;
    std::uint32_t carry = static_cast<std::uint32_t>(digit);
    for (std::uint8_t& byte : number) {
      carry += static_cast<std::uint32_t>(byte) * 58u;
      byte = static_cast<std::uint8_t>(carry & 0xFF);
      carry >>= 8;
    }
    while (carry > 0) {
      number.push_back(static_cast<std::uint8_t>(carry & 0xFF));
      carry >>= 8;
    }
  }
  out.clear();
  for (const char c : text) {
    if (c != '1') break;
    out.push_back(0);
  }
  out.insert(out.end(), number.rbegin(), number.rend());
  return true;
}

std::uint32_t Bech32PolyMod(const std::vector<std::uint8_t>& values) {
  static constexpr std::array<std::uint32_t, 5> kGen = {
      0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
  std::uint32_t chk = 1;
  for (const std::uint8_t v : values) {
    const std::uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (std::size_t i = 0; i < 5; ++i) {
      if ((top >> i) & 1u) chk ^= kGen[i];
    }
  }
  return chk;
}

class Collector {
 public:
  void Add(IndicatorKind kind, std::string value, std::size_t offset) {
    if (out_.size() >= limits::kMaxIndicatorsPerInput) return;
    if (!seen_.emplace(kind, value).second) return;
    out_.push_back({kind, std::move(value), offset});
  }
  bool Full() const { return out_.size() >= limits::kMaxIndicatorsPerInput; }
  std::vector<Indicator> Take() {
    std::stable_sort(out_.begin(), out_.end(),
                     [](const Indicator& a, const Indicator& b) {
                       return a.offset < b.offset;
                     });
    return std::move(out_);
  }

 private:
  std::vector<Indicator> out_;
  std::set<std::pair<IndicatorKind, std::string>> seen_;
};

void ScanEmails(std::string_view text, Collector& out) {
  std::size_t at = text.find('@');
  while (at != std::string_view::npos && !out.Full()) {
    std::size_t left = at;
    while (left > 0 && IsEmailLocalChar(text[left - 1]) && at - left < 64) {
      --left;
    }
    while (left < at && text[left] == '.') ++left;
    std::size_t right = at + 1;
    while (right < text.size() && IsHostChar(text[right]) && right - at < 255) {
      ++right;
    }
    while (right > at + 1 &&
           (text[right - 1] == '.' || text[right - 1] == '-')) {
      --right;
    }
    const std::string_view local = text.substr(left, at - left);
    const std::string_view domain = text.substr(at + 1, right - at - 1);
    const std::size_t dot = domain.rfind('.');
    if (!local.empty() && dot != std::string_view::npos && dot > 0) {
      const std::string_view tld = domain.substr(dot + 1);
      const bool tld_ok =
          tld.size() >= 2 && tld.size() <= 24 &&
          std::all_of(tld.begin(), tld.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
          });
      if (tld_ok) {
        out.Add(IndicatorKind::kEmail,
                Lowercase(text.substr(left, right - left)), left);
      }
    }
    at = text.find('@', at + 1);
  }
}

void ScanOnions(std::string_view text, Collector& out) {
  // Case-insensitive search for ".onion".
  const std::string lower = Lowercase(text);
  std::size_t at = lower.find(".onion");
  while (at != std::string::npos && !out.Full()) {
    std::size_t left = at;
    while (left > 0 && IsBase32(lower[left - 1]) && at - left <= 56) --left;
    const std::size_t length = at - left;
    const bool boundary_after =
        at + 6 >= lower.size() || !IsAlnum(lower[at + 6]);
    if ((length == 16 || length == 56) && boundary_after &&
        (left == 0 || !IsAlnum(lower[left - 1]))) {
      out.Add(IndicatorKind::kOnion, lower.substr(left, length + 6), left);
    }
    at = lower.find(".onion", at + 1);
  }
}

void ScanUrls(std::string_view text, Collector& out) {
  const std::string lower = Lowercase(text);
  for (const std::string_view scheme : {"http://", "https://"}) {
    std::size_t at = lower.find(scheme);
    while (at != std::string::npos && !out.Full()) {
      std::size_t end = at + scheme.size();
      while (end < text.size() && IsUrlChar(text[end]) && end - at < 2048) {
        ++end;
      }
      while (end > at + scheme.size() &&
             (text[end - 1] == '.' || text[end - 1] == ',' ||
              text[end - 1] == ';' || text[end - 1] == ':')) {
        --end;
      }
      if (end > at + scheme.size() + 3) {
        // Host lowercased, path kept as written.
        std::string url(text.substr(at, end - at));
        const std::size_t host_end = url.find('/', scheme.size());
        for (std::size_t k = 0; k < std::min(host_end, url.size()); ++k) {
          url[k] = Lower(url[k]);
        }
        out.Add(IndicatorKind::kUrl, std::move(url), at);
      }
      at = lower.find(scheme, at + 1);
    }
  }
}

void ScanTelegram(std::string_view text, Collector& out) {
  const std::string lower = Lowercase(text);
  for (const std::string_view link : {"t.me/", "telegram.me/"}) {
    std::size_t at = lower.find(link);
    while (at != std::string::npos && !out.Full()) {
      const bool boundary = at == 0 || !IsAlnum(lower[at - 1]);
      std::size_t end = at + link.size();
      while (end < text.size() && (IsAlnum(text[end]) || text[end] == '_') &&
             end - at < 64) {
        ++end;
      }
      const std::size_t length = end - at - link.size();
      if (boundary && length >= 4) {
        out.Add(IndicatorKind::kTelegram,
                Lowercase(text.substr(at + link.size(), length)), at);
      }
      at = lower.find(link, at + 1);
    }
  }
  // "@handle" within 60 characters after the word "telegram".
  std::size_t at = lower.find("telegram");
  while (at != std::string::npos && !out.Full()) {
    const std::size_t window_end = std::min(lower.size(), at + 68);
    std::size_t handle = lower.find('@', at);
    if (handle != std::string::npos && handle < window_end &&
        (handle == 0 || !IsAlnum(lower[handle - 1]))) {
      std::size_t end = handle + 1;
      while (end < lower.size() && (IsAlnum(lower[end]) || lower[end] == '_') &&
             end - handle <= 33) {
        ++end;
      }
      const std::size_t length = end - handle - 1;
      const bool followed_by_at = end < lower.size() && lower[end] == '@';
      if (length >= 5 && length <= 32 && !followed_by_at &&
          (end >= lower.size() || lower[end] != '.')) {
        out.Add(IndicatorKind::kTelegram, lower.substr(handle + 1, length),
                handle);
      }
    }
    at = lower.find("telegram", at + 8);
  }
}

bool NearIdKeyword(std::string_view lower_text, std::size_t token_start) {
  const std::size_t from = token_start > 120 ? token_start - 120 : 0;
  const std::string_view before = lower_text.substr(from, token_start - from);
  static constexpr std::array<std::string_view, 9> kKeywords = {
      "personal id", "your id", "id:",       "unique id", "client id",
      "decrypt id",  "key id",  "victim id", "id ="};
  for (const std::string_view keyword : kKeywords) {
    if (before.find(keyword) != std::string_view::npos) return true;
  }
  // A bare "ID" as the last word before the token, e.g. "ID\n<token>".
  const std::size_t id = before.rfind("id");
  if (id != std::string_view::npos && id + 6 >= before.size() &&
      (id == 0 || !IsAlnum(before[id - 1])) &&
      (id + 2 >= before.size() || !IsAlnum(before[id + 2]))) {
    return true;
  }
  return false;
}

// Tokens of [A-Za-z0-9]: wallets, Tox and Session IDs, victim IDs.
void ScanTokens(std::string_view text, Collector& out) {
  const std::string lower = Lowercase(text);
  std::size_t i = 0;
  while (i < text.size() && !out.Full()) {
    if (!IsAlnum(text[i])) {
      ++i;
      continue;
    }
    std::size_t end = i;
    while (end < text.size() && IsAlnum(text[end])) ++end;
    const std::string_view token = text.substr(i, end - i);
    const bool after_at = i > 0 && (text[i - 1] == '@' || text[i - 1] == '.');
    const bool before_dot_word =
        end + 1 < text.size() && text[end] == '.' && IsAlnum(text[end + 1]);
    if (!after_at && !before_dot_word) {
      bool classified = true;
      if (token.size() == 76 && AllOf(token, IsHex)) {
        out.Add(IndicatorKind::kTox, Lowercase(token), i);
      } else if (token.size() == 66 && AllOf(token, IsHex) &&
                 token.substr(0, 2) == "05") {
        out.Add(IndicatorKind::kSession, Lowercase(token), i);
      } else if (token.size() == 95 && IsPlausibleMoneroAddress(token)) {
        out.Add(IndicatorKind::kMonero, std::string(token), i);
      } else if (token.size() >= 26 && token.size() <= 35 &&
                 (token[0] == '1' || token[0] == '3') &&
                 IsValidBase58CheckAddress(token)) {
        out.Add(IndicatorKind::kBitcoin, std::string(token), i);
      } else if (token.size() >= 14 && token.size() <= 90 &&
                 (token.substr(0, 3) == "bc1" || token.substr(0, 3) == "BC1") &&
                 IsValidBech32Address(token)) {
        out.Add(IndicatorKind::kBitcoin, Lowercase(token), i);
      } else {
        classified = false;
      }
      if (!classified && token.size() >= 16 && token.size() <= 512 &&
          std::any_of(token.begin(), token.end(), IsDigit) &&
          NearIdKeyword(lower, i)) {
        out.Add(IndicatorKind::kVictimId, std::string(token), i);
      }
    }
    i = end;
  }
}

}  // namespace

std::string_view IndicatorKindName(IndicatorKind kind) {
  switch (kind) {
    case IndicatorKind::kEmail:
      return "email";
    case IndicatorKind::kOnion:
      return "onion";
    case IndicatorKind::kUrl:
      return "url";
    case IndicatorKind::kBitcoin:
      return "bitcoin";
    case IndicatorKind::kMonero:
      return "monero";
    case IndicatorKind::kTox:
      return "tox";
    case IndicatorKind::kSession:
      return "session";
    case IndicatorKind::kTelegram:
      return "telegram";
    case IndicatorKind::kVictimId:
      return "victim-id";
  }
  return "unknown";
}

bool IsValidBase58CheckAddress(std::string_view address) {
  if (address.size() < 26 || address.size() > 35) return false;
  Bytes decoded;
  if (!Base58Decode(address, decoded) || decoded.size() != 25) return false;
  if (decoded[0] != 0x00 && decoded[0] != 0x05) return false;
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> first{};
  std::array<std::uint8_t, SHA256_DIGEST_LENGTH> second{};
  SHA256(decoded.data(), 21, first.data());
  SHA256(first.data(), first.size(), second.data());
  return std::equal(second.begin(), second.begin() + 4, decoded.begin() + 21);
}

bool IsValidBech32Address(std::string_view address) {
  // BIP-173: 8..90 characters, one case, "1" separates the human part.
  if (address.size() < 14 || address.size() > 90) return false;
  const bool has_lower =
      std::any_of(address.begin(), address.end(),
                  [](char c) { return c >= 'a' && c <= 'z'; });
  const bool has_upper =
      std::any_of(address.begin(), address.end(),
                  [](char c) { return c >= 'A' && c <= 'Z'; });
  if (has_lower && has_upper) return false;
  const std::string lower = Lowercase(address);
  const std::size_t separator = lower.rfind('1');
  if (separator != 2 || lower.substr(0, 2) != "bc") return false;
  if (lower.size() - separator - 1 < 6) return false;
  static constexpr std::string_view kCharset =
      "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
  std::vector<std::uint8_t> values;
  for (const char c : lower.substr(0, separator)) {
    values.push_back(
        static_cast<std::uint8_t>(static_cast<unsigned char>(c) >> 5));
  }
  values.push_back(0);
  for (const char c : lower.substr(0, separator)) {
    values.push_back(
        static_cast<std::uint8_t>(static_cast<unsigned char>(c) & 31));
  }
  std::vector<std::uint8_t> data;
  for (const char c : lower.substr(separator + 1)) {
    const std::size_t v = kCharset.find(c);
    if (v == std::string_view::npos) return false;
    data.push_back(static_cast<std::uint8_t>(v));
  }
  values.insert(values.end(), data.begin(), data.end());
  const std::uint32_t check = Bech32PolyMod(values);
  const std::uint8_t witness_version = data[0];
  if (witness_version > 16) return false;
  // BIP-350: v0 uses bech32 (constant 1), v1+ bech32m.
  const std::uint32_t expected = witness_version == 0 ? 1u : 0x2bc830a3u;
  if (check != expected) return false;
  // Witness program length: (data chars - version - 6 checksum) * 5 bits.
  const std::size_t program_bits = (data.size() - 7) * 5;
  const std::size_t program_bytes = program_bits / 8;
  if (program_bytes < 2 || program_bytes > 40) return false;
  if (witness_version == 0 && program_bytes != 20 && program_bytes != 32) {
    return false;
  }
  return true;
}

bool IsPlausibleMoneroAddress(std::string_view address) {
  if (address.size() != 95) return false;
  if (address[0] != '4' && address[0] != '8') return false;
  // Monero base58 works in blocks: 8 bytes -> 11 characters; the last
  // 7 characters carry 5 bytes. Each block's value must fit its bytes.
  std::size_t at = 0;
  while (at < address.size()) {
    const std::size_t length = std::min<std::size_t>(11, address.size() - at);
    const std::size_t bytes = length == 11 ? 8 : 5;
    std::uint64_t value = 0;
    for (std::size_t k = 0; k < length; ++k) {
      const int digit = Base58Digit(address[at + k]);
      if (digit < 0) return false;
      if (__builtin_mul_overflow(value, std::uint64_t{58}, &value) ||
          __builtin_add_overflow(value, static_cast<std::uint64_t>(digit),
                                 &value)) {
        return false;  // Does not fit 8 bytes.
      }
    }
    if (bytes < 8 && (value >> (bytes * 8)) != 0) return false;
    at += length;
  }
  return true;
}

std::vector<Indicator> ExtractIndicators(std::string_view text) {
  Collector out;
  ScanEmails(text, out);
  ScanOnions(text, out);
  ScanUrls(text, out);
  ScanTelegram(text, out);
  ScanTokens(text, out);
  return out.Take();
}

}  // namespace kintsugi::text

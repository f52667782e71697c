// CLDR cardinal plural categories for whole numbers (message.h
// PluralCategory), per the CLDR 43 rules of the portal's languages
// (https://www.unicode.org/cldr/charts/43/supplemental/language_plural_rules.html),
// restricted to integers: a message's counts are never fractions.

#include <string_view>

#include "kintsugi/message.h"

namespace kintsugi {
namespace {

// The base language of a tag: "pt-BR" -> "pt", "zh_Hans" -> "zh".
std::string_view BaseLanguage(std::string_view tag) {
  const std::size_t cut = tag.find_first_of("-_");
  return cut == std::string_view::npos ? tag : tag.substr(0, cut);
}

bool In(std::string_view language,
        std::initializer_list<std::string_view> set) {
  for (std::string_view l : set) {
    if (l == language) return true;
  }
  return false;
}

}  // namespace

std::string_view PluralCategory(std::string_view tag, std::int64_t count) {
  const std::string_view lang = BaseLanguage(tag);
  const std::uint64_t n = count < 0
                              ? static_cast<std::uint64_t>(-(count + 1)) + 1
                              : static_cast<std::uint64_t>(count);
  const std::uint64_t mod10 = n % 10;
  const std::uint64_t mod100 = n % 100;
  if (In(lang, {"ja", "zh", "ko", "vi", "th", "id", "ms", "lo", "my"})) {
    return "other";
  }
  // one for 0 and 1.
  if (In(lang, {"fr", "hi", "fa", "bn", "pt", "am", "gu", "kn", "zu"})) {
    return n <= 1 ? "one" : "other";
  }
  if (In(lang, {"ru", "uk", "be"})) {
    if (mod10 == 1 && mod100 != 11) return "one";
    if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return "few";
    return "many";
  }
  if (lang == "pl") {
    if (n == 1) return "one";
    if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return "few";
    return "many";
  }
  if (In(lang, {"cs", "sk"})) {
    if (n == 1) return "one";
    if (n >= 2 && n <= 4) return "few";
    return "other";
  }
  if (In(lang, {"hr", "sr", "bs"})) {
    if (mod10 == 1 && mod100 != 11) return "one";
    if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return "few";
    return "other";
  }
  if (lang == "sl") {
    if (mod100 == 1) return "one";
    if (mod100 == 2) return "two";
    if (mod100 == 3 || mod100 == 4) return "few";
    return "other";
  }
  if (lang == "lt") {
    if (mod10 == 1 && (mod100 < 11 || mod100 > 19)) return "one";
    if (mod10 >= 2 && (mod100 < 11 || mod100 > 19)) return "few";
    return "other";
  }
  if (lang == "lv") {
    if (mod10 == 0 || (mod100 >= 11 && mod100 <= 19)) return "zero";
    if (mod10 == 1 && mod100 != 11) return "one";
    return "other";
  }
  if (lang == "ro") {
    if (n == 1) return "one";
    if (n == 0 || (mod100 >= 2 && mod100 <= 19)) return "few";
    return "other";
  }
  if (lang == "he") {
    if (n == 1) return "one";
    if (n == 2) return "two";
    return "other";
  }
  if (lang == "ga") {
    if (n == 1) return "one";
    if (n == 2) return "two";
    if (n >= 3 && n <= 6) return "few";
    if (n >= 7 && n <= 10) return "many";
    return "other";
  }
  if (lang == "mt") {
    if (n == 1) return "one";
    if (n == 2) return "two";
    if (n == 0 || (mod100 >= 3 && mod100 <= 10)) return "few";
    if (mod100 >= 11 && mod100 <= 19) return "many";
    return "other";
  }
  if (lang == "ar") {
    if (n == 0) return "zero";
    if (n == 1) return "one";
    if (n == 2) return "two";
    if (mod100 >= 3 && mod100 <= 10) return "few";
    if (mod100 >= 11 && mod100 <= 99) return "many";
    return "other";
  }
  // English and the other languages with one/other: one for 1.
  return n == 1 ? "one" : "other";
}

}  // namespace kintsugi

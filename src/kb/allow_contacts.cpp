// Contacts that are never an attacker's (docs/kb-format.md §7): the allow
// list's `contacts`, matched by value or by the host of an e-mail address
// or URL.

#include <algorithm>

#include "kb/kb_format.h"
#include "kintsugi/kb.h"

namespace kintsugi::kb {
namespace {

bool SameText(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) {
             return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
           };
           return lower(x) == lower(y);
         });
}

// The host an e-mail address or URL names ("mail.example.com"), lowercase.
std::string HostOf(std::string_view contact) {
  for (const std::string_view scheme : {"https://", "http://"}) {
    if (contact.size() >= scheme.size() &&
        SameText(contact.substr(0, scheme.size()), scheme)) {
      contact.remove_prefix(scheme.size());
    }
  }
  const std::size_t at = contact.find('@');
  if (at != std::string_view::npos) contact.remove_prefix(at + 1);
  contact = contact.substr(0, contact.find_first_of("/:?#"));
  return internal::ToLower(contact);
}

}  // namespace

const AllowContact* FindAllowedContact(const std::vector<AllowContact>& allowed,
                                       std::string_view contact) {
  std::string_view value = contact;
  while (!value.empty() && (value.back() == '/' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  const std::string host = HostOf(value);
  for (const AllowContact& entry : allowed) {
    if (!entry.value.empty() && SameText(entry.value, value)) return &entry;
    if (!entry.domain.empty() && !host.empty() &&
        (host == entry.domain ||
         (host.size() > entry.domain.size() && host.ends_with(entry.domain) &&
          host[host.size() - entry.domain.size() - 1] == '.'))) {
      return &entry;
    }
  }
  return nullptr;
}

}  // namespace kintsugi::kb

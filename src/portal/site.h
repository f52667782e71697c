#pragma once

// The portal's pages (issue 14): home (what to do now), identify, result,
// decryptors, prevention, reporting the crime per country, partners and
// privacy, in every language of web/i18n/, negotiated from Accept-Language
// with a visible picker. Pages are HTML rendered on the server from the
// catalogs (the advice readable without JavaScript); the identify page's
// script (web/static/identify.js) reads files in the browser and sends
// only names, sizes, heads and tails.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/message.h"
#include "portal/http_server.h"
#include "portal/kb_texts.h"
#include "portal/metrics.h"

namespace kintsugi::portal {

struct PortalState;

// One language of the portal: its catalog (library messages and the
// portal.* page strings).
struct Language {
  std::string code;  // "en", "pt", "zh"...
  std::string name;  // In the language itself.
  bool rtl = false;
  MessageCatalog messages;
  std::map<std::string, std::string, std::less<>> strings;  // portal.*
  // The KB's texts (recovery.needs, group names) in this language, current ones
  // only: web/i18n/kb/<code>.json (kb_texts.h).
  KbTranslations kb_texts;
};

// The language codes the portal knows the names and directions of; a
// catalog under web/i18n/ for another code is refused at start.
std::span<const std::pair<std::string_view, std::string_view>> KnownLanguages();

// The best of `available` for an Accept-Language header value ("" when
// none fits): q-values honoured, "pt-BR" falls back to "pt".
std::string NegotiateLanguage(std::string_view accept_language,
                              const std::vector<std::string>& available);

class Site {
 public:
  // Loads every catalog under web/i18n/ and the reporting contacts.
  // kInvalidArgument for a catalog that does not parse or has an unknown
  // language code.
  static Result<std::unique_ptr<Site>> Create(PortalState& state);

  // Answers a request outside /api/v1/ and says which route it was.
  HttpResponse Handle(const HttpRequest& request, Route* route) const;

  const std::vector<Language>& languages() const { return languages_; }

 private:
  explicit Site(PortalState& state) : state_(state) {}
  struct Country {
    std::string code, police, police_en, police_url, cert, cert_en, cert_url,
        emergency, notes;
  };
  const Language* Find(std::string_view code) const;
  std::string T(const Language& language, std::string_view key) const;
  std::string Page(const Language& language, std::string_view page,
                   std::string_view title, const std::string& body,
                   bool script = false) const;
  HttpResponse Html(int status, std::string body) const;
  std::string HomeBody(const Language& l) const;
  std::string IdentifyBody(const Language& l) const;
  HttpResponse ResultPage(const Language& l, const HttpRequest& request) const;
  // `message` as HTML, its text argument `arg` (a text of the KB's
  // `owner`: kb_texts.h) in this language when its translation is current,
  // else in English marked lang="en".
  std::string KbTextHtml(const Language& l, std::string_view owner,
                         const Message& message, std::string_view arg) const;
  std::string DecryptorsBody(const Language& l) const;
  std::string ListBody(const Language& l, std::string_view prefix,
                       std::initializer_list<std::string_view> items) const;
  std::string ReportBody(const Language& l) const;

  PortalState& state_;
  std::vector<Language> languages_;
  std::vector<std::string> codes_;
  std::vector<Country> countries_;
  std::string europe_name_, europe_url_;
};

// `text` (already HTML) with its {name} replaced by `value`, escaped.
std::string Fill(std::string text, std::string_view name,
                 std::string_view value);

// Text as HTML (& < > " ' escaped; invalid UTF-8 and control characters
// replaced): scan_report::Escaped.
std::string HtmlEscape(std::string_view text);

}  // namespace kintsugi::portal

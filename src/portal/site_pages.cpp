// The portal's informational pages and its routing (site.h): decryptors,
// prevention, reporting, partners, privacy, and the static files.

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "kintsugi/identify.h"
#include "kintsugi/recover.h"
#include "portal/assets.h"
#include "portal/portal_state.h"
#include "portal/site.h"

namespace kintsugi::portal {

std::string Site::DecryptorsBody(const Language& l) const {
  std::string body =
      "<h1>" + T(l, "portal.decryptors.title") + "</h1>\n<p>" +
      T(l, "portal.decryptors.intro") + "</p>\n<p>" +
      Fill(T(l, "portal.decryptors.known"), "count",
           std::to_string(state_.families.size())) +
      "</p>\n<table>\n<thead><tr><th scope=\"col\">" +
      T(l, "portal.decryptors.family") + "</th><th scope=\"col\">" +
      T(l, "portal.decryptors.recovery") + "</th><th scope=\"col\">" +
      T(l, "portal.decryptors.command") + "</th></tr></thead>\n<tbody>\n";
  for (const auto& [id, family] : state_.families) {
    const kb::Recovery& recovery = family->recovery;
    // Families this build can recover files of, not those whose decryptor
    // only matches keys (recovery `unknown`).
    if (!identify::RecoveryOffered(recovery.possible,
                                   DecryptorBuilt(recovery.decryptor))) {
      continue;
    }
    std::string advice;
    for (const Message& message : identify::RecoveryAdvice(
             recovery.possible, recovery.decryptor, recovery.needs, true)) {
      advice += "<p>" + KbTextHtml(l, id, message, "need") + "</p>";
    }
    body += fmt::format(
        "<tr><th scope=\"row\">{}</th><td>{}</td><td><code>kintsugi recover "
        "--family {} PATH</code></td></tr>\n",
        HtmlEscape(family->name), advice, HtmlEscape(recovery.decryptor));
  }
  return body + "</tbody>\n</table>\n";
}

std::string Site::KbTextHtml(const Language& l, std::string_view owner,
                             const Message& message,
                             std::string_view arg) const {
  Message shown = message;
  std::string* need = nullptr;
  for (MessageArg& a : shown.args) {
    if (a.name == arg) need = std::get_if<std::string>(&a.value);
  }
  if (need == nullptr || l.code == "en") {
    return HtmlEscape(Render(message, l.messages));
  }
  if (const auto found = l.kb_texts.find(KbTextKey(owner, *need));
      found != l.kb_texts.end()) {
    *need = found->second;
    return HtmlEscape(Render(shown, l.messages));
  }
  // No current translation: the English text, marked as English inside
  // the sentence. A private-use character (U+E000, in no catalog) holds
  // its place through the escaping.
  constexpr std::string_view kPlace = "\xEE\x80\x80";
  const std::string english = HtmlEscape(*need);
  *need = std::string(kPlace);
  std::string html = HtmlEscape(Render(shown, l.messages));
  const std::size_t at = html.find(kPlace);
  if (at == std::string::npos) return HtmlEscape(Render(message, l.messages));
  html.replace(at, kPlace.size(),
               "<span lang=\"en\" dir=\"ltr\">" + english + "</span>");
  return html;
}

std::string Site::ListBody(
    const Language& l, std::string_view prefix,
    std::initializer_list<std::string_view> items) const {
  std::string body = "<h1>" + T(l, std::string(prefix) + ".title") +
                     "</h1>\n<ul class=\"advice\">\n";
  for (std::string_view item : items) {
    body += "<li>" + T(l, std::string(prefix) + "." + std::string(item)) +
            "</li>\n";
  }
  return body + "</ul>\n";
}

std::string Site::ReportBody(const Language& l) const {
  std::string body = "<h1>" + T(l, "portal.report.title") + "</h1>\n<p>" +
                     T(l, "portal.report.intro") + "</p>\n<p>" +
                     T(l, "portal.report.bring") + "</p>\n";
  // Countries by their name in this language.
  std::vector<std::pair<std::string, const Country*>> sorted;
  for (const Country& country : countries_) {
    sorted.emplace_back(T(l, "portal.country." + country.code), &country);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  const auto link = [](const std::string& name, const std::string& name_en,
                       const std::string& url) {
    std::string text = HtmlEscape(name);
    if (!name_en.empty() && name_en != name) {
      text += " <span class=\"en\" lang=\"en\">(" + HtmlEscape(name_en) +
              ")</span>";
    }
    if (url.rfind("https://", 0) != 0) return text;
    return "<a href=\"" + HtmlEscape(url) + "\" rel=\"noopener noreferrer\">" +
           text + "</a>";
  };
  for (const auto& [name, country] : sorted) {
    body += fmt::format(
        "<details class=\"country\" id=\"{}\">\n<summary>{}</summary>\n<dl>\n"
        "<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</"
        "dd>\n"
        "</dl>\n</details>\n",
        HtmlEscape(country->code), name, T(l, "portal.report.police"),
        link(country->police, country->police_en, country->police_url),
        T(l, "portal.report.cert"),
        link(country->cert, country->cert_en, country->cert_url),
        T(l, "portal.report.emergency"), HtmlEscape(country->emergency));
  }
  body += "<p>" + T(l, "portal.report.other");
  if (!europe_url_.empty()) {
    body += " " + link(europe_name_, "", europe_url_);
  }
  return body + "</p>\n";
}

HttpResponse Site::Handle(const HttpRequest& request, Route* route) const {
  const std::string_view path = request.path;
  const bool get = request.method == "GET" || request.method == "HEAD";
  if (path.rfind("/static/", 0) == 0) {
    *route = Route::kAsset;
    const Asset* asset = FindAsset(path.substr(1));
    if (asset == nullptr || !get) {
      HttpResponse response;
      response.status = asset == nullptr ? 404 : 405;
      response.body = asset == nullptr ? "not found\n" : "method not allowed\n";
      if (asset != nullptr) response.headers.emplace_back("Allow", "GET, HEAD");
      return response;
    }
    HttpResponse response;
    response.content_type = std::string(ContentTypeFor(asset->path));
    response.body = std::string(asset->data);
    response.headers.emplace_back("Cache-Control", "public, max-age=3600");
    return response;
  }
  *route = Route::kPage;
  // /LANG/PAGE; anything else goes to the negotiated language's page.
  std::string_view rest = path.substr(path.empty() ? 0 : 1);
  const std::size_t slash = rest.find('/');
  const Language* language =
      slash == std::string_view::npos ? nullptr : Find(rest.substr(0, slash));
  if (language == nullptr) {
    const std::string* accept = request.Header("accept-language");
    std::string code =
        NegotiateLanguage(accept == nullptr ? "" : *accept, codes_);
    if (code.empty()) code = "en";
    const Language& l = *Find(code);
    if (path == "/" || path.empty() || Find(rest) != nullptr) {
      HttpResponse response = Html(302, "");
      response.headers.emplace_back(
          "Location",
          "/" + (Find(rest) != nullptr ? std::string(rest) : code) + "/");
      return response;
    }
    *route = Route::kOther;
    return Html(404, Page(l, "", "404",
                          "<h1>404</h1>\n<p>" + T(l, "portal.error.not_found") +
                              "</p>\n<p><a href=\"/" + l.code + "/\">" +
                              T(l, "portal.error.back_home") + "</a></p>\n"));
  }
  const Language& l = *language;
  const std::string_view page = rest.substr(slash + 1);
  if (page == "result") {
    *route = Route::kIdentify;
    return ResultPage(l, request);
  }
  if (!get) {
    HttpResponse response = Html(405, Page(l, page, "405", ""));
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  if (page.empty()) {
    return Html(200, Page(l, "", T(l, "portal.nav.home"), HomeBody(l)));
  }
  if (page == "identify") {
    return Html(200, Page(l, page, T(l, "portal.identify.title"),
                          IdentifyBody(l), /*script=*/true));
  }
  if (page == "decryptors") {
    return Html(
        200, Page(l, page, T(l, "portal.decryptors.title"), DecryptorsBody(l)));
  }
  if (page == "prevention") {
    return Html(200, Page(l, page, T(l, "portal.prevention.title"),
                          ListBody(l, "portal.prevention",
                                   {"backups", "updates", "mail", "passwords",
                                    "remote", "antivirus", "least"})));
  }
  if (page == "report") {
    return Html(200, Page(l, page, T(l, "portal.report.title"), ReportBody(l)));
  }
  if (page == "partners") {
    return Html(200,
                Page(l, page, T(l, "portal.partners.title"),
                     "<h1>" + T(l, "portal.partners.title") + "</h1>\n<p>" +
                         T(l, "portal.partners.intro") + "</p>\n<p>" +
                         T(l, "portal.partners.join") + "</p>\n"));
  }
  if (page == "privacy") {
    return Html(200, Page(l, page, T(l, "portal.privacy.title"),
                          ListBody(l, "portal.privacy",
                                   {"files", "storage", "cookies", "logs"})));
  }
  *route = Route::kOther;
  return Html(404, Page(l, "", "404",
                        "<h1>404</h1>\n<p>" + T(l, "portal.error.not_found") +
                            "</p>\n<p><a href=\"/" + l.code + "/\">" +
                            T(l, "portal.error.back_home") + "</a></p>\n"));
}

}  // namespace kintsugi::portal

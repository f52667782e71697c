// The portal's pages (site.h).

#include "portal/site.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "kintsugi/identify.h"
#include "kintsugi/recover.h"
#include "portal/assets.h"
#include "portal/identify_request.h"
#include "portal/portal_state.h"
#include "scan/report/html_text.h"

namespace kintsugi::portal {
namespace {

using Json = nlohmann::json;

// Code, name in the language itself. Right-to-left: ar, fa, he.
constexpr std::pair<std::string_view, std::string_view> kLanguages[] = {
    {"ar", "العربية"},      {"bg", "Български"},   {"cs", "Čeština"},
    {"da", "Dansk"},        {"de", "Deutsch"},     {"el", "Ελληνικά"},
    {"en", "English"},      {"es", "Español"},     {"et", "Eesti"},
    {"fa", "فارسی"},        {"fi", "Suomi"},       {"fr", "Français"},
    {"ga", "Gaeilge"},      {"he", "עברית"},       {"hi", "हिन्दी"},
    {"hr", "Hrvatski"},     {"hu", "Magyar"},      {"id", "Bahasa Indonesia"},
    {"it", "Italiano"},     {"ja", "日本語"},      {"ko", "한국어"},
    {"lt", "Lietuvių"},     {"lv", "Latviešu"},    {"mt", "Malti"},
    {"nb", "Norsk bokmål"}, {"nl", "Nederlands"},  {"pl", "Polski"},
    {"pt", "Português"},    {"ro", "Română"},      {"ru", "Русский"},
    {"sk", "Slovenčina"},   {"sl", "Slovenščina"}, {"sv", "Svenska"},
    {"th", "ไทย"},          {"tr", "Türkçe"},      {"uk", "Українська"},
    {"vi", "Tiếng Việt"},   {"zh", "中文"},
};

bool IsRtl(std::string_view code) {
  return code == "ar" || code == "fa" || code == "he";
}

// The pages, in the menu's order: path, menu key.
constexpr std::pair<std::string_view, std::string_view> kMenu[] = {
    {"", "portal.nav.home"},
    {"identify", "portal.nav.identify"},
    {"decryptors", "portal.nav.decryptors"},
    {"prevention", "portal.nav.prevention"},
    {"report", "portal.nav.report"},
    {"partners", "portal.nav.partners"},
    {"privacy", "portal.nav.privacy"},
};

}  // namespace

std::string Fill(std::string text, std::string_view name,
                 std::string_view value) {
  const std::string placeholder = "{" + std::string(name) + "}";
  const std::size_t at = text.find(placeholder);
  if (at != std::string::npos) {
    text.replace(at, placeholder.size(), HtmlEscape(value));
  }
  return text;
}

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

}  // namespace

std::span<const std::pair<std::string_view, std::string_view>>
KnownLanguages() {
  return kLanguages;
}

std::string HtmlEscape(std::string_view text) {
  // The scan report's escaping: names a victim sends are hostile too, and
  // bytes that are not UTF-8 or are control characters become U+FFFD.
  return scan_report::Escaped(text);
}

std::string NegotiateLanguage(std::string_view header,
                              const std::vector<std::string>& available) {
  std::string best;
  double best_q = 0;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view()
                                             : header.substr(comma + 1);
    double q = 1.0;
    if (const std::size_t semi = item.find(';');
        semi != std::string_view::npos) {
      const std::string_view params = item.substr(semi + 1);
      item = item.substr(0, semi);
      if (const std::size_t at = params.find("q=");
          at != std::string_view::npos) {
        q = std::atof(std::string(params.substr(at + 2)).c_str());
      }
    }
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    std::string tag = Lower(item);
    if (tag == "nn" || tag == "no" || tag.rfind("no-", 0) == 0) tag = "nb";
    const std::string base = tag.substr(0, tag.find('-'));
    for (const std::string& code : {tag, base}) {
      if (q > best_q && std::find(available.begin(), available.end(), code) !=
                            available.end()) {
        best = code;
        best_q = q;
      }
    }
  }
  return best;
}

Result<std::unique_ptr<Site>> Site::Create(PortalState& state) {
  std::unique_ptr<Site> site(new Site(state));
  const std::vector<KbText> texts = KbPageTexts(*state.options.kb);
  for (const Asset& asset : EmbeddedAssets()) {
    constexpr std::string_view kPrefix = "i18n/";
    if (asset.path.rfind(kPrefix, 0) != 0 || !asset.path.ends_with(".json") ||
        asset.path.find('/', kPrefix.size()) != std::string_view::npos) {
      continue;
    }
    const std::string code(asset.path.substr(
        kPrefix.size(), asset.path.size() - kPrefix.size() - 5));
    const auto* known = std::find_if(
        std::begin(kLanguages), std::end(kLanguages),
        [&](const auto& language) { return language.first == code; });
    if (known == std::end(kLanguages)) {
      return InvalidArgumentError("web/" + std::string(asset.path) +
                                  ": a language the portal does not know");
    }
    Language language;
    language.code = code;
    language.name = std::string(known->second);
    language.rtl = IsRtl(code);
    KINTSUGI_ASSIGN_OR_RETURN(language.messages,
                              MessageCatalog::Parse(asset.data));
    const Json root = Json::parse(asset.data, nullptr, false);
    for (const auto& [name, value] : root["messages"].items()) {
      if (name.rfind("portal.", 0) == 0 && value.is_string()) {
        language.strings.emplace(name, value.get<std::string>());
      }
    }
    if (const Asset* kb_texts = FindAsset("i18n/kb/" + code + ".json")) {
      auto parsed = ParseKbTranslations(kb_texts->data, texts);
      if (!parsed) {
        return InvalidArgumentError("web/" + std::string(kb_texts->path) +
                                    ": " + parsed.error().message());
      }
      language.kb_texts = std::move(*parsed);
    }
    site->codes_.push_back(code);
    site->languages_.push_back(std::move(language));
  }
  if (site->Find("en") == nullptr) {
    return InvalidArgumentError("web/i18n/en.json is not built in");
  }
  if (const Asset* contacts = FindAsset("data/report-contacts.json")) {
    const Json root = Json::parse(contacts->data, nullptr, false);
    if (root.is_discarded() || !root.contains("countries")) {
      return InvalidArgumentError("web/data/report-contacts.json: malformed");
    }
    const auto text = [](const Json& object, const char* key) {
      const auto found = object.find(key);
      return found != object.end() && found->is_string()
                 ? found->get<std::string>()
                 : std::string();
    };
    for (const Json& c : root["countries"]) {
      const Json police = c.value("police", Json::object());
      const Json cert = c.value("cert", Json::object());
      site->countries_.push_back(
          {text(c, "code"), text(police, "name"), text(police, "name_en"),
           text(police, "url"), text(cert, "name"), text(cert, "name_en"),
           text(cert, "url"), text(c, "emergency"), text(c, "notes")});
    }
    if (root.contains("europe")) {
      site->europe_name_ = text(root["europe"], "name");
      site->europe_url_ = text(root["europe"], "url");
    }
  }
  return site;
}

const Language* Site::Find(std::string_view code) const {
  for (const Language& language : languages_) {
    if (language.code == code) return &language;
  }
  return nullptr;
}

std::string Site::T(const Language& language, std::string_view key) const {
  if (const auto found = language.strings.find(key);
      found != language.strings.end()) {
    return HtmlEscape(found->second);
  }
  const Language& english = *Find("en");
  if (const auto found = english.strings.find(key);
      found != english.strings.end()) {
    return HtmlEscape(found->second);
  }
  return HtmlEscape(key);
}

HttpResponse Site::Html(int status, std::string body) const {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body = std::move(body);
  response.headers.emplace_back("Cache-Control", "no-cache");
  response.headers.emplace_back("Vary", "Accept-Language");
  return response;
}

std::string Site::Page(const Language& l, std::string_view page,
                       std::string_view title, const std::string& body,
                       bool script) const {
  std::string html = fmt::format(
      "<!doctype html>\n<html lang=\"{0}\" dir=\"{1}\">\n<head>\n"
      "<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<title>{2} – {3}</title>\n"
      "<link rel=\"stylesheet\" href=\"/static/site.css\">\n"
      "<link rel=\"icon\" href=\"/static/favicon.svg\" "
      "type=\"image/svg+xml\">\n",
      l.code, l.rtl ? "rtl" : "ltr", title, T(l, "portal.site_name"));
  if (script) {
    html += "<script src=\"/static/identify.js\" defer></script>\n";
  }
  html += fmt::format(
      "</head>\n<body>\n<a class=\"skip\" href=\"#main\">{}</a>\n<header>\n"
      "<p class=\"brand\"><a href=\"/{}/\">{}</a></p>\n<p class=\"tagline\">{}"
      "</p>\n<nav aria-label=\"{}\">\n<ul>\n",
      T(l, "portal.skip_to_content"), l.code, T(l, "portal.site_name"),
      T(l, "portal.tagline"), T(l, "portal.nav.label"));
  for (const auto& [path, key] : kMenu) {
    html +=
        fmt::format("<li><a href=\"/{}/{}\"{}>{}</a></li>\n", l.code, path,
                    path == page ? " aria-current=\"page\"" : "", T(l, key));
  }
  html += fmt::format(
      "</ul>\n</nav>\n<details class=\"languages\">\n<summary>{}: {}</summary>"
      "\n<ul>\n",
      T(l, "portal.language.label"), HtmlEscape(l.name));
  for (const Language& other : languages_) {
    html += fmt::format(
        "<li><a href=\"/{0}/{1}\" lang=\"{0}\" hreflang=\"{0}\" dir=\"{2}\"{3}>"
        "{4}</a></li>\n",
        other.code, page, other.rtl ? "rtl" : "ltr",
        other.code == l.code ? " aria-current=\"true\"" : "",
        HtmlEscape(other.name));
  }
  html += "</ul>\n</details>\n</header>\n<main id=\"main\">\n" + body +
          "</main>\n<footer>\n<p>" + T(l, "portal.footer.free") + "</p>\n<p>" +
          T(l, "portal.footer.offline") + "</p>\n</footer>\n</body>\n</html>\n";
  return html;
}

std::string Site::HomeBody(const Language& l) const {
  std::string body = "<h1>" + T(l, "portal.home.title") + "</h1>\n<p>" +
                     T(l, "portal.home.intro") + "</p>\n<ol class=\"steps\">\n";
  for (int step = 1; step <= 6; ++step) {
    body += fmt::format("<li><h2>{}</h2>\n<p>{}</p></li>\n",
                        T(l, fmt::format("portal.home.step{}.title", step)),
                        T(l, fmt::format("portal.home.step{}.text", step)));
  }
  body += fmt::format(
      "</ol>\n<p><a class=\"button\" href=\"/{}/identify\">{}"
      "</a></p>\n",
      l.code, T(l, "portal.home.cta"));
  return body;
}

std::string Site::IdentifyBody(const Language& l) const {
  return fmt::format(
      "<h1>{title}</h1>\n<p>{intro}</p>\n<p class=\"privacy\">{privacy}</p>\n"
      "<form id=\"identify\" method=\"post\" action=\"/{lang}/result\" "
      "data-nothing=\"{nothing}\" data-working=\"{working}\" "
      "data-failed=\"{failed}\">\n"
      "<div class=\"field js-only\"><label for=\"files\">{files}</label>\n"
      "<input type=\"file\" id=\"files\" multiple "
      "aria-describedby=\"files-hint\">\n"
      "<p id=\"files-hint\" class=\"hint\">{files_hint}</p></div>\n"
      "<div class=\"field\"><label for=\"note\">{note}</label>\n"
      "<textarea id=\"note\" name=\"note\" rows=\"6\"></textarea></div>\n"
      "<div class=\"field\"><label for=\"contacts\">{contacts}</label>\n"
      "<textarea id=\"contacts\" name=\"contacts\" "
      "rows=\"2\"></textarea></div>\n"
      "<div class=\"field no-js\"><label for=\"names\">{names}</label>\n"
      "<textarea id=\"names\" name=\"names\" rows=\"3\" "
      "aria-describedby=\"names-hint\"></textarea>\n"
      "<p id=\"names-hint\" class=\"hint\">{names_hint}</p></div>\n"
      "<input type=\"hidden\" name=\"evidence\" id=\"evidence\">\n"
      "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>\n"
      "<button type=\"submit\">{submit}</button>\n</form>\n",
      fmt::arg("title", T(l, "portal.identify.title")),
      fmt::arg("intro", T(l, "portal.identify.intro")),
      fmt::arg("privacy", T(l, "portal.identify.privacy")),
      fmt::arg("lang", l.code),
      fmt::arg("nothing", T(l, "portal.identify.error.nothing")),
      fmt::arg("working", T(l, "portal.identify.working")),
      fmt::arg("failed", T(l, "portal.identify.error.failed")),
      fmt::arg("files", T(l, "portal.identify.files.label")),
      fmt::arg("files_hint", T(l, "portal.identify.files.hint")),
      fmt::arg("note", T(l, "portal.identify.note.label")),
      fmt::arg("contacts", T(l, "portal.identify.contacts.label")),
      fmt::arg("names", T(l, "portal.identify.names.label")),
      fmt::arg("names_hint", T(l, "portal.identify.names.hint")),
      fmt::arg("submit", T(l, "portal.identify.submit")));
}

namespace {

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string line(text.substr(0, nl));
    text =
        nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) {
      line.pop_back();
    }
    const std::size_t start = line.find_first_not_of(' ');
    if (start != std::string::npos) lines.push_back(line.substr(start));
  }
  return lines;
}

// The no-JavaScript form (note, contacts, names) as an identify request.
Result<IdentifyRequest> FormRequest(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  Json request = {{"files", Json::array()},
                  {"notes", Json::array()},
                  {"contacts", Json::array()}};
  for (const auto& [name, value] : fields) {
    if (name == "evidence" && !value.empty())
      return ParseIdentifyRequest(value);
  }
  for (const auto& [name, value] : fields) {
    if (name == "note" &&
        value.find_first_not_of(" \r\n\t") != std::string::npos) {
      request["notes"].push_back({{"name", "note.txt"}, {"text", value}});
    } else if (name == "contacts") {
      for (const std::string& line : Lines(value)) {
        request["contacts"].push_back(line);
      }
    } else if (name == "names") {
      for (const std::string& line : Lines(value)) {
        request["files"].push_back({{"name", line}});
      }
    }
  }
  return ParseIdentifyRequest(
      request.dump(-1, ' ', false, Json::error_handler_t::replace));
}

}  // namespace

HttpResponse Site::ResultPage(const Language& l,
                              const HttpRequest& request) const {
  const auto error_page = [&](const Status& status) {
    const std::string body = "<h1>" + T(l, "portal.result.error.title") +
                             "</h1>\n<p>" + HtmlEscape(status.message()) +
                             "</p>\n<p><a href=\"/" + l.code + "/identify\">" +
                             T(l, "portal.result.again") + "</a></p>\n";
    return Html(400,
                Page(l, "identify", T(l, "portal.result.error.title"), body));
  };
  if (request.method != "POST") {
    HttpResponse response = Html(405, Page(l, "identify", "405", ""));
    response.headers.emplace_back("Allow", "POST");
    return response;
  }
  unsigned retry = 0;
  if (!state_.identify_limit.Allow(request.client, &retry)) {
    HttpResponse response =
        Html(429, Page(l, "identify", "429",
                       "<p>" + T(l, "portal.identify.error.failed") + "</p>"));
    response.headers.emplace_back("Retry-After", std::to_string(retry));
    return response;
  }
  auto parsed = FormRequest(ParseFormBody(request.body));
  if (!parsed) return error_page(parsed.error());
  auto outcome = IdentifyAsCli(*state_.options.compiled_kb, *parsed);
  if (!outcome) return error_page(outcome.error());
  const identify::Report& report = *outcome;
  const MessageCatalog& catalog = l.messages;
  std::string body = "<h1>" + T(l, "portal.result.title") + "</h1>\n";
  body += "<p class=\"verdict verdict-" +
          std::string(identify::VerdictName(report.verdict)) + "\">" +
          HtmlEscape(Render(identify::VerdictSummary(report), catalog)) +
          "</p>\n";
  if (const auto why = identify::ExplainVerdict(report)) {
    body += "<p>" + HtmlEscape(Render(*why, catalog)) + "</p>\n";
  }
  if (const auto why = identify::ExplainGroup(report)) {
    body += "<p>" + KbTextHtml(l, "groups/" + report.group->id, *why, "group") +
            "</p>\n";
  }
  if (report.verdict == identify::Verdict::kUnknown) {
    body += "<p>" + T(l, "portal.result.unknown_advice") + "</p>\n";
  }
  const auto evidence_list = [&](const identify::Candidate& c) {
    std::string list = "<ul class=\"evidence\">\n";
    for (const identify::Evidence& e : c.evidence) {
      list += "<li>" + HtmlEscape(Render(e.detail, catalog)) + "</li>\n";
    }
    return list + "</ul>\n";
  };
  if (report.verdict == identify::Verdict::kIdentified) {
    const identify::Candidate& best = report.candidates.front();
    const bool built = DecryptorBuilt(best.decryptor);
    // A decryptor that cannot recover files yet (recovery `unknown`) is
    // no free decryptor: its advice says what it can tell.
    const bool offered = identify::RecoveryOffered(best.recovery, built);
    body += fmt::format("<section class=\"{}\">\n<h2>{}</h2>\n",
                        offered ? "decryptor" : "no-decryptor",
                        T(l, offered ? "portal.result.decryptor.title"
                                     : "portal.result.no_decryptor.title"));
    for (const Message& advice : identify::RecoveryAdvice(best, built)) {
      body += "<p>" + KbTextHtml(l, best.family, advice, "need") + "</p>\n";
    }
    if (offered) {
      body += "<h3>" + T(l, "portal.result.decryptor.steps") + "</h3>\n<ol>\n";
      for (int step = 1; step <= 4; ++step) {
        body += "<li>" +
                T(l, fmt::format("portal.result.decryptor.step{}", step)) +
                (step == 3 ? "<pre><code>kintsugi recover --family " +
                                 HtmlEscape(best.decryptor) +
                                 " /path/to/the/encrypted/files</code></pre>"
                           : "") +
                "</li>\n";
      }
      body += "</ol>\n";
    } else {
      body += "<p>" + T(l, "portal.result.no_decryptor.text") + "</p>\n";
    }
    body += "</section>\n";
  }
  for (std::size_t i = 0; i < report.candidates.size(); ++i) {
    const identify::Candidate& c = report.candidates[i];
    if (i == report.named || (i == 0 && report.named == 0)) {
      body += "<h2>" + T(l, "portal.result.candidates") + "</h2>\n";
    }
    body += fmt::format(
        "<section class=\"candidate\">\n<h3>{} <span class=\"id\">({})</span>"
        "</h3>\n<p>{}</p>\n<h4>{}</h4>\n",
        HtmlEscape(c.name), HtmlEscape(c.family),
        Fill(T(l, "portal.result.score"), "score",
             fmt::format("{:.2f}", c.score)),
        T(l, "portal.result.evidence"));
    body += evidence_list(c) + "</section>\n";
  }
  body += "<h2>" + T(l, "portal.result.inputs") + "</h2>\n<ul>\n";
  for (const identify::InputSummary& in : report.inputs) {
    body += "<li><span class=\"source\">" + HtmlEscape(in.source) +
            "</span>: " + HtmlEscape(Render(in.description, catalog)) +
            "</li>\n";
  }
  for (const UnreadInput& unread : parsed->unread) {
    body += "<li><span class=\"source\">" + HtmlEscape(unread.source) +
            "</span>: " + HtmlEscape(unread.status.message()) + "</li>\n";
  }
  body += fmt::format("</ul>\n<p><a href=\"/{}/identify\">{}</a></p>\n", l.code,
                      T(l, "portal.result.again"));
  return Html(200, Page(l, "identify", T(l, "portal.result.title"), body));
}

}  // namespace kintsugi::portal

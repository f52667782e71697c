// Message catalogs and rendering (kintsugi/message.h, docs/messages.md).

#include <charconv>
#include <nlohmann/json.hpp>
#include <string>

#include "kintsugi/message.h"
#include "messages/english_catalog.h"
#include "messages/render.h"

namespace kintsugi {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// Appends the argument's text: its own text, the integer in decimal, or
// its messages rendered one after another, separated by a space.
void AppendArg(std::string& out, const MessageArg& arg,
               const MessageCatalog& catalog) {
  if (const auto* text = std::get_if<std::string>(&arg.value)) {
    out += *text;
    return;
  }
  if (const auto* n = std::get_if<std::int64_t>(&arg.value)) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, *n).ptr;
    out.append(digits, end);
    return;
  }
  bool first = true;
  for (const Message& message : std::get<std::vector<Message>>(arg.value)) {
    if (!first) out += ' ';
    first = false;
    RenderTo(out, message, catalog);
  }
}

std::string ArgText(const MessageArg& arg, const MessageCatalog& catalog) {
  std::string out;
  AppendArg(out, arg, catalog);
  return out;
}

const MessageArg* FindArg(const Message& message, std::string_view name) {
  for (const MessageArg& arg : message.args) {
    if (arg.name == name) return &arg;
  }
  return nullptr;
}

// The integer a plural selects on: an integer argument, or text that is
// one. 0 (the "other" form in English) when absent.
std::int64_t CountOf(const MessageArg* arg) {
  if (arg == nullptr) return 0;
  if (const auto* n = std::get_if<std::int64_t>(&arg->value)) return *n;
  const auto* text = std::get_if<std::string>(&arg->value);
  if (text == nullptr) return 0;
  try {
    return std::stoll(*text);
  } catch (const std::exception&) {
    return 0;
  }
}

// "evidence.yara rule=r1": what a message the catalog lacks shows.
std::string Fallback(const Message& message, const MessageCatalog& catalog) {
  std::string out(MessageIdName(message.id));
  if (out.empty()) {
    out = "message#" + std::to_string(static_cast<unsigned>(message.id));
  }
  for (const MessageArg& arg : message.args) {
    out += " " + arg.name + "=" + ArgText(arg, catalog);
  }
  return out;
}

}  // namespace

Result<MessageCatalog> MessageCatalog::Parse(std::string_view json) {
  const nlohmann::json root = nlohmann::json::parse(json, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return InvalidArgumentError("message catalog: not a JSON object");
  }
  MessageCatalog catalog;
  catalog.entries_.resize(static_cast<std::size_t>(MessageId::kCount));
  const auto language = root.find("language");
  if (language != root.end() && language->is_string()) {
    catalog.language_ = language->get<std::string>();
  }
  const auto messages = root.find("messages");
  if (messages == root.end() || !messages->is_object()) {
    return InvalidArgumentError("message catalog: no \"messages\" object");
  }
  // Names to ids once, not per entry.
  std::vector<std::pair<std::string_view, std::size_t>> ids;
  for (std::size_t i = 0; i < catalog.entries_.size(); ++i) {
    ids.emplace_back(MessageIdName(static_cast<MessageId>(i)), i);
  }
  for (const auto& [name, value] : messages->items()) {
    Entry entry;
    if (value.is_string()) {
      entry.forms.emplace_back("other", value.get<std::string>());
    } else if (value.is_object() && value.contains("plural") &&
               value["plural"].is_string()) {
      entry.plural_arg = value["plural"].get<std::string>();
      for (const auto& [form, text] : value.items()) {
        if (form == "plural") continue;
        if (!text.is_string()) {
          return InvalidArgumentError("message catalog: " + name + ": form " +
                                      form + " is not a string");
        }
        entry.forms.emplace_back(form, text.get<std::string>());
      }
      const bool has_other =
          std::any_of(entry.forms.begin(), entry.forms.end(),
                      [](const auto& f) { return f.first == "other"; });
      if (!has_other) {
        return InvalidArgumentError("message catalog: " + name +
                                    ": plural without an \"other\" form");
      }
    } else {
      return InvalidArgumentError(
          "message catalog: " + name +
          ": neither a string nor {\"plural\", forms...}");
    }
    for (const auto& [id_name, index] : ids) {
      if (id_name == name) catalog.entries_[index] = std::move(entry);
    }
  }
  return catalog;
}

const MessageCatalog& MessageCatalog::English() {
  static const MessageCatalog* const english = [] {
    auto parsed = Parse(internal::kEnglishCatalogJson);
    // The catalog is checked by messages_test; an unusable one renders
    // every message as its id rather than stopping the program.
    return new MessageCatalog(parsed ? std::move(*parsed) : MessageCatalog());
  }();
  return *english;
}

const std::string* MessageCatalog::Template(MessageId id,
                                            std::int64_t count) const {
  const auto index = static_cast<std::size_t>(id);
  if (index >= entries_.size() || entries_[index].forms.empty()) {
    return nullptr;
  }
  const Entry& entry = entries_[index];
  // Most messages have one form, whatever the count: "other" (a plural's
  // forms must include "other", so a lone form is that one).
  if (entry.forms.size() == 1) {
    return &entry.forms.front().second;
  }
  const std::string exact = "=" + std::to_string(count);
  const std::string_view category = PluralCategory(language_, count);
  const std::string* other = nullptr;
  const std::string* by_category = nullptr;
  for (const auto& [form, text] : entry.forms) {
    if (!entry.plural_arg.empty() && form == exact) return &text;
    if (form == category) by_category = &text;
    if (form == "other") other = &text;
  }
  return by_category != nullptr ? by_category : other;
}

bool MessageCatalog::Has(MessageId id) const {
  const auto index = static_cast<std::size_t>(id);
  return index < entries_.size() && !entries_[index].forms.empty();
}

std::string_view MessageCatalog::PluralArg(MessageId id) const {
  const auto index = static_cast<std::size_t>(id);
  return index < entries_.size() ? std::string_view(entries_[index].plural_arg)
                                 : std::string_view();
}

std::vector<std::string> MessageCatalog::Templates(MessageId id) const {
  std::vector<std::string> out;
  const auto index = static_cast<std::size_t>(id);
  if (index >= entries_.size()) return out;
  for (const auto& form : entries_[index].forms) out.push_back(form.second);
  return out;
}

std::vector<std::string> Placeholders(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') continue;
    std::size_t end = i + 1;
    while (end < text.size() && IsNameChar(text[end])) ++end;
    if (end > i + 1 && end < text.size() && text[end] == '}') {
      out.emplace_back(text.substr(i + 1, end - i - 1));
      i = end;
    }
  }
  return out;
}

void RenderTo(std::string& out, const Message& message,
              const MessageCatalog& catalog) {
  const std::string_view plural = catalog.PluralArg(message.id);
  const std::string* text = catalog.Template(
      message.id, plural.empty() ? 0 : CountOf(FindArg(message, plural)));
  if (text == nullptr) {
    out += Fallback(message, catalog);
    return;
  }
  const std::string_view t(*text);
  std::size_t plain = 0;  // start of the text not yet copied
  for (std::size_t i = t.find('{'); i != std::string_view::npos;
       i = t.find('{', i + 1)) {
    std::size_t end = i + 1;
    while (end < t.size() && IsNameChar(t[end])) ++end;
    if (end == i + 1 || end >= t.size() || t[end] != '}') continue;
    const MessageArg* arg = FindArg(message, t.substr(i + 1, end - i - 1));
    if (arg == nullptr) continue;
    out.append(t, plain, i - plain);
    AppendArg(out, *arg, catalog);
    plain = end + 1;
    i = end;
  }
  out.append(t, plain);
}

std::string Render(const Message& message, const MessageCatalog& catalog) {
  std::string out;
  RenderTo(out, message, catalog);
  return out;
}

std::string RenderEnglish(const Message& message) {
  return Render(message, MessageCatalog::English());
}

std::string RenderEnglish(std::span<const Message> messages) {
  std::string out;
  for (const Message& message : messages) {
    if (!out.empty()) out += ' ';
    RenderTo(out, message, MessageCatalog::English());
  }
  return out;
}

}  // namespace kintsugi

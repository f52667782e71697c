// The one adapter between the reports and their JSON (kintsugi/report_json.h,
// docs/cli.md). Other tools and tests depend on these exact shapes; the
// schema tests in report_json_test.cpp list every key.

#include "kintsugi/report_json.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "core/utf8.h"
#include "kintsugi/message.h"

namespace kintsugi {
namespace {

using Json = nlohmann::json;

std::string Dump(const Json& document) {
  // `replace` keeps output valid UTF-8 whatever a file name holds.
  return document.dump(2, ' ', false, Json::error_handler_t::replace);
}

Json NullIfEmpty(const std::string& text) {
  return text.empty() ? Json(nullptr) : Json(text);
}

bool IsValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::optional<Utf8Char> c = DecodeUtf8(text, i);
    if (!c) return false;
    i += c->length;
  }
  return true;
}

// RFC 4648 §4 base64, with padding.
std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      const std::uint32_t byte =
          k < n ? static_cast<std::uint8_t>(bytes[i + k]) : 0u;
      group = (group << 8) | byte;
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? kAlphabet[(group >> (18 - 6 * k)) & 0x3F] : '=';
    }
  }
  return out;
}

// A file name as JSON can carry it: `key` holds the name as UTF-8 (bytes
// that are not valid UTF-8 become U+FFFD when dumped), and only when that
// no longer names the file, `key`_bytes holds its exact bytes in base64
// (docs/cli.md "File names in JSON"). An empty name is `null` if
// `null_if_empty`.
void PutFileName(Json& item, const std::string& key, const std::string& name,
                 bool null_if_empty = false) {
  item[key] = null_if_empty ? NullIfEmpty(name) : Json(name);
  if (!IsValidUtf8(name)) item[key + "_bytes"] = Base64(name);
}

Json MessageToJson(const Message& message);

Json ArgToJson(const MessageArg& arg) {
  if (const auto* text = std::get_if<std::string>(&arg.value)) return *text;
  if (const auto* n = std::get_if<std::int64_t>(&arg.value)) return *n;
  Json messages = Json::array();
  for (const Message& m : std::get<std::vector<Message>>(arg.value)) {
    messages.push_back(MessageToJson(m));
  }
  return messages;
}

// {"id": "evidence.extension", "args": {"pattern": ".eking", "line": 12}};
// an argument made of messages is an array of such objects.
Json MessageToJson(const Message& message) {
  Json args = Json::object();
  for (const MessageArg& arg : message.args) args[arg.name] = ArgToJson(arg);
  return {{"id", std::string(MessageIdName(message.id))},
          {"args", std::move(args)}};
}

Json EvidenceToJson(const identify::Evidence& e) {
  Json item = {{"kind", std::string(identify::EvidenceKindName(e.kind))},
               {"detail", RenderEnglish(e.detail)},
               {"message", MessageToJson(e.detail)}};
  PutFileName(item, "source", e.source);
  return item;
}

}  // namespace

std::string FamiliesJson(const kb::KnowledgeBase& kb) {
  Json families = Json::array();
  for (const kb::Family& family : kb.families) {
    families.push_back(
        {{"id", family.id},
         {"name", family.name},
         {"aliases", family.aliases},
         {"decryptor", NullIfEmpty(family.recovery.decryptor)},
         {"recovery", kb::RecoveryPossibleName(family.recovery.possible)}});
  }
  return Json{{"families", std::move(families)}}.dump(
      2, ' ', false, Json::error_handler_t::replace);
}

std::string FamilyJson(const kb::Family& family) {
  Json extensions = Json::array();
  Json note_names = Json::array();
  for (const kb::Rule& rule : family.rules) {
    if (rule.is_regex) continue;
    if (rule.kind == kb::RuleKind::kExtension) {
      extensions.push_back(rule.pattern);
    } else if (rule.kind == kb::RuleKind::kNoteName) {
      note_names.push_back(rule.pattern);
    }
  }
  Json contacts = Json::array();
  for (const kb::Contact& contact : family.contacts) {
    contacts.push_back({{"kind", kb::ContactKindName(contact.kind)},
                        {"value", contact.value}});
  }
  const kb::Recovery& recovery = family.recovery;
  const Json doc = {{"id", family.id},
                    {"name", family.name},
                    {"aliases", family.aliases},
                    {"first_seen", NullIfEmpty(family.first_seen)},
                    {"last_seen", NullIfEmpty(family.last_seen)},
                    {"platforms", family.platforms},
                    {"related", family.related},
                    {"references", family.references},
                    {"recovery",
                     {{"possible", kb::RecoveryPossibleName(recovery.possible)},
                      {"decryptor", NullIfEmpty(recovery.decryptor)},
                      {"available", DecryptorBuilt(recovery.decryptor)},
                      {"strategy", NullIfEmpty(recovery.strategy)},
                      {"needs", recovery.needs}}},
                    {"indicators",
                     {{"extensions", std::move(extensions)},
                      {"note_names", std::move(note_names)},
                      {"contacts", std::move(contacts)}}}};
  return doc.dump(2, ' ', false, Json::error_handler_t::replace);
}

std::string IdentifyReportJson(const identify::Report& report,
                               const std::vector<UnreadInput>& unread,
                               int indent) {
  Json candidates = Json::array();
  for (const identify::Candidate& c : report.candidates) {
    Json evidence = Json::array();
    for (const identify::Evidence& e : c.evidence) {
      evidence.push_back(EvidenceToJson(e));
    }
    // Scores with 3 decimals: stable output for golden tests.
    const double score =
        static_cast<double>(static_cast<long long>(c.score * 1000.0 + 0.5)) /
        1000.0;
    candidates.push_back({{"family", c.family},
                          {"name", c.name},
                          {"score", score},
                          {"evidence", std::move(evidence)},
                          {"recovery",
                           {{"possible", kb::RecoveryPossibleName(c.recovery)},
                            {"decryptor", NullIfEmpty(c.decryptor)},
                            {"available", DecryptorBuilt(c.decryptor)},
                            {"needs", c.needs}}},
                          {"related", c.related}});
  }
  Json inputs = Json::array();
  for (const identify::InputSummary& in : report.inputs) {
    Json indicators = Json::array();
    for (const auto& [kind, value] : in.indicators) {
      indicators.push_back({{"kind", kind}, {"value", value}});
    }
    Json item = {{"kind", identify::InputKindName(in.kind)},
                 {"description", RenderEnglish(in.description)},
                 {"description_message", MessageToJson(in.description)},
                 {"indicators", std::move(indicators)}};
    PutFileName(item, "source", in.source);
    if (!in.allow_listed.empty()) item["allow_listed"] = in.allow_listed;
    inputs.push_back(std::move(item));
  }
  for (const UnreadInput& f : unread) {
    Json item = {{"kind", "unread"},
                 {"error",
                  {{"code", std::string(StatusCodeName(f.status.code()))},
                   {"message", f.status.message()}}}};
    PutFileName(item, "source", f.source);
    inputs.push_back(std::move(item));
  }
  Json out = {{"verdict", identify::VerdictName(report.verdict)},
              {"named", report.named},
              {"candidates", std::move(candidates)},
              {"inputs", std::move(inputs)}};
  if (!report.unattributed.empty()) {
    Json unattributed = Json::array();
    for (const identify::Evidence& e : report.unattributed) {
      unattributed.push_back(EvidenceToJson(e));
    }
    out["unattributed_evidence"] = std::move(unattributed);
  }
  if (report.group.has_value()) {
    const identify::GroupFinding& g = *report.group;
    Json separating = Json::array();
    for (const identify::Evidence& e : g.separating) {
      separating.push_back(EvidenceToJson(e));
    }
    Json group = {{"id", g.id},
                  {"name", g.name},
                  {"kind", g.kind},
                  {"shares", g.shares},
                  {"members", g.members},
                  {"candidates", g.candidates},
                  {"favoured", NullIfEmpty(g.favoured)},
                  {"separating_evidence", std::move(separating)}};
    if (const auto why = identify::ExplainGroup(report)) {
      group["explanation"] = RenderEnglish(*why);
      group["explanation_message"] = MessageToJson(*why);
    }
    out["group"] = std::move(group);
  }
  return out.dump(indent, ' ', false, Json::error_handler_t::replace);
}

namespace {

Json RecoverFileToJson(const FileOutcome& f) {
  Json item = {
      {"status", std::string(RecoverStatusName(f.status))},
      {"family", NullIfEmpty(f.family)},
      {"decryptor", NullIfEmpty(f.decryptor)},
      {"verified_as", NullIfEmpty(f.verified_as)},
      {"verified_by", std::string(VerifiedByName(f.verified_by))},
      {"detail", f.detail.id == MessageId::kCount ? std::string()
                                                  : RenderEnglish(f.detail)},
  };
  PutFileName(item, "path", f.path.string());
  PutFileName(item, "output", f.output.string(), /*null_if_empty=*/true);
  if (f.detail.id != MessageId::kCount) {
    item["message"] = MessageToJson(f.detail);
  }
  if (!f.variant.empty()) item["variant"] = f.variant;
  if (!f.key_source.empty()) item["key_source"] = f.key_source;
  return item;
}

Json RecoverSummaryToJson(const RecoverReport& report) {
  Json counts = Json::object();
  std::uint64_t files = 0;
  for (std::size_t i = 0; i < report.counts.size(); ++i) {
    counts[std::string(RecoverStatusName(static_cast<RecoverStatus>(i)))] =
        report.counts[i];
    files += report.counts[i];
  }
  // The recovered files by what their verification rests on (issue 16).
  Json verified_by = Json::object();
  for (VerifiedBy by :
       {VerifiedBy::kChecksum, VerifiedBy::kStructure, VerifiedBy::kNone}) {
    const auto index = static_cast<std::size_t>(by);
    verified_by[std::string(VerifiedByName(by))] =
        index < report.verified_by.size() ? report.verified_by[index] : 0;
  }
  Json keys = Json::array();
  for (const ReportedKey& k : report.keys) {
    Json key = {
        {"decryptor", k.decryptor},
        {"key", k.key_hex},
        {"source", k.source},
        {"detail", k.detail.id == MessageId::kCount ? std::string()
                                                    : RenderEnglish(k.detail)}};
    // As for files: the detail in English, and as a message for the other
    // languages (absent when there is nothing to say).
    if (k.detail.id != MessageId::kCount) {
      key["message"] = MessageToJson(k.detail);
    }
    keys.push_back(std::move(key));
  }
  return {{"files", files},
          {"counts", std::move(counts)},
          {"verified_by", std::move(verified_by)},
          {"keys", std::move(keys)},
          {"bytes_written", report.bytes_written},
          {"dry_run", report.dry_run},
          {"interrupted", report.cancelled},
          {"symlinks_skipped", report.symlinks_skipped},
          {"duplicates_skipped", report.duplicates_skipped}};
}

// `text` (a dump indented by two) with every line after the first indented
// by `spaces` more: how a value sits inside the document around it.
std::string Indented(const std::string& text, std::size_t spaces) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    out += c;
    if (c == '\n') out.append(spaces, ' ');
  }
  return out;
}

}  // namespace

RecoverJsonWriter::RecoverJsonWriter(std::function<void(std::string_view)> out)
    : out_(std::move(out)) {}

void RecoverJsonWriter::File(const FileOutcome& file) {
  out_(files_ == 0 ? "{\n  \"files\": [\n    " : ",\n    ");
  out_(Indented(Dump(RecoverFileToJson(file)), 4));
  ++files_;
}

void RecoverJsonWriter::Finish(const RecoverReport& report) {
  out_(files_ == 0 ? "{\n  \"files\": []" : "\n  ]");
  out_(",\n  \"summary\": ");
  out_(Indented(Dump(RecoverSummaryToJson(report)), 2));
  out_("\n}");
}

void RecoverJsonWriter::Fail(const Status& status) {
  out_(files_ == 0 ? "{\n  \"files\": []" : "\n  ]");
  out_(",\n  \"error\": ");
  const Json error = {{"code", std::string(StatusCodeName(status.code()))},
                      {"message", status.message()}};
  out_(Indented(Dump(error), 2));
  out_("\n}");
}

std::string RecoverReportJson(const RecoverReport& report) {
  std::string json;
  RecoverJsonWriter writer([&json](std::string_view part) { json += part; });
  for (const FileOutcome& f : report.files) writer.File(f);
  writer.Finish(report);
  return json;
}

}  // namespace kintsugi

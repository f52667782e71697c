// The one adapter between the reports and their JSON (kintsugi/report_json.h,
// docs/cli.md). Other tools and tests depend on these exact shapes; the
// schema tests in report_json_test.cpp list every key.

#include "kintsugi/report_json.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string_view>

#include "core/utf8.h"
#include "kintsugi/message.h"
#include "messages/render.h"
#include "report_json/json_writer.h"

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
  // ASCII (most names) eight bytes at a time.
  std::size_t ascii = 0;
  for (; ascii + 8 <= text.size(); ascii += 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, text.data() + ascii, sizeof w);
    if ((w & 0x8080808080808080ULL) != 0) break;
  }
  for (std::size_t i = ascii; i < text.size();) {
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

// a < b by bytes, as std::map orders keys; the first bytes mostly decide.
bool NameLess(const std::string& a, const std::string& b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) {
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  }
  return a < b;
}

// {"args": {"line": 12, "pattern": ".eking"}, "id": "evidence.extension"};
// an argument made of messages is an array of such objects. Arguments in
// ascending name order (the last of equal names wins), as a map keeps them.
void WriteMessage(JsonWriter& out, const Message& message) {
  // Messages have a handful of arguments: sorted in place on the stack
  // (insertion sort, stable), a vector only past 16.
  constexpr std::size_t kInline = 16;
  std::array<const MessageArg*, kInline> inline_args{};
  std::vector<const MessageArg*> many;
  std::span<const MessageArg*> args;
  if (message.args.size() <= kInline) {
    args = std::span(inline_args.data(), message.args.size());
  } else {
    many.resize(message.args.size());
    args = many;
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const MessageArg* arg = &message.args[i];
    std::size_t k = i;
    for (; k > 0 && NameLess(arg->name, args[k - 1]->name); --k) {
      args[k] = args[k - 1];
    }
    args[k] = arg;
  }
  out.BeginObject();
  out.Key("args");
  out.BeginObject();
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i + 1 < args.size() && args[i + 1]->name == args[i]->name) continue;
    out.Key(args[i]->name);
    if (const auto* text = std::get_if<std::string>(&args[i]->value)) {
      out.String(*text);
    } else if (const auto* n = std::get_if<std::int64_t>(&args[i]->value)) {
      out.Int(*n);
    } else {
      out.BeginArray();
      for (const Message& m : std::get<std::vector<Message>>(args[i]->value)) {
        WriteMessage(out, m);
      }
      out.EndArray();
    }
  }
  out.EndObject();
  out.Key("id");
  out.String(MessageIdName(message.id));
  out.EndObject();
}

// The same as a document, for the reports still built as one (recover's).
Json MessageToJson(const Message& message) {
  JsonWriter out(-1, 256);
  WriteMessage(out, message);
  return Json::parse(out.Take());
}

// A file name as PutFileName puts it, with the writer: "source" and, only
// when needed, "source_bytes" (the caller is at that point of its keys).
void WriteFileName(JsonWriter& out, std::string_view key,
                   const std::string& name) {
  out.Key(key);
  out.String(name);
  if (!IsValidUtf8(name)) {
    out.Key(std::string(key) + "_bytes");
    out.String(Base64(name));
  }
}

// `scratch`: a buffer to render English into, reused from one piece of
// evidence to the next.
void WriteEvidence(JsonWriter& out, const identify::Evidence& e,
                   std::string& scratch) {
  out.BeginObject();
  out.Key("detail");
  scratch.clear();
  RenderTo(scratch, e.detail, MessageCatalog::English());
  out.String(scratch);
  out.Key("kind");
  out.String(identify::EvidenceKindName(e.kind));
  out.Key("message");
  WriteMessage(out, e.detail);
  WriteFileName(out, "source", e.source);
  out.EndObject();
}

void WriteEvidenceList(JsonWriter& out,
                       const std::vector<identify::Evidence>& list) {
  out.BeginArray();
  std::string scratch;
  scratch.reserve(256);
  for (const identify::Evidence& e : list) WriteEvidence(out, e, scratch);
  out.EndArray();
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
  // Written directly (json_writer.h), each object's keys in ascending
  // order: the portal writes one per request.
  JsonWriter out(indent, 16384);
  out.BeginObject();
  out.Key("candidates");
  out.BeginArray();
  for (const identify::Candidate& c : report.candidates) {
    out.BeginObject();
    out.Key("evidence");
    WriteEvidenceList(out, c.evidence);
    out.Key("family");
    out.String(c.family);
    out.Key("name");
    out.String(c.name);
    out.Key("recovery");
    out.BeginObject();
    out.Key("available");
    out.Bool(DecryptorBuilt(c.decryptor));
    out.Key("decryptor");
    out.StringOrNull(c.decryptor);
    out.Key("needs");
    out.Strings(c.needs);
    out.Key("possible");
    out.String(kb::RecoveryPossibleName(c.recovery));
    out.EndObject();
    out.Key("related");
    out.Strings(c.related);
    // Scores with 3 decimals: stable output for golden tests.
    out.Key("score");
    out.Double(
        static_cast<double>(static_cast<long long>(c.score * 1000.0 + 0.5)) /
        1000.0);
    out.EndObject();
  }
  out.EndArray();
  if (report.group.has_value()) {
    const identify::GroupFinding& g = *report.group;
    out.Key("group");
    out.BeginObject();
    out.Key("candidates");
    out.Strings(g.candidates);
    if (const auto why = identify::ExplainGroup(report)) {
      out.Key("explanation");
      out.String(RenderEnglish(*why));
      out.Key("explanation_message");
      WriteMessage(out, *why);
    }
    out.Key("favoured");
    out.StringOrNull(g.favoured);
    out.Key("id");
    out.String(g.id);
    out.Key("kind");
    out.String(g.kind);
    out.Key("members");
    out.Strings(g.members);
    out.Key("name");
    out.String(g.name);
    out.Key("separating_evidence");
    WriteEvidenceList(out, g.separating);
    out.Key("shares");
    out.String(g.shares);
    out.EndObject();
  }
  out.Key("inputs");
  out.BeginArray();
  for (const identify::InputSummary& in : report.inputs) {
    out.BeginObject();
    if (!in.allow_listed.empty()) {
      out.Key("allow_listed");
      out.String(in.allow_listed);
    }
    out.Key("description");
    out.String(RenderEnglish(in.description));
    out.Key("description_message");
    WriteMessage(out, in.description);
    out.Key("indicators");
    out.BeginArray();
    for (const auto& [kind, value] : in.indicators) {
      out.BeginObject();
      out.Key("kind");
      out.String(kind);
      out.Key("value");
      out.String(value);
      out.EndObject();
    }
    out.EndArray();
    out.Key("kind");
    out.String(identify::InputKindName(in.kind));
    WriteFileName(out, "source", in.source);
    out.EndObject();
  }
  for (const UnreadInput& f : unread) {
    out.BeginObject();
    out.Key("error");
    out.BeginObject();
    out.Key("code");
    out.String(StatusCodeName(f.status.code()));
    out.Key("message");
    out.String(f.status.message());
    out.EndObject();
    out.Key("kind");
    out.String("unread");
    WriteFileName(out, "source", f.source);
    out.EndObject();
  }
  out.EndArray();
  out.Key("named");
  out.Uint(report.named);
  if (!report.unattributed.empty()) {
    out.Key("unattributed_evidence");
    WriteEvidenceList(out, report.unattributed);
  }
  out.Key("verdict");
  out.String(identify::VerdictName(report.verdict));
  out.EndObject();
  return out.Take();
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
  if (f.status == RecoverStatus::kPartial && !f.lost.empty()) {
    // Issue 17: what was recovered and what was lost, byte-exact (absent
    // when a rerun found the output done: that run does not know it).
    Json ranges = Json::array();
    for (const ByteRange& range : f.lost.ranges) {
      ranges.push_back({{"offset", range.offset}, {"length", range.length}});
    }
    // The original's accounting: `size` is the output's size plus the
    // tail a truncated file no longer holds (`bytes_missing`, also in
    // `bytes_lost`).
    const std::uint64_t inside = std::min(
        f.lost.total - std::min(f.lost.missing, f.lost.total), f.output_size);
    item["partial"] = {{"size", f.output_size + f.lost.missing},
                       {"bytes_recovered", f.output_size - inside},
                       {"bytes_lost", inside + f.lost.missing},
                       {"bytes_missing", f.lost.missing},
                       {"lost_ranges", std::move(ranges)},
                       {"lost_range_count", f.lost.range_count}};
  }
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
    // The IV beside the key where the scheme has one apart (Akira).
    if (!k.iv_hex.empty()) key["iv"] = k.iv_hex;
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

// The one adapter between the reports and their JSON (kintsugi/report_json.h,
// docs/cli.md). Other tools and tests depend on these exact shapes; the
// schema tests in report_json_test.cpp list every key.

#include "kintsugi/report_json.h"

#include <algorithm>
#include <nlohmann/json.hpp>

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
  return {{"kind", std::string(identify::EvidenceKindName(e.kind))},
          {"detail", RenderEnglish(e.detail)},
          {"message", MessageToJson(e.detail)},
          {"source", e.source}};
}

}  // namespace

std::string IdentifyReportJson(const identify::Report& report,
                               const std::vector<UnreadInput>& unread) {
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
    Json item = {{"source", in.source},
                 {"kind", identify::InputKindName(in.kind)},
                 {"description", RenderEnglish(in.description)},
                 {"description_message", MessageToJson(in.description)},
                 {"indicators", std::move(indicators)}};
    if (!in.allow_listed.empty()) item["allow_listed"] = in.allow_listed;
    inputs.push_back(std::move(item));
  }
  for (const UnreadInput& f : unread) {
    inputs.push_back({{"source", f.source},
                      {"kind", "unread"},
                      {"error",
                       {{"code", std::string(StatusCodeName(f.status.code()))},
                        {"message", f.status.message()}}}});
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
  return Dump(out);
}

std::string RecoverReportJson(const RecoverReport& report) {
  Json files = Json::array();
  for (const FileOutcome& f : report.files) {
    Json item = {
        {"path", f.path.string()},
        {"status", std::string(RecoverStatusName(f.status))},
        {"family", NullIfEmpty(f.family)},
        {"decryptor", NullIfEmpty(f.decryptor)},
        {"output", NullIfEmpty(f.output.string())},
        {"verified_as", NullIfEmpty(f.verified_as)},
        {"detail", f.detail.id == MessageId::kCount ? std::string()
                                                    : RenderEnglish(f.detail)},
    };
    if (f.detail.id != MessageId::kCount) {
      item["message"] = MessageToJson(f.detail);
    }
    if (!f.variant.empty()) item["variant"] = f.variant;
    if (!f.key_source.empty()) item["key_source"] = f.key_source;
    files.push_back(std::move(item));
  }
  Json counts = Json::object();
  for (std::size_t i = 0; i < report.counts.size(); ++i) {
    counts[std::string(RecoverStatusName(static_cast<RecoverStatus>(i)))] =
        report.counts[i];
  }
  Json keys = Json::array();
  for (const ReportedKey& k : report.keys) {
    keys.push_back({{"decryptor", k.decryptor},
                    {"key", k.key_hex},
                    {"source", k.source},
                    {"detail", k.detail}});
  }
  return Dump({{"files", std::move(files)},
               {"summary",
                {{"files", report.files.size()},
                 {"counts", std::move(counts)},
                 {"keys", std::move(keys)},
                 {"bytes_written", report.bytes_written},
                 {"dry_run", report.dry_run},
                 {"interrupted", report.cancelled}}}});
}

}  // namespace kintsugi

// The CLI contract's JSON (issue #3, "CLI contract"): other tools and tests
// depend on this exact shape.

#include <nlohmann/json.hpp>

#include "kintsugi/identify.h"

namespace kintsugi::identify {
namespace {

nlohmann::json EvidenceToJson(const Evidence& e) {
  return {{"kind", e.kind}, {"detail", e.detail}, {"source", e.source}};
}

}  // namespace

nlohmann::json ReportToJson(const Report& report) {
  nlohmann::json candidates = nlohmann::json::array();
  for (const Candidate& c : report.candidates) {
    nlohmann::json evidence = nlohmann::json::array();
    for (const Evidence& e : c.evidence) evidence.push_back(EvidenceToJson(e));
    // Scores with 3 decimals: stable output for golden tests.
    const double score =
        static_cast<double>(static_cast<long long>(c.score * 1000.0 + 0.5)) /
        1000.0;
    candidates.push_back(
        {{"family", c.family},
         {"name", c.name},
         {"score", score},
         {"evidence", std::move(evidence)},
         {"recovery",
          {{"possible", kb::RecoveryPossibleName(c.recovery)},
           {"decryptor", c.decryptor.empty() ? nlohmann::json(nullptr)
                                             : nlohmann::json(c.decryptor)},
           {"needs", c.needs}}},
         {"related", c.related}});
  }
  nlohmann::json inputs = nlohmann::json::array();
  for (const InputSummary& in : report.inputs) {
    nlohmann::json indicators = nlohmann::json::array();
    for (const auto& [kind, value] : in.indicators) {
      indicators.push_back({{"kind", kind}, {"value", value}});
    }
    nlohmann::json item = {{"source", in.source},
                           {"kind", InputKindName(in.kind)},
                           {"description", in.description},
                           {"indicators", std::move(indicators)}};
    if (!in.allow_listed.empty()) item["allow_listed"] = in.allow_listed;
    inputs.push_back(std::move(item));
  }
  nlohmann::json out = {{"verdict", VerdictName(report.verdict)},
                        {"candidates", std::move(candidates)},
                        {"inputs", std::move(inputs)}};
  if (!report.unattributed.empty()) {
    nlohmann::json unattributed = nlohmann::json::array();
    for (const Evidence& e : report.unattributed) {
      unattributed.push_back(EvidenceToJson(e));
    }
    out["unattributed_evidence"] = std::move(unattributed);
  }
  return out;
}

}  // namespace kintsugi::identify

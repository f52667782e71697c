// The public entry point of the Petya Red key search
// (kintsugi/petya_red.h): reads the two sectors, runs the search, and says
// what was found in the user's words.

#include "kintsugi/petya_red.h"

#include <random>
#include <string>
#include <utility>

#include "core/stop_token.h"
#include "core/worker_pool.h"
#include "families/petya_red/key_search.h"

namespace kintsugi {

Result<PetyaRedReport> RecoverPetyaRedKey(ReadOnlyFileSystem& fs,
                                          const PetyaRedOptions& options) {
  petya_red::KeySearchOptions search;
  if (!options.key_pattern.empty()) {
    KINTSUGI_ASSIGN_OR_RETURN(search.pattern,
                              petya_red::ParseKeyPattern(options.key_pattern));
  }
  KINTSUGI_ASSIGN_OR_RETURN(
      const petya_red::VerificationTarget target,
      petya_red::ReadVerificationTarget(fs, options.image));
  search.seed = options.seed ? *options.seed
                             : (std::uint64_t{std::random_device()()} << 32) ^
                                   std::random_device()();
  if (options.on_key_search) {
    search.on_progress = [&options](const SearchProgress& p) {
      options.on_key_search({"petya-red", p.done, p.total});
    };
  }
  StopSource source =
      options.cancel != nullptr ? StopSource(options.cancel) : StopSource();
  WorkerPool pool(options.threads);
  KINTSUGI_ASSIGN_OR_RETURN(
      const petya_red::KeySearchResult result,
      petya_red::SearchKey(target, search, pool, source.token()));
  PetyaRedReport report;
  report.tested = result.tested;
  if (result.key) {
    const auto typed = petya_red::TypedKey(*result.key);
    report.key = std::string(typed.begin(), typed.end());
    report.outcome = {MessageId::kRecoverPetyaRedKeyFound,
                      {{"key", *report.key}}};
    ReportedKey key;
    key.decryptor = "petya-red";
    key.key_hex = *report.key;  // Characters to type, not hex (docs/cli.md).
    key.source = options.image.string();
    key.detail = report.outcome;
    report.report.keys.push_back(std::move(key));
  } else {
    report.outcome = {result.method == petya_red::SearchMethod::kExhaustive
                          ? MessageId::kRecoverPetyaRedPatternNotFound
                          : MessageId::kRecoverPetyaRedNotFound,
                      {{"tested", static_cast<std::int64_t>(result.tested)}}};
  }
  return report;
}

}  // namespace kintsugi

#include "scan/search_plan.h"

#include <algorithm>
#include <atomic>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/worker_pool.h"

namespace kintsugi::scan {

void PlanSearches(ReadOnlyFileSystem& source,
                  std::span<const recover::Decryptor* const> decryptors,
                  unsigned threads, const std::atomic<bool>* cancel,
                  ScanReport& report) {
  StopSource scan_stop(cancel);
  const StopToken stop = scan_stop.token();
  std::optional<WorkerPool> pool;
  for (FamilyVerdict& verdict : report.families) {
    if (stop.stop_requested()) return;
    if (std::find(verdict.needs.begin(), verdict.needs.end(), "seed-search") ==
        verdict.needs.end()) {
      continue;
    }
    const auto found = std::find_if(decryptors.begin(), decryptors.end(),
                                    [&](const recover::Decryptor* d) {
                                      return d->info().id == verdict.decryptor;
                                    });
    if (found == decryptors.end()) continue;
    std::vector<std::pair<Path, std::uint64_t>> files;
    for (const ScannedFile& file : report.files) {
      if (file.klass == ScanClass::kEncrypted &&
          file.decryptor == verdict.decryptor) {
        files.emplace_back(file.path, file.size);
      }
    }
    if (files.empty()) continue;
    if (!pool) pool.emplace(threads);
    // The search stops as soon as it has said its plan (or the scan is
    // stopped); a key it finds before is not used: a scan recovers
    // nothing.
    StopSource search_stop(cancel);  // Ctrl-C stops it too.
    std::optional<Message> plan;
    recover::RunInputs inputs;
    inputs.forced = true;
    inputs.file_count = files.size();
    inputs.for_each_file =
        [&files, &stop](const recover::RunInputs::FileVisitor& visit) {
          for (const auto& [path, size] : files) {
            if (stop.stop_requested()) return stop.status();
            KINTSUGI_RETURN_IF_ERROR(visit(path, size));
          }
          return Status::Ok();
        };
    inputs.search.stop = search_stop.token();
    inputs.search.on_plan = [&](const Message& message) {
      if (!plan) plan = message;
      search_stop.RequestCancel();
    };
    inputs.seed.pool = &*pool;
    auto run = (*found)->Prepare(source, inputs);
    (void)run;  // Cancelled, or done before it had a plan: either way only
                // the plan is wanted.
    verdict.search_plan = std::move(plan);
  }
}

}  // namespace kintsugi::scan

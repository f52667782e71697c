#pragma once

// A partner submission as JSON, one shape for `kintsugi partners
// submissions --json` and the partner API (docs/api.md, docs/cli.md).

#include <nlohmann/json.hpp>

#include "kintsugi/partners.h"

namespace kintsugi::partners {

// Every field of `s` but its content (never key bytes; a family's YAML is
// added by the API's one-submission answer): id, kind, state, organisation,
// submitter, case_reference, embargo_until, created, summary, family,
// key_count, reviewer, reviewer_organisation, reviewed, reason,
// embargo_lifted.
nlohmann::ordered_json SubmissionJson(const Submission& s);

}  // namespace kintsugi::partners

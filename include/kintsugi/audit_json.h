#pragma once

// An audit entry as JSON (docs/audit-log.md §5): a line of `kintsugi audit
// export`, and an entry of the partner area's audit view (/api/v1/partner/
// audit).

#include <nlohmann/json.hpp>

#include "kintsugi/audit.h"

namespace kintsugi {

// Every field, in the export's order: seq, time, actor, organisation,
// action, object, detail (the exact text hashed), prev_hash, hash (hex).
nlohmann::ordered_json AuditEntryJson(const AuditEntry& entry);

}  // namespace kintsugi

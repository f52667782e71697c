#pragma once

// The SQLite backend of the key store (include/kintsugi/store.h,
// OpenSqliteKeyStore). Internal: what its own tests need to see.

#include <span>

#include "kintsugi/status.h"
#include "kintsugi/store.h"

struct sqlite3;

namespace kintsugi::store {

// The schema this build writes and reads: schema_version's one row. A
// store of a higher version is refused (kUnsupported); a lower one is
// migrated on open, one step at a time (sqlite_store.cpp kMigrations).
// 1: the keys; 2: the audit log; 3: the partners.
inline constexpr int kSqliteSchemaVersion = 3;

// KeyStore::Import and Release on `db`, inside the caller's open
// transaction (BEGIN IMMEDIATE), with their checks and errors: so that
// another table of the file changes with the keys, or not at all (an
// approved submission, src/partners/).
Status SqliteImportKeys(sqlite3* db, std::span<const KeyRecord> records);
Status SqliteReleaseKeys(sqlite3* db, std::span<const KeyRecord> records);

}  // namespace kintsugi::store

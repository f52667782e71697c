#pragma once

// The SQLite backend of the key store (include/kintsugi/store.h,
// OpenSqliteKeyStore). Internal: what its own tests need to see.

namespace kintsugi::store {

// The schema this build writes and reads: schema_version's one row. A
// store of a higher version is refused (kUnsupported); a lower one is
// migrated on open, one step at a time (sqlite_store.cpp kMigrations).
inline constexpr int kSqliteSchemaVersion = 2;

}  // namespace kintsugi::store

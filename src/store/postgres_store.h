#pragma once

// The PostgreSQL backend of the key store (include/kintsugi/store.h,
// OpenPostgresKeyStore; docs/key-format.md §7). Internal: what its own tests
// need to see.

#include <cstdint>
#include <span>
#include <string>

#include "kintsugi/status.h"
#include "kintsugi/store.h"

struct pg_conn;

namespace kintsugi::store {

// The schema this build writes and reads: kintsugi.schema_version's one
// row. A database of a higher version is refused (kUnsupported); a lower one
// is migrated on open, one step at a time (postgres_store.cpp kMigrations).
// 1: the keys; 2: the audit log; 3: the partners.
inline constexpr int kPostgresSchemaVersion = 3;

// KeyStore::Import and Release on `conn`, inside the caller's open
// transaction, with their checks and errors: so that another table of the
// database changes with the keys, or not at all (an approved submission,
// src/partners/).
Status PgImportKeys(pg_conn* conn, std::span<const KeyRecord> records);
Status PgReleaseKeys(pg_conn* conn, std::span<const KeyRecord> records);

// The PostgreSQL schema (namespace) that holds the store's tables, so that
// the store can share a database with other programs.
inline constexpr const char* kPostgresSchema = "kintsugi";

// The transaction-level advisory lock (pg_advisory_xact_lock) that
// serialises the migrations of several portals opening one database at
// once: "Kintsugi" in ASCII.
inline constexpr std::int64_t kPostgresMigrationLock = 0x4b696e7473756769;

// `conninfo` with the password of a URL or a key=value string replaced by
// "***", for messages and logs. Other parts are kept as given.
std::string RedactConninfo(const std::string& conninfo);

// `message` with every password of `conninfo` (as written, and
// percent-decoded) and `password` (libpq's parsed value, may be empty)
// replaced by "***": libpq's own messages may quote a malformed part.
std::string ScrubPasswords(std::string message, const std::string& conninfo,
                           const std::string& password);

}  // namespace kintsugi::store

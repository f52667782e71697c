#pragma once

// The key store (issue 9): keys seized from criminal servers or released by
// their authors, looked up by victim ID, campaign or public-key fingerprint,
// or tried one after another for families whose files name no key.
//
// One interface, two backends (SQLite, embedded; PostgreSQL, for a portal
// on several machines); every backend passes the same conformance suite
// (src/store/store_conformance_test.cpp). Keys stay in SecretBytes from the
// store to the decryptor; no operation logs key bytes.
//
// A KeyStore is used by one thread at a time; open one per thread.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kintsugi/secret.h"
#include "kintsugi/status.h"

namespace kintsugi {

// What the key bytes are. The names (KeyTypeName) are stored and appear in
// key dumps (docs/key-format.md): append only, never rename.
enum class KeyType : std::uint8_t {
  kRsaPrivatePem,     // "rsa-private-pem": a PEM RSA private key, as text.
  kRsaPrivateDer,     // "rsa-private-der": the same key in DER.
  kX25519Private,     // "x25519-private": 32 raw bytes.
  kSymmetric,         // "symmetric": raw key bytes (AES, Salsa20, ...).
  kSeed,              // "seed": the input of a key derivation or PRNG.
  kSecp256k1Private,  // "secp256k1-private": 32 raw bytes, big-endian, a
                      // number from 1 to the group order less one.
  // "rsa-private-blob": an RSA-2048 private key as the 1,155-byte blob of
  // Chimera's leak, N‖E‖D‖P‖Q‖DP‖DQ‖QInv big-endian (recovery-schemes-2.md
  // §3.6; crypto/rsa_key_blob.h).
  kRsaPrivateBlob,
};

// The stable name of `type`, e.g. "rsa-private-pem".
std::string_view KeyTypeName(KeyType type);
// The type named `name`; kInvalidArgument for an unknown name.
Result<KeyType> ParseKeyType(std::string_view name);

// How a family's files point at their key. Stored names as for KeyType.
enum class HandleKind : std::uint8_t {
  kNone,         // "none": the files name no key; try every released one.
  kVictimId,     // "victim-id": a victim or personal ID.
  kCampaign,     // "campaign": a campaign or extension.
  kFingerprint,  // "fingerprint": a public-key fingerprint.
};

std::string_view HandleKindName(HandleKind kind);
Result<HandleKind> ParseHandleKind(std::string_view name);

// Whether a key may be used for public lookups.
enum class ReleaseState : std::uint8_t {
  kReleased,   // "released": usable by anyone.
  kEmbargoed,  // "embargoed": held back by law enforcement; never returned
               // by Lookup() or ForEachReleased(), only by Export().
};

std::string_view ReleaseStateName(ReleaseState state);
Result<ReleaseState> ParseReleaseState(std::string_view name);

// The key a file points at. `value` is empty exactly when `kind` is kNone.
struct KeyHandle {
  HandleKind kind = HandleKind::kNone;
  std::string value;

  bool operator==(const KeyHandle&) const = default;
};

// Where a key came from.
struct Provenance {
  std::string source;          // Who contributed it ("Europol EC3", ...).
  std::string case_reference;  // The contributor's case or dump name.
  std::string date;            // When it was obtained: YYYY-MM-DD, or empty.

  bool operator==(const Provenance&) const = default;
};

struct KeyRecord {
  std::string family;  // A family id of the knowledge base, e.g. "stop-djvu".
  KeyType key_type = KeyType::kSymmetric;
  KeyHandle handle;
  SecretBytes key;
  Provenance provenance;
  ReleaseState state = ReleaseState::kReleased;
  // Shipped with Kintsugi (BuiltinKeyStore()), not imported by anyone; no
  // other store sets it.
  bool built_in = false;
};

// How many keys a store holds, per family and release state.
struct KeyStoreStats {
  struct Row {
    std::string family;
    ReleaseState state = ReleaseState::kReleased;
    std::uint64_t count = 0;

    bool operator==(const Row&) const = default;
  };
  std::vector<Row> rows;  // By family, released before embargoed; no
                          // zero rows.

  std::uint64_t Total() const;
};

// Checks what every backend refuses before storing `record`:
// kInvalidArgument for an empty or over-long family (limits in
// src/store/store.cpp), a handle whose value is empty for a kind other than
// kNone or set for kNone, an empty or over-long key, or a date not of the
// form YYYY-MM-DD. Does not parse the key: the importer checks that.
Status ValidateKeyRecord(const KeyRecord& record);

// Receives the records of a scan one at a time; a non-OK Status stops the
// scan and is returned by it. It may call Lookup() on the same store; it
// must not import into it or start another scan of it.
using KeyVisitor = std::function<Status(const KeyRecord&)>;

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  // Stores every record of `records` in one transaction, or none of them.
  // kInvalidArgument ("record N: ...") if one fails ValidateKeyRecord;
  // kAlreadyExists ("record N: ...") if one repeats another of the batch or
  // a stored key (same family, handle and key bytes, whatever its
  // provenance or state).
  virtual Status Import(std::span<const KeyRecord> records) = 0;

  // The released keys of `family` stored under exactly `handle` (several
  // keys may share one handle); empty when there are none. Embargoed keys
  // are never returned.
  virtual Result<std::vector<KeyRecord>> Lookup(std::string_view family,
                                                const KeyHandle& handle) = 0;

  // Visits every released key of `family` (whatever its handle), for the
  // families whose files name no key, without holding them all in memory.
  virtual Status ForEachReleased(std::string_view family,
                                 const KeyVisitor& visit) = 0;

  virtual Result<KeyStoreStats> Stats() = 0;

  // Visits every stored key, embargoed ones included, in the order they
  // were imported: for `kintsugi keys export` and backups.
  virtual Status Export(const KeyVisitor& visit) = 0;

  // Marks the stored keys that `records` name (same family, handle and key
  // bytes; their provenance and state are ignored) released, in one
  // transaction, or none of them: when an embargo ends
  // (partners::Partners::LiftEmbargoes). A key released already stays so.
  // kInvalidArgument ("record N: ...") as Import for a malformed record;
  // kNotFound ("record N: ...") for one that names no stored key. Stores
  // that cannot be written (a key server) answer kUnsupported, the default.
  virtual Status Release(std::span<const KeyRecord> records);
};

// The released keys built into Kintsugi (kb/keys/released.csv, embedded at
// build time; docs/key-format.md §8), e.g. TeslaCrypt 3.x/4.x's master key,
// which its operators published: every installation has them, with no
// `keys import`. A read-only store in memory whose records are built_in:
// Import() and Release() are kUnsupported; Lookup(), ForEachReleased(),
// Stats() and Export() read the embedded keys. Unlike other stores it may be
// used by several threads at once (nothing in it changes). kCorrupt when the
// embedded dump does not read as one (a defect of the build, which a test
// catches).
Result<std::shared_ptr<KeyStore>> BuiltinKeyStore();

// Whether opening a key store that does not exist creates it: an import
// does; reading commands (stats, export, lookups) must not leave an empty
// store behind as a side effect.
enum class KeyStoreCreation : std::uint8_t {
  kCreateIfMissing,
  kMustExist,  // kNotFound when there is none; nothing is created.
};

// Opens the SQLite key store at `path`, creating it (mode 0600, and its
// folder 0700 when it has to be made) if it does not exist and `creation`
// allows, and brings its schema up to date. kNotFound for a missing store
// under kMustExist; kUnsupported for a store written by a newer Kintsugi;
// kCorrupt for a file that is not an SQLite database or is damaged;
// kInvalidArgument for an SQLite database that is not a key store.
Result<std::unique_ptr<KeyStore>> OpenSqliteKeyStore(
    const std::string& path,
    KeyStoreCreation creation = KeyStoreCreation::kCreateIfMissing);

// Opens the PostgreSQL key store that `conninfo` names (a libpq connection
// string: a postgresql:// URL or key=value pairs; passwords may also come
// from PGPASSWORD or ~/.pgpass), creating its tables in the schema
// "kintsugi" and bringing them up to date; several processes may open one
// database at once (docs/key-format.md §7). Text fields must be UTF-8
// without NUL bytes (kInvalidArgument). Errors name the server and database,
// never the password: kInvalidArgument for a malformed string or a database
// whose kintsugi schema is not a key store, kUnavailable for a server that
// cannot be reached, kUnauthenticated for refused credentials, kNotFound for
// a database that does not exist, kUnsupported for a store written by a
// newer Kintsugi.
Result<std::unique_ptr<KeyStore>> OpenPostgresKeyStore(
    const std::string& conninfo);

// Whether `db` names a PostgreSQL store: it starts with "postgresql://" or
// "postgres://". Anything else is the path of an SQLite file (libpq's
// key=value strings are not recognised here: a path may contain "=").
bool IsPostgresKeyStoreUrl(std::string_view db);

// Opens the store `db` names: OpenPostgresKeyStore for a PostgreSQL URL
// (the database must exist, whatever `creation` says), else
// OpenSqliteKeyStore with `creation`.
Result<std::unique_ptr<KeyStore>> OpenKeyStore(
    const std::string& db,
    KeyStoreCreation creation = KeyStoreCreation::kCreateIfMissing);

// `db` as it may be shown to users and logs: a URL's password replaced by
// "***".
std::string KeyStoreDisplayName(const std::string& db);

}  // namespace kintsugi

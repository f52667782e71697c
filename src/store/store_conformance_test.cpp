// The behaviour every KeyStore backend must have, written once and run
// against each (store_test_env.h), as the FileSystem conformance suite is.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/testing/status_matchers.h"
#include "kintsugi/store.h"
#include "store/store_test_env.h"
#include "store/testing/postgres_test_env.h"

namespace kintsugi::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

SecretBytes Key(const std::string& text) {
  return SecretBytes(ByteView(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

KeyRecord Record(const std::string& family, HandleKind kind,
                 const std::string& handle, const std::string& key,
                 ReleaseState state = ReleaseState::kReleased) {
  KeyRecord record;
  record.family = family;
  record.key_type = KeyType::kSymmetric;
  record.handle = {kind, handle};
  record.key = Key(key);
  record.provenance = {"test seizure", "case-1", "2024-02-20"};
  record.state = state;
  return record;
}

KeyRecord Victim(const std::string& handle, const std::string& key,
                 ReleaseState state = ReleaseState::kReleased) {
  return Record("stop-djvu", HandleKind::kVictimId, handle, key, state);
}

KeyRecord Anonymous(const std::string& key,
                    ReleaseState state = ReleaseState::kReleased) {
  return Record("babuk-nas", HandleKind::kNone, "", key, state);
}

// What a test compares: every field, the key's bytes included.
struct Seen {
  std::string family;
  KeyType key_type;
  KeyHandle handle;
  std::string key;
  Provenance provenance;
  ReleaseState state;

  bool operator==(const Seen&) const = default;
  friend void PrintTo(const Seen& seen, std::ostream* out) {
    *out << seen.family << "/" << HandleKindName(seen.handle.kind) << ":"
         << seen.handle.value << " key=" << seen.key << " "
         << ReleaseStateName(seen.state);
  }
};

Seen See(const KeyRecord& record) {
  const ByteView key = record.key.view();
  return Seen{record.family,     record.key_type,
              record.handle,     std::string(key.begin(), key.end()),
              record.provenance, record.state};
}

std::vector<Seen> See(const std::vector<KeyRecord>& records) {
  std::vector<Seen> seen;
  for (const KeyRecord& record : records) seen.push_back(See(record));
  return seen;
}

template <typename Env>
class KeyStoreConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if constexpr (Env::kNeedsPostgres) {
      KINTSUGI_POSTGRES_CLUSTER_OR_SKIP(cluster);
      ASSERT_THAT(env_.Prepare(*cluster), IsOk());
    }
    auto store = env_.Open();
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
  }
  KeyStore& store() { return *store_; }

  Status Import(const std::vector<KeyRecord>& records) {
    return store().Import(records);
  }
  std::vector<Seen> Lookup(const std::string& family, HandleKind kind,
                           const std::string& handle) {
    auto found = store().Lookup(family, {kind, handle});
    EXPECT_THAT(found, IsOk());
    return found ? See(*found) : std::vector<Seen>{};
  }
  std::vector<Seen> Released(const std::string& family) {
    std::vector<Seen> seen;
    EXPECT_THAT(store().ForEachReleased(family,
                                        [&seen](const KeyRecord& record) {
                                          seen.push_back(See(record));
                                          return Status::Ok();
                                        }),
                IsOk());
    return seen;
  }
  std::vector<Seen> Exported(KeyStore& from) {
    std::vector<Seen> seen;
    EXPECT_THAT(from.Export([&seen](const KeyRecord& record) {
      seen.push_back(See(record));
      return Status::Ok();
    }),
                IsOk());
    return seen;
  }
  std::vector<Seen> Exported() { return Exported(store()); }
  std::uint64_t Total() {
    auto stats = store().Stats();
    EXPECT_THAT(stats, IsOk());
    return stats ? stats->Total() : 0;
  }

  Env env_;
  std::unique_ptr<KeyStore> store_;
};

struct EnvNames {
  template <typename T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Envs = ::testing::Types<testing::SqliteEnv, testing::PostgresEnv>;
TYPED_TEST_SUITE(KeyStoreConformanceTest, Envs, EnvNames);

TYPED_TEST(KeyStoreConformanceTest, ANewStoreIsEmpty) {
  EXPECT_EQ(this->Total(), 0u);
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "x"), IsEmpty());
  EXPECT_THAT(this->Released("babuk-nas"), IsEmpty());
  EXPECT_THAT(this->Exported(), IsEmpty());
}

TYPED_TEST(KeyStoreConformanceTest, TheLargestKeyFits) {
  // 64 KiB of bytes that do not compress: more than a B-tree index entry
  // holds, so a backend must not index the key bytes themselves.
  std::string big(64 * 1024, '\0');
  std::uint32_t state = 1;
  for (char& c : big) {
    state = state * 1103515245u + 12345u;
    c = static_cast<char>(state >> 24);
  }
  const KeyRecord record = Victim("big", big);
  ASSERT_THAT(this->Import({record}), IsOk());
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "big"),
              ElementsAre(See(record)));
  EXPECT_THAT(this->Import({record}), StatusIs(StatusCode::kAlreadyExists));
}

TYPED_TEST(KeyStoreConformanceTest, LookupIsExact) {
  KeyRecord pem = Victim("abc", "key-abc");
  pem.key_type = KeyType::kRsaPrivatePem;
  pem.provenance = {"Europol", "op-x", ""};
  ASSERT_THAT(
      this->Import(
          {pem, Victim("abd", "key-abd"),
           Record("other", HandleKind::kVictimId, "abc", "key-other"),
           Record("stop-djvu", HandleKind::kCampaign, "abc", "key-campaign")}),
      IsOk());
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "abc"),
              ElementsAre(See(pem)));
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kCampaign, "abc"),
              ElementsAre(See(Record("stop-djvu", HandleKind::kCampaign, "abc",
                                     "key-campaign"))));
  // No prefix, case or neighbour matches.
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "ab"),
              IsEmpty());
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "ABC"),
              IsEmpty());
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "abc "),
              IsEmpty());
  EXPECT_THAT(this->Lookup("stop-djv", HandleKind::kVictimId, "abc"),
              IsEmpty());
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kFingerprint, "abc"),
              IsEmpty());
}

TYPED_TEST(KeyStoreConformanceTest, SeveralKeysMayShareAHandle) {
  ASSERT_THAT(this->Import({Victim("id", "first"), Victim("id", "second")}),
              IsOk());
  EXPECT_THAT(
      this->Lookup("stop-djvu", HandleKind::kVictimId, "id"),
      ElementsAre(See(Victim("id", "first")), See(Victim("id", "second"))));
}

TYPED_TEST(KeyStoreConformanceTest, KeysKeepEveryByte) {
  // Key bytes are binary: NULs and high bytes survive the round trip.
  const std::string binary("\x00\xff\x01\x80\x00", 5);
  KeyRecord record = Anonymous(binary);
  record.key_type = KeyType::kX25519Private;
  ASSERT_THAT(this->Import({record}), IsOk());
  EXPECT_THAT(this->Released("babuk-nas"), ElementsAre(See(record)));
}

TYPED_TEST(KeyStoreConformanceTest, EmbargoedKeysAreNeverLookedUp) {
  const KeyRecord held = Victim("id", "held", ReleaseState::kEmbargoed);
  const KeyRecord open = Victim("id", "open");
  const KeyRecord held_any = Anonymous("held-any", ReleaseState::kEmbargoed);
  const KeyRecord open_any = Anonymous("open-any");
  ASSERT_THAT(this->Import({held, open, held_any, open_any}), IsOk());
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "id"),
              ElementsAre(See(open)));
  EXPECT_THAT(this->Released("babuk-nas"), ElementsAre(See(open_any)));
  EXPECT_THAT(this->Released("stop-djvu"), ElementsAre(See(open)));
  // Only an export shows them.
  EXPECT_THAT(this->Exported(),
              ElementsAre(See(held), See(open), See(held_any), See(open_any)));
}

TYPED_TEST(KeyStoreConformanceTest, ReleasingMakesEmbargoedKeysLookedUp) {
  const KeyRecord held = Victim("id", "held", ReleaseState::kEmbargoed);
  const KeyRecord other = Victim("id", "other", ReleaseState::kEmbargoed);
  ASSERT_THAT(this->Import({held, other}), IsOk());
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "id"),
              IsEmpty());
  // Matched by family, handle and key bytes: the provenance and state the
  // caller passes do not matter.
  KeyRecord named = Victim("id", "held");
  named.provenance = {"someone else", "", ""};
  ASSERT_THAT(this->store().Release(std::vector<KeyRecord>{named}), IsOk());
  KeyRecord released = held;
  released.state = ReleaseState::kReleased;
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "id"),
              ElementsAre(See(released)));
  // Releasing it again changes nothing; the other key stays embargoed.
  ASSERT_THAT(this->store().Release(std::vector<KeyRecord>{named}), IsOk());
  EXPECT_THAT(this->Exported(), ElementsAre(See(released), See(other)));
}

TYPED_TEST(KeyStoreConformanceTest, ReleasingAnUnknownKeyReleasesNothing) {
  const KeyRecord held = Victim("id", "held", ReleaseState::kEmbargoed);
  ASSERT_THAT(this->Import({held}), IsOk());
  for (const KeyRecord& unknown :
       {Victim("id", "other"), Victim("id2", "held"),
        Record("babuk-nas", HandleKind::kVictimId, "id", "held")}) {
    const Status status =
        this->store().Release(std::vector<KeyRecord>{held, unknown});
    EXPECT_THAT(status, StatusIs(StatusCode::kNotFound));
    EXPECT_THAT(status.message(), HasSubstr("record 2"));
  }
  KeyRecord invalid = held;
  invalid.family.clear();
  EXPECT_THAT(this->store().Release(std::vector<KeyRecord>{held, invalid}),
              StatusIs(StatusCode::kInvalidArgument));
  // All or nothing: the first record of each batch stayed embargoed.
  EXPECT_THAT(this->Exported(), ElementsAre(See(held)));
  EXPECT_THAT(this->store().Release({}), IsOk());
}

TYPED_TEST(KeyStoreConformanceTest, OnlyEmbargoedKeysLookLikeNone) {
  ASSERT_THAT(this->Import({Victim("id", "held", ReleaseState::kEmbargoed)}),
              IsOk());
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "id"),
              IsEmpty());
}

TYPED_TEST(KeyStoreConformanceTest, ForEachReleasedVisitsOneFamily) {
  ASSERT_THAT(
      this->Import({Anonymous("k1"), Victim("id", "k2"), Anonymous("k3")}),
      IsOk());
  EXPECT_THAT(this->Released("babuk-nas"),
              ElementsAre(See(Anonymous("k1")), See(Anonymous("k3"))));
}

TYPED_TEST(KeyStoreConformanceTest, AVisitorErrorStopsTheScan) {
  ASSERT_THAT(this->Import({Anonymous("k1"), Anonymous("k2"), Anonymous("k3")}),
              IsOk());
  int visited = 0;
  EXPECT_THAT(this->store().ForEachReleased(
                  "babuk-nas",
                  [&visited](const KeyRecord&) {
                    ++visited;
                    return visited == 2 ? CancelledError("enough")
                                        : Status::Ok();
                  }),
              StatusIs(StatusCode::kCancelled));
  EXPECT_EQ(visited, 2);
  // The store is usable afterwards, and a new scan starts from the top.
  EXPECT_EQ(this->Released("babuk-nas").size(), 3u);
  visited = 0;
  EXPECT_THAT(this->store().Export([&visited](const KeyRecord&) {
    ++visited;
    return CancelledError("stop");
  }),
              StatusIs(StatusCode::kCancelled));
  EXPECT_EQ(visited, 1);
  EXPECT_EQ(this->Exported().size(), 3u);
}

TYPED_TEST(KeyStoreConformanceTest, AVisitorMayLookKeysUp) {
  // store.h: a scan's visitor may call Lookup() on the same store.
  ASSERT_THAT(
      this->Import({Anonymous("k1"), Anonymous("k2"), Victim("id", "k3")}),
      IsOk());
  int found = 0;
  EXPECT_THAT(this->store().ForEachReleased(
                  "babuk-nas",
                  [this, &found](const KeyRecord&) {
                    auto keys = this->store().Lookup(
                        "stop-djvu", {HandleKind::kVictimId, "id"});
                    if (!keys) return keys.status();
                    found += static_cast<int>(keys->size());
                    return Status::Ok();
                  }),
              IsOk());
  EXPECT_EQ(found, 2);
}

TYPED_TEST(KeyStoreConformanceTest, ScansKeepImportOrderOverManyKeys) {
  // More keys than a backend reads at once (the PostgreSQL cursor's batch).
  std::vector<KeyRecord> records;
  for (int i = 0; i < 600; ++i) {
    records.push_back(Anonymous("key-" + std::to_string(599 - i)));
  }
  ASSERT_THAT(this->Import(records), IsOk());
  std::vector<Seen> expected;
  for (const KeyRecord& record : records) expected.push_back(See(record));
  EXPECT_EQ(this->Released("babuk-nas"), expected);
  EXPECT_EQ(this->Exported(), expected);
}

TYPED_TEST(KeyStoreConformanceTest, AnInvalidRecordImportsNothing) {
  KeyRecord bad = Victim("", "key");  // A victim-id handle needs a value.
  const Status status =
      this->Import({Victim("a", "k1"), Victim("b", "k2"), bad});
  EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(status.message(), HasSubstr("record 3"));
  EXPECT_EQ(this->Total(), 0u);
  EXPECT_THAT(this->Lookup("stop-djvu", HandleKind::kVictimId, "a"), IsEmpty());
}

TYPED_TEST(KeyStoreConformanceTest, AFailedImportLeavesEarlierKeys) {
  ASSERT_THAT(this->Import({Victim("a", "k1")}), IsOk());
  EXPECT_THAT(this->Import({Victim("b", "k2"), Anonymous("")}),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(this->Exported(), ElementsAre(See(Victim("a", "k1"))));
  // And the store takes the next import.
  EXPECT_THAT(this->Import({Victim("b", "k2")}), IsOk());
  EXPECT_EQ(this->Total(), 2u);
}

TYPED_TEST(KeyStoreConformanceTest, ADuplicateWithinABatchImportsNothing) {
  const Status status =
      this->Import({Victim("a", "k1"), Victim("b", "k2"), Victim("a", "k1")});
  EXPECT_THAT(status, StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(status.message(), HasSubstr("record 3"));
  EXPECT_EQ(this->Total(), 0u);
}

TYPED_TEST(KeyStoreConformanceTest, ADuplicateOfAStoredKeyImportsNothing) {
  ASSERT_THAT(this->Import({Victim("a", "k1")}), IsOk());
  // Provenance and state do not make a key different.
  KeyRecord again = Victim("a", "k1", ReleaseState::kEmbargoed);
  again.provenance = {"someone else", "case-2", "2025-01-01"};
  EXPECT_THAT(this->Import({Victim("b", "k2"), again}),
              StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(this->Exported(), ElementsAre(See(Victim("a", "k1"))));
}

TYPED_TEST(KeyStoreConformanceTest, TheSameKeyUnderAnotherHandleIsNew) {
  EXPECT_THAT(
      this->Import({Victim("a", "k"), Victim("b", "k"),
                    Record("other", HandleKind::kVictimId, "a", "k"),
                    Record("stop-djvu", HandleKind::kCampaign, "a", "k"),
                    Anonymous("k")}),
      IsOk());
  EXPECT_EQ(this->Total(), 5u);
}

TYPED_TEST(KeyStoreConformanceTest, AnEmptyImportSucceeds) {
  EXPECT_THAT(this->Import({}), IsOk());
  EXPECT_EQ(this->Total(), 0u);
}

TYPED_TEST(KeyStoreConformanceTest, StatsCountPerFamilyAndState) {
  ASSERT_THAT(this->Import({Victim("a", "k1"), Victim("b", "k2"),
                            Victim("c", "k3", ReleaseState::kEmbargoed),
                            Anonymous("k4", ReleaseState::kEmbargoed)}),
              IsOk());
  ASSERT_OK_AND_ASSIGN(const KeyStoreStats stats, this->store().Stats());
  using Row = KeyStoreStats::Row;
  EXPECT_THAT(stats.rows,
              ElementsAre(Row{"babuk-nas", ReleaseState::kEmbargoed, 1},
                          Row{"stop-djvu", ReleaseState::kReleased, 2},
                          Row{"stop-djvu", ReleaseState::kEmbargoed, 1}));
  EXPECT_EQ(stats.Total(), 4u);
}

TYPED_TEST(KeyStoreConformanceTest, KeysOutliveTheConnection) {
  const KeyRecord held = Victim("a", "k1", ReleaseState::kEmbargoed);
  ASSERT_THAT(this->Import({held, Anonymous("k2")}), IsOk());
  this->store_.reset();
  ASSERT_OK_AND_ASSIGN(auto reopened, this->env_.Open());
  EXPECT_THAT(this->Exported(*reopened),
              ElementsAre(See(held), See(Anonymous("k2"))));
}

TYPED_TEST(KeyStoreConformanceTest, ReopeningMigratesNothingTwice) {
  ASSERT_THAT(this->Import({Victim("a", "k1")}), IsOk());
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(auto again, this->env_.Open());
    EXPECT_THAT(this->Exported(*again), ElementsAre(See(Victim("a", "k1"))));
  }
}

TYPED_TEST(KeyStoreConformanceTest, TwoConnectionsSeeEachOthersImports) {
  ASSERT_OK_AND_ASSIGN(auto second, this->env_.Open());
  ASSERT_THAT(this->Import({Victim("a", "k1")}), IsOk());
  ASSERT_OK_AND_ASSIGN(
      auto found, second->Lookup("stop-djvu", {HandleKind::kVictimId, "a"}));
  EXPECT_THAT(See(found), ElementsAre(See(Victim("a", "k1"))));
  // A duplicate is caught across connections too.
  std::vector<KeyRecord> again;
  again.push_back(Victim("a", "k1"));
  EXPECT_THAT(second->Import(again), StatusIs(StatusCode::kAlreadyExists));
}

TYPED_TEST(KeyStoreConformanceTest, EveryInvalidFieldIsRefused) {
  std::vector<KeyRecord> bad;
  bad.push_back(Record("", HandleKind::kVictimId, "a", "k"));
  bad.push_back(Record(std::string(65, 'f'), HandleKind::kVictimId, "a", "k"));
  bad.push_back(Record("f", HandleKind::kNone, "a", "k"));
  bad.push_back(Record("f", HandleKind::kCampaign, "", "k"));
  bad.push_back(Record("f", HandleKind::kVictimId, std::string(257, 'a'), "k"));
  bad.push_back(Record("f", HandleKind::kVictimId, "a", ""));
  bad.push_back(
      Record("f", HandleKind::kVictimId, "a", std::string(64 * 1024 + 1, 'k')));
  bad.push_back(Record("f", HandleKind::kVictimId, "a", "k"));
  bad.back().provenance.date = "20-02-2024";
  bad.push_back(Record("f", HandleKind::kVictimId, "a", "k"));
  bad.back().provenance.source = std::string(1025, 's');
  bad.push_back(Record("f", HandleKind::kVictimId, "a", "k"));
  bad.back().key_type = static_cast<KeyType>(99);
  bad.push_back(Record("f", HandleKind::kVictimId, "a", "k"));
  bad.back().state = static_cast<ReleaseState>(99);
  for (std::size_t i = 0; i < bad.size(); ++i) {
    SCOPED_TRACE(i);
    std::vector<KeyRecord> one;
    one.push_back(bad[i]);
    EXPECT_THAT(this->store().Import(one),
                StatusIs(StatusCode::kInvalidArgument));
  }
  EXPECT_EQ(this->Total(), 0u);
}

}  // namespace
}  // namespace kintsugi::store

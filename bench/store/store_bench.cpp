// The key store's speed (issue 9): how fast a dump's records go in, and how
// long an exact lookup takes in a store of a million keys, SQLite and
// PostgreSQL side by side. Targets: import at least 20,000 keys/s, a lookup
// well under a millisecond.
//
// Usage: store_bench [--benchmark_...]   (KINTSUGI_BENCH_STORE_KEYS=N sets
// the store's size, default 1,000,000; the SQLite file goes to $TMPDIR.
// PostgreSQL runs in a throw-away cluster (src/store/testing/
// postgres_cluster.h) on a Unix socket, fsync off as in the tests: the
// figures are the store's and libpq's, not a tuned server's disk.)

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "kintsugi/store.h"
#include "store/testing/postgres_cluster.h"

namespace kintsugi {
namespace {

std::uint64_t StoreKeys() {
  const char* n = std::getenv("KINTSUGI_BENCH_STORE_KEYS");
  return n != nullptr ? std::strtoull(n, nullptr, 10) : 1'000'000;
}

// A victim ID of the STOP/Djvu shape (40 characters), made from `i`.
std::string Handle(std::uint64_t i) {
  std::string id = "BENCH" + std::to_string(i);
  id.resize(40, 'x');
  return id;
}

KeyRecord Record(std::uint64_t i) {
  KeyRecord record;
  record.family = "stop-djvu";
  record.key_type = KeyType::kSymmetric;
  record.handle = KeyHandle{HandleKind::kVictimId, Handle(i)};
  Bytes key(32);
  for (std::size_t b = 0; b < key.size(); ++b) {
    key[b] = static_cast<std::uint8_t>((i >> (8 * (b % 8))) + b);
  }
  record.key = SecretBytes(std::move(key));
  record.provenance.source = "bench";
  return record;
}

std::filesystem::path TempStore(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  std::filesystem::path dir = tmp != nullptr ? tmp : "/tmp";
  return dir / ("kintsugi-store-bench-" + std::to_string(::getpid()) + "-" +
                name + ".sqlite");
}

void RemoveStore(const std::filesystem::path& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix, ec);  // Our file only.
  }
}

// A new, empty store of the benchmark's backend, and what removes it.
struct BenchStore {
  Result<std::unique_ptr<KeyStore>> store = InternalError("not opened");
  std::filesystem::path sqlite_file;  // Empty for PostgreSQL.
  ~BenchStore() {
    if (store) store->reset();
    if (!sqlite_file.empty()) RemoveStore(sqlite_file);
  }
};

void OpenSqlite(BenchStore& bench, const std::string& name) {
  bench.sqlite_file = TempStore(name);
  RemoveStore(bench.sqlite_file);
  bench.store = OpenSqliteKeyStore(bench.sqlite_file.string());
}

// One cluster for the whole run, stopped and removed at exit.
Result<store::testing::PostgresCluster*> Cluster() {
  static auto cluster = store::testing::PostgresCluster::Start();
  if (!cluster) return cluster.error();
  return cluster->get();
}

void OpenPostgres(BenchStore& bench, const std::string&) {
  auto cluster = Cluster();
  if (!cluster) {
    bench.store = cluster.error();
    return;
  }
  auto database = (*cluster)->CreateDatabase();
  if (!database) {
    bench.store = database.error();
    return;
  }
  bench.store = OpenPostgresKeyStore((*cluster)->Url(*database));
}

using Opener = void (*)(BenchStore&, const std::string&);

// Imports in batches of `range(0)` records (one transaction each).
void Import(benchmark::State& state, Opener open) {
  const auto batch = static_cast<std::uint64_t>(state.range(0));
  BenchStore bench;
  open(bench, "import");
  auto& store = bench.store;
  if (!store) {
    state.SkipWithError(store.error().ToString().c_str());
    return;
  }
  std::uint64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::vector<KeyRecord> records;
    records.reserve(batch);
    for (std::uint64_t i = 0; i < batch; ++i) records.push_back(Record(next++));
    state.ResumeTiming();
    if (Status s = (*store)->Import(records); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(next));
}
void BM_SqliteImport(benchmark::State& state) { Import(state, OpenSqlite); }
void BM_PostgresImport(benchmark::State& state) { Import(state, OpenPostgres); }
BENCHMARK(BM_SqliteImport)
    ->Arg(1000)
    ->Arg(50000)
    ->Unit(benchmark::kMillisecond);
// Wall time too: most of an import's work is in the server process.
BENCHMARK(BM_PostgresImport)
    ->Arg(1000)
    ->Arg(50000)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Exact lookups of random handles in a store of StoreKeys() keys.
void Lookup(benchmark::State& state, Opener open) {
  const std::uint64_t keys = StoreKeys();
  BenchStore bench;
  open(bench, "lookup");
  auto& store = bench.store;
  if (!store) {
    state.SkipWithError(store.error().ToString().c_str());
    return;
  }
  constexpr std::uint64_t kBatch = 50'000;
  for (std::uint64_t first = 0; first < keys; first += kBatch) {
    std::vector<KeyRecord> records;
    for (std::uint64_t i = first; i < std::min(keys, first + kBatch); ++i) {
      records.push_back(Record(i));
    }
    if (Status s = (*store)->Import(records); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
  }
  std::mt19937_64 random(1);
  std::uint64_t found = 0;
  for (auto _ : state) {
    const bool hit = random() % 2 == 0;  // Half the IDs are not stored.
    const std::uint64_t i = hit ? random() % keys : keys + random() % keys;
    auto result = (*store)->Lookup("stop-djvu",
                                   KeyHandle{HandleKind::kVictimId, Handle(i)});
    if (!result) {
      state.SkipWithError(result.error().ToString().c_str());
      break;
    }
    found += result->size();
    benchmark::DoNotOptimize(found);
  }
  state.counters["store_keys"] = static_cast<double>(keys);
}
void BM_SqliteLookup(benchmark::State& state) { Lookup(state, OpenSqlite); }
void BM_PostgresLookup(benchmark::State& state) { Lookup(state, OpenPostgres); }
BENCHMARK(BM_SqliteLookup)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PostgresLookup)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kintsugi

BENCHMARK_MAIN();

#pragma once

// The tests' side of the throw-away PostgreSQL cluster (postgres_cluster.h):
// one cluster per test binary, started by the first test that needs it and
// stopped when the tests end (a GoogleTest Environment); one fresh database
// per test. Without PostgreSQL the tests that need it are skipped, unless
// KINTSUGI_REQUIRE_POSTGRES=1 (CI sets it, .ci/run): then they fail, so that
// CI cannot pass by skipping them.

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "kintsugi/status.h"
#include "store/testing/postgres_cluster.h"

namespace kintsugi::store::testing {

// Whether KINTSUGI_REQUIRE_POSTGRES=1 is set.
inline bool PostgresRequired() {
  const char* value = std::getenv("KINTSUGI_REQUIRE_POSTGRES");
  return value != nullptr && std::string(value) == "1";
}

// Owns the binary's cluster; GoogleTest tears it down after the last test.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { cluster_.reset(); }

  Result<PostgresCluster*> Get() {
    if (!tried_) {
      tried_ = true;
      auto started = PostgresCluster::Start();
      if (started) {
        cluster_ = std::move(*started);
      } else {
        failure_ = started.error();
      }
    }
    if (cluster_ == nullptr) return failure_;
    return cluster_.get();
  }

 private:
  bool tried_ = false;
  std::unique_ptr<PostgresCluster> cluster_;
  Status failure_ = UnavailableError("the PostgreSQL cluster is stopped");
};

// The binary's cluster, started on the first call (from a test, on the
// main thread: the server dies with the thread that started it).
inline Result<PostgresCluster*> SharedPostgresCluster() {
  // Registered on first use; GoogleTest owns and deletes it.
  static PostgresEnvironment* const environment =
      static_cast<PostgresEnvironment*>(
          ::testing::AddGlobalTestEnvironment(new PostgresEnvironment));
  return environment->Get();
}

}  // namespace kintsugi::store::testing

// In a test body or SetUp(): declares `PostgresCluster* var`, the binary's
// cluster; without one, skips the test (fails it when
// KINTSUGI_REQUIRE_POSTGRES=1).
#define KINTSUGI_POSTGRES_CLUSTER_OR_SKIP(var)                              \
  ::kintsugi::store::testing::PostgresCluster* var = nullptr;               \
  do {                                                                      \
    auto kintsugi_cluster_ =                                                \
        ::kintsugi::store::testing::SharedPostgresCluster();                \
    if (!kintsugi_cluster_.ok()) {                                          \
      if (::kintsugi::store::testing::PostgresRequired()) {                 \
        FAIL() << "KINTSUGI_REQUIRE_POSTGRES=1 but no PostgreSQL cluster: " \
               << kintsugi_cluster_.error().ToString();                     \
      }                                                                     \
      GTEST_SKIP() << "no PostgreSQL cluster (set "                         \
                      "KINTSUGI_REQUIRE_POSTGRES=1 to fail instead): "      \
                   << kintsugi_cluster_.error().ToString();                 \
    }                                                                       \
    var = *kintsugi_cluster_;                                               \
  } while (0)

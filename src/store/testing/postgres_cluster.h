#pragma once

// A throw-away PostgreSQL cluster for the PostgreSQL key store's tests, the
// CLI's end-to-end tests and the store benchmark: initdb in a new
// /tmp/kpg-XXXXXX folder, the server on a Unix socket there (no TCP),
// everything stopped and removed after. PostgreSQL refuses to run as root:
// as root (CI), the folder is given to "nobody" and initdb and the server
// run as that user.
//
// Test-only (kintsugi_store_testing); no GoogleTest here, see
// postgres_test_env.h for the tests' side.

#include <sys/types.h>

#include <memory>
#include <string>

#include "kintsugi/status.h"

namespace kintsugi::store::testing {

class PostgresCluster {
 public:
  // Makes and starts a cluster and waits until it accepts connections.
  // kNotFound when no PostgreSQL server binaries are installed (the
  // highest /usr/lib/postgresql/*/bin, else `pg_config --bindir`, or
  // $KINTSUGI_POSTGRES_BINDIR); another code, with the server's log, when
  // they fail. The server is a child of the calling thread and dies with it
  // (PR_SET_PDEATHSIG), so a crashed test leaves no server behind.
  static Result<std::unique_ptr<PostgresCluster>> Start();

  // Stops the server at once (SIGQUIT, as `pg_ctl stop -m immediate`) and
  // removes the folder.
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // The folder that holds the data and the socket.
  const std::string& folder() const { return folder_; }

  // The URL of `database` for the superuser "kintsugi" over the socket:
  // postgresql://kintsugi@/DATABASE?host=FOLDER.
  std::string Url(const std::string& database) const;

  // Creates a new, empty database with a name of its own; its name.
  Result<std::string> CreateDatabase();

  // Runs `sql` in `database` as the superuser; the first column of the
  // first row as text ("" when there is none).
  Result<std::string> Query(const std::string& database,
                            const std::string& sql) const;

 private:
  PostgresCluster() = default;

  std::string folder_;
  pid_t server_ = -1;
  int databases_ = 0;
};

}  // namespace kintsugi::store::testing

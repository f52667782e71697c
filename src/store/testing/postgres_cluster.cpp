// The throw-away PostgreSQL cluster (postgres_cluster.h). The server runs as
// a direct child (not through pg_ctl) so that PR_SET_PDEATHSIG can stop it
// when the test process dies before its destructor runs.

#include "store/testing/postgres_cluster.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace kintsugi::store::testing {
namespace {

namespace stdfs = std::filesystem;

// How long the server may take to accept connections, and to stop.
constexpr auto kStartTimeout = std::chrono::seconds(60);
constexpr auto kStopTimeout = std::chrono::seconds(20);

bool IsExecutable(const stdfs::path& path) {
  return ::access(path.c_str(), X_OK) == 0;
}

bool HasServer(const stdfs::path& bindir) {
  return IsExecutable(bindir / "initdb") && IsExecutable(bindir / "postgres");
}

// "15" < "16", "9.6" < "10".
bool VersionLess(const std::string& a, const std::string& b) {
  return std::strtod(a.c_str(), nullptr) < std::strtod(b.c_str(), nullptr);
}

Result<stdfs::path> FindBindir() {
  if (const char* given = std::getenv("KINTSUGI_POSTGRES_BINDIR");
      given != nullptr && *given != '\0') {
    if (HasServer(given)) return stdfs::path(given);
    return NotFoundError(std::string("KINTSUGI_POSTGRES_BINDIR=") + given +
                         " holds no initdb and postgres");
  }
  std::vector<std::string> versions;
  std::error_code ec;
  for (const auto& entry :
       stdfs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (HasServer(entry.path() / "bin")) {
      versions.push_back(entry.path().filename().string());
    }
  }
  if (!versions.empty()) {
    std::sort(versions.begin(), versions.end(), VersionLess);
    return stdfs::path("/usr/lib/postgresql") / versions.back() / "bin";
  }
  if (FILE* pipe = ::popen("pg_config --bindir 2>/dev/null", "r")) {
    char line[4096] = {};
    const bool read = std::fgets(line, sizeof line, pipe) != nullptr;
    ::pclose(pipe);
    std::string bindir = read ? line : "";
    while (!bindir.empty() && (bindir.back() == '\n' || bindir.back() == ' ')) {
      bindir.pop_back();
    }
    if (!bindir.empty() && HasServer(bindir)) return stdfs::path(bindir);
  }
  return NotFoundError(
      "no PostgreSQL server binaries (initdb, postgres) in "
      "/usr/lib/postgresql/*/bin or pg_config --bindir: install the Debian "
      "package postgresql (scripts/install-deps)");
}

// Who runs the server: "nobody" when we are root, else ourselves.
struct RunAs {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Result<RunAs> ServerUser() {
  RunAs run_as;
  if (::geteuid() != 0) return run_as;
  const passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr) {
    return NotFoundError(
        "running as root, and there is no user \"nobody\" to run PostgreSQL "
        "as (it refuses root)");
  }
  run_as.switch_user = true;
  run_as.uid = nobody->pw_uid;
  run_as.gid = nobody->pw_gid;
  return run_as;
}

// The end of the cluster's log, for an error message. (stdio: g++ -O2's
// -Wnull-dereference misfires on istreambuf_iterator.)
std::string Tail(const stdfs::path& log) {
  std::string text;
  if (FILE* file = std::fopen(log.c_str(), "r")) {
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) {
      text.append(buffer, got);
    }
    std::fclose(file);
  }
  if (text.size() > 2000) text = "..." + text.substr(text.size() - 2000);
  return text;
}

// Forks a child that becomes `run_as`, sends its output to `log` and runs
// `argv`. With `die_with_parent`, the child gets SIGQUIT when the calling
// thread ends. Only async-signal-safe calls between fork and exec.
Result<pid_t> Spawn(const RunAs& run_as, const std::vector<std::string>& argv,
                    const stdfs::path& log, bool die_with_parent) {
  std::vector<std::string> args = argv;
  std::vector<char*> pointers;
  for (std::string& arg : args) pointers.push_back(arg.data());
  pointers.push_back(nullptr);
  const std::string log_path = log.string();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoToStatus(errno, "fork");
  if (pid == 0) {
    if (run_as.switch_user &&
        (::setgroups(0, nullptr) != 0 || ::setgid(run_as.gid) != 0 ||
         ::setuid(run_as.uid) != 0)) {
      ::_exit(126);
    }
    // After the user switch, which would clear it.
    if (die_with_parent &&
        (::prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || ::getppid() != parent)) {
      ::_exit(125);
    }
    const int fd = ::open(log_path.c_str(),
                          O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || null < 0 || ::dup2(null, 0) < 0 || ::dup2(fd, 1) < 0 ||
        ::dup2(fd, 2) < 0) {
      ::_exit(124);
    }
    ::execv(pointers[0], pointers.data());
    ::_exit(127);
  }
  return pid;
}

Status WaitForExit(pid_t pid, const std::string& what, const stdfs::path& log) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoToStatus(errno, "waitpid");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Status::Ok();
  return InternalError(what + " failed (status " + std::to_string(status) +
                       "): " + Tail(log));
}

std::string SocketConninfo(const std::string& folder,
                           const std::string& database) {
  return "host=" + folder + " user=kintsugi dbname=" + database;
}

}  // namespace

Result<std::unique_ptr<PostgresCluster>> PostgresCluster::Start() {
  KINTSUGI_ASSIGN_OR_RETURN(const stdfs::path bindir, FindBindir());
  KINTSUGI_ASSIGN_OR_RETURN(const RunAs run_as, ServerUser());
  // Short: a Unix socket path has at most ~107 bytes.
  std::string pattern = "/tmp/kpg-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return ErrnoToStatus(errno, "mkdtemp " + pattern);
  }
  std::unique_ptr<PostgresCluster> cluster(new PostgresCluster());
  cluster->folder_ = pattern;
  const stdfs::path folder = pattern;
  if (run_as.switch_user &&
      ::chown(folder.c_str(), run_as.uid, run_as.gid) != 0) {
    return ErrnoToStatus(errno, "chown " + folder.string());
  }
  const stdfs::path data = folder / "data";
  const stdfs::path log = folder / "server.log";
  KINTSUGI_ASSIGN_OR_RETURN(
      const pid_t initdb,
      Spawn(run_as,
            {(bindir / "initdb").string(), "-D", data.string(), "-A", "trust",
             "-U", "kintsugi", "--no-sync", "-E", "UTF8", "--locale=C"},
            log, /*die_with_parent=*/false));
  KINTSUGI_RETURN_IF_ERROR(WaitForExit(initdb, "initdb", log));
  KINTSUGI_ASSIGN_OR_RETURN(
      cluster->server_,
      Spawn(run_as,
            {(bindir / "postgres").string(), "-D", data.string(), "-k",
             folder.string(), "-c", "listen_addresses=", "-F"},
            log, /*die_with_parent=*/true));
  const std::string ping = SocketConninfo(folder.string(), "postgres");
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (PQping(ping.c_str()) != PQPING_OK) {
    int status = 0;
    if (::waitpid(cluster->server_, &status, WNOHANG) == cluster->server_) {
      cluster->server_ = -1;
      return InternalError("the PostgreSQL server stopped: " + Tail(log));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return DeadlineExceededError(
          "the PostgreSQL server did not accept connections: " + Tail(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cluster;
}

PostgresCluster::~PostgresCluster() {
  if (server_ > 0) {
    ::kill(server_, SIGQUIT);
    const auto deadline = std::chrono::steady_clock::now() + kStopTimeout;
    int status = 0;
    while (::waitpid(server_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(server_, SIGKILL);
        ::waitpid(server_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (!folder_.empty()) {
    std::error_code ignored;
    stdfs::remove_all(folder_, ignored);  // Our own mkdtemp folder only.
  }
}

std::string PostgresCluster::Url(const std::string& database) const {
  return "postgresql://kintsugi@/" + database + "?host=" + folder_;
}

Result<std::string> PostgresCluster::CreateDatabase() {
  const std::string name = "kintsugi_test_" + std::to_string(++databases_);
  KINTSUGI_RETURN_IF_ERROR(
      Query("postgres", "CREATE DATABASE " + name).status());
  return name;
}

Result<std::string> PostgresCluster::Query(const std::string& database,
                                           const std::string& sql) const {
  const std::string conninfo = SocketConninfo(folder_, database);
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
      PQconnectdb(conninfo.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return UnavailableError(std::string("connecting to the test cluster: ") +
                            PQerrorMessage(conn.get()));
  }
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexec(conn.get(), sql.c_str()), &PQclear);
  const ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return InternalError(sql + ": " + PQerrorMessage(conn.get()));
  }
  if (status == PGRES_TUPLES_OK && PQntuples(result.get()) > 0 &&
      PQnfields(result.get()) > 0) {
    return std::string(PQgetvalue(result.get(), 0, 0));
  }
  return std::string();
}

}  // namespace kintsugi::store::testing

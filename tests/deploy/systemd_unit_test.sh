#!/usr/bin/env bash
# deploy/systemd/kintsugi-portal@.service (issue 14; docs/deploy.md, "The
# systemd unit"), tested without a running systemd (none is PID 1 here):
#
# 1. `systemd-analyze verify` on the instance kintsugi-portal@PORT.service,
#    its ExecStart's binary path pointed at the built one: it must print
#    nothing. Without systemd-analyze (the `systemd` package,
#    scripts/install-deps) this part is skipped with a message, or fails
#    under KINTSUGI_REQUIRE_POSTGRES=1 (CI).
# 2. The unit's exact ExecStart, as systemd would run it: %i replaced by a
#    free port, ${KINTSUGI_DB} by the value in an EnvironmentFile the test
#    writes (an SQLite store of its own), split into words without a shell,
#    in an environment holding only that file's variables and what systemd
#    adds. /healthz answers; the unit's KillSignal stops it with exit 0
#    within its TimeoutStopSec.
# 3. RestartPreventExitStatus holds what `kintsugi serve` really exits with
#    for failures a restart cannot mend: an unknown option, a --listen that
#    is no ADDR:PORT, an empty ${KINTSUGI_DB}, a --kb that is no knowledge
#    base. An address in use (9) may mend, and must be restarted.
# 4. As root with mount and PID namespaces: the same command in an
#    approximation of the unit's sandbox: every mount read-only but the
#    SQLite store's folder (ProtectSystem=strict; stricter than
#    PrivateTmp's writable /tmp; with the PostgreSQL store the unit
#    expects, serve writes nothing at all), a
#    proc of the process's own PIDs only (ProtectProc=invisible,
#    ProcSubset=pid), an unprivileged user of no account with HOME=/
#    (DynamicUser), no capabilities and no new privileges. It must start,
#    answer /healthz and identify, and stop with exit 0: serve writes
#    nothing and needs nothing of /proc but its own. Not checked here (only
#    systemd applies them): the system-call filter, MemoryDenyWriteExecute,
#    RestrictAddressFamilies and the other kernel-level settings.
#
# Usage: systemd_unit_test.sh KINTSUGI_BINARY SOURCE_ROOT
set -euo pipefail

kintsugi=$(readlink -f "$1")
source_root=$(readlink -f "$2")
unit=$source_root/deploy/systemd/kintsugi-portal@.service

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

work=$(mktemp -d "${TMPDIR:-/tmp}/kintsugi-unit-XXXXXX")
declare -A started=()  # pid -> what it is
cleanup() {
  local pid
  for pid in "${!started[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"  # Our own mktemp folder only.
}
trap cleanup EXIT

# unit_value KEY: the value of the unit's one KEY= line (fails on none or
# several, which this test would not know how to read).
unit_value() {
  local lines
  lines=$(grep -E "^$1=" "$unit" || true)
  [ "$(grep -c . <<<"$lines")" -eq 1 ] ||
    fail "the unit should have exactly one $1= line: '$lines'"
  echo "${lines#*=}"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)

# ---- 1. systemd-analyze verify.
exec_start=$(unit_value ExecStart)
read -r -a words <<<"$exec_start"
installed_binary=${words[0]}
[[ "$installed_binary" == /* ]] ||
  fail "ExecStart's binary is no absolute path: $installed_binary"
if command -v systemd-analyze >/dev/null; then
  mkdir "$work/units"
  # Only the binary's path changes: verify checks that it exists.
  sed "s|^ExecStart=$installed_binary |ExecStart=$kintsugi |" "$unit" \
    >"$work/units/kintsugi-portal@.service"
  grep -q "^ExecStart=$kintsugi " "$work/units/kintsugi-portal@.service" ||
    fail "could not point ExecStart at the built binary"
  ln -s kintsugi-portal@.service "$work/units/kintsugi-portal@$port.service"
  verified=$(cd "$work/units" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify \
    --man=no "$work/units/kintsugi-portal@$port.service" 2>&1) ||
    fail "systemd-analyze verify failed: $verified"
  [ -z "$verified" ] || fail "systemd-analyze verify warns: $verified"
  echo "systemd-analyze verify: no warning"
elif [ "${KINTSUGI_REQUIRE_POSTGRES:-}" = 1 ]; then
  fail "no systemd-analyze (run scripts/install-deps: the systemd package)"
else
  echo "no systemd-analyze here (the systemd package, scripts/install-deps):" \
    "the unit is not verified"
fi

# ---- 2. ExecStart as systemd runs it.
# Only the specifiers and variables this test substitutes, no quoting (the
# words are split at whitespace, as systemd does for an unquoted line).
[[ "$exec_start" != *[\"\'\\]* ]] ||
  fail "ExecStart has quotes or escapes this test does not read: $exec_start"
others=$(sed -e 's/%i//g' -e 's/\${KINTSUGI_DB}//g' <<<"$exec_start")
[[ "$others" != *[%\$]* ]] ||
  fail "ExecStart has specifiers or variables this test does not know: $exec_start"
grep -qxF 'EnvironmentFile=/etc/kintsugi/portal.env' "$unit" ||
  fail "the unit's EnvironmentFile is not /etc/kintsugi/portal.env"

mkdir -m 0755 "$work/store"
env_file=$work/portal.env
{
  echo "# As docs/deploy.md's /etc/kintsugi/portal.env, with a local store."
  echo "KINTSUGI_DB=$work/store/keys.sqlite"
} >"$env_file"

# command_for PORT ENV_FILE: fills `command` with ExecStart's words: %i is
# PORT, ${KINTSUGI_DB} exactly one word (also when empty), the binary the
# built one.
command_for() {
  local db
  db=$(sed -n 's/^KINTSUGI_DB=//p' "$2")
  command=()
  local word
  for word in "${words[@]}"; do
    word=${word//%i/$1}
    word=${word//\$\{KINTSUGI_DB\}/$db}
    command+=("$word")
  done
  command[0]=$kintsugi
}

# environment_of ENV_FILE: fills `environment` with what systemd gives the
# process: the file's variables, PATH, and HOME=/ of a DynamicUser.
environment_of() {
  environment=(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
               HOME=/ LANG=C.UTF-8)
  local line
  while IFS= read -r line; do
    [[ -z "$line" || "$line" == '#'* ]] && continue
    environment+=("$line")
  done <"$1"
  # The sanitizers' own settings, when the test runs under them.
  local name
  for name in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
    [ -n "${!name:-}" ] && environment+=("$name=${!name}")
  done
  return 0
}

# wait_healthy PID PORT LOG: until /healthz answers 200 (fails when PID
# exits first, or after 60 s).
wait_healthy() {
  local deadline=$((SECONDS + 60))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
           "http://127.0.0.1:$2/healthz")" = 200 ]; do
    kill -0 "$1" 2>/dev/null ||
      fail "serve exited before answering /healthz: $(tail -n 5 "$3")"
    [ "$SECONDS" -lt "$deadline" ] || fail "/healthz not answered within 60s"
    sleep 0.2
  done
}

kill_signal=$(unit_value KillSignal)
timeout_stop=$(unit_value TimeoutStopSec)
[[ "$timeout_stop" =~ ^[0-9]+$ ]] ||
  fail "TimeoutStopSec is not a number of seconds: $timeout_stop"

# stop_within PID WHAT [TARGET]: sends KillSignal (to TARGET, default PID),
# waits TimeoutStopSec for PID's exit, and requires exit 0.
stop_within() {
  kill "-${kill_signal#SIG}" "${3:-$1}"
  local deadline=$((SECONDS + timeout_stop))
  while kill -0 "$1" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] ||
      fail "$2 did not exit within TimeoutStopSec=$timeout_stop after $kill_signal"
    sleep 0.1
  done
  local status=0
  wait "$1" || status=$?
  unset "started[$1]"
  [ "$status" -eq 0 ] || fail "$2 exited $status after $kill_signal, not 0"
}

command_for "$port" "$env_file"
environment_of "$env_file"
echo "ExecStart as systemd runs it: ${command[*]}"
env -i "${environment[@]}" "${command[@]}" >"$work/serve.out" \
  2>"$work/serve.err" &
serve_pid=$!
started[$serve_pid]=serve
wait_healthy "$serve_pid" "$port" "$work/serve.err"
[ -s "$work/store/keys.sqlite" ] ||
  fail "serve did not use the store of KINTSUGI_DB ($work/store/keys.sqlite)"
stop_within "$serve_pid" "serve"
echo "it answered /healthz and stopped on $kill_signal with exit 0"

# ---- 3. The exit codes a restart cannot mend.
read -r -a prevent <<<"$(unit_value RestartPreventExitStatus)"
# exit_of ENV_FILE EXTRA...: the exit code of ExecStart with the words
# EXTRA inserted after the binary (global options, or serve's).
exit_of() {
  local file=$1
  shift
  command_for "$(free_port)" "$file"
  environment_of "$file"
  local status=0
  timeout 60 env -i "${environment[@]}" "${command[0]}" "$@" \
    "${command[@]:1}" >/dev/null 2>&1 || status=$?
  echo "$status"
}
prevents() {
  local code
  for code in "${prevent[@]}"; do [ "$code" = "$1" ] && return 0; done
  return 1
}
empty_kb=$work/not-a-kb
mkdir "$empty_kb"
echo "KINTSUGI_DB=" >"$work/empty-db.env"
declare -A expected=(
  ["an unknown option"]=2
  ["a --listen that is no ADDR:PORT"]=3
  ["an empty KINTSUGI_DB"]=2
  ["a --kb that is no knowledge base"]=7
)
for what in "${!expected[@]}"; do
  case $what in
    "an unknown option") code=$(exit_of "$env_file" --no-such-option) ;;
    "a --listen that is no ADDR:PORT")
      # The unit's own --listen comes later and wins; replace it instead.
      command_for 0 "$env_file"
      environment_of "$env_file"
      bad=("${command[@]}")
      for i in "${!bad[@]}"; do
        [[ "${bad[$i]}" == 127.0.0.1:0 ]] && bad[i]=no-port-here
      done
      code=0
      timeout 60 env -i "${environment[@]}" "${bad[@]}" >/dev/null 2>&1 ||
        code=$?
      ;;
    "an empty KINTSUGI_DB") code=$(exit_of "$work/empty-db.env") ;;
    "a --kb that is no knowledge base")
      code=$(exit_of "$env_file" --kb "$empty_kb")
      ;;
  esac
  [ "$code" = "${expected[$what]}" ] ||
    fail "serve with $what exited $code, not ${expected[$what]} (docs/cli.md)"
  prevents "$code" ||
    fail "serve with $what exits $code, which RestartPreventExitStatus" \
      "(${prevent[*]}) lacks: systemd would restart it forever"
done
# An address in use may be free at the next try: restarted.
python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
time.sleep(60)' "$port" &
blocker=$!
started[$blocker]=blocker
sleep 0.5
command_for "$port" "$env_file"
environment_of "$env_file"
code=0
timeout 60 env -i "${environment[@]}" "${command[@]}" >/dev/null 2>&1 ||
  code=$?
kill "$blocker" && wait "$blocker" 2>/dev/null || true
unset "started[$blocker]"
[ "$code" = 9 ] || fail "serve on a port in use exited $code, not 9"
! prevents 9 ||
  fail "RestartPreventExitStatus holds 9 (address in use), which may mend"
echo "RestartPreventExitStatus (${prevent[*]}): usage 2, bad option 3," \
  "bad KB 7; not 9"

# ---- 4. In an approximation of the sandbox.
if [ "$(id -u)" -ne 0 ]; then
  echo "not root: the sandbox approximation is not run"
  exit 0
fi
if ! unshare --mount --pid --fork true 2>/dev/null; then
  echo "no mount and PID namespaces here: the sandbox approximation is not run"
  exit 0
fi
# The store: the unit expects PostgreSQL, where serve writes nothing. An
# SQLite store is written to (its WAL), so its folder stays writable for
# the dynamic user, as StateDirectory= or ReadWritePaths= would make it;
# nothing else is.
chmod 0755 "$work"
chown -R 61184:61184 "$work/store"
command_for "$port" "$env_file"
environment_of "$env_file"
uid=61184  # The first of systemd's dynamic users' range.
cat >"$work/sandbox.sh" <<'EOF'
set -euo pipefail
mount --bind "$STORE_DIR" "$STORE_DIR"
# ProtectSystem=strict (and more): every mount read-only.
findmnt -rno TARGET | while read -r target; do
  target=$(printf '%b' "$target")
  mount -o remount,bind,ro "$target" 2>/dev/null || true
done
mount -o remount,bind,rw "$STORE_DIR"
# ProtectProc=invisible, ProcSubset=pid: a proc of this PID namespace, its
# processes only.
mount -t proc -o subset=pid,hidepid=invisible proc /proc
exec setpriv --reuid="$UNIT_UID" --regid="$UNIT_UID" --clear-groups \
  --inh-caps=-all --bounding-set=-all --no-new-privs "$@"
EOF
STORE_DIR=$work/store UNIT_UID=$uid unshare --mount --pid --fork --propagation private \
  bash "$work/sandbox.sh" env -i "${environment[@]}" "${command[@]}" \
  >"$work/sandbox.out" 2>"$work/sandbox.err" &
sandbox_pid=$!
started[$sandbox_pid]="serve in the sandbox"
wait_healthy "$sandbox_pid" "$port" "$work/sandbox.err"
# Identify (the Hyperscan database, the knowledge base) in the sandbox.
python3 -c 'import json, sys
print(json.dumps({"notes": [{"name": "_readme.txt",
                             "text": open(sys.argv[1]).read()}]}))' \
  "$source_root/examples/_readme.txt" >"$work/identify.json"
reply=$(curl -sS --max-time 30 -H 'Content-Type: application/json' \
  --data-binary "@$work/identify.json" \
  "http://127.0.0.1:$port/api/v1/identify")
[[ "$reply" =~ \"verdict\":\ *\"identified\" ]] ||
  fail "identify in the sandbox: $(head -c 400 <<<"$reply")"
# The signal goes to unshare's child (bash execs setpriv, env and kintsugi
# in turn): unshare passes on its child's exit code.
serve_in_sandbox=$(ps -o pid= --ppid "$sandbox_pid" | tr -d ' ')
[[ "$serve_in_sandbox" =~ ^[0-9]+$ ]] ||
  fail "no single child of unshare: '$serve_in_sandbox'"
[ "$(readlink -f "/proc/$serve_in_sandbox/exe")" = "$kintsugi" ] ||
  fail "unshare's child is not kintsugi: $(readlink "/proc/$serve_in_sandbox/exe")"
stop_within "$sandbox_pid" "serve in the sandbox" "$serve_in_sandbox"
if grep -qiE 'read-only|permission denied|EROFS|EACCES' "$work/sandbox.err"; then
  fail "serve in the sandbox complained: $(cat "$work/sandbox.err")"
fi
echo "in the sandbox's approximation (read-only mounts, own /proc, uid $uid," \
  "no capabilities): served, identified, stopped with exit 0"

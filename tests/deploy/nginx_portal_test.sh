#!/usr/bin/env bash
# The portal on several machines (issue 14; docs/deploy.md): the exact site
# file deploy/nginx/kintsugi.conf, unmodified, as the HTTPS reverse proxy in
# front of two `kintsugi serve` instances that share one PostgreSQL key
# store, and deploy/systemd/kintsugi-portal@.service checked by
# systemd-analyze. Through nginx, over HTTPS with the test's own CA:
# /healthz over HTTP/2, IPv4 and IPv6, TLS 1.2 and 1.3; a released key is
# found and an embargoed one is not; both instances answer (their /metrics,
# read directly); identify; a body of 16 MiB goes through held in memory
# (nothing in nginx's spool) and one byte more is refused with 413; a burst
# of key lookups is refused with 429 by nginx before the instances; the
# instances' security headers pass and nginx adds HSTS; /metrics is not
# public; HTTP redirects to HTTPS, and a foreign Host header is neither
# redirected to nor answered (444; its TLS refused); an instance stopped
# with SIGTERM exits 0 and the other serves on; no log holds a victim ID, a query, a file name
# or a note.
#
# The site file names fixed ports (80, 443, 8081, 8082) and /var/log/nginx:
# the test runs in network and mount namespaces of its own (unshare), so
# that these are the test's alone, and nothing of the machine's is touched.
# That needs root. Without it the test is skipped (exit 77), unless
# KINTSUGI_REQUIRE_POSTGRES=1 (CI sets it: the PostgreSQL tests must run),
# where a skip is a failure.
#
# Usage: nginx_portal_test.sh KINTSUGI_BINARY SOURCE_ROOT
set -euo pipefail

kintsugi=$(readlink -f "$1")
source_root=$(readlink -f "$2")
site=$source_root/deploy/nginx/kintsugi.conf
unit=$source_root/deploy/systemd/kintsugi-portal@.service
wrapper=$source_root/tests/deploy/nginx/nginx.conf

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

skip() {
  if [ "${KINTSUGI_REQUIRE_POSTGRES:-}" = 1 ]; then
    fail "$* (KINTSUGI_REQUIRE_POSTGRES=1: this test must run)"
  fi
  echo "skipped: $*"
  exit 77
}

if [ -z "${KINTSUGI_DEPLOY_TEST_NAMESPACES:-}" ]; then
  [ "$(id -u)" -eq 0 ] ||
    skip "not root: nginx binds 80 and 443 in a namespace of the test's own"
  for tool in nginx openssl curl ip unshare setpriv base64; do
    command -v "$tool" >/dev/null ||
      fail "no $tool: run scripts/install-deps"
  done
  [ -d /var/log/nginx ] || fail "no /var/log/nginx: run scripts/install-deps"
  unshare --net --mount true 2>/dev/null ||
    skip "cannot make network and mount namespaces here (unshare --net --mount)"
  KINTSUGI_DEPLOY_TEST_NAMESPACES=1 exec unshare --net --mount --propagation \
    private bash "$0" "$@"
fi

# From here on: in the test's own network (only a loopback) and mounts.
ip link set lo up || fail "ip link set lo up in the test's network namespace"

work=$(mktemp -d /tmp/kintsugi-deploy-XXXXXX)
chmod 0755 "$work"  # PostgreSQL runs as nobody, below it.
export XDG_DATA_HOME=$work/xdg/data XDG_STATE_HOME=$work/xdg/state
export XDG_CONFIG_HOME=$work/xdg/config XDG_CACHE_HOME=$work/xdg/cache

declare -A started=()  # pid -> what it is
cleanup() {
  local status=$?
  local pid
  for pid in "${!started[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${!started[@]}"; do
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
    for log in "$work"/pg/server.log "$work"/instance-*.err \
               "$work"/nginx/nginx.out "$work"/nginx/logs/error.log; do
      [ -s "$log" ] || continue
      echo "--- the end of $log:" >&2
      tail -n 20 "$log" >&2
    done
  fi
  umount /var/log/nginx 2>/dev/null || true
  umount /usr/local/bin 2>/dev/null || true
  rm -rf "$work"  # Our own mktemp folder only.
}
trap cleanup EXIT

# wait_until SECONDS WHAT PID COMMAND...: runs COMMAND until it succeeds;
# fails when process PID (0: none) exits first.
wait_until() {
  local seconds=$1 what=$2 pid=$3
  shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$pid" -ne 0 ] && ! kill -0 "$pid" 2>/dev/null; then
      fail "$what: the process exited (its log is below)"
    fi
    [ "$SECONDS" -lt "$deadline" ] || fail "$what: not within ${seconds}s"
    sleep 0.1
  done
}

# stop PID WHAT SIGNAL: signals the process and waits for its exit code.
stopped_status=0
stop() {
  local pid=$1 what=$2 signal=$3
  kill "-$signal" "$pid"
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && fail "$what did not stop within 30s"
  stopped_status=0
  wait "$pid" || stopped_status=$?
  unset "started[$pid]"
}

# ---- The systemd unit, as an instance (kintsugi-portal@8081.service) with
# its ExecStart in place (/usr/local/bin/kintsugi, in our mounts only):
# systemd-analyze verify says nothing, and its offline exposure level is
# at most 2.0 ("OK").
if command -v systemd-analyze >/dev/null; then
  mkdir "$work/units"
  cp "$unit" "$work/units/"
  ln -s kintsugi-portal@.service "$work/units/kintsugi-portal@8081.service"
  mount -t tmpfs tmpfs /usr/local/bin ||
    fail "mount a tmpfs over /usr/local/bin in the test's mount namespace"
  ln -s "$kintsugi" /usr/local/bin/kintsugi
  verified=$(systemd-analyze verify \
    "$work/units/kintsugi-portal@8081.service" 2>&1) ||
    fail "systemd-analyze verify: $verified"
  [ -z "$verified" ] || fail "systemd-analyze verify warns: $verified"
  systemd-analyze security --offline=true --threshold=20 --no-pager \
    "$work/units/kintsugi-portal@8081.service" >"$work/units/security" 2>&1 ||
    fail "systemd-analyze security: exposure above 2.0:
$(grep -v '^✓' "$work/units/security")"
  umount /usr/local/bin
  echo "systemd: $(tail -n 1 "$work/units/security")"
else
  echo "no systemd-analyze here: the unit is not verified"
fi

# ---- The key store: a throw-away PostgreSQL cluster (as the store's tests'
# src/store/testing/postgres_cluster.h) on a Unix socket, run as nobody.
# The highest version (as the store's tests take it).
bindir=$(for dir in /usr/lib/postgresql/*/bin; do
  [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && echo "$dir"
done | sort -t/ -k4 -V | tail -n 1)
[ -n "$bindir" ] ||
  fail "no PostgreSQL server in /usr/lib/postgresql/*/bin: run scripts/install-deps"
pg=$work/pg
mkdir "$pg"
chown nobody: "$pg"
as_nobody=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
(cd "$pg" && "${as_nobody[@]}" "$bindir/initdb" -D "$pg/data" -A trust \
  -U kintsugi --no-sync -E UTF8 --locale=C >"$pg/initdb.log" 2>&1) ||
  fail "initdb: $(tail -n 5 "$pg/initdb.log")"
(cd "$pg" && exec "${as_nobody[@]}" --pdeathsig QUIT "$bindir/postgres" \
  -D "$pg/data" -k "$pg" -c listen_addresses= -F >"$pg/server.log" 2>&1) &
started[$!]=postgres
postgres_pid=$!
wait_until 60 "PostgreSQL accepting connections" "$postgres_pid" \
  "$bindir/pg_isready" -q -h "$pg" -d postgres -U kintsugi
psql() {
  "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg" -U kintsugi "$@"
}
psql -d postgres -c "CREATE DATABASE kintsugi"
owner_url="postgresql://kintsugi@/kintsugi?host=$pg"
portal_url="postgresql://kintsugi_portal@/kintsugi?host=$pg"

# ---- Two keys of STOP/Djvu victims: one released, one embargoed, imported
# by the store's owner; the portal reads them as a role that may only
# SELECT (docs/deploy.md).
released_id=KDTreleased$(printf '%029d' 1)
embargoed_id=KDTembargoed$(printf '%028d' 2)
unknown_id=KDTunknown$(printf '%030d' 3)
# key_row VICTIM_ID STATE: a CSV record (docs/key-format.md §1.1) with a
# new 2048-bit RSA key.
key_row() {
  local pem
  pem=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    2>/dev/null) || fail "openssl genpkey"
  echo "stop-djvu,$1,rsa-private-pem,\"$pem\",$2"
}
{
  echo "family,handle,key_type,key_pem,state"
  key_row "$released_id" released
  key_row "$embargoed_id" embargoed
} >"$work/keys.csv"
"$kintsugi" --quiet keys import "$work/keys.csv" --db "$owner_url" \
  --source "deploy test" >"$work/import.out" 2>&1 ||
  fail "keys import: $(cat "$work/import.out")"
psql -d kintsugi -c "CREATE ROLE kintsugi_portal LOGIN;
  GRANT USAGE ON SCHEMA kintsugi TO kintsugi_portal;
  GRANT SELECT ON ALL TABLES IN SCHEMA kintsugi TO kintsugi_portal;"

# ---- The two instances, on the ports the site file names.
declare -A instance=()
for port in 8081 8082; do
  setpriv --pdeathsig TERM "$kintsugi" --json serve \
    --listen "127.0.0.1:$port" --db "$portal_url" --trust-proxy --threads 2 \
    >"$work/instance-$port.out" 2>"$work/instance-$port.err" &
  started[$!]="instance $port"
  instance[$port]=$!
done
for port in 8081 8082; do
  wait_until 120 "the instance on $port listening" "${instance[$port]}" \
    grep -q "\"url\": \"http://127.0.0.1:$port/\"" "$work/instance-$port.out"
done

# ---- nginx: the site file as Debian's sites-enabled holds it (a link to
# the file itself), in the test's copy of Debian's main configuration.
ngx=$work/nginx
mkdir -p "$ngx/sites-enabled" "$ngx/kintsugi/tls" "$ngx/logs" "$ngx/spool" \
  "$work/var-log-nginx"
cp "$wrapper" "$ngx/nginx.conf"
ln -s "$site" "$ngx/sites-enabled/kintsugi.conf"
mount --bind "$work/var-log-nginx" /var/log/nginx ||
  fail "mount --bind over /var/log/nginx in the test's mount namespace"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -days 2 -subj /CN=portal.example.org \
  -addext "subjectAltName=DNS:portal.example.org" \
  -keyout "$ngx/kintsugi/tls/privkey.pem" \
  -out "$ngx/kintsugi/tls/fullchain.pem" >"$work/openssl.log" 2>&1 ||
  fail "openssl req: $(cat "$work/openssl.log")"
cacert=$ngx/kintsugi/tls/fullchain.pem
nginx -t -q -p "$ngx/" -c "$ngx/nginx.conf" >"$ngx/test.out" 2>&1 ||
  fail "nginx -t refuses deploy/nginx/kintsugi.conf: $(cat "$ngx/test.out")"
setpriv --pdeathsig TERM nginx -p "$ngx/" -c "$ngx/nginx.conf" \
  >"$ngx/nginx.out" 2>&1 &
started[$!]=nginx
nginx_pid=$!

# curl through nginx as a browser would reach https://portal.example.org/.
https=(curl -sS --max-time 20 --cacert "$cacert"
       --resolve portal.example.org:443:127.0.0.1 --resolve portal.example.org:80:127.0.0.1)
base=https://portal.example.org
wait_until 30 "nginx answering on 443" "$nginx_pid" \
  "${https[@]}" -o /dev/null "$base/healthz"
echo "nginx and both instances are up"

# request ARGS...: curl through nginx; the status on the first line, then
# the body.
request() {
  local code
  code=$("${https[@]}" -o "$work/reply" -w '%{http_code}' "$@") || true
  echo "$code"
  cat "$work/reply"
}

# metric PORT ROUTE STATUS: that count of the instance on PORT, read from
# it directly (0 when absent).
metric() {
  local text
  text=$(curl -sS --max-time 10 "http://127.0.0.1:$1/metrics") ||
    fail "reading /metrics of the instance on $1"
  awk -v key="kintsugi_http_requests_total{route=\"$2\",status=\"$3\"}" \
    '$1 == key { n = $2 } END { print n + 0 }' <<<"$text"
}

# ---- /healthz over HTTP/2, TLS 1.2 and 1.3, IPv6.
out=$("${https[@]}" -w ' %{http_code} %{http_version}' "$base/healthz")
[[ "$out" == *'"status": "ok"'*' 200 2' ]] ||
  fail "/healthz through nginx over HTTP/2: $out"
for tls in 1.2 1.3; do
  out=$("${https[@]}" --tlsv"$tls" --tls-max "$tls" -o /dev/null \
    -w '%{http_code}' "$base/healthz") || true
  [ "$out" = 200 ] || fail "/healthz over TLS $tls: $out"
done
out=$(curl -gsS --max-time 20 --cacert "$cacert" -o /dev/null \
  --resolve 'portal.example.org:443:[::1]' -w '%{http_code}' \
  "$base/healthz") || true
[ "$out" = 200 ] || fail "/healthz over IPv6 ([::1]:443): $out"

# ---- Both instances answer: 6 requests through nginx, counted by each.
first=$(metric 8081 healthz 200)
second=$(metric 8082 healthz 200)
for _ in 1 2 3 4 5 6; do
  "${https[@]}" -o /dev/null --fail "$base/healthz" ||
    fail "/healthz through nginx"
done
first=$(($(metric 8081 healthz 200) - first))
second=$(($(metric 8082 healthz 200) - second))
if [ "$first" -lt 1 ] || [ "$second" -lt 1 ] ||
   [ $((first + second)) -ne 6 ]; then
  fail "6 requests through nginx: $first reached 8081, $second reached 8082"
fi
echo "both instances answered: $first and $second of 6 requests"

# ---- Key lookups: the released key, not the embargoed one; by path and by
# docs/key-server.md's query.
reply=$(request "$base/api/v1/keys/stop-djvu/$released_id")
[[ "$(head -n 1 <<<"$reply")" == 200 && "$reply" == *"\"$released_id\""* &&
   "$reply" == *'BEGIN PRIVATE KEY'* ]] ||
  fail "the released key through nginx: $reply"
reply=$(request "$base/api/v1/keys/stop-djvu?handle_kind=victim-id&handle=$released_id")
[[ "$(head -n 1 <<<"$reply")" == 200 && "$reply" == *"\"$released_id\""* ]] ||
  fail "the released key by query through nginx: $reply"
reply=$(request "$base/api/v1/keys/stop-djvu/$embargoed_id")
[ "$(tr -d ' \n' <<<"$reply")" = '200[]' ] ||
  fail "the embargoed key was not refused: $reply"
echo "the released key is found, the embargoed one is not"

# ---- Identify: the example note and encrypted file, as the page sends them.
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  printf '"%s"' "$s"
}
photo=$source_root/examples/holiday-photo.jpg.djvu
note=$source_root/examples/_readme.txt
printf '{"files": [{"name": "holiday-photo.jpg.djvu", "size": %d, "head": "%s"}], "notes": [{"name": "_readme.txt", "text": %s}], "contacts": ["restore-example@fakemail.example"]}' \
  "$(stat -c %s "$photo")" "$(base64 -w 0 "$photo")" \
  "$(json_string "$(cat "$note")")" >"$work/identify.json"
reply=$(request -H 'Content-Type: application/json' \
  --data-binary "@$work/identify.json" "$base/api/v1/identify")
[[ "$(head -n 1 <<<"$reply")" == 200 &&
   "$reply" =~ \"verdict\":\ *\"identified\" &&
   "$reply" =~ \"family\":\ *\"stop-djvu\" ]] ||
  fail "identify through nginx: $(head -c 600 <<<"$reply")"
echo "identify through nginx: stop-djvu"

# ---- The body limit: 16 MiB (limits.h kMaxPortalBodyBytes) reaches an
# instance, which answers it (not JSON: 400), held in memory by nginx; one
# byte more is nginx's 413, before any instance.
spool_state() { stat -c '%n %y' "$ngx"/spool/*; find "$ngx/spool" -type f; }
spool_before=$(spool_state)
truncate -s 16M "$work/body-16MiB"
truncate -s $((16 * 1024 * 1024 + 1)) "$work/body-over"
too_large_before=$(($(metric 8081 other 413) + $(metric 8082 other 413)))
reply=$(request -H 'Content-Type: application/json' \
  --data-binary "@$work/body-16MiB" "$base/api/v1/identify")
[[ "$(head -n 1 <<<"$reply")" == 400 && "$reply" == *invalid_argument* ]] ||
  fail "a 16 MiB body should reach an instance (400, not JSON): $reply"
reply=$(request -H 'Content-Type: application/json' \
  --data-binary "@$work/body-over" "$base/api/v1/identify")
[[ "$(head -n 1 <<<"$reply")" == 413 && "$reply" == *'"too_large"'* ]] ||
  fail "a body of 16 MiB + 1 byte: $reply"
too_large_after=$(($(metric 8081 other 413) + $(metric 8082 other 413)))
[ "$too_large_after" -eq "$too_large_before" ] ||
  fail "the body over the limit reached an instance (its 413, not nginx's)"
[ "$(spool_state)" = "$spool_before" ] ||
  fail "nginx wrote to its spool (a body or an answer on disk):
before: $spool_before
after: $(spool_state)"
echo "16 MiB passes in memory, 16 MiB + 1 byte is refused (413)"

# ---- Headers: the instances' security headers pass, nginx adds HSTS,
# names no version, sets no cookie.
headers=$("${https[@]}" -o /dev/null -D - "$base/en/" | tr -d '\r')
for header in \
  'content-security-policy: default-src .none.' \
  'x-content-type-options: nosniff' \
  'x-frame-options: DENY' \
  'referrer-policy: no-referrer' \
  'strict-transport-security: max-age=31536000' \
  'server: nginx$'; do
  [ "$(grep -ciE "^$header" <<<"$headers")" -eq 1 ] ||
    fail "want exactly one '$header' in the headers of /en/:
$headers"
done
! grep -qi '^set-cookie' <<<"$headers" || fail "a cookie: $headers"
echo "security headers pass through nginx"

# ---- /metrics is not public; the instances serve it to the machine.
for path in /metrics //metrics /%6detrics '/metrics?x=1'; do
  out=$("${https[@]}" -o /dev/null -w '%{http_code}' "$base$path") || true
  [ "$out" = 404 ] || fail "$path through nginx: $out, not 404"
done
[ "$(metric 8081 healthz 200)" -gt 0 ] || fail "the instance's /metrics"

# ---- HTTP: a redirect to the same URL over HTTPS.
headers=$("${https[@]}" -o /dev/null -D - 'http://portal.example.org/en/?lang=x' |
  tr -d '\r')
if [[ "$(head -n 1 <<<"$headers")" != 'HTTP/1.1 301'* ]] ||
   ! grep -qx 'location: https://portal.example.org/en/?lang=x' <<<"${headers,,}"; then
  fail "HTTP did not redirect to HTTPS: $headers"
fi

# ---- Another name in the Host header (host-header injection): never
# redirected to, never passed on; the connection is closed unanswered
# (444), and a TLS handshake for another name or none is refused.
foreign=attacker.example
for url in "http://portal.example.org/en/" "http://127.0.0.1/en/" \
           "http://[::1]/en/"; do
  for host in "$foreign" "$foreign:80" "portal.example.org.$foreign"; do
    out=$(curl -gsS --max-time 20 -o /dev/null -D - -w 'status=%{http_code}' \
      --resolve portal.example.org:80:127.0.0.1 -H "Host: $host" "$url" \
      2>/dev/null | tr -d '\r') || true
    [ "$(tail -n 1 <<<"$out")" = status=000 ] ||
      fail "$url with Host: $host was answered (want it closed): $out"
  done
done
# HTTP/1.0 without a Host header: the same.
out=$(curl -sS --max-time 20 -0 -H 'Host:' -o /dev/null -w '%{http_code}' \
  http://127.0.0.1/en/ 2>/dev/null) || true
[ "$out" = 000 ] || fail "HTTP/1.0 without Host was answered: $out"
# HTTPS for the portal's name, another in the Host header (HTTP/1.1) or
# :authority (HTTP/2): not redirected there, not answered.
for version in --http1.1 --http2; do
  out=$("${https[@]}" "$version" -o /dev/null -D - -w 'status=%{http_code}' \
    -H "Host: $foreign" "$base/en/" 2>/dev/null | tr -d '\r') || true
  ! grep -qi "^location:.*$foreign" <<<"$out" ||
    fail "HTTPS with Host: $foreign redirected there ($version): $out"
  [[ "$(tail -n 1 <<<"$out")" =~ ^status=(000|421)$ ]] ||
    fail "HTTPS with Host: $foreign was answered ($version): $out"
done
# TLS for another name (SNI), or for none (an address): refused.
for url in "https://$foreign/en/" https://127.0.0.1/en/; do
  code=0
  curl -sS --max-time 20 -k --resolve "$foreign:443:127.0.0.1" -o /dev/null \
    "$url" 2>/dev/null || code=$?
  [ "$code" -eq 35 ] ||
    fail "a TLS handshake for $url was not refused (curl exit $code, not 35)"
done
echo "a foreign Host header: no answer, no redirect; its TLS refused"

# ---- The key lookups' rate limit: a burst from one client is refused by
# nginx (JSON 429) before any instance sees it.
keys_429_before=$(($(metric 8081 keys 429) + $(metric 8082 keys 429)))
urls=()
for _ in $(seq 24); do urls+=("$base/api/v1/keys/stop-djvu/$unknown_id"); done
codes=$("${https[@]}" -o /dev/null -w '%{http_code}\n' "${urls[@]}")
ok=$(grep -cx 200 <<<"$codes" || true)
limited=$(grep -cx 429 <<<"$codes" || true)
if [ "$ok" -lt 1 ] || [ "$limited" -lt 1 ] || [ $((ok + limited)) -ne 24 ]; then
  fail "24 key lookups at once: $ok answered, $limited refused (429): $codes"
fi
reply=$(request "$base/api/v1/keys/stop-djvu/$unknown_id")
[[ "$(head -n 1 <<<"$reply")" == 429 && "$reply" == *'"rate_limited"'* ]] ||
  fail "nginx's 429 is not the API's JSON error: $reply"
keys_429_after=$(($(metric 8081 keys 429) + $(metric 8082 keys 429)))
[ "$keys_429_after" -eq "$keys_429_before" ] ||
  fail "the instances refused key lookups themselves: nginx let them through"
echo "a burst of 24 key lookups: $ok answered, $limited refused by nginx"

# ---- An instance stopped with SIGTERM exits 0; nginx sends to the other.
stop "${instance[8081]}" "the instance on 8081" TERM
[ "$stopped_status" -eq 0 ] ||
  fail "the instance on 8081 exited $stopped_status on SIGTERM, not 0"
for _ in 1 2 3 4; do
  out=$("${https[@]}" -o /dev/null -w '%{http_code}' "$base/healthz") || true
  [ "$out" = 200 ] || fail "/healthz with one instance stopped: $out"
done
echo "one instance stopped (exit 0): the other answers"

# ---- The logs: routes and statuses, never content.
stop "$nginx_pid" nginx QUIT
access=$work/var-log-nginx/kintsugi.access.log
[ -s "$access" ] || fail "no access log at /var/log/nginx/kintsugi.access.log"
grep -q ' GET keys 200 ' "$access" || fail "no key lookup in the access log"
for port in 8081 8082; do
  grep -q "upstream=127.0.0.1:$port" "$access" ||
    fail "the access log shows no request answered by the instance on $port"
done
# Nothing a victim sent or looked up, in any log of nginx or the instances.
for secret in "$released_id" "$embargoed_id" "$unknown_id" handle_kind \
  stop-djvu holiday-photo _readme restore-example; do
  for log in "$work"/var-log-nginx/* "$ngx"/logs/* "$work"/instance-*.err; do
    ! grep -qF -- "$secret" "$log" ||
      fail "$log holds '$secret': $(grep -F -- "$secret" "$log" | head -n 3)"
  done
done
# No path or query at all in the access log: the route's word only.
! grep -E ' /|\?' "$access" ||
  fail "the access log holds paths or queries (the lines above)"
echo "the logs hold no victim ID, query, name or note; the access log says:"
grep -m 3 -E ' (GET|POST) (keys|identify) ' "$access"

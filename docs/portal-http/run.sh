#!/bin/bash
# Issue 14: which HTTP library the portal is built on, by measurement. Each
# candidate serves the same ~2 KB JSON reply (body.h) on 127.0.0.1 with
# keep-alive; wrk (Debian's) loads it with 64 and 256 connections, then
# with 64 while 200 slow clients each hold a connection open; nginx serving
# a static file of the same size is the baseline, as issue 14's load target
# compares. Usage: docs/portal-http/run.sh [seconds]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
secs=${1:-8}
out=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
for pkg in libmicrohttpd-dev libboost1.74-dev libcpp-httplib-dev wrk nginx-light; do
  dpkg -s "$pkg" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null
done
g++ -O2 -std=c++20 -o "$out/httplib" "$here/httplib_server.cpp" -lcpp-httplib -pthread
g++ -O2 -std=c++20 -o "$out/mhd" "$here/mhd_server.cpp" -lmicrohttpd -pthread
g++ -O2 -std=c++20 -include utility -o "$out/beast" "$here/beast_server.cpp" -pthread
# nginx: the same bytes as a static file.
mkdir -p "$out/www/api/v1/families" "$out/nginx"
"$out/beast" 18099 & bp=$!; sleep 0.5
curl -s http://127.0.0.1:18099/api/v1/families/stop-djvu >"$out/www/api/v1/families/stop-djvu"
kill $bp; wait $bp 2>/dev/null || true
cat >"$out/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $out/nginx/pid;
error_log $out/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type application/json;
  client_body_temp_path $out/nginx; proxy_temp_path $out/nginx;
  fastcgi_temp_path $out/nginx; uwsgi_temp_path $out/nginx; scgi_temp_path $out/nginx;
  server { listen 127.0.0.1:18080; root $out/www; }
}
CONF
chmod 755 "$out"
chmod -R a+rX "$out/www"
nginx -c "$out/nginx/nginx.conf"
# nginx must serve the file (200), or its figures mean nothing.
sleep 0.5
[ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18080/api/v1/families/stop-djvu)" = 200 ] || { echo "nginx does not serve the file" >&2; exit 1; }
trap 'nginx -c "$out/nginx/nginx.conf" -s stop 2>/dev/null; kill $(jobs -p) 2>/dev/null || true; rm -rf "$out"' EXIT
"$out/httplib" 18081 & "$out/mhd" 18082 & "$out/beast" 18083 &
sleep 1
url() { echo "http://127.0.0.1:$1/api/v1/families/stop-djvu"; }
# load PORT CONNECTIONS: "requests/s p99 errors"
load() {
  wrk -t2 -c"$2" -d"${secs}s" --latency --timeout 2s "$(url "$1")" >"$out/wrk" 2>&1 || true
  local rps p99 errs
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/wrk")
  p99=$(awk '$1 == "99%" {print $2}' "$out/wrk")
  errs=$(awk '/Socket errors/ {gsub(",",""); print $4+$6+$8+$10} /Non-2xx/ {print $NF}' "$out/wrk" | paste -sd+ | bc 2>/dev/null || echo 0)
  echo "${rps:-0} ${p99:-none} ${errs:-0}"
}
printf "%-10s %-28s %-28s %-28s\n" server "64 conns (req/s p99 err)" "256 conns" "64 + 200 slow clients"
for entry in nginx:18080 httplib:18081 mhd:18082 beast:18083; do
  name=${entry%%:*}; port=${entry##*:}
  load "$port" 16 >/dev/null  # warm-up
  a=$(load "$port" 64)
  b=$(load "$port" 256)
  python3 "$here/slow_clients.py" "$port" 200 "$((secs + 2))" >/dev/null & slow=$!
  sleep 1
  c=$(load "$port" 64)
  wait $slow || true
  printf "%-10s %-28s %-28s %-28s\n" "$name" "$a" "$b" "$c"
done

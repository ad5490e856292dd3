#!/usr/bin/env bash
# Search under a burst of writes: the uncached search API at 64 connections alone, then with
# four clients posting needs through the HTML form at the same time, then the server's memory
# during and 15 s after the burst.
#
#   bash benches/writes.sh                 # 100,000 needs (generated once under target/bench-data)
#   NIAZ_BENCH_NEEDS=10000 bash benches/writes.sh
#
# Needs wrk (apt-get install wrk) and curl. Only talks to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${NIAZ_BENCH_NEEDS:-100000}
SOURCE="target/bench-data/$N"
PORT=${NIAZ_BENCH_PORT:-18083}
DURATION=${NIAZ_BENCH_SECONDS:-20}
PASSWORD="bench passphrase for writes 1405"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
cargo build --release --quiet
BIN=target/release/niaz

echo "== data: $N needs"
"$BIN" --data-dir "$SOURCE" demo --count "$N"
# Each run posts into a copy, so every run starts from the same catalogue.
DATA=$(mktemp -d target/bench-data/writes-XXXX)
trap 'rm -rf "$DATA"' EXIT
cp -r "$SOURCE/." "$DATA/"

source benches/common.sh
start_server NIAZ_SEARCH_CACHE=0
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT
# Measured once the index is whole and caught up (the server answers before that).
for _ in $(seq 1 1200); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break
  sleep 0.1
done

echo "$PASSWORD" | "$BIN" --data-dir "$DATA" user create --email bench@example.ir --role organizer >/dev/null
# The generated catalogue's first firm (ids start at 1).
ORG=${NIAZ_BENCH_ORG:-1}
jar="$DATA/cookies.txt"
login=$(curl -s -c "$jar" "http://127.0.0.1:$PORT/login")
token=$(echo "$login" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{20,\}')
curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$token" \
  --data-urlencode "email=bench@example.ir" --data-urlencode "password=$PASSWORD" \
  "http://127.0.0.1:$PORT/login"
cookie=$(awk '{ if (!sub(/^#HttpOnly_/, "") && /^#/) next }
              NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
csrf=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT/account" |
  grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{20,\}')

wrk -t2 -c16 -d5s -s benches/api_mix.lua "http://127.0.0.1:$PORT" >/dev/null

echo "== search alone: uncached, 64 connections, ${DURATION}s"
wrk -t2 -c64 -d"${DURATION}s" --latency -s benches/api_mix.lua "http://127.0.0.1:$PORT" |
  grep -E "Requests/sec|^ +(50|99)%|Non-2xx|Socket errors"

echo "== search while 4 clients post: uncached, 64 connections, ${DURATION}s"
NIAZ_COOKIE="$cookie" NIAZ_CSRF="$csrf" NIAZ_ORG="$ORG" \
  wrk -t1 -c4 -d"$((DURATION + 2))s" -s benches/post.lua "http://127.0.0.1:$PORT" \
  > "$DATA/posts.txt" &
POSTER=$!
sleep 1
wrk -t2 -c64 -d"${DURATION}s" --latency -s benches/api_mix.lua "http://127.0.0.1:$PORT" |
  grep -E "Requests/sec|^ +(50|99)%|Non-2xx|Socket errors"
wait $POSTER
echo "   posts: $(grep -E 'Requests/sec' "$DATA/posts.txt")"
grep -E "Non-2xx" "$DATA/posts.txt" || true
echo "== server memory: peak, and now"
grep -E 'VmHWM|VmRSS' "/proc/$PID/status"
sleep 15
echo "== server memory 15 s after the burst"
grep -E 'VmRSS' "/proc/$PID/status"

#!/usr/bin/env bash
# The search API (uncached, 1,263 distinct queries, 64 connections) and the posting path (an
# organizer posting published needs, 8 connections) on SQLite and on PostgreSQL: the same
# catalogue, the same release build, one server each.
#
#   NIAZ_BENCH_PG=postgres://niaz@127.0.0.1:5432/niaz_bench bash benches/postgres.sh
#
# NIAZ_BENCH_PG must name an empty PostgreSQL database: the catalogue is moved there with
# `niaz migrate-data` (timed). Needs wrk, sqlite3 and libpq-dev (apt-get install). Copies the
# SQLite catalogue first, so the other benchmarks' data is not touched by the posting run.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${NIAZ_BENCH_NEEDS:-100000}
PG=${NIAZ_BENCH_PG:?set NIAZ_BENCH_PG to an empty PostgreSQL database}
DURATION=${NIAZ_BENCH_SECONDS:-20}
PORT=${NIAZ_BENCH_PORT:-18082}
PASSWORD="benchmark organizer password 1405"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
cargo build --release --quiet --features postgres
BIN=target/release/niaz
SOURCE="target/bench-data/$N"
RUN="target/bench-data/backends-$N"

echo "== data: $N needs in $SOURCE"
"$BIN" --data-dir "$SOURCE" demo --count "$N"
rm -rf "$RUN" && mkdir -p "$RUN/pg"
cp -r "$SOURCE" "$RUN/sqlite"
echo "== moving the catalogue to PostgreSQL (niaz migrate-data)"
/usr/bin/time -f "   %e s, peak %M KB" "$BIN" migrate-data --from "sqlite://$SOURCE/niaz.db" --to "$PG" | tail -1

# The firm the needs are posted for: the same ids on both backends after the move.
ORG=$(sqlite3 "$SOURCE/niaz.db" "SELECT MIN(id) FROM organizations")

source benches/common.sh

run_backend() {
  local name=$1; shift
  DATA="$RUN/$name"
  echo
  echo "######## $name"
  start_server NIAZ_SEARCH_CACHE=0 "$@"
  wrk -t2 -c16 -d5s -s benches/api_mix.lua "http://127.0.0.1:$PORT" >/dev/null
  echo "== search API, uncached, 64 connections, ${DURATION}s"
  wrk -t2 -c64 -d"${DURATION}s" --latency -s benches/api_mix.lua "http://127.0.0.1:$PORT" |
    grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"

  # An organizer and a firm to post for; the session from a real sign-in.
  echo "$PASSWORD" | env "$@" "$BIN" --data-dir "$DATA" user create \
    --email "bench-$name@example.ir" --role organizer >/dev/null
  local jar="$DATA/cookies.txt"
  local login
  login=$(curl -s -c "$jar" "http://127.0.0.1:$PORT/login")
  local token
  token=$(echo "$login" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{20,\}')
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$token" \
    --data-urlencode "email=bench-$name@example.ir" --data-urlencode "password=$PASSWORD" \
    "http://127.0.0.1:$PORT/login"
  local cookie
  # curl marks HttpOnly cookies with a "#HttpOnly_" prefix; other "#" lines are comments.
  cookie=$(awk '{ if (!sub(/^#HttpOnly_/, "") && /^#/) next }
                NF >= 7 { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
  local csrf
  csrf=$(curl -s -H "Cookie: $cookie" "http://127.0.0.1:$PORT/account" |
    grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | grep -o '[0-9a-f]\{20,\}')
  echo "== posting path, 8 connections, ${DURATION}s"
  NIAZ_COOKIE="$cookie" NIAZ_CSRF="$csrf" NIAZ_ORG="$ORG" \
    wrk -t2 -c8 -d"${DURATION}s" --latency -s benches/post.lua "http://127.0.0.1:$PORT" |
    grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
  echo "== server memory"
  grep -E 'VmHWM' "/proc/$PID/status"
  kill "$PID"; wait "$PID" 2>/dev/null || true
}

run_backend sqlite
run_backend pg NIAZ_DATABASE_URL="$PG"

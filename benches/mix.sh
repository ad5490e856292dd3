#!/usr/bin/env bash
# The search API without its result cache, over 1,263 distinct queries (benches/queries.txt):
#   1. closed loop, 64 connections (wrk): throughput and latency;
#   2. open loop, 500 requests/s held constant (oha, corrected for coordinated omission);
#   then the server's peak memory.
#
#   bash benches/mix.sh                 # 100,000 needs (generated once under target/bench-data)
#   NIAZ_BENCH_NEEDS=10000 bash benches/mix.sh
#
# Needs wrk (apt-get install wrk) and oha (cargo install oha). Only talks to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${NIAZ_BENCH_NEEDS:-100000}
DATA="target/bench-data/$N"
PORT=${NIAZ_BENCH_PORT:-18081}
DURATION=${NIAZ_BENCH_SECONDS:-20}
RATE=${NIAZ_BENCH_RATE:-500}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
command -v oha >/dev/null || { echo "oha is not installed (cargo install oha)"; exit 1; }
cargo build --release --quiet
BIN=target/release/niaz

echo "== data: $N needs in $DATA"
"$BIN" --data-dir "$DATA" demo --count "$N"

URLS=target/bench-data/urls.txt
perl -ne 'chomp; s/([^A-Za-z0-9\-_.~])/sprintf("%%%02X", ord($1))/ge; print "http://127.0.0.1:'"$PORT"'/api/v1/needs?q=$_\n"' \
  benches/queries.txt > "$URLS"

source benches/common.sh
start_server NIAZ_SEARCH_CACHE=0

echo "== warm-up"
wrk -t2 -c16 -d5s -s benches/api_mix.lua "http://127.0.0.1:$PORT" >/dev/null

echo "== uncached, $(wc -l < benches/queries.txt) distinct queries, 64 connections, ${DURATION}s (wrk)"
wrk -t2 -c64 -d"${DURATION}s" --latency -s benches/api_mix.lua "http://127.0.0.1:$PORT"

echo "== uncached, ${RATE} requests/s held, ${DURATION}s (oha, latency corrected)"
oha --no-tui -z "${DURATION}s" -c 64 -q "$RATE" --latency-correction --urls-from-file "$URLS"

echo "== server memory"
grep -E 'VmRSS|VmHWM' "/proc/$PID/status"

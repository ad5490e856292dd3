#!/usr/bin/env bash
# HTTP load test of the search API and the HTML search page with wrk, at 64 connections.
#
#   bash benches/load.sh            # 100,000 needs (generated once under target/bench-data)
#   NIAZ_BENCH_NEEDS=10000 bash benches/load.sh
#
# Needs wrk (Debian: apt-get install wrk). Only talks to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${NIAZ_BENCH_NEEDS:-100000}
DATA="target/bench-data/$N"
PORT=${NIAZ_BENCH_PORT:-18080}
DURATION=${NIAZ_BENCH_SECONDS:-20}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 1; }
cargo build --release --quiet
BIN=target/release/niaz

echo "== data: $N needs in $DATA"
"$BIN" --data-dir "$DATA" demo --count "$N"

source benches/common.sh
start_server

echo "== warm-up"
wrk -t2 -c16 -d3s -s benches/api.lua "http://127.0.0.1:$PORT" >/dev/null

echo "== JSON API /api/v1/needs, 64 connections, ${DURATION}s"
wrk -t2 -c64 -d"${DURATION}s" --latency -s benches/api.lua "http://127.0.0.1:$PORT"

echo "== HTML /search, 64 connections, ${DURATION}s"
wrk -t2 -c64 -d"${DURATION}s" --latency -s benches/html.lua "http://127.0.0.1:$PORT"

echo "== server memory"
grep -E 'VmRSS|VmHWM' "/proc/$PID/status"

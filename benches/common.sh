# Shared by the load scripts: sourced after BIN, DATA and PORT are set.

# Starts the server on $DATA at $PORT with the given extra environment (NAME=value ...), waits
# until it answers, and stops it when the script exits. Sets PID.
start_server() {
  env "$@" NIAZ_LOG=warn "$BIN" --data-dir "$DATA" serve --addr "127.0.0.1:$PORT" &
  PID=$!
  trap 'kill $PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && return 0
    sleep 0.1
  done
  echo "the server did not start"; exit 1
}

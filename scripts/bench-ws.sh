#!/usr/bin/env bash
# WebSocket fan-out: for each N, a fresh `telemetra run` (release build, generator at
# 300 events/s over 10 channels with no timestamp jitter, per-client rate limit off,
# connection cap raised), then `telemetra bench ws` opens N live clients spread over
# the channels and counts what they receive. Reports connections made, messages per
# client per second, the delay of viewer updates from event time to the client, and
# the server's RSS before and with the clients (memory per client).
# Clients and server share this machine's cores.
# Usage: scripts/bench-ws.sh [SECONDS] [CLIENTS...]   (default: 20 1000 5000 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
shift || true
COUNTS=("$@")
[[ ${#COUNTS[@]} -gt 0 ]] || COUNTS=(1000 5000 10000)
BIN=target/release/telemetra
[[ -x "$BIN" ]] || cargo build --release -p telemetra
# Each client is a socket in the bench and another in the server (separate processes):
# raise the open-file limit as far as allowed (65 536, or the hard limit if lower).
hard=$(ulimit -Hn)
if [[ "$hard" == unlimited || "$hard" -ge 65536 ]]; then ulimit -n 65536; else ulimit -n "$hard"; fi
for n in "${COUNTS[@]}"; do
  (( n + 200 <= $(ulimit -n) )) || { echo "$n clients need more open files than ulimit -n $(ulimit -n)" >&2; exit 1; }
done
source scripts/lib.sh

for n in "${COUNTS[@]}"; do
  PORT=$(free_port)
  BASE="http://127.0.0.1:$PORT"
  rm -rf "$WORK/data"
  TELEMETRA_LOG=warn "$BIN" run --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" \
    --rate-limit 0 --max-websockets $(( n * 2 )) --channels 10 --rate 300 --max-jitter 0s \
    >"$WORK/server.log" 2>&1 &
  SERVER=$!
  PIDS+=("$SERVER")
  for _ in $(seq 60); do
    [[ $(curl -sf "$BASE/api/v1/streams" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null || echo 0) -ge 10 ]] && break
    sleep 1
  done
  sleep 5
  echo "== $n clients, ${DURATION}s =="
  "$BIN" bench ws --url "$BASE" --clients "$n" --seconds "${DURATION}s" --server-pid "$SERVER"
  kill "$SERVER"
  wait "$SERVER" 2>/dev/null || true
  PIDS=()
done

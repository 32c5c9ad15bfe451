#!/usr/bin/env bash
# HTTP load on the API: one `telemetra run` (release build, generator running, the
# per-client rate limit off with --rate-limit 0), then `wrk --latency` against the main
# read endpoints at increasing numbers of connections. wrk is closed-loop: it cannot fix
# a request rate, so the offered load rises with the connections (each connection sends
# its next request as soon as the previous answer arrives).
# Needs a release build and wrk (Debian package `wrk`).
# Usage: scripts/bench-http.sh [SECONDS_PER_STEP] [CONNECTIONS...]   (default: 15 1 8 32 128)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-15}"
shift || true
CONNECTIONS=("$@")
[[ ${#CONNECTIONS[@]} -gt 0 ]] || CONNECTIONS=(1 8 32 128)
BIN=target/release/telemetra
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
[[ -x "$BIN" ]] || cargo build --release -p telemetra
source scripts/lib.sh

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
TELEMETRA_LOG=warn "$BIN" run --listen "127.0.0.1:$PORT" --data-dir "$WORK/data" \
  --rate-limit 0 --channels 10 --rate 300 >"$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=("$SERVER")

# Wait until a channel has stored windows, so every endpoint returns real data.
CHANNEL=""
for _ in $(seq 120); do
  CHANNEL=$(curl -sf "$BASE/api/v1/streams" | python3 -c 'import json,sys; i=json.load(sys.stdin)["items"]; print(i[0]["stream_id"] if i else "")' 2>/dev/null || true)
  if [[ -n "$CHANNEL" ]] && [[ $(curl -sf "$BASE/api/v1/streams/$CHANNEL/metrics" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["windows"]))' 2>/dev/null || echo 0) -gt 0 ]]; then
    break
  fi
  sleep 1
done
[[ -n "$CHANNEL" ]] || { echo "no data after 120 s:" >&2; cat "$WORK/server.log" >&2; exit 1; }
sleep 10   # a few more windows

ENDPOINTS=(
  "/health"
  "/api/v1/streams"
  "/api/v1/streams/$CHANNEL/metrics"
  "/api/v1/streams/$CHANNEL/moments"
)
echo "telemetra run on $BASE (10 channels, 300 events/s); channel $CHANNEL; wrk ${DURATION}s per step"
printf '| %-40s | %5s | %10s | %9s | %9s | %7s |\n' endpoint conns "requests/s" p50 p99 errors
printf '|%s|%s|%s|%s|%s|%s|\n' ------------------------------------------ ------- ------------ ----------- ----------- ---------
for path in "${ENDPOINTS[@]}"; do
  for c in "${CONNECTIONS[@]}"; do
    threads=$(( c < 2 ? c : 2 ))
    out=$(wrk -t"$threads" -c"$c" -d"${DURATION}s" --latency "$BASE$path")
    rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
    p50=$(awk '/^ +50%/ {print $2}' <<<"$out")
    p99=$(awk '/^ +99%/ {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx or 3xx responses:/ {n+=$NF} /Socket errors:/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' <<<"$out")
    printf '| %-40s | %5s | %10s | %9s | %9s | %7s |\n' "${path/$CHANNEL/\{id\}}" "$c" "$rps" "$p50" "$p99" "$errors"
  done
done
echo "server RSS at the end: $(awk '/^VmRSS:/ {print int($2/1024)}' "/proc/$SERVER/status") MB (peak $(awk '/^VmHWM:/ {print int($2/1024)}' "/proc/$SERVER/status") MB)"

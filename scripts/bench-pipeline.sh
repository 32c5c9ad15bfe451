#!/usr/bin/env bash
# The distributed pipeline on this machine, measured end to end:
#   1. throughput: N generated events pre-loaded into Kafka, then `process
#      --stop-at-end` (Kafka → engine → PostgreSQL, Redis) timed, RUNS times;
#   2. latency: `produce` playing the generator in real time, `process` and `serve`
#      running, a WebSocket client on one channel: viewer samples' event time (the
#      moment they were sent, with --max-jitter 0) to their arrival on the socket.
# Needs a release build, PostgreSQL and Redis on loopback, and a Kafka-protocol
# broker: TELEMETRA_BROKERS, or the nisshi binary that .ci/run installs.
# Usage: scripts/bench-pipeline.sh [EVENTS] [RUNS] [LATENCY_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS="${1:-200000}"
RUNS="${2:-3}"
LATENCY_SECONDS="${3:-30}"
BIN=target/release/telemetra
PG_ADMIN="${TELEMETRA_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_BASE="${PG_ADMIN%/*}"
source scripts/lib.sh
[[ -x "$BIN" ]] || cargo build --release -p telemetra
start_broker bench
export TELEMETRA_LOG=warn PGOPTIONS="--client-min-messages=warning"
RUN_ID="bench$$"
topics() { echo --topic-chat "$1.chat" --topic-viewer "$1.viewer" --topic-transactions "$1.tx" --topic-stream-meta "$1.meta" --topic-dlq "$1.dlq"; }
newdb() { psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; "$BIN" migrate --postgres "$PG_BASE/$1" >/dev/null; }
dropdb_() { psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null; }

echo "== throughput: $EVENTS events, 100 channels, 8 partitions =="
"$BIN" generate --events "$EVENTS" --channels 100 --rate 5000 --out "$WORK/events.jsonl" >/dev/null
start=$(date +%s.%N)
"$BIN" produce $(topics "$RUN_ID") --input "$WORK/events.jsonl" --partitions 8 >/dev/null
echo "produce: $(python3 -c "print(round($EVENTS / ($(date +%s.%N) - $start)))") events/s"
rates=()
for i in $(seq "$RUNS"); do
  db="${RUN_ID}_t$i"
  newdb "$db"
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$WORK/rss" "$BIN" process $(topics "$RUN_ID") --group-id "$RUN_ID-t$i" \
    --postgres "$PG_BASE/$db" --redis redis://127.0.0.1:6379 --redis-prefix "$RUN_ID:" --stop-at-end
  secs=$(python3 -c "print($(date +%s.%N) - $start)")
  rate=$(python3 -c "print(round($EVENTS / $secs))")
  rates+=("$rate")
  echo "run $i: $rate events/s Kafka → PostgreSQL (${secs%.*} s, peak RSS $(( $(cat "$WORK/rss") / 1024 )) MB)"
  dropdb_ "$db"
done
echo "median: $(printf '%s\n' "${rates[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') events/s"

echo "== latency: generator at 1000 events/s for ${LATENCY_SECONDS}s, event → WebSocket =="
python3 -c "import websockets" 2>/dev/null || pip install -q websockets >/dev/null 2>&1
db="${RUN_ID}_lat"
newdb "$db"
LIVE="${RUN_ID}live"
"$BIN" produce $(topics "$LIVE") --events 1 --partitions 8 --channels 10 >/dev/null  # creates the topics
"$BIN" process $(topics "$LIVE") --group-id "$LIVE" --postgres "$PG_BASE/$db" \
  --redis redis://127.0.0.1:6379 --redis-prefix "$LIVE:" &
PIDS+=($!)
API_PORT=$(free_port)
"$BIN" serve --listen "127.0.0.1:$API_PORT" --postgres "$PG_BASE/$db" \
  --redis redis://127.0.0.1:6379 --redis-prefix "$LIVE:" &
PIDS+=($!)
sleep 3
"$BIN" produce $(topics "$LIVE") --channels 10 --rate 1000 --max-jitter 0s &
PRODUCER=$!
PIDS+=($PRODUCER)
python3 - "$API_PORT" "$LATENCY_SECONDS" <<'PY'
import asyncio, json, sys, time, datetime, statistics
import websockets
port, seconds = sys.argv[1], float(sys.argv[2])
# The generator's first ten channels.
channels = ["pixelqueen", "speedrun_sam", "chillbeats", "grandmaster_lu", "retro_rick",
            "cozycraft", "fraggerz", "tacticaltess", "moonlit_art", "dungeon_dad"]
lat = []
async def watch(ch):
    async with websockets.connect(f"ws://127.0.0.1:{port}/ws/live/{ch}") as ws:
        end = time.time() + seconds
        while time.time() < end:
            try:
                msg = json.loads(await asyncio.wait_for(ws.recv(), timeout=1))
            except asyncio.TimeoutError:
                continue
            if msg.get("type") == "viewers":
                t = datetime.datetime.fromisoformat(msg["timestamp"].replace("Z", "+00:00")).timestamp()
                lat.append((time.time() - t) * 1000)
async def main():
    await asyncio.gather(*(watch(c) for c in channels), return_exceptions=True)
asyncio.run(main())
lat.sort()
if not lat:
    sys.exit("no viewer updates arrived")
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"{len(lat)} viewer updates: p50 {q(0.5):.0f} ms, p90 {q(0.9):.0f} ms, p99 {q(0.99):.0f} ms, max {lat[-1]:.0f} ms")
PY
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
wait 2>/dev/null || true
PIDS=()
dropdb_ "$db" || true

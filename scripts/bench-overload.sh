#!/usr/bin/env bash
# Overload: input arrives faster than one processor can handle it. A broker (nisshi,
# in memory, unless TELEMETRA_BROKERS is set), one `telemetra process`, and PRODUCERS
# producers generating RATE events per second in all (each its share, its own seed)
# over 100 channels until EVENTS are sent. Every
# second the processor's consumer lag (the sum of `telemetra_consumer_lag` on its
# /metrics) and its RSS (from /proc) go to a CSV; at the end: peak lag, RSS min /
# median / max, and the time from the producers' end to a lag of 0.
# Needs a release build, PostgreSQL and Redis on loopback.
# Usage: scripts/bench-overload.sh [RATE] [EVENTS] [PRODUCERS] [CSV]
#   (default: 200000 8000000 2 /tmp/telemetra-overload.csv)
set -euo pipefail
cd "$(dirname "$0")/.."
RATE="${1:-200000}"
EVENTS="${2:-8000000}"
PRODUCERS="${3:-2}"
CSV="${4:-/tmp/telemetra-overload.csv}"
BIN=target/release/telemetra
PG_ADMIN="${TELEMETRA_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
PG_BASE="${PG_ADMIN%/*}"
RUN_ID="overload$$"
source scripts/lib.sh
cleanup_extra() {
  psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $RUN_ID WITH (FORCE)" >/dev/null 2>&1 || true
}
[[ -x "$BIN" ]] || cargo build --release -p telemetra
start_broker overload
export TELEMETRA_LOG=warn PGOPTIONS="--client-min-messages=warning"
TOPICS=(--topic-chat "$RUN_ID.chat" --topic-viewer "$RUN_ID.viewer" --topic-transactions "$RUN_ID.tx"
  --topic-stream-meta "$RUN_ID.meta" --topic-dlq "$RUN_ID.dlq")
psql "$PG_ADMIN" -qc "CREATE DATABASE $RUN_ID" >/dev/null
"$BIN" migrate --postgres "$PG_BASE/$RUN_ID" >/dev/null
"$BIN" produce "${TOPICS[@]}" --events 1 --partitions 8 --channels 100 >/dev/null   # creates the topics

METRICS="127.0.0.1:$(free_port)"
"$BIN" process "${TOPICS[@]}" --group-id "$RUN_ID" --postgres "$PG_BASE/$RUN_ID" \
  --redis redis://127.0.0.1:6379 --redis-prefix "$RUN_ID:" --metrics-listen "$METRICS" \
  >"$WORK/process.log" 2>&1 &
PROCESSOR=$!
PIDS+=("$PROCESSOR")
for _ in $(seq 100); do curl -sf "http://$METRICS/ready" >/dev/null && break; sleep 0.2; done

PRODUCER_PIDS=()
for i in $(seq "$PRODUCERS"); do
  "$BIN" produce "${TOPICS[@]}" --rate $(( RATE / PRODUCERS )) --events $(( EVENTS / PRODUCERS )) \
    --channels 100 --seed "$i" >"$WORK/produce-$i.log" 2>&1 &
  PRODUCER_PIDS+=($!)
  PIDS+=($!)
done
EVENTS=$(( EVENTS / PRODUCERS * PRODUCERS ))
echo "producing $EVENTS events at up to $RATE/s with $PRODUCERS producers; sampling every second into $CSV"
echo "seconds,producing,lag,lag_chat,lag_viewer,lag_transactions,lag_stream_meta,late_events,rss_mb" >"$CSV"
start=$(date +%s.%N)
producer_done=""
zero_samples=0
while :; do
  now=$(date +%s.%N)
  t=$(python3 -c "print(f'{$now - $start:.1f}')")
  producing=1
  if [[ -z "$producer_done" ]]; then
    running=0
    for p in "${PRODUCER_PIDS[@]}"; do kill -0 "$p" 2>/dev/null && running=1; done
    if [[ $running == 0 ]]; then
      for p in "${PRODUCER_PIDS[@]}"; do
        wait "$p" || { echo "a producer failed:" >&2; cat "$WORK"/produce-*.log >&2; exit 1; }
      done
      producer_done="$t"
    fi
  fi
  [[ -n "$producer_done" ]] && producing=0
  metrics=$(curl -sf "http://$METRICS/metrics" || true)
  lag=$(awk '/^telemetra_consumer_lag\{/ {s+=$2} END {print s+0}' <<<"$metrics")
  by_topic=$(for t in chat viewer transactions stream_meta; do
    awk -v t="telemetra_consumer_lag{topic=\"$t\"}" '$1 == t {v=$2} END {print v+0}' <<<"$metrics"
  done | paste -sd,)
  late=$(awk '/^telemetra_events_late_total\{/ {s+=$2} END {print s+0}' <<<"$metrics")
  rss=$(awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$PROCESSOR/status")
  echo "$t,$producing,$lag,$by_topic,$late,$rss" >>"$CSV"
  if [[ -n "$producer_done" ]]; then
    if [[ "$lag" == 0 ]]; then zero_samples=$((zero_samples + 1)); else zero_samples=0; fi
    [[ $zero_samples -ge 3 ]] && break
  fi
  python3 -c "import time; time.sleep(max(0, 1 - (time.time() - $now)))"
  if python3 -c "import sys; sys.exit(0 if $t > 1800 else 1)"; then echo "gave up after 30 min" >&2; break; fi
done
cp "$WORK/process.log" "${CSV%.csv}.process.log"
python3 - "$CSV" "$producer_done" "$EVENTS" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
producer_end, events = float(sys.argv[2]), int(sys.argv[3])
lag = [int(float(r["lag"])) for r in rows]
rss = [int(r["rss_mb"]) for r in rows]
peak = max(range(len(rows)), key=lambda i: lag[i])
caught = next((float(r["seconds"]) for r in rows if float(r["seconds"]) > producer_end and int(float(r["lag"])) == 0), None)
print(f"producers: {events} events in {producer_end:.0f} s ({events / producer_end:.0f}/s)")
print(f"peak lag: {lag[peak]} records at {rows[peak]['seconds']} s")
print(f"processor RSS: min {min(rss)} MB, median {statistics.median(rss):.0f} MB, max {max(rss)} MB over {len(rss)} samples")
if caught is not None:
    print(f"caught up {caught - producer_end:.0f} s after the producers stopped ({caught:.0f} s in all: {events / caught:.0f} events/s through the processor)")
PY

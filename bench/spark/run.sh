#!/usr/bin/env bash
# Side-by-side: Telemetra's replay and a PySpark job over the same generated file.
#
#   bench/spark/run.sh [EVENTS]    (default 1000000)
#
# Installs pyspark into bench/spark/.venv on first use (Java 17 must be installed).
# Telemetra's side is `telemetra replay`: decoding, every aggregate (sentiment and top
# lists included), moments, and the SQLite writes; Spark's side computes only count,
# distinct chatters and emote occurrences per window. Both use the same window spec.
set -euo pipefail
cd "$(dirname "$0")/../.."
events=${1:-1000000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p telemetra
bin=target/release/telemetra
if [[ ! -x bench/spark/.venv/bin/python ]]; then
  python3 -m venv bench/spark/.venv
  bench/spark/.venv/bin/pip install --quiet pyspark
fi

"$bin" generate --events "$events" --channels 100 --rate 2000 --out "$work/events.jsonl"
echo "events: $events ($(du -h "$work/events.jsonl" | cut -f1))"

start=$(date +%s.%N)
"$bin" replay --input "$work/events.jsonl" --data-dir "$work/telemetra" | tail -1
end=$(date +%s.%N)
telemetra_s=$(echo "$end - $start" | bc -l)

spark_json=$(bench/spark/.venv/bin/python bench/spark/windowed_counts.py "$work/events.jsonl")
echo "spark: $spark_json"
spark_s=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['query_s'])" "$spark_json")

printf 'telemetra replay: %.2f s (whole run, SQLite included)\n' "$telemetra_s"
printf 'spark query:      %.2f s (JVM start excluded)\n' "$spark_s"
printf 'ratio spark/telemetra: %.1fx\n' "$(echo "$spark_s / $telemetra_s" | bc -l)"

# Shared by the benchmark scripts: `source "$(dirname "$0")/lib.sh"` after `set -euo pipefail`.
#
# Gives a work directory ($WORK), a list of background processes to stop on exit
# ($PIDS; a script may also define `cleanup_extra` for its own tidying), `free_port`,
# and `start_broker`, which starts an in-memory nisshi broker unless TELEMETRA_BROKERS
# already names one.

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if declare -F cleanup_extra >/dev/null; then cleanup_extra; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A TCP port on loopback that is free now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts nisshi (the binary .ci/run installs) with in-memory storage named $1, unless
# TELEMETRA_BROKERS is set, and exports TELEMETRA_BROKERS once it accepts connections.
start_broker() {
  [[ -z "${TELEMETRA_BROKERS:-}" ]] || return 0
  local nisshi="${TELEMETRA_TEST_NISSHI:-$HOME/.cache/telemetra/nisshi/bin/nisshi}"
  local port
  port=$(free_port)
  (cd "$WORK" && exec "$nisshi" broker --listener-url "tcp://127.0.0.1:$port" \
    --advertised-listener-url "tcp://127.0.0.1:$port" --storage-engine "memory://$1/" \
    --group-initial-rebalance-delay 500ms >"$WORK/broker.log" 2>&1) &
  PIDS+=($!)
  export TELEMETRA_BROKERS="127.0.0.1:$port"
  for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
}

#!/usr/bin/env bash
# Stops what `npm start` started: the four services, the upstream simulator, then the stack
# (nats-server, redis-server, postgres). Leaves no process behind.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN="$ROOT/.local/run"
stop_pid() {
  local name=$1 file="$RUN/$1.pid"
  [ -f "$file" ] || return 0
  local pid; pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stop: $name did not exit on SIGTERM within 10 s, killing" >&2
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  rm -f "$file"
  echo "stopped $name"
}
for svc in gateway scheduler snapshot-builder metrics-aggregator upstream-sim; do stop_pid "$svc"; done
bash "$ROOT/deploy/local/stack.sh" stop

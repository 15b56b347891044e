#!/usr/bin/env bash
# The one command that starts everything locally: installs what is missing, builds, starts the
# stack (nats-server with JetStream, redis-server, postgres on loopback), migrates, seeds a demo
# (groups per platform, accounts pointing at the upstream simulator, one API key per group),
# starts the simulator and the four services, and waits until every /readyz answers 200.
# Idempotent: what already runs is reused. `npm stop` stops it all.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
RUN="$ROOT/.local/run"; LOGS="$ROOT/.local/logs"
mkdir -p "$RUN" "$LOGS"

GATEWAY_PORT=${GATEWAY_PORT:-8080}
SCHEDULER_PORT=${SCHEDULER_PORT:-8081}
SNAPSHOT_BUILDER_PORT=${SNAPSHOT_BUILDER_PORT:-8082}
METRICS_AGGREGATOR_PORT=${METRICS_AGGREGATOR_PORT:-8083}
SIM_PORT=${SIM_PORT:-18090}

bash "$ROOT/deploy/local/ensure-binaries.sh"
echo "== build" >&2
pnpm exec tsc -b

echo "== stack" >&2
bash "$ROOT/deploy/local/stack.sh" start
eval "$(bash "$ROOT/deploy/local/stack.sh" env)"
export NATS_URL REDIS_URL DATABASE_URL

# Local secrets, made once and kept in the git-ignored .local folder.
if [ ! -f "$ROOT/.local/secrets.env" ]; then
  node -e "const c=require('crypto');console.log('ADMIN_TOKEN='+c.randomBytes(24).toString('hex'));console.log('CREDENTIAL_KEY='+c.randomBytes(32).toString('base64'))" >"$ROOT/.local/secrets.env"
  chmod 600 "$ROOT/.local/secrets.env"
fi
set -a; source "$ROOT/.local/secrets.env"; set +a

echo "== migrate" >&2
node libs/db/dist/cli.js migrate

running() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
launch() { # name port command...
  local name=$1 port=$2; shift 2
  if running "$name"; then echo "$name already running (pid $(cat "$RUN/$name.pid"))" >&2; return; fi
  HTTP_PORT=$port nohup "$@" >>"$LOGS/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  echo "started $name (pid $!, port $port, log .local/logs/$name.log)" >&2
}

launch upstream-sim "$SIM_PORT" node test/upstream-sim/dist/main.js --port "$SIM_PORT"

echo "== seed demo" >&2
node services/gateway/dist/cli/seed-demo.js \
  --sim-url "http://127.0.0.1:$SIM_PORT" \
  --gateway-url "http://127.0.0.1:$GATEWAY_PORT" \
  --out "$ROOT/.local/demo.json"

launch scheduler "$SCHEDULER_PORT" node services/scheduler/dist/main.js
launch snapshot-builder "$SNAPSHOT_BUILDER_PORT" node services/snapshot-builder/dist/main.js
launch metrics-aggregator "$METRICS_AGGREGATOR_PORT" node services/metrics-aggregator/dist/main.js
launch gateway "$GATEWAY_PORT" node services/gateway/dist/main.js

echo "== waiting for /readyz" >&2
deadline=$((SECONDS + 90))
for pair in "gateway:$GATEWAY_PORT" "scheduler:$SCHEDULER_PORT" "snapshot-builder:$SNAPSHOT_BUILDER_PORT" "metrics-aggregator:$METRICS_AGGREGATOR_PORT"; do
  name=${pair%%:*}; port=${pair##*:}
  until curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    if ! running "$name"; then echo "start: $name exited; see .local/logs/$name.log:" >&2; tail -20 "$LOGS/$name.log" >&2; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "start: $name not ready after 90 s; see .local/logs/$name.log" >&2; curl -sS "http://127.0.0.1:$port/readyz" >&2 || true; exit 1; fi
    sleep 0.3
  done
  echo "ready: $name http://127.0.0.1:$port" >&2
done

node -e "
const d = require('$ROOT/.local/demo.json');
console.log('\nSwitchyard is up. Demo keys are in .local/demo.json. Try:\n');
console.log('curl ' + d.gatewayUrl + '/v1/messages -H \"x-api-key: ' + d.apiKeys.anthropic + '\" -H \"anthropic-version: 2023-06-01\" -H \"content-type: application/json\" -d \'{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}\'');
console.log('\nStop everything with: npm stop');
"

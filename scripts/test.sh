#!/usr/bin/env bash
# The one command that runs every test: installs what is missing (pnpm, packages, and the
# nats-server / redis-server / postgres binaries the integration tests start), type-checks,
# builds the services (e2e tests run them as real processes) and runs jest.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/deploy/local/ensure-binaries.sh"
bash "$ROOT/deploy/local/ensure-chromium.sh"
cd "$ROOT"
echo "== type check" >&2
pnpm exec tsc -p tsconfig.check.json
echo "== build" >&2
pnpm exec tsc -b
echo "== jest" >&2
pnpm exec jest "$@"

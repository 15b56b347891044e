#!/usr/bin/env bash
# `pnpm bench` runs every benchmark in test/bench/src/benches; `pnpm bench <name>` runs one.
# Each prints a table and writes the same figures to .local/bench/<name>.json.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/deploy/local/ensure-binaries.sh"
cd "$ROOT"
pnpm exec tsc -b
exec node test/bench/dist/main.js "$@"

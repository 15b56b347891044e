#!/usr/bin/env bash
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
pnpm exec tsc -p tsconfig.check.json
pnpm exec eslint .
pnpm exec prettier --check .

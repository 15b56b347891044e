#!/usr/bin/env bash
# Applies the Postgres migrations to DATABASE_URL (default: the local stack's database).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/bootstrap.sh"
cd "$ROOT"
pnpm exec tsc -b libs/db
if [ -z "${DATABASE_URL:-}" ]; then eval "$(bash "$ROOT/deploy/local/stack.sh" env)"; export DATABASE_URL; fi
node libs/db/dist/cli.js migrate

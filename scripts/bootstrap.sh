#!/usr/bin/env bash
# Sourced by the other scripts: puts pnpm 10 on PATH (installing it under .local/tools when the
# machine has none; corepack cannot fetch it here) and installs the workspace from the lockfile.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PNPM_VERSION=10.34.8
export PATH="$ROOT/.local/tools/node_modules/.bin:$PATH"
if ! command -v pnpm >/dev/null 2>&1 || [[ "$(pnpm --version 2>/dev/null)" != 10.* ]]; then
  echo "bootstrap: installing pnpm@$PNPM_VERSION into .local/tools" >&2
  mkdir -p "$ROOT/.local/tools"
  npm install --silent --no-audit --no-fund --prefix "$ROOT/.local/tools" "pnpm@$PNPM_VERSION" >&2
fi
# Quiet when all is in place; on a failure, run again with the reporter on so the error shows.
if ! (cd "$ROOT" && pnpm install --frozen-lockfile --prefer-offline --reporter=silent >&2); then
  (cd "$ROOT" && pnpm install --frozen-lockfile --prefer-offline >&2)
fi

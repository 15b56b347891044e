#!/usr/bin/env bash
# Makes sure the servers the local stack and the integration tests start are installed:
# nats-server, redis-server (with redis-cli) and the postgres server binaries. Silent when all
# are there, since `pnpm test` calls it on every run. As root it installs what is missing from
# Debian's packages; otherwise it prints the one command to run and fails.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # read by log() in lib.sh
LOG_PREFIX=ensure-binaries
source "$HERE/lib.sh"

missing_packages() {
  local packages=()
  find_bin nats-server >/dev/null || packages+=(nats-server)
  # redis-tools (redis-cli) is a dependency of Debian's redis-server package.
  if ! find_bin redis-server >/dev/null || ! find_bin redis-cli >/dev/null; then
    packages+=(redis-server)
  fi
  find_pg_bin_dir >/dev/null || packages+=(postgresql)
  echo "${packages[@]}"
}

read -r -a packages <<<"$(missing_packages)"
((${#packages[@]} == 0)) && exit 0

if ! is_root; then
  log "missing: ${packages[*]}. Install them with:"
  echo "sudo apt-get install -y ${packages[*]}"
  exit 1
fi

log "installing ${packages[*]}"
# The postgresql package creates and (where it can) starts its own 'main' cluster on 5432. It
# does not get in our way: the stack and the tests use their own data directories and ports.
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >&2

read -r -a still_missing <<<"$(missing_packages)"
if ((${#still_missing[@]} > 0)); then
  die "still missing after apt-get install: ${still_missing[*]}"
fi

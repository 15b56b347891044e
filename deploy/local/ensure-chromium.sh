#!/usr/bin/env bash
# Makes sure Debian's `chromium` is installed: the metrics-aggregator's dashboard test drives it
# headless through playwright-core (which downloads no browser of its own). Silent when it is
# there, since `pnpm test` calls it on every run. As root it installs it with apt-get;
# otherwise it prints the one command to run and fails.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034 # read by log() in lib.sh
LOG_PREFIX=ensure-chromium
source "$HERE/lib.sh"

# The dashboard test starts this exact path (Debian's wrapper script around the real binary).
CHROMIUM=/usr/bin/chromium
[[ -x "$CHROMIUM" ]] && exit 0

if ! is_root; then
  log "missing: chromium. Install it with:"
  echo "sudo apt-get install -y chromium"
  exit 1
fi

log "installing chromium"
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
[[ -x "$CHROMIUM" ]] || die "still missing after apt-get install: $CHROMIUM"

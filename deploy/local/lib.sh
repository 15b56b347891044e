#!/usr/bin/env bash
# Shared helpers for the deploy/local scripts. Sourced, never run: it sets no options of its own
# so that the caller's `set -euo pipefail` stays in charge.

# Prints a message on stderr, prefixed with the calling script's name.
log() {
  echo "${LOG_PREFIX:-local}: $*" >&2
}

die() {
  log "error: $*"
  exit 1
}

is_root() {
  [[ "$(id -u)" == 0 ]]
}

# Finds an executable on PATH or in the sbin directories, which a non-root PATH often lacks
# (Debian installs nats-server in /usr/sbin). Prints its path; fails when there is none.
find_bin() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
    return 0
  fi
  for dir in /usr/local/sbin /usr/sbin /sbin; do
    if [[ -x "$dir/$name" ]]; then
      echo "$dir/$name"
      return 0
    fi
  done
  return 1
}

# Prints the directory holding the postgres server binaries (initdb, pg_ctl, postgres). Debian
# keeps them in /usr/lib/postgresql/<major>/bin, off PATH; the newest major wins. PG_BIN
# overrides the search.
find_pg_bin_dir() {
  local dir candidate
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" && -x "$PG_BIN/postgres" ]] || return 1
    echo "$PG_BIN"
    return 0
  fi
  while read -r candidate; do
    if [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" && -x "$candidate/postgres" ]]; then
      echo "$candidate"
      return 0
    fi
  done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k4,4 -V -r)
  if candidate=$(command -v initdb 2>/dev/null); then
    dir=$(dirname "$candidate")
    if [[ -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
      echo "$dir"
      return 0
    fi
  fi
  return 1
}

# True when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  local port=$1
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
}

# Runs the given command every 100 ms until it succeeds or TIMEOUT seconds pass.
wait_until() {
  local timeout=$1
  shift
  local deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

wait_for_port() {
  wait_until "$2" port_open "$1"
}

# Sends one HTTP/1.0 GET to 127.0.0.1:PORT and succeeds when the status is 200. Plain bash so that
# the scripts need neither curl nor wget.
http_ok() {
  local port=$1 path=$2 status
  status=$(
    exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
    timeout 2 head -n 1 <&3
  ) || return 1
  [[ "$status" == *" 200 "* ]]
}

# Reads a pid from PIDFILE and succeeds when that process is alive. Prints the pid.
pidfile_alive() {
  local pidfile=$1 pid
  [[ -s "$pidfile" ]] || return 1
  pid=$(head -n 1 "$pidfile" | tr -d '[:space:]')
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  pid_alive "$pid" || return 1
  echo "$pid"
}

# True while PID runs. A zombie counts as gone: its parent (often PID 1 once the server has
# been daemonized) may take a while to reap it, but it holds no port or file any more.
pid_alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(sed -E 's/.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 0
  [[ "$state" != Z ]]
}

pid_gone() {
  ! pid_alive "$1"
}

# Sends SIGTERM to PID, waits up to TIMEOUT seconds for it to exit, then sends SIGKILL.
terminate_pid() {
  local pid=$1 timeout=${2:-10}
  kill -TERM "$pid" 2>/dev/null || return 0
  if ! wait_until "$timeout" pid_gone "$pid"; then
    log "pid $pid ignored SIGTERM for ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# Prints the last lines of a log file, indented, for an error message.
log_tail() {
  local file=$1
  [[ -f "$file" ]] || return 0
  echo "--- last lines of $file ---" >&2
  tail -n 20 "$file" | sed 's/^/  /' >&2
}

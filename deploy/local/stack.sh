#!/usr/bin/env bash
# The local dev stack: real nats-server (JetStream), redis-server and postgres on loopback.
#
#   stack.sh start    start whatever is not running yet (a second start reuses what runs)
#   stack.sh stop     stop all three and check that none of their processes is left
#   stack.sh status   one line per server; exit 0 when all three run, 3 otherwise
#   stack.sh env      NATS_URL / REDIS_URL / DATABASE_URL lines, for eval or env files
#
# Ports: NATS_PORT (14222), NATS_MONITOR_PORT (18222), REDIS_PORT (16379), PG_PORT (15432).
# State lives under <repo>/.local: data/, logs/, run/ (pidfiles).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# shellcheck disable=SC2034 # read by log() in lib.sh
LOG_PREFIX=stack
source "$HERE/lib.sh"

NATS_PORT=${NATS_PORT:-14222}
NATS_MONITOR_PORT=${NATS_MONITOR_PORT:-18222}
REDIS_PORT=${REDIS_PORT:-16379}
PG_PORT=${PG_PORT:-15432}
PG_DATABASE=switchyard
# Postgres names its child processes after this, so `stop` can find any that outlive the
# postmaster.
PG_CLUSTER_NAME=switchyard-dev

DATA=$ROOT/.local/data
LOGS=$ROOT/.local/logs
RUN=$ROOT/.local/run
PGDATA=$DATA/pg
PG_SOCKET_DIR=$RUN/pg

# Seconds to wait for a server to answer before giving up.
START_TIMEOUT=30

nats_url() { echo "nats://127.0.0.1:$NATS_PORT"; }
redis_url() { echo "redis://127.0.0.1:$REDIS_PORT"; }
database_url() { echo "postgres://postgres@127.0.0.1:$PG_PORT/$PG_DATABASE"; }

# ---------------------------------------------------------------------------------------- nats

nats_ready() {
  # /healthz answers 200 only once JetStream is up as well.
  http_ok "$NATS_MONITOR_PORT" /healthz
}

start_nats() {
  local pid bin
  if pid=$(pidfile_alive "$RUN/nats.pid"); then
    log "nats: already running (pid $pid) on $(nats_url)"
    return 0
  fi
  bin=$(find_bin nats-server) || die "nats-server not found; run deploy/local/ensure-binaries.sh"
  port_open "$NATS_PORT" && die "port $NATS_PORT is taken by another process; set NATS_PORT"
  mkdir -p "$DATA/nats"
  # setsid: the server must not belong to the caller's terminal session and die with it.
  setsid -f "$bin" -a 127.0.0.1 -p "$NATS_PORT" -http_port "$NATS_MONITOR_PORT" \
    -js -sd "$DATA/nats" -P "$RUN/nats.pid" </dev/null >>"$LOGS/nats.log" 2>&1
  if ! wait_until "$START_TIMEOUT" nats_ready; then
    log_tail "$LOGS/nats.log"
    die "nats-server did not answer on :$NATS_MONITOR_PORT/healthz within ${START_TIMEOUT}s; see $LOGS/nats.log"
  fi
  log "nats: started (pid $(pidfile_alive "$RUN/nats.pid" || echo '?')) on $(nats_url)"
}

stop_nats() {
  local pid
  if pid=$(pidfile_alive "$RUN/nats.pid"); then
    terminate_pid "$pid"
    log "nats: stopped (pid $pid)"
  fi
  rm -f "$RUN/nats.pid"
}

# --------------------------------------------------------------------------------------- redis

redis_ready() {
  local reply cli
  if cli=$(find_bin redis-cli); then
    reply=$("$cli" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) || return 1
  else
    reply=$(
      exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" || exit 1
      printf 'PING\r\n' >&3
      timeout 2 head -n 1 <&3
    ) || return 1
  fi
  [[ "$reply" == *PONG* ]]
}

start_redis() {
  local pid bin
  if pid=$(pidfile_alive "$RUN/redis.pid"); then
    log "redis: already running (pid $pid) on $(redis_url)"
    return 0
  fi
  bin=$(find_bin redis-server) || die "redis-server not found; run deploy/local/ensure-binaries.sh"
  port_open "$REDIS_PORT" && die "port $REDIS_PORT is taken by another process; set REDIS_PORT"
  mkdir -p "$DATA/redis"
  # Dev data is disposable: no RDB snapshots, no AOF. Output before daemonizing (a bad option)
  # lands in the same log file as the server's own logging.
  # shellcheck disable=SC2094
  "$bin" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$LOGS/redis.log" --dir "$DATA/redis" \
    </dev/null >>"$LOGS/redis.log" 2>&1 || {
    log_tail "$LOGS/redis.log"
    die "redis-server failed to start; see $LOGS/redis.log"
  }
  if ! wait_until "$START_TIMEOUT" redis_ready; then
    log_tail "$LOGS/redis.log"
    die "redis-server did not answer PING on :$REDIS_PORT within ${START_TIMEOUT}s; see $LOGS/redis.log"
  fi
  log "redis: started (pid $(pidfile_alive "$RUN/redis.pid" || echo '?')) on $(redis_url)"
}

stop_redis() {
  local pid
  if pid=$(pidfile_alive "$RUN/redis.pid"); then
    terminate_pid "$pid"
    log "redis: stopped (pid $pid)"
  fi
  rm -f "$RUN/redis.pid"
}

# ------------------------------------------------------------------------------------ postgres

PG_BIN_DIR=

pg_bin() {
  if [[ -z "$PG_BIN_DIR" ]]; then
    PG_BIN_DIR=$(find_pg_bin_dir) ||
      die "postgres server binaries not found; run deploy/local/ensure-binaries.sh"
  fi
  echo "$PG_BIN_DIR/$1"
}

# Runs a postgres program as the user that owns the cluster: postgres refuses to run as root.
as_pg_user() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_running() {
  [[ -f "$PGDATA/PG_VERSION" ]] && as_pg_user "$(pg_bin pg_ctl)" -D "$PGDATA" status >/dev/null 2>&1
}

pg_ready() {
  "$(pg_bin pg_isready)" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres 2>/dev/null
}

psql_admin() {
  "$(pg_bin psql)" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_prepare_dirs() {
  mkdir -p "$PGDATA" "$PG_SOCKET_DIR"
  touch "$LOGS/postgres.log"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' OS user to run postgres as (install the postgresql package)"
    chown postgres: "$PGDATA" "$PG_SOCKET_DIR" "$LOGS/postgres.log"
    # postgres must be able to reach its data directory through every parent.
    runuser -u postgres -- test -x "$PGDATA" ||
      die "user postgres cannot reach $PGDATA; make its parent directories world-searchable"
  fi
  chmod 700 "$PGDATA"
}

pg_initdb() {
  log "postgres: initdb in $PGDATA"
  # Trust auth is for a loopback-only dev cluster; -U postgres keeps DATABASE_URL the same
  # whoever runs it.
  as_pg_user "$(pg_bin initdb)" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C --no-sync \
    >>"$LOGS/postgres.log" 2>&1 || {
    log_tail "$LOGS/postgres.log"
    die "initdb failed; see $LOGS/postgres.log"
  }
}

start_postgres() {
  local pid
  pg_prepare_dirs
  if pg_running; then
    pid=$(head -n 1 "$PGDATA/postmaster.pid")
    echo "$pid" >"$RUN/postgres.pid"
    log "postgres: already running (pid $pid) on $(database_url)"
    return 0
  fi
  port_open "$PG_PORT" && die "port $PG_PORT is taken by another process; set PG_PORT"
  [[ -f "$PGDATA/PG_VERSION" ]] || pg_initdb
  if ! as_pg_user "$(pg_bin pg_ctl)" -D "$PGDATA" -l "$LOGS/postgres.log" -w -t "$START_TIMEOUT" \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_SOCKET_DIR -c cluster_name=$PG_CLUSTER_NAME" \
    start >/dev/null 2>&1; then
    log_tail "$LOGS/postgres.log"
    die "postgres did not start within ${START_TIMEOUT}s; see $LOGS/postgres.log"
  fi
  if ! wait_until "$START_TIMEOUT" pg_ready; then
    log_tail "$LOGS/postgres.log"
    die "postgres did not accept connections on :$PG_PORT within ${START_TIMEOUT}s; see $LOGS/postgres.log"
  fi
  pid=$(head -n 1 "$PGDATA/postmaster.pid")
  echo "$pid" >"$RUN/postgres.pid"
  log "postgres: started (pid $pid) on $(database_url)"
}

pg_ensure_database() {
  local exists
  exists=$(psql_admin -tA -c "select 1 from pg_database where datname = '$PG_DATABASE'")
  if [[ "$exists" != 1 ]]; then
    psql_admin -c "create database $PG_DATABASE"
    log "postgres: created database $PG_DATABASE"
  fi
}

stop_postgres() {
  local pid=
  if pg_running; then
    pid=$(head -n 1 "$PGDATA/postmaster.pid")
    # fast: roll back open transactions and disconnect clients rather than wait for them.
    as_pg_user "$(pg_bin pg_ctl)" -D "$PGDATA" -m fast -w -t "$START_TIMEOUT" stop >/dev/null ||
      log "postgres: pg_ctl stop failed; see $LOGS/postgres.log"
    log "postgres: stopped (pid $pid)"
  fi
  rm -f "$RUN/postgres.pid"
}

# ------------------------------------------------------------------------------------ commands

# Prints the pids of any stack process still alive: the ones in pidfiles, and any found by their
# command line (a server whose pidfile was lost).
leftover_pids() {
  {
    pgrep -f -- "-sd $DATA/nats" || true
    pgrep -f -- "redis-server 127.0.0.1:$REDIS_PORT" || true
    pgrep -f -- "-D $PGDATA" || true
    pgrep -f -- "postgres: $PG_CLUSTER_NAME:" || true
  } | sort -u
}

cmd_start() {
  mkdir -p "$DATA" "$LOGS" "$RUN"
  start_nats
  start_redis
  start_postgres
  pg_ensure_database
}

cmd_stop() {
  local pids pid
  stop_nats
  stop_redis
  stop_postgres
  pids=$(leftover_pids)
  if [[ -n "$pids" ]]; then
    log "processes left after stop, terminating: ${pids//$'\n'/ }"
    for pid in $pids; do terminate_pid "$pid" 5; done
  fi
  pids=$(leftover_pids)
  [[ -z "$pids" ]] || die "processes still alive after stop: ${pids//$'\n'/ }"
}

cmd_status() {
  local down=0 pid
  if pid=$(pidfile_alive "$RUN/nats.pid") && nats_ready; then
    echo "nats      running  pid $pid  $(nats_url)  monitor http://127.0.0.1:$NATS_MONITOR_PORT"
  else
    echo "nats      stopped"
    down=1
  fi
  if pid=$(pidfile_alive "$RUN/redis.pid") && redis_ready; then
    echo "redis     running  pid $pid  $(redis_url)"
  else
    echo "redis     stopped"
    down=1
  fi
  if pg_running && pg_ready; then
    echo "postgres  running  pid $(head -n 1 "$PGDATA/postmaster.pid")  $(database_url)"
  else
    echo "postgres  stopped"
    down=1
  fi
  return $((down * 3))
}

cmd_env() {
  echo "NATS_URL=$(nats_url)"
  echo "REDIS_URL=$(redis_url)"
  echo "DATABASE_URL=$(database_url)"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *)
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# Starts the PostgreSQL and Redis servers that the threshold-store tests run against, on loopback only, and prints
# the settings the tests read as `export` lines on stdout (progress goes to stderr):
#
#   eval "$(bash tools/ci/start-services.sh)"      # start (idempotent: running servers are reused)
#   bash tools/ci/start-services.sh --stop         # stop both and keep nothing
#
# Without these variables the PostgreSQL/Redis tests skip with a message. As root, PostgreSQL runs as the
# `postgres` user (it refuses to run as root). Data lives under $MANGAASSIST_SERVICES_DIR (default
# /tmp/mangaassist-services) and is throw-away: Redis keeps nothing on disk.
set -euo pipefail

base="${MANGAASSIST_SERVICES_DIR:-/tmp/mangaassist-services}"
pg_port="${MANGAASSIST_PG_PORT:-55433}"
redis_port="${MANGAASSIST_REDIS_PORT:-6390}"
pg_data="$base/postgres"
pg_db=mangaassist_test
pg_user=mangaassist
pg_password=mangaassist

log() { echo "start-services: $*" >&2; }

pg_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  # Debian keeps the server binaries out of PATH, one folder per major version: take the newest.
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$dir" ] || { log "PostgreSQL server binaries not found (install the postgresql package)"; exit 1; }
  echo "$dir"
}

# Runs a command as the PostgreSQL owner: `postgres` when we are root, ourselves otherwise.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  local bin
  bin="$(pg_bindir)"
  mkdir -p "$base"
  chmod 755 "$base"
  if [ ! -s "$pg_data/PG_VERSION" ]; then
    log "initialising PostgreSQL in $pg_data"
    rm -rf "$pg_data"
    mkdir -p "$pg_data"
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$pg_data"; fi
    as_pg "$bin/initdb" -D "$pg_data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if as_pg "$bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
    log "PostgreSQL already running on 127.0.0.1:$pg_port"
  else
    log "starting PostgreSQL on 127.0.0.1:$pg_port"
    as_pg "$bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_data -c fsync=off -c full_page_writes=off" start >/dev/null
  fi
  local psql=("$bin/psql" -h "$pg_data" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA)
  if [ "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$pg_user'")" != 1 ]; then
    as_pg "${psql[@]}" -c "CREATE ROLE $pg_user LOGIN PASSWORD '$pg_password'" >/dev/null
  fi
  if [ "$(as_pg "${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$pg_db'")" != 1 ]; then
    as_pg "${psql[@]}" -c "CREATE DATABASE $pg_db OWNER $pg_user" >/dev/null
  fi
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || { log "redis-server not found (install the redis-server package)"; exit 1; }
  mkdir -p "$base"
  if [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null || true)" = PONG ]; then
    log "Redis already running on 127.0.0.1:$redis_port"
  else
    log "starting Redis on 127.0.0.1:$redis_port"
    redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes --save '' --appendonly no \
      --dir "$base" --pidfile "$base/redis.pid" --logfile "$base/redis.log"
    for _ in $(seq 1 50); do
      [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null || true)" = PONG ] && return
      sleep 0.1
    done
    log "Redis did not answer on 127.0.0.1:$redis_port (see $base/redis.log)"
    exit 1
  fi
}

stop_all() {
  if [ -s "$pg_data/PG_VERSION" ]; then
    as_pg "$(pg_bindir)/pg_ctl" -D "$pg_data" -m fast stop >/dev/null 2>&1 && log "PostgreSQL stopped" || true
  fi
  if [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null || true)" = PONG ]; then
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    log "Redis stopped"
  fi
  rm -rf "$base"
}

if [ "${1:-}" = --stop ]; then
  stop_all
  exit 0
fi

start_postgres
start_redis
echo "export MANGAASSIST_TEST_PG_URL=postgres://$pg_user:$pg_password@127.0.0.1:$pg_port/$pg_db"
echo "export MANGAASSIST_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0"

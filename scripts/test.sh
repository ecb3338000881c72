#!/usr/bin/env bash
# The project's one test command: makes sure MariaDB (127.0.0.1:3306, root with an empty password,
# database `test`), PostgreSQL (127.0.0.1:5432, user postgres trusted from 127.0.0.1, database `test`),
# Redis (127.0.0.1:6379), Java 17 and Maven are there, starts a Kafka broker
# (127.0.0.1:19092), a second MariaDB with its binlog on (127.0.0.1:3307) and RocketMQ (namesrv
# 127.0.0.1:9876, proxy 127.0.0.1:8081) and OpenSearch (127.0.0.1:19200), installs docker-compose (to
# validate docker/compose.yaml offline) and Chromium with its chromedriver (for AdminUiTest), then runs
# `mvn -B verify`.
#
#   scripts/test.sh [extra mvn args...]      e.g. scripts/test.sh -Dtest='dev.tally.strategy.**'
#
# Meant for a Debian 12 machine (or container) run as root, without systemd. Services that already
# answer are used as they are; missing packages are installed with apt-get; stopped services are
# started in the background. Every step is idempotent, so a second run only checks and goes on.
#
# Environment:
#   TALLY_TEST_SERVICES_ONLY=1   prepare the services and the toolchain, then exit 0 without running
#                                Maven (to check this script itself).
set -euo pipefail

readonly HOST=127.0.0.1
readonly MARIADB_PORT=3306
readonly REDIS_PORT=6379
readonly PG_PORT=5432
readonly WAIT_SECONDS=60
readonly MARIADBD=/usr/sbin/mariadbd
readonly MYSQL_DATADIR=/var/lib/mysql
readonly MYSQL_RUNDIR=/run/mysqld
readonly MYSQL_LOGDIR=/var/log/mysql
readonly REDIS_DIR=/var/lib/redis
readonly REDIS_LOGDIR=/var/log/redis

say() { printf '%s\n' "$*"; }
die() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

# True if something accepts TCP connections on HOST:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

APT_UPDATED=0
apt_install() {
  [[ $(id -u) -eq 0 ]] || die "need root to install $* (or install it yourself and rerun)"
  if [[ $APT_UPDATED -eq 0 ]]; then
    say "apt: updating package lists"
    apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt: installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# wait_for WHAT CHECK_COMMAND...: polls until the command succeeds or WAIT_SECONDS pass.
wait_for() {
  local what=$1; shift
  local start=$SECONDS
  until "$@"; do
    if ((SECONDS - start >= WAIT_SECONDS)); then
      return 1
    fi
    sleep 0.5
  done
  say "$what: up after $((SECONDS - start))s"
}

# ---------------------------------------------------------------------------------------------------
# MariaDB
# ---------------------------------------------------------------------------------------------------

mariadb_tcp() { mariadb --protocol=TCP -h"$HOST" -P"$MARIADB_PORT" -uroot --connect-timeout=5 "$@"; }
mariadb_socket() { mariadb --protocol=SOCKET -uroot --connect-timeout=5 "$@"; }

start_mariadb() {
  if [[ ! -x $MARIADBD ]]; then
    apt_install mariadb-server mariadb-client
    # the package's maintainer scripts may have started it already (sysvinit script in containers)
    if port_open "$MARIADB_PORT"; then
      say "mariadb: started by the package install"
      return
    fi
  fi
  if [[ ! -d $MYSQL_DATADIR/mysql ]]; then
    say "mariadb: initializing $MYSQL_DATADIR"
    mkdir -p "$MYSQL_DATADIR"
    chown mysql:mysql "$MYSQL_DATADIR"
    mariadb-install-db --user=mysql --datadir="$MYSQL_DATADIR" --skip-test-db >/dev/null
  fi
  chown -R mysql:mysql "$MYSQL_DATADIR"
  mkdir -p "$MYSQL_RUNDIR" "$MYSQL_LOGDIR"
  chown mysql:mysql "$MYSQL_RUNDIR" "$MYSQL_LOGDIR"
  say "mariadb: starting $MARIADBD"
  mariadb_spawn
  # start-stop-daemon does nothing if a mariadbd is still there, e.g. one that is just shutting down
  # (or a zombie not yet reaped): so ask again every 2 s until the port opens; it starts one only
  # once no mariadbd is left, and leaves one that is starting up (crash recovery) alone.
  local start=$SECONDS next_try=$((SECONDS + 2))
  until port_open "$MARIADB_PORT"; do
    if ((SECONDS - start >= WAIT_SECONDS)); then
      tail -n 20 "$MYSQL_LOGDIR/ci-start.log" "$MYSQL_LOGDIR/error.log" >&2 2>/dev/null || true
      die "mariadb did not open $HOST:$MARIADB_PORT within ${WAIT_SECONDS}s"
    fi
    sleep 0.5
    if ((SECONDS >= next_try)); then
      mariadb_spawn
      next_try=$((SECONDS + 2))
    fi
  done
  say "mariadb: up after $((SECONDS - start))s"
}

mariadb_spawn() {
  # Command-line options win over /etc/mysql: always run as mysql, listen on 127.0.0.1 only.
  start-stop-daemon --start --quiet --oknodo --background \
    --pidfile "$MYSQL_RUNDIR/mysqld.pid" \
    --output "$MYSQL_LOGDIR/ci-start.log" \
    --exec "$MARIADBD" -- \
    --user=mysql --datadir="$MYSQL_DATADIR" --pid-file="$MYSQL_RUNDIR/mysqld.pid" \
    --socket="$MYSQL_RUNDIR/mysqld.sock" --bind-address="$HOST" --port="$MARIADB_PORT"
}

# root over TCP with an empty password, and database `test`.
prepare_mariadb() {
  if ! mariadb_tcp -e 'SELECT 1' >/dev/null 2>&1; then
    say "mariadb: root cannot log in over TCP with an empty password; fixing it via the unix socket"
    # A fresh Debian install authenticates root@localhost by unix_socket only. With skip-name-resolve
    # a TCP client from 127.0.0.1 is root@127.0.0.1, not root@localhost, so give both the empty password.
    mariadb_socket -e "
      ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket;
      CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY '';
      ALTER USER root@'127.0.0.1' IDENTIFIED BY '';
      GRANT ALL PRIVILEGES ON *.* TO root@'127.0.0.1' WITH GRANT OPTION;
      FLUSH PRIVILEGES;" \
      || die "mariadb: could not fix root's login via the unix socket (is this MariaDB on this machine?)"
    mariadb_tcp -e 'SELECT 1' >/dev/null || die "mariadb: root still cannot log in over TCP"
  fi
  mariadb_tcp -e 'CREATE DATABASE IF NOT EXISTS test' >/dev/null
  say "mariadb: root@$HOST (empty password) ok, database test ok"
}

ensure_mariadb() {
  if port_open "$MARIADB_PORT"; then
    say "mariadb: already running on $HOST:$MARIADB_PORT"
  else
    say "mariadb: nothing on $HOST:$MARIADB_PORT"
    start_mariadb
  fi
  command -v mariadb >/dev/null || apt_install mariadb-client
  prepare_mariadb
}

# ---------------------------------------------------------------------------------------------------
# PostgreSQL (Debian's postgresql package and its cluster tools)
# ---------------------------------------------------------------------------------------------------

pg_tcp() { psql -h "$HOST" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
pg_socket() { su postgres -c "psql -p $PG_PORT -d postgres -v ON_ERROR_STOP=1 -Atq $(printf '%q ' "$@")"; }

ensure_postgres() {
  if ! command -v psql >/dev/null || ! command -v pg_lsclusters >/dev/null; then
    apt_install postgresql postgresql-client
  fi
  if port_open "$PG_PORT"; then
    say "postgres: already running on $HOST:$PG_PORT"
  else
    local cluster
    cluster=$(pg_lsclusters -h | awk -v port="$PG_PORT" '$3 == port {print $1 " " $2; exit}')
    [[ -n $cluster ]] || die "postgres: no cluster on port $PG_PORT (pg_lsclusters)"
    say "postgres: starting cluster $cluster"
    # shellcheck disable=SC2086 # "version name"
    pg_ctlcluster $cluster start
    wait_for postgres port_open "$PG_PORT" || die "postgres did not open $HOST:$PG_PORT within ${WAIT_SECONDS}s"
  fi
  if ! pg_tcp -c 'SELECT 1' >/dev/null 2>&1; then
    # a fresh install asks TCP clients for a password; the tests connect as postgres without one
    say "postgres: trusting user postgres from $HOST for the tests"
    local hba
    hba=$(pg_socket -c 'SHOW hba_file')
    sed -i "1i host all postgres $HOST/32 trust" "$hba"
    pg_socket -c 'SELECT pg_reload_conf()' >/dev/null
    pg_tcp -c 'SELECT 1' >/dev/null || die "postgres: user postgres still cannot log in over TCP"
  fi
  [[ $(pg_tcp -c "SELECT 1 FROM pg_database WHERE datname = 'test'") == 1 ]] || pg_tcp -c 'CREATE DATABASE test'
  say "postgres: postgres@$HOST ok, database test ok"
}

# ---------------------------------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------------------------------

redis_pong() {
  [[ $(timeout 3 redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
}

ensure_redis() {
  if command -v redis-cli >/dev/null && redis_pong; then
    say "redis: already running on $HOST:$REDIS_PORT"
    return
  fi
  say "redis: no PONG from $HOST:$REDIS_PORT"
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    apt_install redis-server redis-tools
    if redis_pong; then
      say "redis: started by the package install"
      return
    fi
  fi
  if port_open "$REDIS_PORT"; then
    die "redis: something listens on $HOST:$REDIS_PORT but does not answer PING"
  fi
  mkdir -p "$REDIS_DIR" "$REDIS_LOGDIR"
  say "redis: starting redis-server"
  redis-server --daemonize yes --bind "$HOST" -::1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$REDIS_DIR" --logfile "$REDIS_LOGDIR/ci.log"
  if ! wait_for redis redis_pong; then
    tail -n 20 "$REDIS_LOGDIR/ci.log" >&2 || true
    die "redis did not answer PING on $HOST:$REDIS_PORT within ${WAIT_SECONDS}s"
  fi
}

# ---------------------------------------------------------------------------------------------------
# Java 17 + Maven
# ---------------------------------------------------------------------------------------------------

javac_major() {
  javac -version 2>&1 | sed -nE 's/^javac ([0-9]+).*/\1/p'
}

ensure_java() {
  if ! command -v mvn >/dev/null || ! command -v javac >/dev/null; then
    apt_install openjdk-17-jdk-headless maven
  fi
  local major
  major=$(javac_major)
  if [[ -z $major || $major -lt 17 ]]; then
    say "java: javac ${major:-?} is older than 17"
    local jdk17
    jdk17=/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)
    [[ -x $jdk17/bin/javac ]] || apt_install openjdk-17-jdk-headless
    export JAVA_HOME=$jdk17 PATH=$jdk17/bin:$PATH
    major=$(javac_major)
  fi
  local mvn_version
  mvn_version=$(mvn -B -v 2>/dev/null | sed -e 's/\x1b\[[0-9;]*m//g') || die "mvn -v failed"
  say "java: javac $major, ${mvn_version%%$'\n'*}"
}

# ---------------------------------------------------------------------------------------------------

cd "$(dirname "${BASH_SOURCE[0]}")/.."

ensure_mariadb
ensure_postgres
ensure_redis
ensure_java
# servers that only the tests need, each from its own script (they run on 127.0.0.1 and stay up for the
# next run; `scripts/infra/<name>.sh stop` stops one)
scripts/infra/kafka.sh start
scripts/infra/mariadb-binlog.sh start
scripts/infra/rocketmq.sh start
scripts/infra/opensearch.sh start
scripts/infra/redis-topologies.sh start
# docker-compose v1 validates docker/compose.yaml offline (no Docker engine needed)
command -v docker-compose >/dev/null || apt_install --no-install-recommends docker-compose
# the admin console's tests (AdminUiTest) drive Debian's headless Chromium through its chromedriver
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || apt_install --no-install-recommends chromium chromium-driver

if [[ ${TALLY_TEST_SERVICES_ONLY:-} == 1 ]]; then
  say "TALLY_TEST_SERVICES_ONLY=1: services ready, not running Maven"
  exit 0
fi

say "mvn: verify $*"
mvn -B verify "$@"
# the load tests run on purpose against a running Tally (load-tests/README.md), never here; compiling them
# keeps them in step with the API
say "mvn: load-tests test-compile"
exec mvn -B -q -f load-tests/pom.xml test-compile

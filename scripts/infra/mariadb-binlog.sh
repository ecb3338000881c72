#!/usr/bin/env bash
# A second, throw-away MariaDB instance with the binary log on, for the direct binlog reader's tests:
# 127.0.0.1:3307 (MARIADB_BINLOG_PORT), root with an empty password over TCP, database `test`,
# --log-bin --binlog-format=ROW --binlog-row-image=FULL --server-id=1.
# It also serves TLS (plain connections stay allowed): on every fresh start it makes a throw-away CA and a
# server certificate for 127.0.0.1/localhost with openssl, in ${TALLY_INFRA_RUN:-/tmp/tally-infra}/mariadb-binlog/tls:
#   ca.pem (the CA to trust: a data source's tlsCaFile), server-cert.pem, server-key.pem.
#
#   scripts/infra/mariadb-binlog.sh start     fresh data dir, start, wait for the port, prepare root + `test`
#                                             (does nothing but check and prepare if it already runs)
#   scripts/infra/mariadb-binlog.sh stop      stop it by its PID (waits for it to exit)
#   scripts/infra/mariadb-binlog.sh status    exit 0 if it runs, 3 if not
#
# It uses the machine's /usr/sbin/mariadbd (Debian's mariadb-server, installed with apt-get if missing)
# with --no-defaults, its own data dir, socket, PID file and log under
# ${TALLY_INFRA_RUN:-/tmp/tally-infra}/mariadb-binlog. The main instance on 3306 is never touched.
# Run as root (mariadbd runs as user mysql; the dirs are chowned to it).
set -euo pipefail

readonly HOST=127.0.0.1
readonly PORT=${MARIADB_BINLOG_PORT:-3307}
readonly RUN_DIR=${TALLY_INFRA_RUN:-/tmp/tally-infra}/mariadb-binlog
readonly DATA_DIR=$RUN_DIR/data
readonly SOCKET=$RUN_DIR/mysqld.sock
readonly PID_FILE=$RUN_DIR/mysqld.pid
readonly LOG_FILE=$RUN_DIR/mariadbd.log
readonly TLS_DIR=$RUN_DIR/tls
readonly MARIADBD=/usr/sbin/mariadbd
readonly WAIT_SECONDS=${MARIADB_BINLOG_WAIT_SECONDS:-60}

say() { printf 'mariadb-binlog: %s\n' "$*"; }
die() { printf 'mariadb-binlog: %s\n' "$*" >&2; exit 1; }

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$PORT" 2>/dev/null
}

# The PID in our PID file, if that process is alive and is a mariadbd on our data dir (a PID may be reused).
running_pid() {
  [[ -f $PID_FILE ]] || return 1
  local pid
  pid=$(tr -dc '0-9' <"$PID_FILE")
  [[ -n $pid ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--datadir=$DATA_DIR " || return 1
  printf '%s\n' "$pid"
}

client_tcp() { mariadb --no-defaults --protocol=TCP -h"$HOST" -P"$PORT" -uroot --connect-timeout=5 "$@"; }
client_socket() { mariadb --no-defaults --protocol=SOCKET --socket="$SOCKET" -uroot --connect-timeout=5 "$@"; }

ensure_installed() {
  if [[ ! -x $MARIADBD ]] || ! command -v mariadb-install-db >/dev/null || ! command -v mariadb >/dev/null \
      || ! command -v openssl >/dev/null; then
    [[ $(id -u) -eq 0 ]] || die "need root to install mariadb-server and openssl"
    say "installing mariadb-server mariadb-client openssl with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server mariadb-client openssl >/dev/null
  fi
}

# A CA (10 years; only this instance trusts it) and a server certificate it signs, for 127.0.0.1 and localhost.
make_certificates() {
  mkdir -p "$TLS_DIR"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Tally test CA" \
    -keyout "$TLS_DIR/ca-key.pem" -out "$TLS_DIR/ca.pem" >/dev/null 2>&1 || die "openssl: could not make the CA"
  openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
    -keyout "$TLS_DIR/server-key.pem" -out "$TLS_DIR/server.csr" >/dev/null 2>&1 || die "openssl: could not make the server key"
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$TLS_DIR/server.ext"
  openssl x509 -req -in "$TLS_DIR/server.csr" -CA "$TLS_DIR/ca.pem" -CAkey "$TLS_DIR/ca-key.pem" -CAcreateserial \
    -days 3650 -extfile "$TLS_DIR/server.ext" -out "$TLS_DIR/server-cert.pem" >/dev/null 2>&1 \
    || die "openssl: could not sign the server certificate"
  chmod 644 "$TLS_DIR/ca.pem" "$TLS_DIR/server-cert.pem"
  chmod 600 "$TLS_DIR/server-key.pem" "$TLS_DIR/ca-key.pem"
}

tls_on() {
  [[ $(client_tcp -N -e 'SELECT @@have_ssl' 2>/dev/null) == YES ]]
}

# root@127.0.0.1 with an empty password over TCP (skip-name-resolve makes a TCP client from 127.0.0.1
# root@127.0.0.1), and database `test`.
prepare() {
  if ! client_tcp -e 'SELECT 1' >/dev/null 2>&1; then
    client_socket -e "
      CREATE USER IF NOT EXISTS root@'127.0.0.1' IDENTIFIED BY '';
      ALTER USER root@'127.0.0.1' IDENTIFIED BY '';
      GRANT ALL PRIVILEGES ON *.* TO root@'127.0.0.1' WITH GRANT OPTION;
      FLUSH PRIVILEGES;" || die "could not create root@127.0.0.1 via $SOCKET"
    client_tcp -e 'SELECT 1' >/dev/null || die "root@127.0.0.1 still cannot log in over TCP on port $PORT"
  fi
  client_tcp -e 'CREATE DATABASE IF NOT EXISTS test' >/dev/null
  local binlog
  binlog=$(client_tcp -N -e "SELECT CONCAT(@@log_bin, ' ', @@binlog_format, ' ', @@binlog_row_image, ' ', @@server_id)")
  [[ $binlog == "ON ROW FULL 1" || $binlog == "1 ROW FULL 1" ]] || die "unexpected binlog settings on port $PORT: $binlog"
  tls_on || die "TLS is not on at $HOST:$PORT (see $LOG_FILE)"
  say "ready on $HOST:$PORT (root, empty password; database test; log_bin binlog_format binlog_row_image server_id = $binlog;"
  say "  TLS on, CA $TLS_DIR/ca.pem)"
}

start() {
  local pid
  if pid=$(running_pid); then
    port_open || die "mariadbd $pid runs on $DATA_DIR but $HOST:$PORT does not answer (starting up? see $LOG_FILE)"
    if [[ -f $TLS_DIR/ca.pem ]] && tls_on; then
      say "already running (pid $pid)"
      prepare
      return
    fi
    say "running (pid $pid) without TLS (started by an older version of this script): restarting it fresh"
    stop
  fi
  if port_open; then
    die "something else listens on $HOST:$PORT (not the instance of $DATA_DIR): set MARIADB_BINLOG_PORT"
  fi
  [[ $(id -u) -eq 0 ]] || die "run as root (mariadbd runs as user mysql, the dirs are chowned to it)"
  ensure_installed
  id mysql >/dev/null 2>&1 || die "there is no user mysql (is mariadb-server installed?)"

  say "fresh data dir $DATA_DIR"
  rm -rf "$RUN_DIR"
  mkdir -p "$DATA_DIR"
  make_certificates
  chown -R mysql:mysql "$RUN_DIR"
  mariadb-install-db --no-defaults --user=mysql --datadir="$DATA_DIR" --skip-test-db \
    --auth-root-authentication-method=socket >"$RUN_DIR/install-db.log" 2>&1 \
    || { tail -n 20 "$RUN_DIR/install-db.log" >&2; die "mariadb-install-db failed"; }

  say "starting $MARIADBD on $HOST:$PORT"
  setsid "$MARIADBD" --no-defaults --user=mysql \
    --datadir="$DATA_DIR" --socket="$SOCKET" --pid-file="$PID_FILE" --log-error="$LOG_FILE" \
    --bind-address="$HOST" --port="$PORT" --skip-name-resolve \
    --log-bin=mysql-bin --binlog-format=ROW --binlog-row-image=FULL --server-id=1 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    --innodb-buffer-pool-size=64M \
    --ssl-ca="$TLS_DIR/ca.pem" --ssl-cert="$TLS_DIR/server-cert.pem" --ssl-key="$TLS_DIR/server-key.pem" </dev/null >>"$RUN_DIR/stdout.log" 2>&1 &
  local spawned=$! start=$SECONDS
  until port_open; do
    if ! kill -0 "$spawned" 2>/dev/null; then
      tail -n 20 "$LOG_FILE" "$RUN_DIR/stdout.log" >&2 2>/dev/null || true
      die "mariadbd exited before opening $HOST:$PORT"
    fi
    if ((SECONDS - start >= WAIT_SECONDS)); then
      tail -n 20 "$LOG_FILE" >&2 2>/dev/null || true
      die "mariadbd did not open $HOST:$PORT within ${WAIT_SECONDS}s (pid $spawned left running; use stop)"
    fi
    sleep 0.2
  done
  say "up after $((SECONDS - start))s (pid $spawned)"
  prepare
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    say "not running"
    return
  fi
  say "stopping pid $pid"
  kill -TERM "$pid"
  local start=$SECONDS
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS - start >= WAIT_SECONDS)); then
      say "pid $pid still there after ${WAIT_SECONDS}s: sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$PID_FILE"
  say "stopped"
}

status() {
  local pid
  if pid=$(running_pid); then
    if port_open; then
      say "running (pid $pid) on $HOST:$PORT, data dir $DATA_DIR"
    else
      say "pid $pid runs on $DATA_DIR but $HOST:$PORT does not answer yet"
    fi
    return 0
  fi
  say "not running"
  return 3
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) printf 'usage: %s start|stop|status\n' "$0" >&2; exit 2 ;;
esac

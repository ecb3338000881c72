#!/usr/bin/env bash
# Redis servers in the shapes a REDIS data source can reach, for the tests and for trying Tally locally,
# without Docker: all on 127.0.0.1 only, started from the machine's redis-server, no persistence.
#
#   password   127.0.0.1:16379          a server with requirepass tally-redis-pw (REDIS_TOPOLOGIES_PASSWORD)
#   cluster    127.0.0.1:17001-17003    a Redis Cluster of three masters, no replicas (bus ports 27001-27003),
#                                       created with `redis-cli --cluster create`
#   sentinel   127.0.0.1:16380          a master (no password) ...
#              127.0.0.1:26380          ... and a Sentinel monitoring it as `tally-master`
#   tls        127.0.0.1:16390          a server over TLS only; its certificate names IP 127.0.0.1 (not localhost)
#                                       and is signed by a CA made at start: <run dir>/tls/ca.pem
#
#   scripts/infra/redis-topologies.sh start    start what is not running; wait for PONG, cluster_state:ok and the
#                                              sentinel's view of tally-master (what already runs is kept)
#   scripts/infra/redis-topologies.sh stop     stop every server by its PID file and remove the run dir
#   scripts/infra/redis-topologies.sh status   exit 0 if all of them answer, 3 if not
#
# `start` is idempotent. A password or TLS server that is down is started again, with the data of a SHUTDOWN SAVE
# if one left a dump.rdb in its dir (RedisOutageTest stops and restarts 16379 that way). If any cluster node has to be started, the whole cluster is started afresh (a node
# with a new identity cannot rejoin the old cluster). Each server has a config file (mode 600: it may hold the
# password), a PID file and a log under ${TALLY_INFRA_RUN:-/tmp/tally-infra}/redis-topologies/<name>/.
# redis-server and redis-cli come from Debian's redis-server and redis-tools, installed with apt-get if missing.
#
# Environment:
#   TALLY_INFRA_RUN              run root (default /tmp/tally-infra)
#   REDIS_TOPOLOGIES_PASSWORD    requirepass of the server on 16379 (default tally-redis-pw)
#   REDIS_TOPOLOGIES_WAIT_SECONDS  how long `start` waits for each step (default 30)
set -euo pipefail

readonly HOST=127.0.0.1
readonly RUN_BASE=${TALLY_INFRA_RUN:-/tmp/tally-infra}
readonly RUN_DIR=$RUN_BASE/redis-topologies
readonly PASSWORD=${REDIS_TOPOLOGIES_PASSWORD:-tally-redis-pw}
readonly PASSWORD_PORT=16379
readonly CLUSTER_PORTS=(17001 17002 17003)
readonly MASTER_PORT=16380
readonly SENTINEL_PORT=26380
readonly TLS_PORT=16390
readonly TLS_DIR=$RUN_DIR/tls
readonly MASTER_NAME=tally-master
readonly WAIT_SECONDS=${REDIS_TOPOLOGIES_WAIT_SECONDS:-30}
readonly STOP_SECONDS=10

say() { printf 'redis-topologies: %s\n' "$*"; }
die() { printf 'redis-topologies: %s\n' "$*" >&2; exit 1; }

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# redis-cli against port $1; the password (if any) goes through the environment, never the command line.
cli() {
  local port=$1; shift
  local auth= tls=()
  [[ $port == "$PASSWORD_PORT" ]] && auth=$PASSWORD
  [[ $port == "$TLS_PORT" ]] && tls=(--tls --cacert "$TLS_DIR/ca.pem")
  REDISCLI_AUTH=$auth timeout 5 redis-cli -h "$HOST" -p "$port" "${tls[@]}" "$@"
}

pong() {
  [[ $(cli "$1" ping 2>/dev/null) == PONG ]]
}

# The PID in the PID file of server $1 (a name, e.g. cluster-17001), if that process is alive and is the
# redis-server of that port (a PID may be reused).
running_pid() {
  local name=$1 port=$2 pid_file=$RUN_DIR/$1/redis.pid pid
  [[ -f $pid_file ]] || return 1
  pid=$(tr -dc '0-9' <"$pid_file")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$HOST:$port" || return 1
  printf '%s\n' "$pid"
}

# One lock for start and stop, so that two of them never run at once.
take_lock() {
  mkdir -p "$RUN_BASE"
  exec 9>"$RUN_BASE/redis-topologies.lock"
  flock -w 120 9 || die "another redis-topologies.sh start/stop holds $RUN_BASE/redis-topologies.lock"
}

ensure_installed() {
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    [[ $(id -u) -eq 0 ]] || die "redis-server/redis-cli missing and not root: install redis-server and redis-tools"
    say "installing redis-server redis-tools with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server redis-tools >/dev/null
  fi
}

# wait_until WHAT COMMAND...: polls until the command succeeds, or dies after WAIT_SECONDS.
wait_until() {
  local what=$1; shift
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@"; do
    ((SECONDS < deadline)) || die "$what: not ready after $WAIT_SECONDS s"
    sleep 0.2
  done
}

# write_config NAME PORT EXTRA_LINES: the config file of one server, loopback only, no persistence.
write_config() {
  local name=$1 port=$2 extra=$3 dir=$RUN_DIR/$1
  mkdir -p "$dir"
  (
    umask 077
    cat >"$dir/redis.conf" <<EOF
# Written by scripts/infra/redis-topologies.sh: loopback only, no persistence.
bind $HOST
port $port
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
dir $dir
save ""
appendonly no
$extra
EOF
  )
}

# start_server NAME PORT [--sentinel]: starts it from its config file and waits until it answers.
start_server() {
  local name=$1 port=$2 mode=${3:-} dir=$RUN_DIR/$1
  if port_open "$port"; then
    die "$HOST:$port is taken by another process: $(ss -ltnpH "sport = :$port" 2>/dev/null | head -n 1)"
  fi
  rm -f "$dir/redis.pid"
  redis-server "$dir/redis.conf" $mode >>"$dir/start.log" 2>&1 9>&- \
    || { tail -n 20 "$dir/start.log" "$dir/redis.log" >&2 2>/dev/null; die "$name: redis-server did not start"; }
  local deadline=$((SECONDS + WAIT_SECONDS))
  until running_pid "$name" "$port" >/dev/null && pong "$port"; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$dir/redis.log" >&2 2>/dev/null || true
      die "$name: no PONG from $HOST:$port after $WAIT_SECONDS s (log: $dir/redis.log)"
    fi
    sleep 0.1
  done
  say "$name: up on $HOST:$port (pid $(running_pid "$name" "$port"))"
}

# Stops PID $1: TERM, then KILL once STOP_SECONDS have passed. Returns when it is gone.
stop_pid() {
  local pid=$1 deadline=$((SECONDS + STOP_SECONDS))
  kill -TERM "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      say "pid $pid still there after $STOP_SECONDS s, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.1
  done
}

# stop_server NAME PORT [--keep-snapshot]: stops it and removes its dir; with --keep-snapshot, a dump.rdb that a
# SHUTDOWN SAVE left there stays, so the server starts again with its data (as a persistent Redis would).
stop_server() {
  local name=$1 port=$2 keep=${3:-} pid
  if pid=$(running_pid "$name" "$port"); then
    stop_pid "$pid"
    say "$name: stopped (pid $pid)"
  fi
  if [[ $keep == --keep-snapshot && -f $RUN_DIR/$name/dump.rdb ]]; then
    find "${RUN_DIR:?}/$name" -mindepth 1 ! -name dump.rdb -delete
  else
    rm -rf "${RUN_DIR:?}/$name"
  fi
}

# ---------------------------------------------------------------------------------------------------

# True if server $1 (our PID file) answers on port $2.
server_up() {
  running_pid "$1" "$2" >/dev/null && pong "$2"
}

# ensure_server NAME PORT EXTRA_CONFIG: keeps it if it is up, else starts it afresh.
ensure_server() {
  local name=$1 port=$2 extra=$3
  if server_up "$name" "$port"; then
    say "$name: already up on $HOST:$port"
    return
  fi
  stop_server "$name" "$port" --keep-snapshot
  write_config "$name" "$port" "$extra"
  start_server "$name" "$port"
}

cluster_ok() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do
    cli "$port" cluster info 2>/dev/null | tr -d '\r' | grep -qx 'cluster_state:ok' || return 1
    cli "$port" cluster info 2>/dev/null | tr -d '\r' | grep -qx 'cluster_known_nodes:3' || return 1
  done
}

cluster_running() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do
    server_up "cluster-$port" "$port" || return 1
  done
}

ensure_cluster() {
  if cluster_running && cluster_ok; then
    say "cluster: already up on $HOST:${CLUSTER_PORTS[0]}-${CLUSTER_PORTS[-1]} (cluster_state:ok)"
    return
  fi
  local port nodes=()
  # a half cluster cannot be mended by starting the missing node afresh: start all three afresh
  for port in "${CLUSTER_PORTS[@]}"; do stop_server "cluster-$port" "$port"; done
  for port in "${CLUSTER_PORTS[@]}"; do
    write_config "cluster-$port" "$port" "cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout 5000"
    start_server "cluster-$port" "$port"
    nodes+=("$HOST:$port")
  done
  say "cluster: creating with ${nodes[*]}"
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 0 --cluster-yes >"$RUN_DIR/cluster-create.log" 2>&1 \
    || { tail -n 30 "$RUN_DIR/cluster-create.log" >&2; die "cluster: redis-cli --cluster create failed"; }
  wait_until "cluster (cluster_state:ok on every node)" cluster_ok
  say "cluster: cluster_state:ok on $HOST:${CLUSTER_PORTS[0]}-${CLUSTER_PORTS[-1]}"
}

sentinel_sees_master() {
  [[ $(cli "$SENTINEL_PORT" sentinel get-master-addr-by-name "$MASTER_NAME" 2>/dev/null | tr -d '\r' | paste -sd' ') \
    == "$HOST $MASTER_PORT" ]]
}

ensure_sentinel() {
  ensure_server master "$MASTER_PORT" ""
  if server_up sentinel "$SENTINEL_PORT" && sentinel_sees_master; then
    say "sentinel: already up on $HOST:$SENTINEL_PORT, monitoring $MASTER_NAME"
    return
  fi
  stop_server sentinel "$SENTINEL_PORT"
  # the sentinel rewrites its config file: it must be its own, writable
  write_config sentinel "$SENTINEL_PORT" "sentinel monitor $MASTER_NAME $HOST $MASTER_PORT 1
sentinel down-after-milliseconds $MASTER_NAME 5000
sentinel failover-timeout $MASTER_NAME 60000"
  start_server sentinel "$SENTINEL_PORT" --sentinel
  wait_until "sentinel (master $MASTER_NAME at $HOST:$MASTER_PORT)" sentinel_sees_master
  say "sentinel: monitoring $MASTER_NAME at $HOST:$MASTER_PORT"
}

# A CA and a server certificate for IP 127.0.0.1 signed by it, valid for 30 days, made afresh with each start of
# the TLS server. No DNS name: a client that verifies host names must connect to 127.0.0.1, not localhost.
make_certificates() {
  command -v openssl >/dev/null || die "openssl is needed for the TLS server (apt-get install openssl)"
  mkdir -p "$TLS_DIR"
  (
    set -e
    cd "$TLS_DIR"
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=tally test CA" -keyout ca.key -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
    printf 'subjectAltName=IP:127.0.0.1\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile server.ext -out server.pem
    chmod 644 ca.pem
  ) >"$RUN_DIR/openssl.log" 2>&1 || { tail -n 20 "$RUN_DIR/openssl.log" >&2; die "tls: making the certificates failed"; }
}

ensure_tls_server() {
  if server_up tls "$TLS_PORT"; then
    say "tls: already up on $HOST:$TLS_PORT (CA $TLS_DIR/ca.pem)"
    return
  fi
  stop_server tls "$TLS_PORT"
  make_certificates
  write_config tls "$TLS_PORT" "port 0
tls-port $TLS_PORT
tls-cert-file $TLS_DIR/server.pem
tls-key-file $TLS_DIR/server.key
tls-ca-cert-file $TLS_DIR/ca.pem
tls-auth-clients no"
  start_server tls "$TLS_PORT"
}

cmd_start() {
  take_lock
  ensure_installed
  mkdir -p "$RUN_DIR"
  ensure_server password "$PASSWORD_PORT" "requirepass $PASSWORD"
  ensure_cluster
  ensure_sentinel
  ensure_tls_server
  say "ready: password $HOST:$PASSWORD_PORT, cluster $HOST:${CLUSTER_PORTS[0]}-${CLUSTER_PORTS[-1]}," \
    "sentinel $HOST:$SENTINEL_PORT ($MASTER_NAME at $HOST:$MASTER_PORT), tls $HOST:$TLS_PORT (CA $TLS_DIR/ca.pem)"
}

cmd_stop() {
  take_lock
  local port
  stop_server password "$PASSWORD_PORT"
  for port in "${CLUSTER_PORTS[@]}"; do stop_server "cluster-$port" "$port"; done
  stop_server sentinel "$SENTINEL_PORT"
  stop_server master "$MASTER_PORT"
  stop_server tls "$TLS_PORT"
  rm -rf "$RUN_DIR"
  say "stopped"
}

cmd_status() {
  local ok=0 port
  if server_up password "$PASSWORD_PORT"; then
    say "password: up on $HOST:$PASSWORD_PORT"
  else
    say "password: not running"; ok=3
  fi
  if cluster_running && cluster_ok; then
    say "cluster: up on $HOST:${CLUSTER_PORTS[0]}-${CLUSTER_PORTS[-1]} (cluster_state:ok)"
  else
    say "cluster: not running or not ok"; ok=3
  fi
  if server_up master "$MASTER_PORT" && server_up sentinel "$SENTINEL_PORT" && sentinel_sees_master; then
    say "sentinel: up on $HOST:$SENTINEL_PORT, $MASTER_NAME at $HOST:$MASTER_PORT"
  else
    say "sentinel: not running or not monitoring $MASTER_NAME"; ok=3
  fi
  if server_up tls "$TLS_PORT"; then
    say "tls: up on $HOST:$TLS_PORT (CA $TLS_DIR/ca.pem)"
  else
    say "tls: not running"; ok=3
  fi
  return $ok
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) printf 'usage: %s start|stop|status\n' "$0" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# The distributed topology on one machine, without Docker, every listener on 127.0.0.1:
# Kafka (scripts/infra/kafka.sh), RocketMQ (scripts/infra/rocketmq.sh), the machine's MariaDB as the
# shared store, and N Tally nodes (`java -jar target/tally.jar --cluster`) in one Hazelcast cluster.
#
#   scripts/cluster-local.sh start N             start the brokers (idempotent) and N nodes; node 1 first
#                                                (it migrates the store schema), then the others; waits for
#                                                every node's /health; then prints one line per node on
#                                                stdout, and nothing else on stdout:
#                                                  node <i> http://127.0.0.1:<port> pid <pid>
#   scripts/cluster-local.sh stop [--nodes-only] stop every node this script started (TERM, KILL after
#                                                15 s), then RocketMQ and Kafka unless --nodes-only or
#                                                CLUSTER_KEEP_INFRA=1 (shared brokers stay up)
#   scripts/cluster-local.sh status              one line per node (up/down); exit 0 only if all are up
#
# Progress messages go to stderr. The JAR is built (mvn -B -q -DskipTests package) when it is missing or
# older than pom.xml, src or webroot. `start` refuses when nodes of this run dir are still running.
#
# Environment:
#   TALLY_CLUSTER_DB       store database on the machine's MariaDB (default tally_cluster; Tally creates it)
#   CLUSTER_HTTP_BASE      node i listens on CLUSTER_HTTP_BASE + i (default 8181: 8182, 8183, ...)
#   CLUSTER_RUN_DIR        node PID and log files (default ${TALLY_INFRA_RUN:-/tmp/tally-infra}/cluster)
#   CLUSTER_WAIT_SECONDS   how long to wait for each node's /health (default 180)
#   CLUSTER_KEEP_INFRA     1: `stop` stops only the nodes (same as --nodes-only)
#   CLUSTER_JAVA_OPTS      JVM options of each node (default -Xmx384m)
#   JAVA_HOME              Java 17+ to use (default: java on the PATH)
# Every other TALLY_* variable reaches the nodes as is (e.g. TALLY_CLUSTER_NAME, TALLY_KAFKA_GROUP_ID,
# TALLY_ROCKETMQ_CONSUMER_GROUP, TALLY_STORE_MYSQL_HOST/PORT/USER/PASSWORD); these are always set:
# TALLY_STORE_KIND=mysql TALLY_STORE_MYSQL_DATABASE TALLY_QUEUE_KIND=rocketmq
# TALLY_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 TALLY_CLUSTER_HOST=127.0.0.1 TALLY_CLUSTER_MEMBERS=127.0.0.1
# TALLY_HTTP_HOST=127.0.0.1 TALLY_HTTP_PORT; and, unless TALLY_SECRETS_KEY or TALLY_SECRETS_KEY_FILE is set,
# TALLY_SECRETS_KEY_FILE=$RUN_DIR/secrets.key (generated once, shared by the nodes).
# Sign-in (the nodes run closed): TALLY_OWNER_USERNAME with TALLY_OWNER_PASSWORD (or TALLY_OWNER_PASSWORD_FILE)
# reach the nodes too and make the first owner of an empty store, once, whichever node gets there first; without
# them each node logs a one-time setup token (node<i>.log) for POST /api/v1/setup. TALLY_AUTH_MODE=open runs
# them without sign-in (development only).
#
# Files in the run dir, per node i: node<i>.pid (the JVM's PID), node<i>.port, node<i>.log (its output).
set -euo pipefail

readonly HOST=127.0.0.1
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
PROJECT_DIR=$(cd "$SCRIPT_DIR/.." && pwd)
readonly PROJECT_DIR
readonly JAR=$PROJECT_DIR/target/tally.jar
readonly RUN_DIR=${CLUSTER_RUN_DIR:-${TALLY_INFRA_RUN:-/tmp/tally-infra}/cluster}
readonly DB=${TALLY_CLUSTER_DB:-tally_cluster}
readonly HTTP_BASE=${CLUSTER_HTTP_BASE:-8181}
readonly WAIT_SECONDS=${CLUSTER_WAIT_SECONDS:-180}
readonly STOP_SECONDS=15
readonly KAFKA_SERVERS=127.0.0.1:19092
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
readonly JAVA

say() { printf 'cluster: %s\n' "$*" >&2; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# True if GET /health on HOST:$1 answers 200 with status UP.
healthy() {
  local body
  body=$(curl -s -m 3 -f "http://$HOST:$1/health" 2>/dev/null) || return 1
  [[ $body == *'"UP"'* ]]
}

# One lock for start and stop of this run dir.
take_lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock -w 300 9 || die "another cluster-local.sh start/stop holds $RUN_DIR/.lock"
}

# Prints the PID of node $1 if the JVM this script started for it is still alive; false otherwise.
# The command line must match too, so a recycled PID is never taken for a node.
node_pid() {
  local f=$RUN_DIR/node$1.pid pid
  [[ -f $f ]] || return 1
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-jar $JAR --cluster" || return 1
  printf '%s\n' "$pid"
}

# Node numbers that have a PID file, ascending.
known_nodes() {
  local f n
  for f in "$RUN_DIR"/node*.pid; do
    [[ -e $f ]] || continue
    n=${f##*/node}
    n=${n%.pid}
    [[ $n =~ ^[0-9]+$ ]] && printf '%s\n' "$n"
  done | sort -n
}

ensure_jar() {
  if [[ ! -f $JAR ]] || [[ -n $(cd "$PROJECT_DIR" && find pom.xml src webroot -newer "$JAR" -type f 2>/dev/null | head -n 1) ]]; then
    say "building $JAR"
    (cd "$PROJECT_DIR" && mvn -B -q -DskipTests package 9>&-) >&2 || die "the build failed"
  fi
}

# Starts node $1 on port $2, detached in its own session; prints its PID.
launch() {
  local i=$1 port=$2 pid_file=$RUN_DIR/node$1.pid log=$RUN_DIR/node$1.log detach=() key=()
  rm -f "$pid_file"
  # a cluster needs one secrets key for every node: unless one is given, a key file in the run directory
  if [[ -z ${TALLY_SECRETS_KEY:-} && -z ${TALLY_SECRETS_KEY_FILE:-} ]]; then
    [[ -s $RUN_DIR/secrets.key ]] || (umask 077 && head -c 32 /dev/urandom | base64 >"$RUN_DIR/secrets.key")
    key=(TALLY_SECRETS_KEY_FILE="$RUN_DIR/secrets.key")
  fi
  printf '%s\n' "$port" >"$RUN_DIR/node$i.port"
  command -v setsid >/dev/null && detach=(setsid)
  # The child writes its own PID and then execs java, so the PID file holds the JVM's PID.
  # shellcheck disable=SC2016,SC2086  # $$, $0 and $@ are the child's own; CLUSTER_JAVA_OPTS is split on purpose
  # Everything of the background job, including the subshell, writes to the log and not to the caller's
  # stdout, so `pid=$(launch ...)` returns at once; fd 9 (the lock) is not passed on.
  (
    cd "$PROJECT_DIR"
    exec env TALLY_STORE_KIND=mysql TALLY_STORE_MYSQL_DATABASE="$DB" TALLY_QUEUE_KIND=rocketmq \
      TALLY_KAFKA_BOOTSTRAP_SERVERS="$KAFKA_SERVERS" TALLY_CLUSTER_HOST=$HOST TALLY_CLUSTER_MEMBERS=$HOST \
      TALLY_HTTP_HOST=$HOST TALLY_HTTP_PORT="$port" "${key[@]}" \
      "${detach[@]}" bash -c 'echo $$ >"$0"; exec nohup "$@"' "$pid_file" \
      "$JAVA" ${CLUSTER_JAVA_OPTS:--Xmx384m} -Djava.awt.headless=true -jar "$JAR" --cluster
  ) </dev/null >>"$log" 2>&1 9>&- &
  for _ in {1..50}; do
    [[ -s $pid_file ]] && break
    sleep 0.1
  done
  [[ -s $pid_file ]] || die "node $i did not start (log: $log)"
  cat "$pid_file"
}

# Waits until node $1 (PID $2, port $3) answers /health. Fails if it died or after WAIT_SECONDS.
wait_healthy() {
  local i=$1 pid=$2 port=$3 deadline=$((SECONDS + WAIT_SECONDS))
  while ! healthy "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$RUN_DIR/node$i.log" >&2 || true
      die "node $i (pid $pid) exited during start-up (log: $RUN_DIR/node$i.log)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 30 "$RUN_DIR/node$i.log" >&2 || true
      die "node $i (pid $pid) gave no healthy /health on $HOST:$port within $WAIT_SECONDS s (run '$0 stop --nodes-only')"
    fi
    sleep 0.3
  done
}

# Fails (after printing them) if a listener of the PIDs $@ is not on loopback.
check_loopback() {
  local lines bad re
  re="pid=($(IFS='|'; echo "$*")),"
  lines=$(ss -ltnpH 2>/dev/null | grep -E "$re" || true)
  [[ -n $lines ]] || { say "ss shows no listener for pid $*; listeners not checked"; return 0; }
  bad=$(awk '$4 !~ /^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]|\[::1\]):[0-9]+$/' <<<"$lines")
  if [[ -n $bad ]]; then
    say "listeners not on loopback:"
    printf '%s\n' "$bad" >&2
    return 1
  fi
}

cmd_start() {
  local n=${1:-} i port pid pids=() ports=()
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "usage: $0 start N (N >= 1 nodes)"
  if ! [[ $HTTP_BASE =~ ^[0-9]+$ ]] || ((HTTP_BASE + n > 65535)); then
    die "CLUSTER_HTTP_BASE must be a port number"
  fi
  [[ $DB =~ ^[A-Za-z0-9_]+$ ]] || die "TALLY_CLUSTER_DB must be letters, digits and _"
  [[ $WAIT_SECONDS =~ ^[0-9]+$ ]] || die "CLUSTER_WAIT_SECONDS must be a number of seconds"
  command -v "$JAVA" >/dev/null || die "java not found (Java 17+ is needed; set JAVA_HOME or PATH)"
  command -v curl >/dev/null || die "curl not found"
  take_lock
  for i in $(known_nodes); do
    if pid=$(node_pid "$i"); then
      die "node $i (pid $pid) of $RUN_DIR is still running; run '$0 stop' first"
    fi
  done
  rm -f "$RUN_DIR"/node*.pid "$RUN_DIR"/node*.port
  for ((i = 1; i <= n; i++)); do
    port=$((HTTP_BASE + i))
    port_open "$port" && die "$HOST:$port (node $i) is taken: $(ss -ltnpH "sport = :$port" 2>/dev/null | head -n 1)"
    ports+=("$port")
  done
  port_open 3306 || die "no MariaDB/MySQL on $HOST:3306 (the store)"

  "$SCRIPT_DIR/infra/kafka.sh" start 9>&- >&2 || die "Kafka did not start"
  "$SCRIPT_DIR/infra/rocketmq.sh" start 9>&- >&2 || die "RocketMQ did not start"
  ensure_jar

  say "node 1 on $HOST:${ports[0]} (store $DB; log $RUN_DIR/node1.log)"
  pid=$(launch 1 "${ports[0]}")
  pids+=("$pid")
  wait_healthy 1 "$pid" "${ports[0]}"
  for ((i = 2; i <= n; i++)); do
    say "node $i on $HOST:${ports[i - 1]} (log $RUN_DIR/node$i.log)"
    pids+=("$(launch "$i" "${ports[i - 1]}")")
  done
  for ((i = 2; i <= n; i++)); do
    wait_healthy "$i" "${pids[i - 1]}" "${ports[i - 1]}"
  done
  check_loopback "${pids[@]}" || die "a node listens on a non-loopback address; run '$0 stop --nodes-only'"
  say "$n node(s) up in ${SECONDS} s"
  for ((i = 1; i <= n; i++)); do
    printf 'node %d http://%s:%d pid %d\n' "$i" "$HOST" "${ports[i - 1]}" "${pids[i - 1]}"
  done
}

cmd_stop() {
  local keep=${CLUSTER_KEEP_INFRA:-0} arg i pid pids=() deadline
  for arg in "$@"; do
    case $arg in
      --nodes-only) keep=1 ;;
      *) die "usage: $0 stop [--nodes-only]" ;;
    esac
  done
  take_lock
  for i in $(known_nodes); do
    if pid=$(node_pid "$i"); then
      say "stopping node $i (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  deadline=$((SECONDS + STOP_SECONDS))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid still there after $STOP_SECONDS s, sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  done
  rm -f "$RUN_DIR"/node*.pid "$RUN_DIR"/node*.port
  say "${#pids[@]} node(s) stopped (logs kept in $RUN_DIR)"
  if [[ $keep != 1 ]]; then
    "$SCRIPT_DIR/infra/rocketmq.sh" stop 9>&- >&2 || true
    "$SCRIPT_DIR/infra/kafka.sh" stop 9>&- >&2 || true
  fi
}

cmd_status() {
  local i pid port any=0 ok=0
  for i in $(known_nodes); do
    any=1
    port=$(cat "$RUN_DIR/node$i.port" 2>/dev/null || echo "?")
    if pid=$(node_pid "$i"); then
      if healthy "$port"; then
        printf 'node %d http://%s:%s pid %d up\n' "$i" "$HOST" "$port" "$pid"
      else
        printf 'node %d http://%s:%s pid %d not healthy\n' "$i" "$HOST" "$port" "$pid"
        ok=1
      fi
    else
      printf 'node %d http://%s:%s down\n' "$i" "$HOST" "$port"
      ok=1
    fi
  done
  ((any)) || { say "no nodes started from $RUN_DIR"; return 1; }
  return "$ok"
}

case ${1:-} in
  start) shift; cmd_start "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start N | stop [--nodes-only] | status" >&2
    exit 2
    ;;
esac

#!/usr/bin/env bash
# A real Kafka 4.4.0 broker for tests and local runs, without Docker: one KRaft node that is both
# broker and controller, on 127.0.0.1 only.
#
#   scripts/infra/kafka.sh start    fetch the jars if needed, start on a FRESH data dir, wait until usable
#   scripts/infra/kafka.sh stop     stop it (TERM, KILL after 20 s) and remove its run dir
#   scripts/infra/kafka.sh status   exit 0 if it is up and answering, 1 if not
#
# `start` is idempotent: if the broker this script started is still up, it says so and exits 0.
# Every other start begins with an empty data dir. Broker settings: auto.create.topics.enable=true,
# num.partitions=3, every replication factor 1, group.initial.rebalance.delay.ms=0.
#
# The jars (org.apache.kafka:kafka_2.13:4.4.0 + log4j2, about 43 MB, no kafka-tools) come from
# Maven Central through Maven, using scripts/infra/kafka/pom.xml, and are cached. The log4j2 config
# is scripts/infra/kafka/log4j2.properties.
#
# Environment:
#   KAFKA_PORT              broker port (default 19092)
#   KAFKA_CONTROLLER_PORT   KRaft controller port (default 19093)
#   TALLY_INFRA_HOME        jar cache root (default ~/.cache/tally-infra); jars in $TALLY_INFRA_HOME/kafka/lib
#   TALLY_INFRA_RUN         run root (default /tmp/tally-infra); config, data, log and PID in $TALLY_INFRA_RUN/kafka
#   KAFKA_WAIT_SECONDS      how long `start` waits for the broker (default 60)
#   JAVA_HOME               Java 17+ to use (default: java on the PATH)
#
# Files in the run dir: server.properties, data/, kafka.log (broker output), format.log, kafka.pid.
set -euo pipefail

readonly HOST=127.0.0.1
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly POM=$SCRIPT_DIR/kafka/pom.xml
readonly LOG4J=$SCRIPT_DIR/kafka/log4j2.properties
readonly CACHE_DIR=${TALLY_INFRA_HOME:-$HOME/.cache/tally-infra}/kafka
readonly LIB_DIR=$CACHE_DIR/lib
readonly RUN_BASE=${TALLY_INFRA_RUN:-/tmp/tally-infra}
readonly RUN_DIR=$RUN_BASE/kafka
readonly PROPS=$RUN_DIR/server.properties
readonly DATA_DIR=$RUN_DIR/data
readonly LOG_FILE=$RUN_DIR/kafka.log
readonly PID_FILE=$RUN_DIR/kafka.pid
readonly PORT=${KAFKA_PORT:-19092}
readonly CTRL_PORT=${KAFKA_CONTROLLER_PORT:-19093}
readonly WAIT_SECONDS=${KAFKA_WAIT_SECONDS:-60}
readonly STOP_SECONDS=20
readonly STARTED_LINE='Kafka Server started'
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
readonly JAVA

say() { printf 'kafka: %s\n' "$*"; }
die() { printf 'kafka: %s\n' "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }
T0=$(now_ms)
elapsed() { # seconds since the script started, one decimal
  local ms=$(( $(now_ms) - T0 ))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

check_env() {
  [[ $PORT =~ ^[0-9]+$ && $CTRL_PORT =~ ^[0-9]+$ && $PORT != "$CTRL_PORT" ]] \
    || die "KAFKA_PORT ($PORT) and KAFKA_CONTROLLER_PORT ($CTRL_PORT) must be two different numbers"
  [[ $WAIT_SECONDS =~ ^[0-9]+$ ]] || die "KAFKA_WAIT_SECONDS must be a number of seconds"
}

# True if something accepts TCP connections on HOST:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# True if a Kafka broker on HOST:$1 answers a Metadata request (v4; Kafka 4 dropped v0-v3) and lists
# at least one broker. A KRaft broker only processes requests once it has caught up with the
# metadata log, and fenced brokers are left out of the list, so this means "registered and usable".
kafka_answers() {
  local hex
  # Request: size 26 | api_key 3 | api_version 4 | correlation_id 2025 | client_id "tally-probe" |
  #          topics null (-1 = none requested) | allow_auto_topic_creation false
  # Response starts: size | correlation_id | throttle_time_ms | broker count | ...
  hex=$(timeout 3 bash -c '
      exec 3<>/dev/tcp/'"$HOST/$1"' || exit 1
      printf "\x00\x00\x00\x1a\x00\x03\x00\x04\x00\x00\x07\xe9\x00\x0btally-probe\xff\xff\xff\xff\x00" >&3
      head -c 16 <&3 | od -An -v -tx1' 2>/dev/null) || return 1
  hex=${hex//[[:space:]]/}
  [[ ${#hex} -eq 32 && ${hex:8:8} == 000007e9 && ${hex:24:8} != 00000000 ]]
}

# Prints the PID of the broker this script started, if it is still alive; false otherwise.
# The command line must match too, so a recycled PID is never taken for the broker.
running_pid() {
  local pid
  [[ -f $PID_FILE ]] || return 1
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $PROPS" || return 1
  printf '%s\n' "$pid"
}

# Broker port of the running broker, from its server.properties.
running_port() {
  sed -n 's|^advertised.listeners=PLAINTEXT://[^:]*:\([0-9]*\)$|\1|p' "$PROPS" 2>/dev/null
}

# One lock for start and stop, so that two of them never run at once.
take_lock() {
  mkdir -p "$RUN_BASE"
  exec 9>"$RUN_BASE/kafka.lock"
  flock -w 120 9 || die "another kafka.sh start/stop holds $RUN_BASE/kafka.lock"
}

# Makes sure LIB_DIR holds the jars the pom names. The marker file keeps the pom's hash, so editing
# the pom fetches again. Jars go to a temp dir first, so an interrupted fetch leaves no half cache.
ensure_jars() {
  local want have="" tmp n t
  want=$(sha256sum "$POM" | cut -d' ' -f1)
  [[ -f $LIB_DIR/.pom.sha256 ]] && have=$(<"$LIB_DIR/.pom.sha256")
  if [[ $want == "$have" ]] && compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found; it is needed once to fetch the Kafka jars"
  mkdir -p "$CACHE_DIR"
  tmp=$(mktemp -d "$CACHE_DIR/lib.tmp.XXXXXX")
  chmod 755 "$tmp"
  say "fetching Kafka jars from Maven Central into $LIB_DIR"
  t=$(now_ms)
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies \
        -DoutputDirectory="$tmp" -DincludeScope=runtime >"$CACHE_DIR/mvn.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/mvn.log" >&2
    rm -rf "$tmp"
    die "fetching the jars failed (whole Maven output: $CACHE_DIR/mvn.log)"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || { rm -rf "$tmp"; die "Maven ran but kafka_2.13 is missing"; }
  printf '%s\n' "$want" >"$tmp/.pom.sha256"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  n=$(find "$LIB_DIR" -name '*.jar' | wc -l)
  say "$n jars ($(du -sh "$LIB_DIR" | cut -f1)) fetched in $(( ($(now_ms) - t) / 1000 )) s"
}

# A KRaft cluster id is 16 random bytes in URL-safe base64 without padding (what
# `kafka-storage random-uuid` prints); made here to save a JVM start. Not starting with '-' keeps it
# from looking like an option.
new_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ ${#id} -eq 22 && $id != -* ]] && break
  done
  printf '%s\n' "$id"
}

write_props() {
  cat >"$PROPS" <<EOF
# Written by scripts/infra/kafka.sh: one KRaft node, broker + controller, loopback only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CTRL_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CTRL_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA_DIR
auto.create.topics.enable=true
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Smaller internal topics (defaults: 50 partitions each) so the first consumer group and the first
# transactional producer do not wait for 50 partitions to be created.
offsets.topic.num.partitions=3
transaction.state.log.num.partitions=3
# The log cleaner takes its dedupe buffer from the heap at start-up (default 128 MiB).
log.cleaner.dedupe.buffer.size=16777216
EOF
}

# Stops PID $1: TERM, then KILL after STOP_SECONDS. Returns when it is gone.
stop_pid() {
  local pid=$1 deadline
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + STOP_SECONDS))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid still there after $STOP_SECONDS s, sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
}

show_log() {
  if [[ -s $LOG_FILE ]]; then
    printf -- '----- last 30 lines of %s -----\n' "$LOG_FILE" >&2
    tail -n 30 "$LOG_FILE" >&2
    printf -- '-----\n' >&2
  else
    printf 'kafka: no broker output yet in %s\n' "$LOG_FILE" >&2
  fi
}

# Waits until the broker (PID $1, port $2) logged that it started and answers a Metadata request.
wait_ready() {
  local pid=$1 port=$2 deadline=$((SECONDS + WAIT_SECONDS))
  say "waiting for $HOST:$port (up to $WAIT_SECONDS s)"
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log
      return 1
    fi
    if grep -qF "$STARTED_LINE" "$LOG_FILE" 2>/dev/null && kafka_answers "$port"; then
      return 0
    fi
    if ((SECONDS >= deadline)); then
      show_log
      return 2
    fi
    sleep 0.2
  done
}

cmd_start() {
  local pid port cid
  check_env
  take_lock

  if pid=$(running_pid); then
    port=$(running_port)
    [[ $port == "$PORT" ]] \
      || die "the broker this script started (pid $pid) is on $HOST:$port, not $PORT; run '$0 stop' first"
    if kafka_answers "$port"; then
      say "already up on $HOST:$port (pid $pid), nothing to do"
      return 0
    fi
    say "pid $pid is running but does not answer yet"
    wait_ready "$pid" "$port" || die "pid $pid did not become ready; see $LOG_FILE or run '$0 stop'"
    echo "kafka up on $HOST:$port after $(elapsed) s"
    return 0
  fi

  for port in "$PORT" "$CTRL_PORT"; do
    if port_open "$port"; then
      die "$HOST:$port is taken by another process: $(ss -ltnpH "sport = :$port" 2>/dev/null | head -n 1)"
    fi
  done
  command -v "$JAVA" >/dev/null || die "java not found (Java 17+ is needed; set JAVA_HOME or PATH)"

  ensure_jars

  rm -rf "$RUN_DIR"
  mkdir -p "$DATA_DIR"
  write_props
  cid=$(new_cluster_id)
  say "formatting $DATA_DIR (cluster id $cid)"
  if ! "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.configurationFile="$LOG4J" \
        -cp "$LIB_DIR/*" kafka.tools.StorageTool format -t "$cid" -c "$PROPS" >"$RUN_DIR/format.log" 2>&1 9>&-; then
    cat "$RUN_DIR/format.log" >&2
    die "formatting the storage failed"
  fi

  say "starting broker (log: $LOG_FILE)"
  # The child writes its own PID and then execs java, so the PID file holds the JVM's PID whatever
  # setsid does (`cd x && nohup java ... &` would give the subshell's PID instead). setsid puts the
  # broker in its own session: it outlives this script and its process group.
  local detach=()
  command -v setsid >/dev/null && detach=(setsid)
  # shellcheck disable=SC2016  # $$, $0 and $@ are the child's own
  "${detach[@]}" bash -c 'echo $$ >"$0"; exec nohup "$@"' "$PID_FILE" \
    "$JAVA" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J" -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" \
    </dev/null >"$LOG_FILE" 2>&1 9>&- &
  for _ in {1..50}; do
    [[ -s $PID_FILE ]] && break
    sleep 0.1
  done
  [[ -s $PID_FILE ]] || { show_log; die "the broker process did not start"; }
  pid=$(<"$PID_FILE")

  local rc=0
  wait_ready "$pid" "$PORT" || rc=$?
  if ((rc != 0)); then
    if ((rc == 1)); then
      say "the broker exited during start-up" >&2
    else
      say "no usable broker on $HOST:$PORT after $WAIT_SECONDS s; stopping pid $pid" >&2
      stop_pid "$pid"
    fi
    die "start failed (run dir kept for a look: $RUN_DIR)"
  fi
  echo "kafka up on $HOST:$PORT after $(elapsed) s"
}

cmd_stop() {
  local pid t
  take_lock
  if pid=$(running_pid); then
    say "stopping pid $pid"
    t=$(now_ms)
    stop_pid "$pid"
    say "stopped in $(( ($(now_ms) - t) / 1000 )) s"
  elif [[ -f $PID_FILE ]]; then
    say "not running (stale PID file)"
  else
    say "not running"
  fi
  rm -rf "$RUN_DIR"
}

cmd_status() {
  local pid port
  if pid=$(running_pid); then
    port=$(running_port)
    if kafka_answers "$port"; then
      say "up on $HOST:$port (pid $pid)"
      return 0
    fi
    say "pid $pid is running but $HOST:$port does not answer"
    return 1
  fi
  say "not running"
  return 1
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac

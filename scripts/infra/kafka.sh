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
# is scripts/infra/kafka/log4j2.properties. What it shares with opensearch.sh is in scripts/infra/lib.sh.
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

readonly INFRA_NAME=kafka
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
readonly PROCESS_MATCH="kafka.Kafka $PROPS"
# shellcheck source=scripts/infra/lib.sh
source "$SCRIPT_DIR/lib.sh"

check_env() {
  [[ $PORT =~ ^[0-9]+$ && $CTRL_PORT =~ ^[0-9]+$ && $PORT != "$CTRL_PORT" ]] \
    || die "KAFKA_PORT ($PORT) and KAFKA_CONTROLLER_PORT ($CTRL_PORT) must be two different numbers"
  [[ $WAIT_SECONDS =~ ^[0-9]+$ ]] || die "KAFKA_WAIT_SECONDS must be a number of seconds"
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

# Broker port of the running broker, from its server.properties.
running_port() {
  sed -n 's|^advertised.listeners=PLAINTEXT://[^:]*:\([0-9]*\)$|\1|p' "$PROPS" 2>/dev/null
}

# Ready: the broker logged that it started and answers a Metadata request.
ready() {
  grep -qF "$STARTED_LINE" "$LOG_FILE" 2>/dev/null && kafka_answers "$1"
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

cmd_start() {
  local cid pid
  check_env
  take_lock
  start_if_running || true
  require_free_ports "$PORT" "$CTRL_PORT"
  command -v "$JAVA" >/dev/null || die "java not found (Java 17+ is needed; set JAVA_HOME or PATH)"

  ensure_maven_cache "$(sha256sum "$POM" | cut -d' ' -f1)" 'kafka_2.13-*.jar'

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
  spawn_detached "$JAVA" -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J" -cp "$LIB_DIR/*" kafka.Kafka "$PROPS"
  pid=$(<"$PID_FILE")
  await_fresh_start "$pid"
  echo "kafka up on $HOST:$PORT after $(elapsed) s"
}

main "$@"

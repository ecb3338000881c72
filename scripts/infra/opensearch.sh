#!/usr/bin/env bash
# A real OpenSearch 2.19.6 for tests and local runs, without Docker: one node in a plain JVM (no
# distribution tarball, no security plugin), HTTP and transport on 127.0.0.1 only.
#
#   scripts/infra/opensearch.sh start    fetch the jars and build the launcher if needed, start on a
#                                        FRESH data dir, wait until the cluster health is green/yellow
#   scripts/infra/opensearch.sh stop     stop it (TERM, KILL after 20 s) and remove its run dir
#   scripts/infra/opensearch.sh status   exit 0 if it is up and its cluster health is green/yellow, 1 if not
#
# `start` is idempotent: if the node this script started is still up, it says so and exits 0.
# Every other start begins with an empty data dir. After the start an index template gives every new
# index 0 replicas, so a single node stays green.
#
# The jars (org.opensearch:opensearch + org.opensearch.plugin:transport-netty4-client 2.19.6, log4j
# 2.25.4, about 50 MB) come from Maven Central through Maven, using scripts/infra/opensearch/pom.xml,
# which also compiles the launcher scripts/infra/opensearch/src/main/java/dev/tally/infra/EmbeddedOpenSearch.java
# (a subclass of org.opensearch.node.Node with the netty4 plugin) into the cache dir. Both are cached.
# Works with OpenSearch's REST API only: the Elasticsearch 8 typed Java client refuses OpenSearch.
#
# Environment:
#   OPENSEARCH_HTTP_PORT        HTTP port (default 19200)
#   OPENSEARCH_TRANSPORT_PORT   transport port (default 19300)
#   OPENSEARCH_HEAP             -Xms/-Xmx of the node (default 512m)
#   TALLY_INFRA_HOME            cache root (default ~/.cache/tally-infra); jars in
#                               $TALLY_INFRA_HOME/opensearch/lib, the launcher in .../opensearch/build/classes
#   TALLY_INFRA_RUN             run root (default /tmp/tally-infra); home, data, log and PID in
#                               $TALLY_INFRA_RUN/opensearch
#   OPENSEARCH_WAIT_SECONDS     how long `start` waits for the node (default 90)
#   JAVA_HOME                   Java 17+ to use (default: java on the PATH)
#
# Files in the run dir: home/ (path.home; data/ and logs/ in it), opensearch.log (node output),
# opensearch.pid, ports.
set -euo pipefail

readonly INFRA_NAME=opensearch
readonly HOST=127.0.0.1
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly SRC_DIR=$SCRIPT_DIR/opensearch
readonly POM=$SRC_DIR/pom.xml
readonly CACHE_DIR=${TALLY_INFRA_HOME:-$HOME/.cache/tally-infra}/opensearch
readonly LIB_DIR=$CACHE_DIR/lib
readonly CLASSES_DIR=$CACHE_DIR/build/classes
readonly RUN_BASE=${TALLY_INFRA_RUN:-/tmp/tally-infra}
readonly RUN_DIR=$RUN_BASE/opensearch
readonly NODE_HOME=$RUN_DIR/home
readonly LOG_FILE=$RUN_DIR/opensearch.log
readonly PID_FILE=$RUN_DIR/opensearch.pid
readonly PORTS_FILE=$RUN_DIR/ports
readonly PORT=${OPENSEARCH_HTTP_PORT:-19200}
readonly TRANSPORT_PORT=${OPENSEARCH_TRANSPORT_PORT:-19300}
readonly HEAP=${OPENSEARCH_HEAP:-512m}
readonly WAIT_SECONDS=${OPENSEARCH_WAIT_SECONDS:-90}
readonly STOP_SECONDS=20
readonly MAIN=dev.tally.infra.EmbeddedOpenSearch
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
readonly JAVA
readonly PROCESS_MATCH="$MAIN $NODE_HOME "
# shellcheck source=scripts/infra/lib.sh
source "$SCRIPT_DIR/lib.sh"

check_env() {
  local p
  for p in "$PORT" "$TRANSPORT_PORT"; do
    if ! [[ $p =~ ^[0-9]+$ ]] || ((p < 1 || p > 65535)); then
      die "port '$p' is not a number between 1 and 65535"
    fi
  done
  [[ $PORT != "$TRANSPORT_PORT" ]] || die "OPENSEARCH_HTTP_PORT and OPENSEARCH_TRANSPORT_PORT are both $PORT"
  [[ $HEAP =~ ^[0-9]+[mMgG]$ ]] || die "OPENSEARCH_HEAP must look like 512m or 1g"
  [[ $WAIT_SECONDS =~ ^[0-9]+$ ]] || die "OPENSEARCH_WAIT_SECONDS must be a number of seconds"
}

# Sends an HTTP/1.0 request ($2 method, $3 path, optional JSON body $4) to HOST:$1 (no curl needed);
# prints the answer's body, false unless the status is 200.
http_call() {
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    if [[ -n $4 ]]; then
      printf "%s %s HTTP/1.0\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" \
        "$2" "$3" "$0" "${#4}" "$4" >&3
    else
      printf "%s %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$3" "$0" >&3
    fi
    IFS= read -r status <&3
    [[ $status == "HTTP/1."[01]" 200"* ]] || exit 1
    while IFS= read -r line <&3 && [[ $line != $'"'"'\r'"'"' ]]; do :; done
    cat <&3' "$HOST" "$1" "$2" "$3" "${4:-}" 2>/dev/null
}

# Ready: the node on HOST:$1 reports cluster health green or yellow.
ready() {
  local body
  body=$(http_call "$1" GET /_cluster/health) || return 1
  [[ $body =~ \"status\":\"(green|yellow)\" ]]
}

# HTTP port of the running node, from the ports file.
running_port() {
  sed -n 's/^http=\([0-9]*\) .*/\1/p' "$PORTS_FILE" 2>/dev/null
}

# Hash of everything the build reads: the pom and the launcher's sources.
build_hash() {
  find "$SRC_DIR" -type f \( -name pom.xml -o -path '*/src/*' \) -print0 | sort -z \
    | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

# Fails (after printing them) if a listener of PID $1 is not on loopback. Skipped if ss is missing.
check_loopback() {
  local lines bad
  command -v ss >/dev/null || { say "ss not found, listeners not checked"; return 0; }
  lines=$(ss -ltnpH 2>/dev/null | grep -E "pid=$1," || true)
  [[ -n $lines ]] || { say "ss shows no listener for pid $1 (not allowed to see them?)" >&2; return 1; }
  bad=$(awk '$4 !~ /^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]|\[::1\]):[0-9]+$/' <<<"$lines")
  if [[ -n $bad ]]; then
    say "listeners not on loopback:" >&2
    printf '%s\n' "$bad" >&2
    return 1
  fi
}

cmd_start() {
  local pid
  check_env
  take_lock
  start_if_running || true
  require_free_ports "$PORT" "$TRANSPORT_PORT"
  command -v "$JAVA" >/dev/null || die "java not found (Java 17+ is needed; set JAVA_HOME or PATH)"

  ensure_maven_cache "$(build_hash)" 'opensearch-2*.jar' compile
  [[ -f $CLASSES_DIR/${MAIN//.//}.class ]] || die "the launcher is missing from $CLASSES_DIR (see $CACHE_DIR/mvn.log)"

  rm -rf "$RUN_DIR"
  mkdir -p "$NODE_HOME"
  printf 'http=%s transport=%s\n' "$PORT" "$TRANSPORT_PORT" >"$PORTS_FILE"

  say "starting node: HTTP $HOST:$PORT, transport $HOST:$TRANSPORT_PORT (log: $LOG_FILE)"
  spawn_detached "$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
    -Djava.io.tmpdir="$RUN_DIR" -cp "$CLASSES_DIR:$LIB_DIR/*" "$MAIN" "$NODE_HOME" "$PORT" "$TRANSPORT_PORT"
  pid=$(<"$PID_FILE")
  await_fresh_start "$pid"
  if ! check_loopback "$pid"; then
    stop_pid "$pid"
    die "start failed: a listener is not on loopback (run dir kept: $RUN_DIR)"
  fi
  # A single node cannot place replicas: without this, every new index would leave the cluster yellow.
  if ! http_call "$PORT" PUT /_index_template/tally-zero-replicas \
      '{"index_patterns":["*"],"priority":0,"template":{"settings":{"number_of_replicas":0}}}' >/dev/null; then
    stop_pid "$pid"
    die "start failed: could not create the zero-replicas index template"
  fi
  echo "opensearch up on http://$HOST:$PORT after $(elapsed) s"
}

main "$@"

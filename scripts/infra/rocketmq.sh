#!/usr/bin/env bash
# A real RocketMQ 5.3.3 for tests and local runs, without Docker: a name server plus a proxy in local
# mode (the broker runs inside the proxy's JVM), every listener on 127.0.0.1 only.
#
#   scripts/infra/rocketmq.sh start    fetch the jars and build the bind shim if needed, start on a FRESH
#                                      store, wait until usable, create the topics
#   scripts/infra/rocketmq.sh stop     stop both at once (TERM, KILL after ROCKETMQ_STOP_SECONDS) and
#                                      remove the run dir
#   scripts/infra/rocketmq.sh status   exit 0 if both are up, the broker is registered and the topics
#                                      exist (ROCKETMQ_TOPICS if set, else those `start` created); 1 if not
#   scripts/infra/rocketmq.sh restart-proxy [--kill]
#                                      stop the proxy (and so its broker) with TERM, or with KILL at once
#                                      when --kill is given, and start it again on the SAME store: what
#                                      was sent before is still there (tests of a broker outage use it)
#   scripts/infra/rocketmq.sh topics NAME:TYPE...
#                                      create more topics on the running broker (TYPE as below) and wait
#                                      until the name server routes them
#
# `start` is idempotent: if the name server and proxy this script started are still up, it only makes
# sure the topics exist and exits 0. Every other start begins with an empty store.
#
# Listeners (all 127.0.0.1):
#   name server              ROCKETMQ_NAMESRV_PORT    (default 9876)
#   proxy gRPC               ROCKETMQ_GRPC_PORT       (default 8081)  <- rocketmq-client-java 5.x connects here
#   proxy remoting           ROCKETMQ_REMOTING_PORT   (default 8090; RocketMQ's default 8080 is Tally's HTTP port)
#   broker                   ROCKETMQ_BROKER_PORT     (default 10911), plus its HA port (broker port + 1)
#                                                     and its "fast" port (broker port - 2)
# Three of these (gRPC, remoting, HA) ignore every bind setting and would listen on 0.0.0.0, so both
# JVMs run with an LD_PRELOAD shim (scripts/infra/rocketmq/bind_loopback.c, built with gcc into the
# cache dir) that turns bind() to 0.0.0.0 / :: into 127.0.0.1. `start` checks with ss that every
# listener of the two processes is on loopback, and fails otherwise.
#
# Topics: rocketmq-client-java 5.x needs topics created up front (autoCreateTopicEnable does not help
# gRPC clients), with a `message.type` attribute that matches what is sent (a DELAY message to a
# NORMAL topic is refused by the client). `start` creates them with the broker's own remoting request
# (what `mqadmin updateTopic` sends; no extra JVM), with ROCKETMQ_TOPIC_QUEUES queues each:
#   ROCKETMQ_TOPICS          space-separated name:TYPE pairs, TYPE one of NORMAL FIFO DELAY TRANSACTION
#                            (default "tally-jobs:NORMAL tally-jobs-priority:NORMAL tally-jobs-delay:DELAY";
#                            set but empty: no topics)
#   ROCKETMQ_TOPIC_QUEUES    read/write queues per topic (default 4)
# Consumer groups are created on first use (autoCreateSubscriptionGroup=true). Cluster DefaultCluster,
# broker broker-a.
#
# The jars (rocketmq-namesrv, -broker, -proxy, -tools 5.3.3, about 90 MB) come from Maven Central
# through Maven, using scripts/infra/rocketmq/pom.xml, and are cached. mqadmin, for a look by hand:
#   java -cp "$HOME/.cache/tally-infra/rocketmq/lib/*" -Duser.home=/tmp/mqadmin \
#     org.apache.rocketmq.tools.command.MQAdminStartup clusterList -n 127.0.0.1:9876
#
# Other environment:
#   TALLY_INFRA_HOME         cache root (default ~/.cache/tally-infra); jars in $TALLY_INFRA_HOME/rocketmq/lib,
#                            the shim in $TALLY_INFRA_HOME/rocketmq/bind_loopback.so
#   TALLY_INFRA_RUN          run root (default /tmp/tally-infra); everything else in $TALLY_INFRA_RUN/rocketmq
#   ROCKETMQ_WAIT_SECONDS    how long `start` waits for everything, topics included (default 90)
#   ROCKETMQ_STOP_SECONDS    how long `stop` waits after TERM before it sends KILL (default 20). A graceful
#                            stop takes 10-15 s when lightly used (the broker's shutdown hooks wait on
#                            several threads) and was seen to exceed 20 s after a few thousand messages.
#                            The store is thrown away anyway, so 0 (KILL at once) is safe.
#   JAVA_HOME                Java 17+ to use (default: java on the PATH)
#
# Files in the run dir: home/conf/ (ROCKETMQ_HOME: namesrv.properties, broker.conf, rmq-proxy.json),
# store/, namesrv.log and proxy.log (stdout/stderr), namesrv.pid, proxy.pid, ports, topics.log,
# topics.created, and one user.home per JVM (namesrv-home/, proxy-home/), where
# RocketMQ writes its own logs: */logs/rocketmqlogs/*.log (namesrv.log; proxy.log, broker.log, ...).
# Their timestamps are in UTC+8 (hard-coded in RocketMQ's logback configs).
set -euo pipefail

readonly HOST=127.0.0.1
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly POM=$SCRIPT_DIR/rocketmq/pom.xml
readonly SHIM_SRC=$SCRIPT_DIR/rocketmq/bind_loopback.c
readonly CACHE_DIR=${TALLY_INFRA_HOME:-$HOME/.cache/tally-infra}/rocketmq
readonly LIB_DIR=$CACHE_DIR/lib
readonly SHIM=$CACHE_DIR/bind_loopback.so
readonly RUN_BASE=${TALLY_INFRA_RUN:-/tmp/tally-infra}
readonly RUN_DIR=$RUN_BASE/rocketmq
readonly RMQ_HOME=$RUN_DIR/home
readonly CONF_DIR=$RMQ_HOME/conf
readonly NAMESRV_CONF=$CONF_DIR/namesrv.properties
readonly BROKER_CONF=$CONF_DIR/broker.conf
readonly PROXY_CONF=$CONF_DIR/rmq-proxy.json
# Each JVM gets its own user.home, since RocketMQ logs to ${user.home}/logs/rocketmqlogs.
readonly NAMESRV_HOME=$RUN_DIR/namesrv-home
readonly PROXY_HOME=$RUN_DIR/proxy-home
readonly STORE_DIR=$RUN_DIR/store
readonly NAMESRV_LOG=$RUN_DIR/namesrv.log
readonly PROXY_LOG=$RUN_DIR/proxy.log
readonly NAMESRV_PID_FILE=$RUN_DIR/namesrv.pid
readonly PROXY_PID_FILE=$RUN_DIR/proxy.pid
readonly PORTS_FILE=$RUN_DIR/ports
readonly TOPICS_LOG=$RUN_DIR/topics.log
readonly TOPICS_DONE=$RUN_DIR/topics.created
readonly NS_PORT=${ROCKETMQ_NAMESRV_PORT:-9876}
readonly GRPC_PORT=${ROCKETMQ_GRPC_PORT:-8081}
readonly REMOTING_PORT=${ROCKETMQ_REMOTING_PORT:-8090}
readonly BROKER_PORT=${ROCKETMQ_BROKER_PORT:-10911}
readonly TOPICS=${ROCKETMQ_TOPICS-tally-jobs:NORMAL tally-jobs-priority:NORMAL tally-jobs-delay:DELAY}
readonly QUEUES=${ROCKETMQ_TOPIC_QUEUES:-4}
readonly WAIT_SECONDS=${ROCKETMQ_WAIT_SECONDS:-90}
readonly STOP_SECONDS=${ROCKETMQ_STOP_SECONDS:-20}
readonly CLUSTER=DefaultCluster
readonly BROKER_NAME=broker-a
readonly NAMESRV_MAIN=org.apache.rocketmq.namesrv.NamesrvStartup
readonly PROXY_MAIN=org.apache.rocketmq.proxy.ProxyStartup
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
readonly JAVA

say() { printf 'rocketmq: %s\n' "$*"; }
die() { printf 'rocketmq: %s\n' "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }
T0=$(now_ms)
elapsed() { # seconds since the script started, one decimal
  local ms=$(( $(now_ms) - T0 ))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# The broker's three ports: listen port, HA port (listen + 1) and "fast" port (listen - 2).
ha_port() { echo $(($1 + 1)); }
fast_port() { echo $(($1 - 2)); }
# All six ports this script's RocketMQ listens on.
all_ports() {
  echo "$NS_PORT" "$GRPC_PORT" "$REMOTING_PORT" "$BROKER_PORT" "$(ha_port "$BROKER_PORT")" "$(fast_port "$BROKER_PORT")"
}

check_env() {
  local p name type seen=" "
  for p in "$NS_PORT" "$GRPC_PORT" "$REMOTING_PORT" "$BROKER_PORT"; do
    if ! [[ $p =~ ^[0-9]+$ ]] || ((p < 1 || p > 65535)); then
      die "port '$p' is not a number between 1 and 65535"
    fi
  done
  ((BROKER_PORT >= 3 && BROKER_PORT <= 65534)) || die "ROCKETMQ_BROKER_PORT must leave room for port - 2 and port + 1"
  for p in $(all_ports); do
    [[ $seen == *" $p "* ]] && die "port $p is used twice (namesrv, gRPC, remoting, broker, HA, fast: $(all_ports))"
    seen+="$p "
  done
  [[ $WAIT_SECONDS =~ ^[0-9]+$ ]] || die "ROCKETMQ_WAIT_SECONDS must be a number of seconds"
  [[ $STOP_SECONDS =~ ^[0-9]+$ ]] || die "ROCKETMQ_STOP_SECONDS must be a number of seconds"
  if ! [[ $QUEUES =~ ^[0-9]+$ ]] || ((QUEUES < 1 || QUEUES > 1024)); then
    die "ROCKETMQ_TOPIC_QUEUES must be a number from 1 to 1024"
  fi
  for p in $TOPICS; do
    [[ $p == *:* ]] || die "ROCKETMQ_TOPICS: '$p' is not name:TYPE"
    name=${p%%:*}
    type=${p#*:}
    [[ $name =~ ^[%|a-zA-Z0-9_-]{1,127}$ ]] || die "ROCKETMQ_TOPICS: '$name' is not a valid topic name"
    [[ $type =~ ^(NORMAL|FIFO|DELAY|TRANSACTION)$ ]] \
      || die "ROCKETMQ_TOPICS: type '$type' of $name is not NORMAL, FIFO, DELAY or TRANSACTION"
  done
}

# True if something accepts TCP connections on HOST:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# Sends one RocketMQ remoting request (JSON serialisation) to HOST:$1 with request code $2 and
# optional extFields $3 (a JSON object); prints the response's header JSON, a newline, then the body.
# Wire format: total length | header length (top byte 0 = JSON) | header | body, big-endian ints.
remoting_call() {
  local port=$1 code=$2 ext=${3:-} header
  header="{\"code\":$code,\"flag\":0,\"language\":\"JAVA\",\"opaque\":$((RANDOM + 1)),"
  header+="\"serializeTypeCurrentRPC\":\"JSON\",\"version\":500${ext:+,\"extFields\":$ext}}"
  # shellcheck disable=SC2016  # expanded by the inner bash
  timeout 3 bash -c '
    u32() { od -An -tu4 --endian=big | tr -d " \n"; }
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "%b%s" "$3" "$2" >&3
    total=$(head -c 4 <&3 | u32); [[ $total =~ ^[0-9]+$ ]] && ((total >= 4)) || exit 1
    hlen=$(head -c 4 <&3 | u32); [[ $hlen =~ ^[0-9]+$ ]] && ((hlen <= total - 4)) || exit 1
    head -c "$hlen" <&3; echo
    head -c $((total - 4 - hlen)) <&3' \
    "$HOST" "$port" "$header" "$(be32 $((4 + ${#header})))$(be32 ${#header})" 2>/dev/null
}

# Prints $1 as a big-endian 32-bit int in printf %b escapes (\xHH\xHH\xHH\xHH).
be32() {
  printf '\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255))
}

# True if the name server on HOST:$1 answers and lists our broker at HOST:$2 (GET_BROKER_CLUSTER_INFO).
broker_registered() {
  local out
  out=$(remoting_call "$1" 106) || return 1
  [[ $out == '{"code":0,'* && $out == *"\"$HOST:$2\""* ]]
}

# True if the name server on HOST:$1 has a route for topic $2 (GET_ROUTEINFO_BY_TOPIC; 17 = no topic).
topic_routed() {
  local out
  out=$(remoting_call "$1" 105 "{\"topic\":\"$2\"}") || return 1
  [[ $out == '{"code":0,'* && $out == *"\"brokerName\":\"$BROKER_NAME\""* ]]
}

# Prints the PID in PID file $1 if that process is alive and its command line contains $2, so a
# recycled PID is never taken for ours; false otherwise.
live_pid() {
  local pid
  [[ -f $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2" || return 1
  printf '%s\n' "$pid"
}
namesrv_pid() { live_pid "$NAMESRV_PID_FILE" "$NAMESRV_MAIN -c $NAMESRV_CONF"; }
proxy_pid() { live_pid "$PROXY_PID_FILE" "$PROXY_MAIN -pm local -pc $PROXY_CONF"; }

# One lock for start and stop, so that two of them never run at once.
take_lock() {
  mkdir -p "$RUN_BASE"
  exec 9>"$RUN_BASE/rocketmq.lock"
  flock -w 120 9 || die "another rocketmq.sh start/stop holds $RUN_BASE/rocketmq.lock"
}

# Makes sure LIB_DIR holds the jars the pom names. The marker file keeps the pom's hash, so editing
# the pom fetches again. Jars go to a temp dir first, so an interrupted fetch leaves no half cache.
ensure_jars() {
  local want have="" tmp n t
  want=$(sha256sum "$POM" | cut -d' ' -f1)
  [[ -f $LIB_DIR/.pom.sha256 ]] && have=$(<"$LIB_DIR/.pom.sha256")
  if [[ $want == "$have" ]] && compgen -G "$LIB_DIR/rocketmq-proxy-*.jar" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found; it is needed once to fetch the RocketMQ jars"
  mkdir -p "$CACHE_DIR"
  tmp=$(mktemp -d "$CACHE_DIR/lib.tmp.XXXXXX")
  chmod 755 "$tmp"
  say "fetching RocketMQ jars from Maven Central into $LIB_DIR"
  t=$(now_ms)
  if ! mvn -q -B -f "$POM" dependency:copy-dependencies \
        -DoutputDirectory="$tmp" -DincludeScope=runtime >"$CACHE_DIR/mvn.log" 2>&1 9>&-; then
    tail -n 30 "$CACHE_DIR/mvn.log" >&2
    rm -rf "$tmp"
    die "fetching the jars failed (whole Maven output: $CACHE_DIR/mvn.log)"
  fi
  for n in namesrv broker proxy tools; do
    compgen -G "$tmp/rocketmq-$n-*.jar" >/dev/null || { rm -rf "$tmp"; die "Maven ran but rocketmq-$n is missing"; }
  done
  printf '%s\n' "$want" >"$tmp/.pom.sha256"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
  n=$(find "$LIB_DIR" -name '*.jar' | wc -l)
  say "$n jars ($(du -sh "$LIB_DIR" | cut -f1)) fetched in $(( ($(now_ms) - t) / 1000 )) s"
}

# Builds the bind shim into the cache dir; again whenever bind_loopback.c changes.
ensure_shim() {
  local want have="" tmp
  want=$(sha256sum "$SHIM_SRC" | cut -d' ' -f1)
  [[ -f $SHIM.sha256 ]] && have=$(<"$SHIM.sha256")
  [[ -f $SHIM && $want == "$have" ]] && return 0
  command -v gcc >/dev/null || die "gcc not found; it is needed once to build $SHIM from $SHIM_SRC"
  mkdir -p "$CACHE_DIR"
  tmp=$(mktemp "$CACHE_DIR/bind_loopback.so.tmp.XXXXXX")
  say "building the bind shim $SHIM"
  if ! gcc -shared -fPIC -O2 -Wall -o "$tmp" "$SHIM_SRC" -ldl 2>"$CACHE_DIR/gcc.log"; then
    cat "$CACHE_DIR/gcc.log" >&2
    rm -f "$tmp"
    die "building the bind shim failed"
  fi
  chmod 755 "$tmp"
  mv -f "$tmp" "$SHIM"
  printf '%s\n' "$want" >"$SHIM.sha256"
}

write_conf() {
  mkdir -p "$CONF_DIR" "$STORE_DIR"
  cat >"$NAMESRV_CONF" <<EOF
# Written by scripts/infra/rocketmq.sh
listenPort=$NS_PORT
bindAddress=$HOST
# The name server's own remoting client is given <machine IP>:listenPort as its name server list
# (NamesrvController.start uses NetworkUtil.getLocalAddress()) and would try to connect there every
# few seconds; that address is not loopback, and nothing listens there anyway.
scanAvailableNameSrv=false
EOF
  # Store files are shrunk (defaults: commitlog 1 GiB, timer log 100 MiB; they are sparse anyway).
  cat >"$BROKER_CONF" <<EOF
# Written by scripts/infra/rocketmq.sh: the broker inside the proxy (local mode), loopback only.
brokerClusterName=$CLUSTER
brokerName=$BROKER_NAME
brokerId=0
brokerRole=ASYNC_MASTER
flushDiskType=ASYNC_FLUSH
namesrvAddr=$HOST:$NS_PORT
brokerIP1=$HOST
brokerIP2=$HOST
bindAddress=$HOST
listenPort=$BROKER_PORT
haListenPort=$(ha_port "$BROKER_PORT")
storePathRootDir=$STORE_DIR
storePathCommitLog=$STORE_DIR/commitlog
mappedFileSizeCommitLog=67108864
mappedFileSizeConsumeQueue=300000
mappedFileSizeTimerLog=16777216
timerWheelEnable=true
# Delay messages are due within 100 ms of their time rather than the default 1 s (Tally's delayed jobs are
# promised within 2 s of their delay). The timer wheel and log are flushed as usual, so a restart-proxy,
# even with KILL, finds every pending delay message again.
timerPrecisionMs=100
autoCreateTopicEnable=true
autoCreateSubscriptionGroup=true
diskMaxUsedSpaceRatio=95
EOF
  cat >"$PROXY_CONF" <<EOF
{
  "rocketMQClusterName": "$CLUSTER",
  "namesrvAddr": "$HOST:$NS_PORT",
  "localServeAddr": "$HOST",
  "remotingAccessAddr": "$HOST",
  "grpcServerPort": $GRPC_PORT,
  "remotingListenPort": $REMOTING_PORT,
  "grpcShutdownTimeSeconds": 1
}
EOF
  printf 'namesrv=%s grpc=%s remoting=%s broker=%s\n' \
    "$NS_PORT" "$GRPC_PORT" "$REMOTING_PORT" "$BROKER_PORT" >"$PORTS_FILE"
}

# Port $1 (namesrv|grpc|remoting|broker) of the running instance, from the ports file.
running_port() {
  sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" "$PORTS_FILE" 2>/dev/null
}

# Creates or updates topic $2 with message.type $3 on the broker at HOST:$1: one remoting request,
# UPDATE_AND_CREATE_TOPIC (17), as mqadmin updateTopic sends it. The broker then registers the topic
# with the name server. Appends the response to TOPICS_LOG; false unless it says code 0.
create_topic() {
  local out ext
  ext="{\"topic\":\"$2\",\"defaultTopic\":\"TBW102\",\"readQueueNums\":\"$QUEUES\",\"writeQueueNums\":\"$QUEUES\","
  ext+="\"perm\":\"6\",\"topicFilterType\":\"SINGLE_TAG\",\"topicSysFlag\":\"0\",\"order\":\"false\","
  ext+="\"attributes\":\"+message.type=$3\"}"
  out=$(remoting_call "$1" 17 "$ext") || out="(no answer)"
  printf '%s %s:%s -> %s\n' "$(date +%T)" "$2" "$3" "${out%%$'\n'*}" >>"$TOPICS_LOG"
  [[ $out == '{"code":0,'* ]]
}

all_routed() {
  local p
  for p in $TOPICS; do topic_routed "$1" "${p%%:*}" || return 1; done
}

# Creates or updates the topics (ROCKETMQ_TOPICS) on the broker at HOST:$2, retrying until the
# deadline $3 (SECONDS); then waits until the name server on HOST:$1 routes them all. Does nothing if
# the same list was created before (topics.created) and all of them are routed.
create_topics() {
  local ns=$1 broker=$2 deadline=$3 p missing spec="queues=$QUEUES topics=$TOPICS"
  [[ -n ${TOPICS// /} ]] || return 0
  if [[ -f $TOPICS_DONE && $(<"$TOPICS_DONE") == "$spec" ]] && all_routed "$ns"; then
    return 0
  fi
  rm -f "$TOPICS_DONE"
  for p in $TOPICS; do
    until create_topic "$broker" "${p%%:*}" "${p#*:}"; do
      if ((SECONDS >= deadline)); then
        tail -n 5 "$TOPICS_LOG" >&2
        say "creating topic ${p%%:*} failed (log: $TOPICS_LOG)" >&2
        return 1
      fi
      sleep 0.5
    done
  done
  while :; do
    missing=""
    for p in $TOPICS; do
      topic_routed "$ns" "${p%%:*}" || missing+=" ${p%%:*}"
    done
    if [[ -z $missing ]]; then
      printf '%s\n' "$spec" >"$TOPICS_DONE"
      return 0
    fi
    ((SECONDS < deadline)) || { say "the name server has no route for:$missing" >&2; return 1; }
    sleep 0.2
  done
}

# Stops PIDs $@ together: TERM, then KILL after STOP_SECONDS. Returns when they are gone.
stop_pids() {
  local pid deadline left
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  deadline=$((SECONDS + STOP_SECONDS))
  while :; do
    left=()
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && left+=("$pid"); done
    ((${#left[@]})) || return 0
    ((SECONDS < deadline)) || break
    sleep 0.2
  done
  say "pid ${left[*]} still there after $STOP_SECONDS s, sending KILL"
  kill -KILL "${left[@]}" 2>/dev/null || true
  for pid in "${left[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  done
}

show_log() {
  local f
  for f in "$@"; do
    if [[ -s $f ]]; then
      printf -- '----- last 30 lines of %s -----\n' "$f" >&2
      tail -n 30 "$f" >&2
    else
      printf 'rocketmq: %s is empty or missing\n' "$f" >&2
    fi
  done
  printf -- '-----\n' >&2
}
show_namesrv_log() { show_log "$NAMESRV_LOG" "$NAMESRV_HOME/logs/rocketmqlogs/namesrv.log"; }
show_proxy_log() {
  show_log "$PROXY_LOG" "$PROXY_HOME/logs/rocketmqlogs/proxy.log" "$PROXY_HOME/logs/rocketmqlogs/broker.log"
}

# Starts java "$@" detached (own session, so it outlives this script and its process group) with the
# bind shim preloaded, stdout/stderr to $2, user.home $3, PID to $1. The child writes its own PID and
# then execs (nohup and env exec too), so the PID file holds the JVM's PID.
spawn() {
  local pid_file=$1 log=$2 home=$3
  shift 3
  mkdir -p "$home"
  local detach=()
  command -v setsid >/dev/null && detach=(setsid)
  # shellcheck disable=SC2016  # $$, $0 and $@ are the child's own
  "${detach[@]}" bash -c 'echo $$ >"$0"; exec nohup "$@"' "$pid_file" \
    env LD_PRELOAD="$SHIM" ROCKETMQ_HOME="$RMQ_HOME" \
    "$JAVA" -Duser.home="$home" -Drocketmq.home.dir="$RMQ_HOME" -Djava.net.preferIPv4Stack=true \
    -Djava.awt.headless=true -cp "$LIB_DIR/*" "$@" \
    </dev/null >"$log" 2>&1 9>&- &
  local _
  for _ in {1..50}; do
    [[ -s $pid_file ]] && break
    sleep 0.1
  done
  [[ -s $pid_file ]] || return 1
  cat "$pid_file"
}

# Starts the proxy (with its broker) on the run dir's configuration and store; prints its PID.
spawn_proxy() {
  spawn "$PROXY_PID_FILE" "$PROXY_LOG" "$PROXY_HOME" \
    -Xms256m -Xmx256m -XX:MaxDirectMemorySize=256m -XX:+UseG1GC \
    "$PROXY_MAIN" -pm local -pc "$PROXY_CONF" -bc "$BROKER_CONF"
}

# Fails (after printing them) if a listener of the PIDs $@ is not on loopback, or if the shim is not
# loaded into them. Skipped with a note if ss is missing.
check_loopback() {
  local pid bad lines re
  for pid in "$@"; do
    grep -qF "$SHIM" "/proc/$pid/maps" 2>/dev/null || { say "the bind shim is not loaded in pid $pid" >&2; return 1; }
  done
  command -v ss >/dev/null || { say "ss not found, listeners not checked"; return 0; }
  re="pid=($(IFS='|'; echo "$*")),"
  lines=$(ss -ltnpH 2>/dev/null | grep -E "$re" || true)
  [[ -n $lines ]] || { say "ss shows no listener for pid $* (not allowed to see them?)" >&2; return 1; }
  bad=$(awk '$4 !~ /^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]|\[::1\]):[0-9]+$/' <<<"$lines")
  if [[ -n $bad ]]; then
    say "listeners not on loopback:" >&2
    printf '%s\n' "$bad" >&2
    return 1
  fi
}

# Waits until the name server (PID $1) answers on NS_PORT. Returns 1 if it died, 2 on timeout.
wait_namesrv() {
  local pid=$1 deadline=$2
  while :; do
    kill -0 "$pid" 2>/dev/null || return 1
    remoting_call "$NS_PORT" 106 >/dev/null && return 0
    ((SECONDS < deadline)) || return 2
    sleep 0.2
  done
}

# Waits until the proxy (PID $1) serves gRPC and its broker is registered with the name server.
# Returns 1 if it died, 2 on timeout.
wait_proxy() {
  local pid=$1 deadline=$2
  while :; do
    kill -0 "$pid" 2>/dev/null || return 1
    port_open "$GRPC_PORT" && broker_registered "$NS_PORT" "$BROKER_PORT" && return 0
    ((SECONDS < deadline)) || return 2
    sleep 0.2
  done
}

# Both are running: checks they are ours on the requested ports and usable, waits if they are still
# starting, then makes sure the topics exist.
already_running() {
  local ns_pid=$1 px_pid=$2 deadline=$((SECONDS + WAIT_SECONDS)) k want have rc=0
  for k in namesrv:$NS_PORT grpc:$GRPC_PORT remoting:$REMOTING_PORT broker:$BROKER_PORT; do
    want=${k#*:}
    have=$(running_port "${k%%:*}")
    [[ $have == "$want" ]] \
      || die "the RocketMQ this script started (pids $ns_pid, $px_pid) has ${k%%:*} port ${have:-?}," \
        "not $want; run '$0 stop' first"
  done
  wait_namesrv "$ns_pid" "$deadline" || rc=$?
  if ((rc != 0)); then
    show_namesrv_log
    die "name server pid $ns_pid is running but does not answer on $HOST:$NS_PORT; run '$0 stop'"
  fi
  wait_proxy "$px_pid" "$deadline" || rc=$?
  ((rc == 0)) || { show_proxy_log; die "proxy pid $px_pid is running but not ready; run '$0 stop'"; }
  create_topics "$NS_PORT" "$BROKER_PORT" "$deadline" || die "topics: see $TOPICS_LOG"
  say "already up (namesrv pid $ns_pid, proxy pid $px_pid); topics: ${TOPICS:-none}"
}

cmd_start() {
  local ns_pid="" px_pid="" p rc deadline
  check_env
  take_lock

  ns_pid=$(namesrv_pid) || ns_pid=""
  px_pid=$(proxy_pid) || px_pid=""
  if [[ -n $ns_pid && -n $px_pid ]]; then
    already_running "$ns_pid" "$px_pid"
    return 0
  fi
  if [[ -n $ns_pid$px_pid ]]; then
    say "only half of it is running (namesrv pid ${ns_pid:-none}, proxy pid ${px_pid:-none});" \
      "stopping it and starting afresh"
    # shellcheck disable=SC2086  # one or two PIDs
    stop_pids $ns_pid $px_pid
  fi

  for p in $(all_ports); do
    if port_open "$p"; then
      die "$HOST:$p is taken by another process: $(ss -ltnpH "sport = :$p" 2>/dev/null | head -n 1)"
    fi
  done
  command -v "$JAVA" >/dev/null || die "java not found (Java 17+ is needed; set JAVA_HOME or PATH)"

  ensure_jars
  ensure_shim

  rm -rf "$RUN_DIR"
  write_conf
  deadline=$((SECONDS + WAIT_SECONDS))

  # The name server first: the broker registers right at start-up and otherwise only every 30 s.
  say "starting name server on $HOST:$NS_PORT (log: $NAMESRV_LOG)"
  ns_pid=$(spawn "$NAMESRV_PID_FILE" "$NAMESRV_LOG" "$NAMESRV_HOME" -Xms64m -Xmx128m -XX:+UseG1GC \
    "$NAMESRV_MAIN" -c "$NAMESRV_CONF") || { show_namesrv_log; die "the name server process did not start"; }
  rc=0
  wait_namesrv "$ns_pid" "$deadline" || rc=$?
  if ((rc != 0)); then
    show_namesrv_log
    if ((rc == 1)); then
      die "the name server exited during start-up (run dir kept: $RUN_DIR)"
    fi
    stop_pids "$ns_pid"
    die "no name server on $HOST:$NS_PORT after $WAIT_SECONDS s (run dir kept: $RUN_DIR)"
  fi
  say "name server up after $(elapsed) s"

  say "starting proxy + broker: gRPC $HOST:$GRPC_PORT, remoting $HOST:$REMOTING_PORT," \
    "broker $HOST:$BROKER_PORT (log: $PROXY_LOG)"
  px_pid=$(spawn_proxy) || { show_proxy_log; stop_pids "$ns_pid"; die "the proxy process did not start"; }
  rc=0
  wait_proxy "$px_pid" "$deadline" || rc=$?
  if ((rc != 0)); then
    show_proxy_log
    if ((rc == 1)); then
      say "the proxy exited during start-up" >&2
    else
      say "proxy not ready (gRPC $HOST:$GRPC_PORT open and broker registered) after $WAIT_SECONDS s" >&2
    fi
    stop_pids "$px_pid" "$ns_pid"
    die "start failed (run dir kept for a look: $RUN_DIR)"
  fi
  say "proxy up, broker registered after $(elapsed) s"

  if ! check_loopback "$ns_pid" "$px_pid"; then
    stop_pids "$px_pid" "$ns_pid"
    die "start failed: a listener is not on loopback (run dir kept: $RUN_DIR)"
  fi

  if ! create_topics "$NS_PORT" "$BROKER_PORT" "$deadline"; then
    stop_pids "$px_pid" "$ns_pid"
    die "start failed: topics (run dir kept: $RUN_DIR)"
  fi
  say "topics: ${TOPICS:-none} ($QUEUES queues each)"
  echo "rocketmq up: namesrv $HOST:$NS_PORT, proxy $HOST:$GRPC_PORT after $(elapsed) s"
}

cmd_stop() {
  local ns_pid px_pid t
  take_lock
  ns_pid=$(namesrv_pid) || ns_pid=""
  px_pid=$(proxy_pid) || px_pid=""
  if [[ -n $ns_pid$px_pid ]]; then
    say "stopping namesrv pid ${ns_pid:-none}, proxy pid ${px_pid:-none}"
    t=$(now_ms)
    # shellcheck disable=SC2086  # one or two PIDs
    stop_pids $px_pid $ns_pid
    say "stopped in $(( ($(now_ms) - t) / 1000 )) s"
  elif [[ -f $NAMESRV_PID_FILE || -f $PROXY_PID_FILE ]]; then
    say "not running (stale PID files)"
  else
    say "not running"
  fi
  rm -rf "$RUN_DIR"
}

cmd_status() {
  local ns_pid px_pid ns grpc broker p topics missing=""
  ns_pid=$(namesrv_pid) || ns_pid=""
  px_pid=$(proxy_pid) || px_pid=""
  if [[ -z $ns_pid$px_pid ]]; then
    say "not running"
    return 1
  fi
  [[ -n $ns_pid ]] || { say "proxy pid $px_pid runs, but the name server does not"; return 1; }
  [[ -n $px_pid ]] || { say "name server pid $ns_pid runs, but the proxy does not"; return 1; }
  ns=$(running_port namesrv)
  grpc=$(running_port grpc)
  broker=$(running_port broker)
  broker_registered "$ns" "$broker" \
    || { say "name server $HOST:$ns does not answer or has no broker $HOST:$broker"; return 1; }
  port_open "$grpc" || { say "proxy gRPC $HOST:$grpc does not answer"; return 1; }
  # The topics to look for: ROCKETMQ_TOPICS if set, else those the last `start` created.
  topics=$TOPICS
  if [[ -z ${ROCKETMQ_TOPICS+set} && -f $TOPICS_DONE ]]; then
    topics=$(sed -n 's/^queues=[0-9]* topics=//p' "$TOPICS_DONE")
  fi
  for p in $topics; do
    topic_routed "$ns" "${p%%:*}" || missing+=" ${p%%:*}"
  done
  [[ -z $missing ]] || { say "up, but these topics are missing:$missing (run '$0 start')"; return 1; }
  say "up: namesrv $HOST:$ns (pid $ns_pid), proxy gRPC $HOST:$grpc remoting $HOST:$(running_port remoting)" \
    "broker $HOST:$broker (pid $px_pid); topics: ${topics:-none}"
}

# Stops the proxy (TERM, or KILL at once with --kill) and starts it again on the same store and ports.
cmd_restart_proxy() {
  local mode=${1:-} ns_pid px_pid p rc deadline t
  [[ -z $mode || $mode == --kill ]] || die "usage: $0 restart-proxy [--kill]"
  take_lock
  ns_pid=$(namesrv_pid) || die "the name server is not running; use '$0 start'"
  px_pid=$(proxy_pid) || die "the proxy is not running; use '$0 start'"
  t=$(now_ms)
  if [[ $mode == --kill ]]; then
    say "killing proxy pid $px_pid"
    kill -KILL "$px_pid" 2>/dev/null || true
    while kill -0 "$px_pid" 2>/dev/null; do sleep 0.1; done
  else
    say "stopping proxy pid $px_pid"
    stop_pids "$px_pid"
  fi
  # the old listeners may linger for a moment after the process is gone
  deadline=$((SECONDS + 30))
  for p in "$GRPC_PORT" "$REMOTING_PORT" "$BROKER_PORT" "$(ha_port "$BROKER_PORT")" "$(fast_port "$BROKER_PORT")"; do
    while port_open "$p"; do
      ((SECONDS < deadline)) || die "$HOST:$p is still taken after the proxy stopped"
      sleep 0.1
    done
  done
  say "proxy down after $(( ($(now_ms) - t) / 1000 )) s; starting it again on the same store"
  rm -f "$PROXY_PID_FILE"
  px_pid=$(spawn_proxy) || { show_proxy_log; die "the proxy process did not start"; }
  rc=0
  wait_proxy "$px_pid" $((SECONDS + WAIT_SECONDS)) || rc=$?
  ((rc == 0)) || { show_proxy_log; die "the restarted proxy (pid $px_pid) is not ready"; }
  check_loopback "$px_pid" || { stop_pids "$px_pid"; die "a listener of the restarted proxy is not on loopback"; }
  echo "rocketmq proxy restarted: pid $px_pid, $(( ($(now_ms) - t) / 1000 )) s after the stop began"
}

# Creates the topics NAME:TYPE... on the running broker and waits until they are routed.
cmd_topics() {
  local p deadline=$((SECONDS + WAIT_SECONDS))
  (($#)) || die "usage: $0 topics NAME:TYPE..."
  for p in "$@"; do
    [[ $p =~ ^[%|a-zA-Z0-9_-]{1,127}:(NORMAL|FIFO|DELAY|TRANSACTION)$ ]] \
      || die "'$p' is not NAME:TYPE with TYPE one of NORMAL FIFO DELAY TRANSACTION"
  done
  take_lock
  namesrv_pid >/dev/null && proxy_pid >/dev/null || die "not running; use '$0 start'"
  for p in "$@"; do
    until create_topic "$(running_port broker)" "${p%%:*}" "${p#*:}"; do
      ((SECONDS < deadline)) || die "creating topic ${p%%:*} failed (log: $TOPICS_LOG)"
      sleep 0.5
    done
  done
  for p in "$@"; do
    until topic_routed "$(running_port namesrv)" "${p%%:*}"; do
      ((SECONDS < deadline)) || die "the name server has no route for ${p%%:*}"
      sleep 0.2
    done
  done
  say "topics created: $*"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  restart-proxy) shift; cmd_restart_proxy "$@" ;;
  topics) shift; cmd_topics "$@" ;;
  *)
    echo "usage: $0 start|stop|status|restart-proxy [--kill]|topics NAME:TYPE..." >&2
    exit 2
    ;;
esac

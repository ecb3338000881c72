# shellcheck shell=bash
# Shared by the scripts in scripts/infra that run one server JVM each (kafka.sh, opensearch.sh); sourced,
# not run. Before sourcing, a script sets:
#   INFRA_NAME    its name: the prefix of its messages and the name of its lock file
#   HOST          the address it listens on (127.0.0.1)
#   POM           the pom Maven fetches the server's jars with (ensure_maven_cache)
#   CACHE_DIR     where the jars (lib/) and a compiled launcher (build/classes/) are cached
#   RUN_BASE      the run root; RUN_DIR its own run dir below it
#   PID_FILE      the server's PID file; LOG_FILE its stdout/stderr
#   PORT          the port that shows whether it is ready
#   WAIT_SECONDS  how long a start waits; STOP_SECONDS how long a stop waits after TERM before KILL
#   PROCESS_MATCH text in the server's command line that tells it from any other process
# and defines, before it calls the functions that use them (`main "$@"` last):
#   cmd_start     its start
#   running_port  prints the port the running server was started with
#   ready PORT    true when the server on PORT is usable

say() { printf '%s: %s\n' "$INFRA_NAME" "$*"; }
die() { printf '%s: %s\n' "$INFRA_NAME" "$*" >&2; exit 1; }

now_ms() { date +%s%3N; }
T0=$(now_ms)
elapsed() { # seconds since the script started, one decimal
  local ms=$(( $(now_ms) - T0 ))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# True if something accepts TCP connections on HOST:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# Prints the PID of the server this script started, if it is still alive; false otherwise.
# The command line must match too, so a recycled PID is never taken for the server.
running_pid() {
  local pid
  [[ -f $PID_FILE ]] || return 1
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$PROCESS_MATCH" || return 1
  printf '%s\n' "$pid"
}

# Dies naming the process if one of the ports $@ on HOST is taken.
require_free_ports() {
  local port
  for port in "$@"; do
    if port_open "$port"; then
      die "$HOST:$port is taken by another process: $(ss -ltnpH "sport = :$port" 2>/dev/null | head -n 1)"
    fi
  done
}

# One lock for start and stop, so that two of them never run at once.
take_lock() {
  mkdir -p "$RUN_BASE"
  exec 9>"$RUN_BASE/$INFRA_NAME.lock"
  flock -w 120 9 || die "another $INFRA_NAME.sh start/stop holds $RUN_BASE/$INFRA_NAME.lock"
}

# Makes sure CACHE_DIR holds what Maven makes of POM: the runtime jars in lib/ and, when the pom compiles
# a launcher, its classes in build/classes. $1 is a hash of everything the build reads, kept in
# .build.sha256 (a change builds again); $2 a glob that must match in lib/ afterwards; $3... Maven goals to
# run before dependency:copy-dependencies (e.g. compile). Builds in a temp dir first, so an interrupted
# build leaves no half cache.
ensure_maven_cache() {
  local want=$1 glob=$2 tmp n t
  shift 2
  if [[ -f $CACHE_DIR/.build.sha256 && $(<"$CACHE_DIR/.build.sha256") == "$want" ]] \
      && compgen -G "$CACHE_DIR/lib/$glob" >/dev/null; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found; it is needed once to fetch the $INFRA_NAME jars"
  mkdir -p "$CACHE_DIR"
  tmp=$(mktemp -d "$CACHE_DIR/build.tmp.XXXXXX")
  chmod 755 "$tmp"
  say "fetching the $INFRA_NAME jars from Maven Central into $CACHE_DIR"
  t=$(now_ms)
  if ! mvn -q -B -f "$POM" -Dtally.infra.build="$tmp/build" "$@" dependency:copy-dependencies \
        -DoutputDirectory="$tmp/lib" -DincludeScope=runtime >"$CACHE_DIR/mvn.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/mvn.log" >&2
    rm -rf "$tmp"
    die "Maven failed (whole output: $CACHE_DIR/mvn.log)"
  fi
  compgen -G "$tmp/lib/$glob" >/dev/null || { rm -rf "$tmp"; die "Maven ran but lib/$glob is missing"; }
  rm -rf "$CACHE_DIR/lib" "$CACHE_DIR/build" "$CACHE_DIR/.build.sha256"
  mv "$tmp/lib" "$CACHE_DIR/lib"
  if [[ -d $tmp/build ]]; then mv "$tmp/build" "$CACHE_DIR/build"; fi
  rm -rf "$tmp"
  printf '%s\n' "$want" >"$CACHE_DIR/.build.sha256"
  n=$(find "$CACHE_DIR/lib" -name '*.jar' | wc -l)
  say "$n jars ($(du -sh "$CACHE_DIR/lib" | cut -f1)) ready in $(( ($(now_ms) - t) / 1000 )) s"
}

# Starts "$@" detached (own session, so it outlives this script and its process group), output to
# LOG_FILE, PID to PID_FILE. The child writes its own PID and then execs, so the PID file holds the
# server's PID (`nohup java ... &` would give a subshell's). Dies if no PID appears.
spawn_detached() {
  local detach=()
  command -v setsid >/dev/null && detach=(setsid)
  # shellcheck disable=SC2016  # $$, $0 and $@ are the child's own
  "${detach[@]}" bash -c 'echo $$ >"$0"; exec nohup "$@"' "$PID_FILE" "$@" </dev/null >"$LOG_FILE" 2>&1 9>&- &
  for _ in {1..50}; do
    [[ -s $PID_FILE ]] && return 0
    sleep 0.1
  done
  show_log
  die "the $INFRA_NAME process did not start"
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
    printf '%s: no output yet in %s\n' "$INFRA_NAME" "$LOG_FILE" >&2
  fi
}

# Waits until the server (PID $1) is `ready` on port $2. Returns 1 if it died, 2 on timeout.
wait_ready() {
  local pid=$1 port=$2 deadline=$((SECONDS + WAIT_SECONDS))
  say "waiting for $HOST:$port (up to $WAIT_SECONDS s)"
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log
      return 1
    fi
    ready "$port" && return 0
    if ((SECONDS >= deadline)); then
      show_log
      return 2
    fi
    sleep 0.2
  done
}

# The start of `start` when the server this script started still runs: exit 0 once it is ready on PORT.
# Returns (false) if it does not run, for the caller to start a fresh one.
start_if_running() {
  local pid port
  pid=$(running_pid) || return 1
  port=$(running_port)
  [[ $port == "$PORT" ]] \
    || die "the $INFRA_NAME this script started (pid $pid) is on $HOST:$port, not $PORT; run '$0 stop' first"
  if ready "$port"; then
    say "already up on $HOST:$port (pid $pid), nothing to do"
    exit 0
  fi
  say "pid $pid is running but not ready yet"
  wait_ready "$pid" "$port" || die "pid $pid did not become ready; see $LOG_FILE or run '$0 stop'"
  echo "$INFRA_NAME up on $HOST:$port after $(elapsed) s"
  exit 0
}

# Waits for the freshly started server (PID $1) on PORT; on failure stops it and dies.
await_fresh_start() {
  local pid=$1 rc=0
  wait_ready "$pid" "$PORT" || rc=$?
  ((rc == 0)) && return 0
  if ((rc == 1)); then
    say "the $INFRA_NAME process exited during start-up" >&2
  else
    say "not ready on $HOST:$PORT after $WAIT_SECONDS s; stopping pid $pid" >&2
    stop_pid "$pid"
  fi
  die "start failed (run dir kept for a look: $RUN_DIR)"
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
    if ready "$port"; then
      say "up on $HOST:$port (pid $pid)"
      return 0
    fi
    say "pid $pid is running but $HOST:$port is not ready"
    return 1
  fi
  say "not running"
  return 1
}

# Runs the command $1 (start, stop or status; the script defines cmd_start).
main() {
  case ${1:-} in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *)
      echo "usage: $0 start|stop|status" >&2
      exit 2
      ;;
  esac
}

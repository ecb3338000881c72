#!/usr/bin/env bash
# Runs Tally with embedded defaults (H2 store in ./data, local job queue, HTTP on 8080), building the JAR
# first when it is missing or older than the sources. Extra arguments go to Tally: scripts/run.sh --http.port=9090
# JVM options: TALLY_JAVA_OPTS, default "-Xmx256m -XX:+UseParallelGC" (a 256 MB heap holds the default backlog,
# queue.maxWaiting=100000 small events; the parallel collector does more per CPU second than G1 on two cores).
# Give more heap for larger events or a larger queue.maxWaiting.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/tally.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src webroot -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
  echo "building $jar ..."
  mvn -B -q -DskipTests package
fi
# shellcheck disable=SC2086  # the options are split on purpose
exec java ${TALLY_JAVA_OPTS:--Xmx256m -XX:+UseParallelGC} -jar "$jar" "$@"

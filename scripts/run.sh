#!/usr/bin/env bash
# Runs Tally with embedded defaults (H2 store in ./data, local job queue, HTTP on 8080), building the JAR
# first when it is missing or older than the sources. Extra arguments go to Tally: scripts/run.sh --http.port=9090
set -euo pipefail
cd "$(dirname "$0")/.."
jar=target/tally.jar
if [ ! -f "$jar" ] || [ -n "$(find pom.xml src webroot -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
  echo "building $jar ..."
  mvn -B -q -DskipTests package
fi
exec java ${TALLY_JAVA_OPTS:-} -jar "$jar" "$@"

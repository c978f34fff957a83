#!/usr/bin/env bash
# Fetches Apache Kafka's jars (broker, tools, Java client, Streams) at the version pinned in
# test/clients/java/kafka-jars.pom.xml, with Maven, into a cache outside git:
#   ${KILGORE_CACHE:-~/.cache/kilgore}/kafka-<version>/lib/*.jar
# Prints that kafka-<version> directory. A second run with the cache in place does nothing.
# Needs Java 17+ and Maven (mvn) on PATH; the jars come from Maven Central.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pom="$root/test/clients/java/kafka-jars.pom.xml"
version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")"
home="${KILGORE_CACHE:-$HOME/.cache/kilgore}/kafka-$version"

if [ ! -f "$home/.complete" ] || [ "$pom" -nt "$home/.complete" ]; then
  for tool in java mvn; do
    command -v "$tool" >/dev/null 2>&1 || {
      echo "fetch-kafka: $tool not found: install a JDK 17+ and Maven (Debian: openjdk-17-jdk-headless maven)" >&2
      exit 1
    }
  done
  rm -rf "$home.partial"
  mkdir -p "$home.partial"
  mvn -q -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$home.partial/lib" >&2
  rm -rf "$home"
  mv "$home.partial" "$home"
  touch "$home/.complete"
fi
echo "$home"

#!/usr/bin/env bash
# Installs the system tools that the real-client tests drive: kcat and the Debian Python clients
# (librdkafka-based confluent-kafka, kafka-python, with the codecs kafka-python needs), dnsmasq
# for the DNS SRV tests, curl for the HTTP interface tests, a JDK and Maven for the Java client
# and Apache Kafka's own broker and tools;
# then fetches Apache Kafka's jars (scripts/fetch-kafka.sh) and the current PyPI clients
# (scripts/fetch-clients.sh) into ~/.cache/kilgore. Tests never skip when one is missing: they fail
# and name what to install, so run this first (as root or with sudo) on a new machine.
set -euo pipefail

packages=(kcat python3-confluent-kafka python3-kafka python3-zstandard python3-lz4 python3-snappy dnsmasq-base openssl
  python3-venv php-cli curl)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
# A JDK and Maven may come from elsewhere than Debian (e.g. SDKMAN): only ask apt when absent.
command -v javac >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)

install_packages() {
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-tools: apt-get not found; install these yourself: ${missing[*]}" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# Try without refreshing the package lists first (fast, and works offline from a warm cache).
$sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 || {
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}"
}
}
[ ${#missing[@]} -eq 0 ] || install_packages

root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/fetch-kafka.sh" >/dev/null
bash "$root/scripts/fetch-clients.sh" >/dev/null
bash "$root/scripts/fetch-go-clients.sh" >/dev/null

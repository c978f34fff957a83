#!/usr/bin/env bash
# Installs the system tools that the real-client tests drive: kcat and the Debian Python clients
# (librdkafka-based confluent-kafka, kafka-python, with the codecs kafka-python needs) and dnsmasq
# for the DNS SRV tests. Tests never skip when one is missing: they fail and name the package, so
# run this first (as root or with sudo) on a new machine.
set -euo pipefail

packages=(kcat python3-confluent-kafka python3-kafka python3-zstandard python3-lz4 python3-snappy dnsmasq-base openssl)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

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

#!/usr/bin/env bash
# Runs the docker/compose.yaml topology without containers: dnsmasq serving the SRV records of
# chain a on 127.0.0.1:$DNS_PORT, and three Kilgore nodes as local processes on 127.0.0.1, .2
# and .3 (port $KAFKA_PORT), each told only the SRV name. Ctrl-C (or SIGTERM) stops them all.
#
#   bash scripts/local-chain.sh                 # data in ./local-chain, DNS on 127.0.0.1:5353
#   DATA_DIR=/tmp/lc DNS_PORT=15353 KAFKA_PORT=19092 bash scripts/local-chain.sh
#
# Then: npx -y pnpm@12.4.2 kilgore topics list --bootstrap-srv _kafka._tcp.chain-a.kilgore.local \
#         --dns-server 127.0.0.1:5353 --srv-hosts address
# dnsmasq reads its SRV records only at start: to change the membership by hand, run dnsmasq
# yourself from an edited copy of $DATA_DIR/dnsmasq.conf (test/discovery does this in code).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${DATA_DIR:-$PWD/local-chain}"
DNS_PORT="${DNS_PORT:-5353}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
NODES="${NODES:-3}"
TTL="${TTL:-2}"
LOG_LEVEL="${LOG_LEVEL:-info}"
SRV_NAME="_kafka._tcp.chain-a.kilgore.local"
main="$here/apps/kilgore/dist/main.js"
dnsmasq="$(command -v dnsmasq || echo /usr/sbin/dnsmasq)"

if [ ! -x "$dnsmasq" ]; then
  echo "local-chain: dnsmasq is missing: install the Debian package dnsmasq-base (bash scripts/install-test-tools.sh)" >&2
  exit 1
fi
if [ ! -f "$main" ]; then
  echo "local-chain: $main is missing: build first (npx -y pnpm@12.4.2 build)" >&2
  exit 1
fi
mkdir -p "$DATA_DIR"

# The same records as docker/coredns/kilgore.local.zone, with loopback addresses.
write_dns_conf() {
  {
    echo "port=$DNS_PORT"
    echo "listen-address=127.0.0.1"
    echo "bind-interfaces"
    echo "no-resolv"
    echo "no-hosts"
    echo "local=/kilgore.local/"
    echo "local-ttl=$TTL"
    for n in $(seq 1 "$NODES"); do
      echo "srv-host=$SRV_NAME,kilgore-$n.chain-a.kilgore.local,$KAFKA_PORT,0,0"
      echo "host-record=kilgore-$n.chain-a.kilgore.local,127.0.0.$n"
    done
  } >"$DATA_DIR/dnsmasq.conf"
}

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "local-chain: stopped" >&2
}
trap stop_all INT TERM EXIT

write_dns_conf
"$dnsmasq" --keep-in-foreground --conf-file="$DATA_DIR/dnsmasq.conf" --pid-file= --log-facility=- \
  2>"$DATA_DIR/dnsmasq.log" &
pids+=($!)

for n in $(seq 1 "$NODES"); do
  mkdir -p "$DATA_DIR/node-$n"
  node "$main" serve \
    --node-id "$n" \
    --listeners "PLAINTEXT://127.0.0.$n:$KAFKA_PORT" \
    --log-dir "$DATA_DIR/node-$n" \
    --chain-srv "a=$SRV_NAME" \
    --dns-server "127.0.0.1:$DNS_PORT" \
    --srv-hosts address \
    --logger-level "$LOG_LEVEL" \
    >"$DATA_DIR/node-$n.log" 2>&1 &
  pids+=($!)
  echo "local-chain: node $n on 127.0.0.$n:$KAFKA_PORT (log: $DATA_DIR/node-$n.log)" >&2
done
echo "local-chain: DNS on 127.0.0.1:$DNS_PORT serving $SRV_NAME; Ctrl-C stops everything" >&2

# Exit (and stop the rest) as soon as any process dies, so a broken node is not left unnoticed.
set +e
wait -n "${pids[@]}"
status=$?
echo "local-chain: a process exited (status $status); stopping the others" >&2
exit "$status"

#!/usr/bin/env bash
# Downloads the Go clients' modules (test/clients/go: franz-go with kadm, IBM/sarama,
# segmentio/kafka-go, pinned by go.mod and go.sum) from the Go module proxy into the module cache
# (~/go/pkg/mod) and builds the test program into a directory outside git, named by the hash of
# go.mod and go.sum (test/clients-go.test.ts computes the same name and rebuilds there):
#   ${KILGORE_CACHE:-~/.cache/kilgore}/go-clients-<hash>/kilgore-go-clients
# Prints the binary's path. Needs Go 1.26 (go on PATH or /usr/local/go/bin/go).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mod="$root/test/clients/go"
cache="${KILGORE_CACHE:-$HOME/.cache/kilgore}"
go="$(command -v go || echo /usr/local/go/bin/go)"
if [ ! -x "$go" ]; then
  echo "fetch-go-clients: Go not found; install Go 1.26 (e.g. to /usr/local/go)" >&2
  exit 1
fi
hash="$(cat "$mod/go.mod" "$mod/go.sum" | sha256sum | cut -c1-12)"
out="$cache/go-clients-$hash"
mkdir -p "$out"
cd "$mod"
export GOFLAGS="-mod=readonly -buildvcs=false" GOTOOLCHAIN=local
"$go" mod download >&2
"$go" build -o "$out/kilgore-go-clients" . >&2
echo "$out/kilgore-go-clients"

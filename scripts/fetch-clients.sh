#!/usr/bin/env bash
# Installs the current Python clients from PyPI (test/clients/python/requirements.txt) into a
# virtualenv outside git, named by the hash of the requirements file:
#   ${KILGORE_CACHE:-~/.cache/kilgore}/venv-<hash>
# Prints the venv path. Nothing here is committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${KILGORE_CACHE:-$HOME/.cache/kilgore}"
req="$root/test/clients/python/requirements.txt"
hash="$(sha256sum "$req" | cut -c1-12)"
venv="$cache/venv-$hash"
if [ ! -f "$venv/.complete" ]; then
  mkdir -p "$cache"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$req" >&2
  touch "$venv/.complete"
fi
echo "$venv"

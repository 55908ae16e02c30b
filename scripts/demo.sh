#!/usr/bin/env bash
# make demo: build the emulated site, scan it from inside the lab's scanner namespace,
# print the table and write the JSON, CSV and HTML reports. The lab is always torn down.
set -euo pipefail
cd "$(dirname "$0")/.."
NF=.venv/bin/netfinger
NAME=demo
OUT=reports
if [ "$(id -u)" != 0 ]; then
  echo "make demo needs root: the lab is built from Linux network namespaces" >&2
  exit 3
fi
"$NF" lab down --name "$NAME" >/dev/null 2>&1 || true
trap '"$NF" lab down --name "$NAME" >/dev/null 2>&1 || true' EXIT
"$NF" lab up --name "$NAME"
mkdir -p "$OUT"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
"$NF" lab run --name "$NAME" -- "$PWD/$NF" scan \
  --json "$OUT/demo-$stamp.json" --csv "$OUT/demo-$stamp.csv" --html "$OUT/demo-$stamp.html" \
  --history "$OUT/history.sqlite"
echo
echo "Reports written:"
for ext in json csv html; do echo "  $PWD/$OUT/demo-$stamp.$ext"; done

#!/usr/bin/env bash
# make demo-fleet: a fleet of 3 sites end to end. HQ runs redis-server, PostgreSQL and the ingest
# worker; each site runs a sensor. One sweep of every site, the status, and the dashboard written
# to reports/fleet-dashboard.html. The fleet lab (servers included) is always torn down.
set -euo pipefail
cd "$(dirname "$0")/.."
NF="$PWD/.venv/bin/netfinger"
NAME=${NAME:-fleetdm}
SITES=${SITES:-3}
OUT=reports
if [ "$(id -u)" != 0 ]; then
  echo "make demo-fleet needs root: the lab is built from Linux network namespaces" >&2
  exit 3
fi
LOGS=$(mktemp -d)
"$NF" lab down --name "$NAME" >/dev/null 2>&1 || true
trap '"$NF" lab down --name "$NAME" >/dev/null 2>&1 || true; echo "worker logs: $LOGS" >&2' EXIT
"$NF" lab up --fleet "$SITES" --name "$NAME"
"$NF" lab run --name "$NAME" --hq -- "$NF" fleet ingest >"$LOGS/ingest.log" 2>&1 &
for k in $(seq 1 "$SITES"); do
  "$NF" lab run --name "$NAME" --site "$k" -- "$NF" sensor --site "site$k" >"$LOGS/site$k.log" 2>&1 &
done
"$NF" lab run --name "$NAME" --hq -- "$NF" fleet sweep --wait --timeout 300
echo "An order that cannot be carried out comes back as failed (a listen on a missing interface):"
"$NF" lab run --name "$NAME" --hq -- "$NF" fleet sweep --site site1 --listen 2 --iface nosuch0 --wait \
  --timeout 120 || echo "(exit $?: site1 failed, as ordered)"
"$NF" lab run --name "$NAME" --hq -- "$NF" fleet status
mkdir -p "$OUT"
"$NF" lab run --name "$NAME" --hq -- "$NF" fleet report --format html -o "$PWD/$OUT/fleet-dashboard.html"
echo
echo "Dashboard written: $PWD/$OUT/fleet-dashboard.html"

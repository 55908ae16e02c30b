#!/usr/bin/env bash
# make bench: netfinger vs nmap on the emulated site (root). Installs nmap if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nmap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nmap >/dev/null; }
exec .venv/bin/python bench/bench.py "$@"

#!/usr/bin/env bash
# make bench: netfinger listen on a 1 GiB capture, then netfinger vs nmap on the emulated site (root).
# Installs nmap if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nmap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nmap >/dev/null; }
.venv/bin/python bench/passive_bench.py   # netfinger listen on 1 GiB of video vs tcpdump (docs/passive.md)
exec .venv/bin/python bench/bench.py "$@"

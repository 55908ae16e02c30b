#!/usr/bin/env bash
# Installs what netfinger's tests and demo need: Debian packages (when root and missing),
# a virtualenv in .venv and the project with its dev extras.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for pkg in libpcap0.8 iproute2 tcpdump nftables chromium nmap postgresql redis-server; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: not root, cannot install ${need[*]}; lab and browser tests will be skipped" >&2
  fi
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[dev]'

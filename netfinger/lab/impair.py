"""Loss on the lab's wire: a share of the frames the bridge forwards to the scanner is dropped.

The kernels these labs run on may be built without netem (``sch_netem``) or tc's drop action, so the
loss is an nftables rule in the lab's bridge namespace (bridge family, forward hook): frames leaving
the bridge towards the scanner's port — every device reply, unicast, multicast and broadcast alike —
are dropped at random with the given probability (``numgen random``). TCP sees real loss and
retransmits; UDP answers are simply gone. Nothing outside the lab's bridge namespace is touched.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from netfinger.errors import NetfingerError
from netfinger.lab.netns import SCANNER_PORT, require_root
from netfinger.lab.state import LabState

TABLE = "nflabloss"


def ruleset(percent: int) -> str:
    """The nftables script that drops ``percent`` % of the frames forwarded to the scanner."""
    if not 0 < percent < 100:
        raise NetfingerError(f"loss must be between 1 and 99 %, not {percent}")
    return (
        f"table bridge {TABLE} {{\n"
        "  chain forward {\n"
        "    type filter hook forward priority 0; policy accept;\n"
        f'    oifname "{SCANNER_PORT}" numgen random mod 100 < {percent} counter drop\n'
        "  }\n"
        "}\n"
    )


def _nft(state: LabState, args: list[str], script: str | None = None) -> subprocess.CompletedProcess[str]:
    if shutil.which("nft") is None:
        raise NetfingerError("lab loss needs nftables (apt-get install nftables; scripts/setup.sh does)")
    return subprocess.run(["ip", "netns", "exec", state.bridge_ns, "nft", *args], input=script,
                          capture_output=True, text=True, check=False, timeout=30)


def clear(state: LabState) -> None:
    """Remove the loss rule (no error when there is none)."""
    require_root()
    _nft(state, ["delete", "table", "bridge", TABLE])


def set_loss(state: LabState, percent: int) -> None:
    """Drop ``percent`` % of the frames forwarded to the scanner from now on (replaces any earlier rate)."""
    require_root()
    script = ruleset(percent)
    clear(state)
    done = _nft(state, ["-f", "-"], script)
    if done.returncode != 0:
        raise NetfingerError(f"lab {state.name}: cannot set loss: {done.stderr.strip()[:300]}")


def dropped(state: LabState) -> int | None:
    """Frames the loss rule has dropped so far, or None when no rule is set."""
    done = _nft(state, ["list", "table", "bridge", TABLE])
    found = re.search(r"counter packets (\d+)", done.stdout) if done.returncode == 0 else None
    return int(found.group(1)) if found else None

"""Room in the kernel's neighbour (ARP/NDP) tables for a lab's devices.

Every network namespace shares one neighbour table per address family, capped by the initial
namespace's ``net.ipv4.neigh.default.gc_thresh3`` (1024 by default): a lab needs about two entries
per device (the scanner's entry for the device, the device's entry for the scanner), so a
1,000-device lab, or a few 250-device labs at once, fill it and the kernel drops packets with
"neighbour table overflow" (counted as ``table_fulls`` in /proc/net/stat/arp_cache): hosts go missing
from scans for no fault of the scanner. ``lab up`` therefore raises the caps, never lowers them, and
says so once on stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path

PROC = Path("/proc/sys/net")
ENTRIES_PER_DEVICE = 8  # two per device and family, with room for other labs and stale entries
FLOOR = 8192


def wanted_limits(devices: int) -> dict[str, int]:
    """``gc_thresh2``/``gc_thresh3`` values that leave room for ``devices`` (and more) in the table."""
    hard = max(FLOOR, ENTRIES_PER_DEVICE * devices)
    return {"gc_thresh2": hard // 2, "gc_thresh3": hard}


def raise_neighbour_limits(devices: int, proc: Path = PROC) -> list[str]:
    """Raise the IPv4 and IPv6 caps below what ``devices`` need; returns what was changed."""
    changed: list[str] = []
    for family in ("ipv4", "ipv6"):
        for key, want in wanted_limits(devices).items():
            path = proc / family / "neigh" / "default" / key
            try:
                current = int(path.read_text().strip())
                if current < want:
                    path.write_text(f"{want}\n")
                    changed.append(f"net.{family}.neigh.default.{key} {current} -> {want}")
            except (OSError, ValueError):
                continue
    if changed:
        print(f"lab: raised the kernel neighbour-table limits for the lab: {', '.join(changed)}",
              file=sys.stderr)
    return changed

"""Signs, seen during one scan, that answers get lost: on the wire, or in a machine too busy to read them.

The discovery probes ask every silent live host a fixed number of times. Without any sign of loss,
four asks (two to the group, two unicast) are plenty: an answer lost one time in five would still be
missed only one time in 625, and a wire that lossy shows itself long before the third ask. Once a sign
is seen, the in-window rounds ask such hosts six times (one in 15,625). The signs:

* ARP: a target answered only a repeated who-has (its answer to the first was lost);
* a discovery exchange: an on-link host that heard both group questions answered only a unicast
  follow-up, or the kernel dropped datagrams on one of the exchange's sockets.
"""

from __future__ import annotations

from dataclasses import dataclass, field

QUIET_ASKS = 4  # asks per silent live host while no loss is seen
LOSSY_ASKS = 6  # once it is


@dataclass
class LossSigns:
    """The first sign of loss each probe saw (probe name -> what it saw)."""

    signs: dict[str, str] = field(default_factory=dict)

    def note(self, probe: str, sign: str) -> None:
        self.signs.setdefault(probe, sign)

    @property
    def seen(self) -> bool:
        return bool(self.signs)

    def asks_wanted(self) -> int:
        """How many times the in-window rounds ask each silent live host, now."""
        return LOSSY_ASKS if self.signs else QUIET_ASKS

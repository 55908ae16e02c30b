"""Signs, seen during one scan, that answers get lost: on the wire, or in a machine too busy to read them.

The discovery probes ask every silent live host a fixed number of times. With little loss, four asks
(two to the group, two unicast) are plenty: an answer lost one time in twenty would be missed once in
160,000 hosts, and one lost one time in ten once in 10,000. Once a probe sees a loss share of at least
``LOSSY_SHARE`` on its own exchange, or ARP sees it on the wire, that probe's in-window rounds ask such
hosts six times (at one in five: once in 15,625). ARP's share speaks for every probe (a lossy wire loses
everyone's answers); another probe's speaks only for itself (a burst of 3 KB WS-Discovery answers that
overflowed a queue says nothing of the 300-byte SADP ones). The signs, each with its share:

* ARP: targets that answered only a repeated who-has (their answer to the first was lost), out of
  the targets that answered;
* a discovery exchange: on-link hosts that heard both group questions and answered only a unicast
  follow-up, out of its answering hosts; or datagrams the kernel dropped on one of its sockets, out of
  those dropped and those read.

A share below the threshold is still recorded (a single lost frame on a quiet /24 is not a lossy wire).
"""

from __future__ import annotations

from dataclasses import dataclass, field

QUIET_ASKS = 4  # asks per silent live host while no probe has seen much loss
LOSSY_ASKS = 6  # once one has
LOSSY_SHARE = 0.05  # the loss share (lost answers / answers) from which a probe counts as lossy
WIRE = "arp"  # the probe whose share is the wire's: it asks every host, one frame each way


@dataclass
class Sign:
    """What one probe saw first, and the largest share of lost answers it has measured so far."""

    first: str
    share: float


@dataclass
class LossSigns:
    """Each probe's sign of loss (probe name -> sign)."""

    signs: dict[str, Sign] = field(default_factory=dict)

    def note(self, probe: str, sign: str, share: float) -> None:
        held = self.signs.get(probe)
        if held is None:
            self.signs[probe] = Sign(sign, share)
        else:
            held.share = max(held.share, share)

    def lossy(self, probe: str) -> bool:
        """``probe`` (or ARP, for everyone) has seen a loss share of at least ``LOSSY_SHARE``."""
        return any(self.signs[p].share >= LOSSY_SHARE for p in {probe, WIRE} if p in self.signs)

    def asks_wanted(self, probe: str) -> int:
        """How many times ``probe``'s in-window rounds ask each silent live host, now."""
        return LOSSY_ASKS if self.lossy(probe) else QUIET_ASKS

"""The emulator's responder seam: one module per protocol, each answering as real devices do.

The emulator core (``netfinger/lab/emulator.py``) owns sockets and network namespaces; a responder
only turns a request into reply bytes, from the device's profile section for its protocol. The
section key in a profile is the responder's ``name`` (``wsd``, ``sadp``, ``http`` ...).
"""

from __future__ import annotations

import abc
import asyncio
import ssl
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar


class ProfileError(ValueError):
    """A profile is invalid. The message names the file and the key, e.g. ``hik.yaml: sadp.fields: ...``."""


@dataclass(frozen=True)
class Device:
    """The runtime view of one emulated device."""

    name: str
    mac: str  # aa:bb:cc:dd:ee:ff
    ip: str
    prefixlen: int
    sections: dict[str, Any]  # protocol name -> that protocol's profile section (already validated)
    vars: dict[str, str] = field(default_factory=dict)  # template variables, see ``substitute``

    def template_vars(self) -> dict[str, str]:
        """Variables available as ``{name}`` in reply templates."""
        hexmac = self.mac.replace(":", "")
        out = {
            "ip": self.ip,
            "mac": self.mac,
            "mac_dash": self.mac.replace(":", "-"),
            "mac_hex": hexmac,
            "MAC_HEX": hexmac.upper(),
            "MAC": self.mac.upper(),
            "name": self.name,
        }
        out.update(self.vars)
        return out

    def substitute(self, text: str, extra: dict[str, str] | None = None) -> str:
        """Replace ``{var}`` placeholders; unknown placeholders and other braces stay as they are."""
        values = self.template_vars()
        if extra:
            values.update(extra)
        out = text
        for key, val in values.items():
            out = out.replace("{" + key + "}", val)
        return out


@dataclass(frozen=True)
class Datagram:
    data: bytes
    dest: tuple[str, int]


@dataclass(frozen=True)
class UdpEndpoint:
    port: int
    groups: tuple[str, ...] = ()  # multicast groups to join on the device's interface


@dataclass(frozen=True)
class TcpEndpoint:
    port: int
    tls: ssl.SSLContext | None = None


@dataclass(frozen=True)
class Outbound:
    """What a device acting as a client (an NVR polling, a PC searching) may do from its own namespace:
    ``send(port, datagrams)`` from its UDP ``port``; ``connect(ip, port)`` a TCP stream. Both refuse
    a destination outside the device's own subnet (multicast groups aside)."""

    send: Callable[[int, list[Datagram]], None]
    connect: Callable[[str, int], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]


class Responder(abc.ABC):
    name: ClassVar[str]

    @abc.abstractmethod
    def validate(self, section: Any, where: str) -> None:
        """Raise ProfileError naming ``where`` + the bad key if ``section`` is not a valid section."""

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        return []

    def tcp_endpoints(self, device: Device) -> list[TcpEndpoint]:
        return []

    def on_datagram(self, device: Device, data: bytes, peer: tuple[str, int],
                    port: int) -> Iterable[Datagram]:
        """Answer one datagram that arrived on ``port`` from ``peer``. Return what to send back
        (an iterable: a burst may be produced lazily, and is sent a slice at a time)."""
        return []

    async def on_connection(
        self, device: Device, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int
    ) -> None:
        """Serve one TCP connection on ``port``. The core closes the writer afterwards."""
        return

    def announcements(self, device: Device) -> list[Datagram]:
        """Datagrams sent once when the device comes up (WS-Discovery Hello, SSDP NOTIFY)."""
        return []

    def period(self, device: Device) -> float | None:
        """Seconds between the rounds of :meth:`act` (None: this section does nothing by itself)."""
        return None

    async def act(self, device: Device, out: Outbound) -> None:
        """One round of what the device does unasked as a client (poll its cameras, search the LAN).
        Rounds run while the lab is up, and once more at once when it is asked to re-announce."""
        return

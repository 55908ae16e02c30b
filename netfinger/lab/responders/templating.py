"""Reply-time template variables derived from the device (beyond ``Device.template_vars``)."""

from __future__ import annotations

import hashlib
import ipaddress
import re
import time
from email.utils import formatdate

from netfinger.lab.responders.base import Device


def ipv6_link_local(mac: str) -> str:
    """The EUI-64 link-local address a device derives from its MAC (``fe80::b6a3:82ff:fe0f:d92d``)."""
    octets = [int(x, 16) for x in mac.split(":")]
    octets[0] ^= 0x02
    eui = [*octets[:3], 0xFF, 0xFE, *octets[3:]]
    groups = [(eui[i] << 8) | eui[i + 1] for i in range(0, 8, 2)]
    return str(ipaddress.IPv6Address("fe80::" + ":".join(f"{g:x}" for g in groups)))


def hik_uuid(mac: str) -> str:
    """A Hikvision-style time-based UUID whose node field is the MAC (like ``...-11b5-83f6-b4a3820fd92d``).

    The time fields are derived from the MAC so the value is stable across lab runs.
    """
    seed = hashlib.sha256(mac.encode()).hexdigest()
    clock = 0x8000 | (int(seed[8:12], 16) & 0x3FFF)
    return f"{seed[:4]}{'0' * 4}-{seed[4:8]}-11b3-{clock:04x}-{mac.replace(':', '').lower()}"


def static_vars(device: Device) -> dict[str, str]:
    """Variables computed from the device's addressing: netmask, gateway, IPv6 link-local."""
    net = ipaddress.IPv4Network(f"{device.ip}/{device.prefixlen}", strict=False)
    gateway = str(net.network_address + 1) if net.num_addresses > 2 else device.ip
    return {
        "netmask": str(net.netmask),
        "gateway": gateway,
        "ipv6_ll": ipv6_link_local(device.mac),
        "mac_sha256": hashlib.sha256(device.mac.encode()).hexdigest(),
        "mac_tail6": device.mac.replace(":", "")[-6:].upper(),
        "hik_uuid": hik_uuid(device.mac),
        "serial_tail5": device.vars.get("serial", "")[-5:],
    }


def time_vars(now: float | None = None) -> dict[str, str]:
    """Date strings in the formats devices print: RFC 1123 and Hikvision RTSP's ``Thu, May 14 2020``."""
    stamp = time.time() if now is None else now
    tm = time.gmtime(stamp)
    return {
        "http_date": formatdate(stamp, usegmt=True),
        "hik_rtsp_date": time.strftime("%a, %b %d %Y %H:%M:%S GMT", tm),
        "boot_time": time.strftime("%Y-%m-%d %H:%M:%S", tm),
    }


_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# id(device) -> (device, its variables): computed once per device, not on every reply.
_VALUES: dict[int, tuple[Device, dict[str, str]]] = {}


def device_values(device: Device) -> dict[str, str]:
    """The addressing variables with the device's own on top (profile ``vars`` win), cached per device."""
    cached = _VALUES.get(id(device))
    if cached is not None and cached[0] is device:
        return cached[1]
    values = static_vars(device)
    values.update(device.template_vars())
    _VALUES[id(device)] = (device, values)
    return values


def render(device: Device, text: str, extra: dict[str, str] | None = None) -> str:
    """``Device.substitute`` with the addressing variables added (profile ``vars`` win over them).

    Two passes, so a profile variable may itself use variables (``udn: "...-{mac_hex}"``); unknown
    placeholders and other braces stay as they are.
    """
    if "{" not in text:
        return text
    values = device_values(device)
    if extra:
        values = {**values, **extra}

    def one(match: re.Match[str]) -> str:
        return values.get(match.group(1), match.group(0))

    out = text
    for _ in range(2):
        out = _PLACEHOLDER.sub(one, out)
        if "{" not in out:
            break
    return out

"""Reply-time template variables derived from the device (beyond ``Device.template_vars``)."""

from __future__ import annotations

import ipaddress
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


def static_vars(device: Device) -> dict[str, str]:
    """Variables computed from the device's addressing: netmask, gateway, IPv6 link-local."""
    net = ipaddress.IPv4Network(f"{device.ip}/{device.prefixlen}", strict=False)
    gateway = str(net.network_address + 1) if net.num_addresses > 2 else device.ip
    return {
        "netmask": str(net.netmask),
        "gateway": gateway,
        "ipv6_ll": ipv6_link_local(device.mac),
        "MAC_HEX_COLONLESS": device.mac.replace(":", "").upper(),
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


def render(device: Device, text: str, extra: dict[str, str] | None = None) -> str:
    """``Device.substitute`` with the addressing variables added (profile ``vars`` win over them)."""
    values = static_vars(device)
    values.update(device.template_vars())
    if extra:
        values.update(extra)
    out = text
    for key, val in values.items():
        out = out.replace("{" + key + "}", val)
    return out

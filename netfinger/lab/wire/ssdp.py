"""SSDP, device side: parse M-SEARCH, build search responses, NOTIFY and the description XML (§2)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

MAX_DATAGRAM = 4096
GROUP = "239.255.255.250"
PORT = 1900


@dataclass(frozen=True)
class MSearch:
    st: str
    mx: str


def parse_msearch(data: bytes) -> MSearch | None:
    """An ``M-SEARCH * HTTP/1.1`` with ``MAN: "ssdp:discover"`` and an ST, else None."""
    if not data or len(data) > MAX_DATAGRAM:
        return None
    lines = data.decode("latin-1").replace("\r\n", "\n").split("\n")
    if lines[0].strip().upper() != "M-SEARCH * HTTP/1.1":
        return None
    hdrs: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            hdrs.setdefault(name.strip().upper(), value.strip())
    if hdrs.get("MAN", "").strip('"') != "ssdp:discover" or not hdrs.get("ST"):
        return None
    return MSearch(st=hdrs["ST"], mx=hdrs.get("MX", ""))


def wanted(search_target: str, targets: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (ST, USN) pairs a device answers for one search target."""
    if search_target == "ssdp:all":
        return list(targets)
    return [(st, usn) for st, usn in targets if st == search_target]


def build_message(start_line: str, headers: list[tuple[str, str]]) -> bytes:
    return (start_line + "\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n").encode("utf-8")


def build_search_response(headers: list[tuple[str, str]]) -> bytes:
    return build_message("HTTP/1.1 200 OK", headers)


def build_notify(headers: list[tuple[str, str]]) -> bytes:
    return build_message("NOTIFY * HTTP/1.1", headers)


def build_description(device_fields: list[tuple[str, str]]) -> bytes:
    """A UPnP root description with one ``<device>`` whose children are ``device_fields`` in order."""
    inner = "".join(f"<{k}>{escape(v)}</{k}>\r\n" for k, v in device_fields)
    return (
        '<?xml version="1.0"?>\r\n<root xmlns="urn:schemas-upnp-org:device-1-0">\r\n'
        "<specVersion>\r\n<major>1</major>\r\n<minor>0</minor>\r\n</specVersion>\r\n"
        f"<device>\r\n{inner}</device>\r\n</root>\r\n"
    ).encode()

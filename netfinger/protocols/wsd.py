"""ONVIF WS-Discovery (UDP 3702), client side: build Probe messages, parse ProbeMatches / Hello / Bye."""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import unquote

from netfinger.evidence import Observation, bounded
from netfinger.protocols.xmlsafe import children, envelope_prefix, find_path, local, parse_xml, refusal, text

WSD_GROUP = "239.255.255.250"
WSD_PORT = 3702
NS_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
NS_ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
NS_DISCOVERY = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
NS_NETWORK = "http://www.onvif.org/ver10/network/wsdl"
NS_ONVIF_DEVICE = "http://www.onvif.org/ver10/device/wsdl"
MAX_SCOPES_KEPT = 64  # scopes turned into observations per message
MAX_WORDS_JOINED = 8  # raw-space words joined onto one scope URI ("location/Hong Kong")
MAX_MATCHES = 16  # ProbeMatch elements read from one ProbeMatches
TO_DISCOVERY = "urn:schemas-xmlsoap-org:ws:2005:04:discovery"
ACTION_PROBE = "http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe"
ANONYMOUS = "http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous"

# The two Types a Probe asks for; each Probe carries one (a device matches only if it has all listed types).
PROBE_TYPES: tuple[tuple[str, str, str], ...] = (
    ("dn", NS_NETWORK, "NetworkVideoTransmitter"),
    ("tds", NS_ONVIF_DEVICE, "Device"),
)

_SCOPE_PREFIX = "onvif://www.onvif.org/"
_SCOPE_CATEGORIES = {
    "name": "name",
    "hardware": "hardware",
    "mac": "mac",
    "location": "location",
    "profile": "profile",
    "type": "type",
    "extension": "extension",
}


def new_message_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def build_probe(message_id: str, prefix: str = "dn", type_ns: str = NS_NETWORK,
                type_name: str = "NetworkVideoTransmitter") -> bytes:
    """A SOAP 1.2 WS-Discovery 2005/04 Probe for one device type, with an empty Scopes element."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<e:Envelope xmlns:e="{NS_SOAP12}" xmlns:w="{NS_ADDRESSING}" xmlns:d="{NS_DISCOVERY}" '
        f'xmlns:{prefix}="{type_ns}">'
        "<e:Header>"
        f"<w:MessageID>{message_id}</w:MessageID>"
        f"<w:To>{TO_DISCOVERY}</w:To>"
        f"<w:Action>{ACTION_PROBE}</w:Action>"
        f"<w:ReplyTo><w:Address>{ANONYMOUS}</w:Address></w:ReplyTo>"
        "</e:Header>"
        f"<e:Body><d:Probe><d:Types>{prefix}:{type_name}</d:Types><d:Scopes /></d:Probe></e:Body>"
        "</e:Envelope>"
    ).encode()


def build_probes() -> list[tuple[str, bytes]]:
    """One Probe per device type, each with a fresh MessageID: ``[(message_id, datagram), ...]``."""
    out = []
    for prefix, ns, name in PROBE_TYPES:
        mid = new_message_id()
        out.append((mid, build_probe(mid, prefix, ns, name)))
    return out


@dataclass(frozen=True)
class Scope:
    uri: str
    category: str  # '' for scopes outside onvif://www.onvif.org/
    value: str  # percent-decoded


@dataclass
class WsdMessage:
    valid: bool
    action: str = ""  # ProbeMatches | Hello | Bye | Fault | other local name
    message_id: str = ""
    relates_to: str = ""
    endpoint: str = ""
    types: str = ""
    scopes: list[Scope] = field(default_factory=list)
    xaddrs: list[str] = field(default_factory=list)
    metadata_version: str = ""
    envelope: str = ""
    endpoints: list[str] = field(default_factory=list)  # every ProbeMatch's Address (several in one reply)
    fault_code: str = ""  # SOAP Fault: Subcode (or Code) value, as sent
    fault_reason: str = ""
    error: str = ""
    scopes_sent: int = 0  # scope URIs in the message before duplicates were dropped


def parse_scope(uri: str) -> Scope:
    if not uri.lower().startswith(_SCOPE_PREFIX):
        return Scope(uri, "", unquote(uri))
    rest = uri[len(_SCOPE_PREFIX):]
    head, _, tail = rest.partition("/")
    category = _SCOPE_CATEGORIES.get(head.lower(), "")
    if not category:
        return Scope(uri, "", unquote(rest))
    return Scope(uri, category, unquote(tail))


_URI_START = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]{0,31}:")


def split_scopes(raw: str) -> list[str]:
    """Scope URIs of a Scopes element. A word that does not start a URI belongs to the previous one:
    some devices put raw spaces in values (``onvif://www.onvif.org/location/Hong Kong``)."""
    out: list[str] = []
    joined = 0
    for word in raw.split():
        if out and joined < MAX_WORDS_JOINED and not _URI_START.match(word) and _URI_START.match(out[-1]):
            out[-1] = f"{out[-1]} {word}"
            joined += 1
        else:
            out.append(word)
            joined = 0
    return out


def split_xaddrs(raw: str) -> list[str]:
    return raw.split()


def _addressing_prefix(data: bytes) -> str:
    for element in ("MessageID", "Action", "RelatesTo"):
        prefix = envelope_prefix(data, element)
        if prefix:
            return prefix
    return ""


def _matches(first: ET.Element | None) -> list[ET.Element]:
    """The elements carrying endpoint data: every ProbeMatch of a ProbeMatches, else the Hello/Bye itself."""
    if first is None:
        return []
    if local(first.tag) == "ProbeMatches":
        return children(first, "ProbeMatch")[:MAX_MATCHES]
    return [first]


def _fault(msg: WsdMessage, fault: ET.Element) -> None:
    """Code and reason of a SOAP 1.2 (Subcode/Value, Reason/Text) or 1.1 (faultcode/faultstring) fault."""
    code = find_path(fault, "Code")
    values = [text(v) for v in code.iter() if local(v.tag) == "Value"] if code is not None else []
    msg.fault_code = next((v for v in reversed(values) if v), "") or text(find_path(fault, "faultcode"))
    msg.fault_reason = text(find_path(fault, "Reason", "Text")) or text(find_path(fault, "faultstring"))


def _add_unique(into: list[str], values: list[str]) -> None:
    seen = set(into)  # a set: a hostile reply can carry tens of thousands of values
    for value in values:
        if value not in seen:
            seen.add(value)
            into.append(value)


def _read_match(msg: WsdMessage, match: ET.Element) -> None:
    endpoint = text(find_path(match, "EndpointReference", "Address"))
    if endpoint and endpoint not in msg.endpoints:
        msg.endpoints.append(endpoint)
    msg.endpoint = msg.endpoint or endpoint
    msg.types = msg.types or " ".join(text(find_path(match, "Types")).split())
    seen = {s.uri for s in msg.scopes}
    uris = split_scopes(text(find_path(match, "Scopes")))
    msg.scopes_sent += len(uris)
    for uri in uris:
        if uri not in seen:
            seen.add(uri)
            msg.scopes.append(parse_scope(uri))
    _add_unique(msg.xaddrs, split_xaddrs(text(find_path(match, "XAddrs"))))
    msg.metadata_version = msg.metadata_version or text(find_path(match, "MetadataVersion"))


def parse_message(data: bytes) -> WsdMessage:
    """Parse a ProbeMatches, Hello, Bye or SOAP Fault. Never raises; ``valid`` is False for anything else.

    A ProbeMatches with several ProbeMatch elements gives the first one's endpoint, types and
    metadata version, and the union of every match's endpoints, scopes and XAddrs.
    """
    root = parse_xml(data)
    if root is None:
        return WsdMessage(False, error=refusal(data))
    if local(root.tag) != "Envelope":
        return WsdMessage(False, error="not a SOAP envelope")
    header = find_path(root, "Header")
    body = find_path(root, "Body")
    action_uri = text(find_path(header, "Action"))
    action = action_uri.rsplit("/", 1)[-1] if action_uri else ""
    first = next(iter(body), None) if body is not None else None
    if first is not None and (not action or local(first.tag) == "Fault"):
        action = local(first.tag)
    msg = WsdMessage(
        valid=action in ("ProbeMatches", "Hello", "Bye", "Fault"),
        action=action,
        message_id=text(find_path(header, "MessageID")),
        relates_to=text(find_path(header, "RelatesTo")),
        envelope=f"{envelope_prefix(data)}/{_addressing_prefix(data)}",
    )
    if first is not None and action == "Fault":
        _fault(msg, first)
        return msg
    matches = _matches(first)
    for match in matches:
        _read_match(msg, match)
    if not matches and action in ("Hello", "Bye"):
        msg.valid = False  # an empty ProbeMatches is still a reply; an empty Hello says nothing
        msg.error = f"{action} without endpoint data"
    elif not msg.valid:
        msg.error = f"unexpected action {action!r}"
    return msg


def message_key(value: str) -> str:
    """A MessageID without its ``uuid:``/``urn:uuid:`` spelling, lower-cased (for RelatesTo checks)."""
    v = value.strip().lower()
    for prefix in ("urn:uuid:", "uuid:"):
        if v.startswith(prefix):
            return v[len(prefix):]
    return v


def same_message_id(a: str, b: str) -> bool:
    """True when two MessageIDs name the same UUID, whatever the ``uuid:``/``urn:uuid:`` spelling."""
    return bool(a) and message_key(a) == message_key(b)


def observations(msg: WsdMessage, source: str) -> list[Observation]:
    """Evidence fields for one parsed message (``wsd.*``)."""
    out: list[Observation] = []

    def add(name: str, value: str) -> None:
        if value:
            out.append(Observation(name, bounded(value), WSD_PORT, source))

    add("wsd.action", msg.action)
    add("wsd.message_id", msg.message_id)
    for endpoint in msg.endpoints[:MAX_MATCHES] or [msg.endpoint]:
        add("wsd.endpoint", endpoint)
    add("wsd.fault.code", msg.fault_code)
    add("wsd.fault.reason", msg.fault_reason)
    add("wsd.types", msg.types)
    add("wsd.metadata_version", msg.metadata_version)
    add("wsd.envelope", msg.envelope if msg.envelope != "/" else "")
    for scope in msg.scopes[:MAX_SCOPES_KEPT]:
        add("wsd.scope", scope.uri)
        if scope.category:
            add(f"wsd.scope.{scope.category}", scope.value)
    for xaddr in msg.xaddrs[:16]:
        add("wsd.xaddrs", xaddr)
    return out

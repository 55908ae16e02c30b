"""What the fuzzer feeds: every parser of device input (scanner side) and of scanner input (lab side).

Each target takes raw bytes and runs the parser the way the code that receives those bytes does,
including turning the result into observations, so the whole path from wire to evidence is covered.
Seeds are the wire captures under tests/captures/ and the requests the scanner's builders make.
"""

from __future__ import annotations

import datetime
import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netfinger.lab.wire import dhip as wire_dhip
from netfinger.lab.wire import digest as wire_digest
from netfinger.lab.wire import mdns as wire_mdns
from netfinger.lab.wire import onvif as wire_onvif
from netfinger.lab.wire import sadp as wire_sadp
from netfinger.lab.wire import ssdp as wire_ssdp
from netfinger.lab.wire import textmsg as wire_textmsg
from netfinger.lab.wire import udpframe as wire_udpframe
from netfinger.lab.wire import wsd as wire_wsd
from netfinger.passive.interface import LINKTYPE_ETHERNET, Record
from netfinger.passive.readers import CaptureError, open_capture
from netfinger.passive.session import PassiveSession
from netfinger.probes.linklayer import LinkUnwrap
from netfinger.protocols import (
    arp,
    dhcp,
    dhip,
    dhip_legacy,
    http,
    http_ident,
    mdns,
    onvif,
    rtsp,
    sadp,
    ssdp,
    tcp,
    tls,
    tls_handshake,
    wsd,
    xmlsafe,
)
from netfinger.protocols.http_observations import identification, landing_page

CAPTURES = Path(__file__).resolve().parent.parent / "tests" / "captures"
Target = Callable[[bytes], object]
PROC_ARP = (b"IP address       HW type     Flags       HW address            Mask     Device\n"
            b"10.77.0.21       0x1         0x2         44:47:cc:37:ce:81     *        eth0\n")
DIGEST = b'Digest username="admin", realm="IP Camera(12345)", nonce="abc", uri="/", response="0"'
UPNP_DESCRIPTION = (
    b'<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major>'
    b"<minor>0</minor></specVersion><device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>"
    b"<friendlyName>IPC</friendlyName><manufacturer>Dahua</manufacturer><modelName>IPC-HFW3441T-ZAS</modelName>"
    b"<serialNumber>6J0A3B2PAZ4C5D1</serialNumber><UDN>uuid:device_3_0-6J0A3B2PAZ4C5D1</UDN></device></root>"
)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _captures(*dirs: str) -> list[bytes]:
    out: list[bytes] = []
    for name in dirs:
        for path in sorted((CAPTURES / name).iterdir()):
            raw = path.read_bytes()
            out.append(bytes.fromhex(raw.decode()) if path.suffix == ".hex" else raw)
    return out


def _wsd(data: bytes) -> object:
    msg = wsd.parse_message(data)
    return wsd.observations(msg, "udp/3702"), [wsd.parse_scope(s.uri) for s in msg.scopes[:8]]


def _sadp(data: bytes) -> object:
    reply = sadp.parse_reply(data)
    return sadp.observations(reply, "udp/37020"), sadp.check_uuid(reply, set()), reply.mac, reply.ipv4


def _dhip(data: bytes) -> object:
    return dhip.observations(dhip.parse_reply(data), "udp/37810")


def _dhip_legacy(data: bytes) -> object:
    return dhip_legacy.observations(dhip_legacy.parse_reply(data), "udp/5050")


def _ssdp(data: bytes) -> object:
    msg = ssdp.parse_message(data)
    return ssdp.observations(msg, "udp/1900"), ssdp.location_host(msg.get("location"))


def _upnp(data: bytes) -> object:
    return ssdp.description_observations(ssdp.parse_description(data), 49152, "http://x/")


def _http(data: bytes) -> object:
    resp = http.parse_response(data)
    out: list[Any] = [landing_page(resp, 80, "http://x/"), http.title(resp.body), http.redirect_target(resp)]
    out += [http.parse_auth(v) for v in resp.header_all("WWW-Authenticate")]
    paths = (http_ident.ISAPI_DEVICE_INFO, http_ident.RPC2_LOGIN, http_ident.magicbox_path("getVendor"),
             http_ident.HIK_LOGIN_PATH, http_ident.FAVICON)
    out += [identification(path, resp, 80, "x") for path in paths]
    return out, http.is_complete(data), http.body_text(resp.body)


def _rtsp(data: bytes) -> object:
    resp = rtsp.parse(data)
    return rtsp.observations(resp, "OPTIONS", "x"), rtsp.observations(resp, "DESCRIBE", "x")


def _ident(data: bytes) -> object:
    return (http_ident.parse_isapi_device_info(data), http_ident.parse_magicbox(data),
            http_ident.parse_rpc2_challenge(data), http_ident.favicon_fingerprints(data[:4096]))


def _onvif(data: bytes) -> object:
    return onvif.parse_system_date_and_time(data), onvif.parse_device_information(data)


def _mdns_txt(data: bytes) -> object:
    props: dict[bytes, bytes | None] = {data[i:i + 6]: data[i + 6:i + 12] or None for i in range(0, 240, 12)}
    return mdns.decode_txt(props), mdns.instance_label(_text(data[:200]), "_http._tcp.local.")


def _xml(data: bytes) -> object:
    return xmlsafe.parse_xml(data), xmlsafe.refusal(data), xmlsafe.envelope_prefix(data)


def _wire_textmsg(data: bytes) -> object:
    head = data.split(b"\r\n\r\n", 1)[0]
    req = wire_textmsg.parse_head(head)
    return req, wire_textmsg.content_length(req, 65536) if req is not None else None


def _wire_dhip(data: bytes) -> object:
    return wire_dhip.parse_search(data), wire_dhip.parse_legacy_request(data)


def _capture(data: bytes) -> object:
    """A whole capture file through the reader, the framer, every decoder and the reassembler."""
    try:
        reader = open_capture(io.BytesIO(data), "fuzz")
    except CaptureError:
        return None
    session = PassiveSession()
    session.consume(reader)
    session.finish()
    return session.store.hosts()


def _frame(data: bytes) -> object:
    session = PassiveSession()
    session.feed(Record(0.0, LINKTYPE_ETHERNET, data, len(data)))
    session.finish()
    return session.store.hosts()


def _dhcp(data: bytes) -> object:
    return dhcp.observations(dhcp.parse_v4(data), "x") + dhcp.observations(dhcp.parse_v6(data), "x")


def _mdns_response(data: bytes) -> object:
    return [mdns.observations(rec) for rec in mdns.parse_response(data) or []]


def _link_frames(data: bytes) -> object:
    """A link-layer channel's reader over the frame and, split where a fragment would end, its pieces."""
    reader = LinkUnwrap(37020)
    return reader(data), reader(data[:1514]), reader(data[1514:])


def _tls_handshake(data: bytes) -> object:
    return tls_handshake.client_hello_sni(data), tls_handshake.server_certificates(data)


TARGETS: dict[str, Target] = {
    "passive.capture": _capture,
    "passive.frame": _frame,
    "dhcp": _dhcp,
    "tls_handshake": _tls_handshake,
    "wsd": _wsd,
    "sadp": _sadp,
    "dhip": _dhip,
    "dhip_legacy": _dhip_legacy,
    "ssdp": _ssdp,
    "upnp": _upnp,
    "http": _http,
    "rtsp": _rtsp,
    "sdp": rtsp.sdp_markers,
    "http_ident": _ident,
    "onvif": _onvif,
    "tls": tls.parse_certificate,
    "arp_frame": arp.parse_frame,
    "arp_proc": lambda d: arp.parse_proc_arp(_text(d)),
    "mdns_txt": _mdns_txt,
    "mdns_response": _mdns_response,
    "linklayer": _link_frames,
    "tcp_banner": tcp.render_banner,
    "xmlsafe": _xml,
    "wire.wsd": wire_wsd.parse_probe,
    "wire.sadp": wire_sadp.parse_inquiry,
    "wire.dhip": _wire_dhip,
    "wire.ssdp": wire_ssdp.parse_msearch,
    "wire.mdns": wire_mdns.parse_query,
    "wire.onvif": wire_onvif.parse_call,
    "wire.textmsg": _wire_textmsg,
    # the responders hand it an Authorization header from a request head of at most MAX_HEAD bytes
    "wire.digest": lambda d: wire_digest.parse_params(_text(d[: wire_textmsg.MAX_HEAD])),
}


@functools.cache
def _certificate() -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "IP Camera"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hikvision")])
    now = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=3650))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def _mdns_query() -> bytes:
    labels = b"".join(bytes([len(p)]) + p for p in (b"_services", b"_dns-sd", b"_udp", b"local"))
    return b"\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00" + labels + b"\x00\x00\x0c\x00\x01"


def _mdns_responses() -> list[bytes]:
    svc = wire_mdns.Service("_CGI._tcp.local.", "HIKVISION DS-2CD2043G2-I - F23456789._CGI._tcp.local.", 80,
                            (("model", "DS-2CD2043G2-I"),))
    out = []
    for address in ("10.79.0.21", "fe80::c256:e3ff:fe5a:7b9c"):
        host = wire_mdns.Host("DS-2CD2043G2-I20210315AAWRF23456789.local.", address, (svc,))
        out.append(wire_mdns.build_announcement(host) or b"")
    return out


def _zero_source_frames() -> list[bytes]:
    out = []
    for name in ("sadp/hikvision_tsc_hello.xml", "sadp/hikvision_ds-2cd2320d-i_probematch.xml"):
        payload = (CAPTURES / name).read_bytes() * 2  # past one frame: two fragments
        out += wire_udpframe.build_udp_frames("c4:2f:90:1d:6e:08", "01:00:5e:7f:ff:fa", ("0.0.0.0", 37020),
                                              ("239.255.255.250", 37020), payload, ident=1)
    return out


def _arp_reply() -> bytes:
    mac, peer = bytes.fromhex("4447cc37ce81"), bytes.fromhex("026e66000001")
    return (peer + mac + b"\x08\x06" + bytes.fromhex("0001080006040002") + mac + bytes([10, 77, 0, 21])
            + peer + bytes([10, 77, 0, 1]) + b"\x00" * 18)


@functools.cache
def _site_frames() -> list[bytes]:
    """The frames of the checked-in site capture (pcapng: enhanced packet blocks)."""
    reader = open_capture(CAPTURES / "passive" / "site.pcapng")
    return [rec.data for rec in reader]


def seeds(name: str) -> list[bytes]:
    """Valid inputs for ``name`` that the mutators start from."""
    requests = [http.build_request("GET", "10.0.0.5", "/"), rtsp.build_request("DESCRIBE", "rtsp://x/", 2),
                onvif.build_get_device_information()]
    table: dict[str, list[bytes]] = {
        "passive.capture": [(CAPTURES / "passive" / n).read_bytes() for n in ("site.pcapng", "hostile.pcap")],
        "passive.frame": _site_frames(),
        "dhcp": [f[42:] for f in _site_frames() if f[34:38] == b"\x00\x44\x00\x43"],
        "tls_handshake": [f[54:] for f in _site_frames() if f[54:56] == b"\x16\x03"],
        "wsd": _captures("wsd"),
        "sadp": _captures("sadp"),
        "dhip": _captures("dhip"),
        "dhip_legacy": _captures("dhip"),
        "ssdp": _captures("ssdp"),
        "upnp": [UPNP_DESCRIPTION],
        "http": _captures("http", "onvif"),
        "rtsp": _captures("rtsp"),
        "sdp": _captures("rtsp"),
        "http_ident": _captures("http"),
        "onvif": _captures("onvif"),
        "tls": [_certificate()],
        "arp_frame": [_arp_reply()],
        "arp_proc": [PROC_ARP],
        "mdns_txt": [b"model=DS-2CD2142FWD-I;vendor=Hikvision;firmware=V5.4.0"],
        "mdns_response": _mdns_responses(),
        "linklayer": _zero_source_frames(),
        "tcp_banner": _captures("dhip"),
        "xmlsafe": _captures("wsd", "sadp", "onvif"),
        "wire.wsd": [data for _, data in wsd.build_probes()],
        "wire.sadp": [sadp.build_inquiry(sadp.new_uuid())],
        "wire.dhip": [dhip.build_search(), dhip.build_legacy_probe()],
        "wire.ssdp": [ssdp.build_msearch(st) for st in ssdp.SEARCH_TARGETS],
        "wire.mdns": [_mdns_query()],
        "wire.onvif": [onvif.build_get_system_date_and_time(), onvif.build_get_device_information()],
        "wire.textmsg": requests,
        "wire.digest": [DIGEST],
    }
    return table[name]

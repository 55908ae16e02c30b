"""Builds the checked-in captures under tests/captures/passive/ from the device replies in tests/captures/.

Run ``.venv/bin/python tests/unit/passive_build.py`` after changing it; ``test_passive_captures.py``
checks the files are what this builds. Frames are built with scapy; payloads are the bytes of the
existing captures (reconstructed from real devices, see tests/captures/README.md). Where two replies
share an address, one is moved to another address of the same length (noted below).
"""

from __future__ import annotations

import gzip
import struct
import sys
from pathlib import Path

from scapy.layers.dhcp import BOOTP, DHCP
from scapy.layers.dns import DNS, DNSQR, DNSRR, DNSRRSRV
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.l2 import ARP, Dot1Q, Ether

HERE = Path(__file__).resolve().parent.parent / "captures"
OUT = HERE / "passive"
T0 = 1_764_000_000.0

# Who is on the site (MACs with the makers' IEEE blocks; the clients' are other makers').
DAHUA_WSD = ("3c:ef:8c:11:22:33", "192.168.1.108")  # IPC-HFW2228M-I1-V2: WS-Discovery Hello, DHCP, DNS
DAHUA_DHIP = ("38:af:29:5b:c2:7e", "192.168.1.109")  # IPC-HDW1431T1-S4 (its reply's .108 moved to .109)
HIK_SADP = ("44:47:cc:37:ce:81", "192.168.1.64")  # DS-2CD2320D-I: SADP ProbeMatch
HIK_ISAPI = ("98:8b:0a:0e:51:7f", "192.168.1.65")  # DS-2CD7A47FWD-XZS: ISAPI polled by the VMS, RTSP
AMCREST = ("9c:8e:cd:0a:0b:0c", "192.168.1.110")  # SSDP NOTIFY, DHCP (satori's Amcrest options), DNS
DAHUA_NVR = ("e0:50:8b:44:55:66", "192.168.1.30")  # TLS certificate (Dahua NVR CA issuer)
PRINTER = ("00:80:77:12:34:56", "192.168.1.40")  # Brother printer: mDNS (another maker, not banned)
TOOL_PC = ("18:db:f2:aa:bb:01", "192.168.1.5")  # SADP Tool / ConfigTool: inquiries, searches, a Probe
PHONE = ("f0:18:98:aa:bb:02", "192.168.1.6")  # the vendor app: cloud DNS names, TLS SNI
VMS = ("18:db:f2:aa:bb:03", "192.168.1.20")  # polls cameras over HTTP and RTSP
ROUTER = ("00:0d:b9:00:00:01", "192.168.1.1")
MCAST_MAC = "01:00:5e:7f:ff:fa"


def cap(rel: str) -> bytes:
    return (HERE / rel).read_bytes()


def udp(src: tuple[str, str], dst_ip: str, sport: int, dport: int, payload: bytes, dst_mac: str = "",
        vlans: tuple[int, ...] = ()) -> bytes:
    mac = dst_mac or (MCAST_MAC if dst_ip.startswith("239.") else "ff:ff:ff:ff:ff:ff")
    frame = Ether(src=src[0], dst=mac)
    for vid in vlans:
        frame = frame / Dot1Q(vlan=vid)
    return bytes(frame / IP(src=src[1], dst=dst_ip, id=1) / UDP(sport=sport, dport=dport) / payload)


def tcp(src: tuple[str, str], dst: tuple[str, str], sport: int, dport: int, seq: int, payload: bytes,
        flags: str = "PA", ack: int = 1) -> bytes:
    return bytes(Ether(src=src[0], dst=dst[0]) / IP(src=src[1], dst=dst[1], id=1)
                 / TCP(sport=sport, dport=dport, seq=seq, ack=ack, flags=flags, window=8192) / payload)


def exchange(client: tuple[str, str], server: tuple[str, str], cport: int, sport: int,
             pairs: list[tuple[bytes, bytes]], seg: int = 1200) -> list[bytes]:
    """A TCP connection: each request then its response, the response cut into ``seg``-byte segments."""
    frames = []
    cseq, sseq = 1000, 5000
    for request, response in pairs:
        frames.append(tcp(client, server, cport, sport, cseq, request, ack=sseq))
        cseq += len(request)
        for i in range(0, len(response), seg):
            frames.append(tcp(server, client, sport, cport, sseq, response[i:i + seg], ack=cseq))
            sseq += len(response[i:i + seg])
    frames.append(tcp(client, server, cport, sport, cseq, b"", flags="FA"))
    return frames


def http_response(body: bytes, ctype: str = "application/xml") -> bytes:
    return (b"HTTP/1.1 200 OK\r\nContent-Type: " + ctype.encode() + b"\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\nConnection: keep-alive\r\n\r\n" + body)


def http_get(path: str, host: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Digest username=\"admin\"\r\n\r\n".encode()


def rtsp_request(method: str, url: str, cseq: int) -> bytes:
    return f"{method} {url} RTSP/1.0\r\nCSeq: {cseq}\r\nUser-Agent: LibVLC/3.0.18\r\n\r\n".encode()


def dhcp_discover(mac: str, hostname: bytes, params: list[int], request: str = "") -> bytes:
    raw_mac = bytes.fromhex(mac.replace(":", ""))
    opts: list[object] = [("message-type", "request" if request else "discover"), ("param_req_list", params),
                          ("hostname", hostname), ("client_id", b"\x01" + raw_mac)]
    if request:
        opts += [("requested_addr", request), ("server_id", ROUTER[1])]
    bootp = BOOTP(chaddr=raw_mac + b"\x00" * 10, xid=0x1234, flags=0x8000)
    payload = bytes(bootp / DHCP(options=[*opts, "end"]))
    return bytes(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255", id=1)
                 / UDP(sport=68, dport=67) / payload)


def dns_query(src: tuple[str, str], name: str, qid: int) -> bytes:
    payload = bytes(DNS(id=qid, rd=1, qd=DNSQR(qname=name)))
    return bytes(Ether(src=src[0], dst=ROUTER[0]) / IP(src=src[1], dst=ROUTER[1], id=1)
                 / UDP(sport=40000 + qid, dport=53) / payload)


def mdns_printer() -> bytes:
    svc, inst = "_ipp._tcp.local.", "Brother HL-L2350DW series._ipp._tcp.local."
    answers = [DNSRR(rrname=svc, type="PTR", rdata=inst, ttl=4500),
               DNSRRSRV(rrname=inst, target="BRN008077123456.local.", port=631, ttl=120),
               DNSRR(rrname=inst, type="TXT", rdata=[b"ty=Brother HL-L2350DW series", b"usb_MFG=Brother"],
                     ttl=4500),
               DNSRR(rrname="BRN008077123456.local.", type="A", rdata=PRINTER[1], ttl=120)]
    payload = bytes(DNS(id=0, qr=1, aa=1, rd=0, qd=[], an=answers))
    return bytes(Ether(src=PRINTER[0], dst="01:00:5e:00:00:fb") / IP(src=PRINTER[1], dst="224.0.0.251", id=1)
                 / UDP(sport=5353, dport=5353) / payload)


def tls_server_flight(der: bytes) -> bytes:
    hello = b"\x03\x03" + bytes(32) + b"\x00" + b"\xc0\x2f" + b"\x00"
    cert_list = len(der).to_bytes(3, "big") + der
    certificate = len(cert_list).to_bytes(3, "big") + cert_list
    msgs = (b"\x02" + len(hello).to_bytes(3, "big") + hello + b"\x0b" + len(certificate).to_bytes(3, "big")
            + certificate)
    return b"\x16\x03\x03" + struct.pack("!H", len(msgs)) + msgs


def tls_client_hello(sni: str) -> bytes:
    name = sni.encode()
    entry = b"\x00" + struct.pack("!H", len(name)) + name
    ext_body = struct.pack("!H", len(entry)) + entry
    ext = struct.pack("!HH", 0, len(ext_body)) + ext_body
    body = (b"\x03\x03" + bytes(32) + b"\x00" + b"\x00\x02\xc0\x2f" + b"\x01\x00"
            + struct.pack("!H", len(ext)) + ext)
    msg = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack("!H", len(msg)) + msg


def arp_announce(who: tuple[str, str]) -> bytes:
    return bytes(Ether(src=who[0], dst="ff:ff:ff:ff:ff:ff")
                 / ARP(op=1, hwsrc=who[0], psrc=who[1], hwdst="00:00:00:00:00:00", pdst=ROUTER[1]))


def site_frames() -> list[bytes]:
    """The whole site: each device's own chatter, the tool PC's searches and the replies, the app phone."""
    dhip_reply = cap("dhip/dahua_ipc-hdw1431t1-s4_compact.bin").replace(b"192.168.1.108", b"192.168.1.109")
    notify = cap("ssdp/notify_alive_lf_mixed_case.txt").replace(b"192.168.1.108", b"192.168.1.110")
    sadp_inquiry = (b'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>F93CF8DC-DF53-424B-98A7-9FC0536E1083'
                    b"</Uuid><Types>inquiry</Types></Probe>")
    wsd_probe = cap("wsd/dahua_ipc-hfw2228m-i1-v2_hello.xml").split(b"<")[0] + (
        b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        b'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing"><s:Header><a:Action>'
        b"http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>uuid:1</a:MessageID>"
        b"</s:Header><s:Body><Probe xmlns=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\"/></s:Body>"
        b"</s:Envelope>")
    isapi = http_response(cap("http/hikvision_isapi_deviceinfo.xml"))
    frames = [arp_announce(d) for d in (DAHUA_WSD, DAHUA_DHIP, HIK_SADP, HIK_ISAPI, AMCREST, TOOL_PC, PHONE)]
    frames += [
        dhcp_discover(DAHUA_WSD[0], b"IPC-HFW2228M", [1, 3, 6, 12, 15, 28, 42]),
        dhcp_discover(AMCREST[0], b"AMC0957EE72D5819C5", [1, 3, 4, 5, 6, 12, 15, 28, 42]),
        dhcp_discover(AMCREST[0], b"AMC0957EE72D5819C5", [1, 3, 4, 5, 6, 12, 15, 28, 42], request=AMCREST[1]),
        udp(DAHUA_WSD, "239.255.255.250", 3702, 3702, cap("wsd/dahua_ipc-hfw2228m-i1-v2_hello.xml")),
        udp(AMCREST, "239.255.255.250", 1900, 1900, notify, vlans=(10,)),
        udp(TOOL_PC, "239.255.255.250", 37020, 37020, sadp_inquiry),
        udp(HIK_SADP, "239.255.255.250", 37020, 37020, cap("sadp/hikvision_ds-2cd2320d-i_probematch.xml")),
        udp(TOOL_PC, "239.255.255.251", 37810, 37810,
            bytes.fromhex("".join(cap("dhip/configtool_search_probe.hex").decode().split()))),
        udp(DAHUA_DHIP, "239.255.255.251", 37810, 37810, dhip_reply, vlans=(100, 10)),
        udp(TOOL_PC, "239.255.255.250", 50000, 3702, wsd_probe),
        dns_query(DAHUA_WSD, "www.easy4ipcloud.com", 1),
        dns_query(AMCREST, "p2p.amcrestview.com", 2),
        dns_query(HIK_ISAPI, "litedev.hik-connect.com", 3),
        dns_query(PHONE, "litedev.ezvizlife.com", 4),
        dns_query(PHONE, "www.easy4ipcloud.com", 5),
        dns_query(PHONE, "apiieu.hik-connect.com", 6),
        mdns_printer(),
    ]
    frames += exchange(VMS, HIK_ISAPI, 50100, 80,
                       [(http_get("/ISAPI/System/deviceInfo", HIK_ISAPI[1]), isapi)])
    frames += exchange(VMS, HIK_ISAPI, 50101, 554, [
        (rtsp_request("OPTIONS", f"rtsp://{HIK_ISAPI[1]}:554/Streaming/Channels/101", 1),
         cap("rtsp/hikvision_options_200.txt")),
        (rtsp_request("DESCRIBE", f"rtsp://{HIK_ISAPI[1]}:554/Streaming/Channels/101", 2),
         cap("rtsp/hikvision_describe_401.txt"))])
    frames += exchange(VMS, DAHUA_DHIP, 50102, 554, [
        (rtsp_request("DESCRIBE", f"rtsp://{DAHUA_DHIP[1]}:554/cam/realmonitor", 2),
         cap("rtsp/dahua_options_401.txt"))])
    frames += exchange(VMS, DAHUA_NVR, 50103, 443, [(tls_client_hello(DAHUA_NVR[1]),
                                                     tls_server_flight(cap("tls/dahua_nvr_ca_nbsp_issuer.der")))])
    frames += exchange(PHONE, ROUTER, 50104, 443, [(tls_client_hello("apiieu.hik-connect.com"), b"")])
    return frames


def write_pcap(path: Path, frames: list[bytes], snaplen: int = 65535, gz: bool = False) -> None:
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1))
    for i, frame in enumerate(frames):
        kept = frame[:snaplen]
        out += struct.pack("<IIII", int(T0) + i, 0, len(kept), len(frame)) + kept
    data = gzip.compress(bytes(out), mtime=0) if gz else bytes(out)
    path.write_bytes(data)


def write_pcapng(path: Path, frames: list[bytes]) -> None:
    def block(kind: int, body: bytes) -> bytes:
        body += b"\x00" * (-len(body) % 4)
        return struct.pack("<II", kind, len(body) + 12) + body + struct.pack("<I", len(body) + 12)

    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    out += block(1, struct.pack("<HHI", 1, 0, 65535) + struct.pack("<HHB3x", 9, 1, 6) + b"\x00" * 4)
    for i, frame in enumerate(frames):
        ts = int((T0 + i) * 1_000_000)
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xFFFFFFFF, len(frame), len(frame)) + frame)
    path.write_bytes(out)


def hostile_frames() -> list[bytes]:
    """Bogus lengths, cut tags, overlapping and out-of-order segments, and a good reply among them."""
    good = udp(HIK_SADP, "239.255.255.250", 37020, 37020, cap("sadp/hikvision_ds-2cd2320d-i_probematch.xml"))
    bogus_ip = bytearray(udp(DAHUA_WSD, "239.255.255.250", 3702, 3702, b"<x/>"))
    bogus_ip[16:18] = struct.pack("!H", 4000)  # IPv4 total length far beyond the frame
    bogus_udp = bytearray(udp(AMCREST, "239.255.255.250", 1900, 1900, b"NOTIFY * HTTP/1.1\r\n\r\n"))
    bogus_udp[38:40] = struct.pack("!H", 3)  # UDP length below its own header
    cut_tag = bytes(Ether(src=TOOL_PC[0], dst="ff:ff:ff:ff:ff:ff", type=0x8100)) + b"\x00"
    isapi = http_response(cap("http/hikvision_isapi_deviceinfo.xml"))
    req = http_get("/ISAPI/System/deviceInfo", HIK_ISAPI[1])
    frames = [good, bytes(bogus_ip), bytes(bogus_udp), cut_tag, b"\x00" * 6]
    frames.append(tcp(VMS, HIK_ISAPI, 50200, 80, 1000, req, ack=5000))
    second, first = isapi[600:], isapi[:600]
    frames.append(tcp(HIK_ISAPI, VMS, 80, 50200, 5000 + 600, second))  # out of order
    frames.append(tcp(HIK_ISAPI, VMS, 80, 50200, 5000, first))
    frames.append(tcp(HIK_ISAPI, VMS, 80, 50200, 5000 + 10, b"X" * 20))  # overlap, different bytes
    frames.append(tcp(HIK_ISAPI, VMS, 80, 50200, 5000 + len(isapi), b"", flags="FA"))
    return frames


def build(out: Path = OUT) -> dict[str, bytes]:
    out.mkdir(parents=True, exist_ok=True)
    site = site_frames()
    write_pcapng(out / "site.pcapng", site)
    write_pcap(out / "site.pcap.gz", site, gz=True)
    hostile = hostile_frames()
    write_pcap(out / "hostile.pcap", hostile)
    write_pcap(out / "snaplen96.pcap", site, snaplen=96)
    truncated = (out / "hostile.pcap").read_bytes()
    (out / "truncated.pcap").write_bytes(truncated[:-25])
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".pcap", ".pcapng", ".gz")}


if __name__ == "__main__":
    written = build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print("\n".join(f"{name}: {len(data)} bytes" for name, data in written.items()))

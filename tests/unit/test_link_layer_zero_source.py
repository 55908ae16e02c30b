"""Units with no address (0.0.0.0): the lab's frames from 0.0.0.0, the scanner's link-layer reading of
them (fragments reassembled, the kernel's own deliveries skipped), and their hosts, one per MAC. The
frames go through a socketpair read as the exchange's link-layer channel: nothing touches a network."""

from __future__ import annotations

import socket
import struct

from captures import capture
from probe_fixtures import fields, make_ctx
from responder_fixtures import make_device

from netfinger.evidence import MAC_FROM_LINK, OUTSIDE_NOTE
from netfinger.lab.netns import device_batch
from netfinger.lab.responders import RESPONDERS
from netfinger.lab.scale import plan_lab
from netfinger.lab.site import load_site
from netfinger.lab.wire.sadp import build_hello
from netfinger.lab.wire.udpframe import build_udp_frames, destination_mac
from netfinger.probes.dhip import DhipProbe
from netfinger.probes.exchange import LINK, Exchange
from netfinger.probes.linklayer import LinkUnwrap, unwrap, zero_source_filter
from netfinger.probes.sadp import SadpProbe
from netfinger.probes.udp import MAX_DATAGRAM
from netfinger.protocols import sadp
from netfinger.scan.store import EvidenceStore

GROUP = ("239.255.255.250", 37020)
UNIT_MAC, OTHER_MAC = "c4:2f:90:1d:6e:08", "08:a1:89:33:c4:5d"


def frames_from(mac: str, payload: bytes, dest: tuple[str, int] = GROUP) -> list[bytes]:
    return build_udp_frames(mac, destination_mac(dest[0]) or "", ("0.0.0.0", 37020), dest, payload, ident=7)


def _checksum(data: bytes) -> int:
    total = sum(struct.unpack(f"!{len(data) // 2}H", data + b"\x00" * (len(data) % 2)))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total


def test_frame_bytes_from_0_0_0_0() -> None:
    (frame,) = frames_from(UNIT_MAC, b"hi")
    assert frame[:14] == bytes.fromhex("01005e7ffffa" "c42f901d6e08" "0800")
    assert frame[14:24] == bytes.fromhex("4500" "001e" "0007" "4000" "4011")  # len 30, id 7, DF, TTL 64, UDP
    assert frame[26:34] == socket.inet_aton("0.0.0.0") + socket.inet_aton("239.255.255.250")
    assert _checksum(frame[14:34]) == 0xFFFF  # the IPv4 header checksum holds
    pseudo = frame[26:34] + struct.pack("!BBH", 0, 17, 10)
    assert _checksum(pseudo + frame[34:]) == 0xFFFF  # and the UDP one
    assert frame[34:38] == struct.pack("!HH", 37020, 37020) and frame[-2:] == b"hi"
    assert destination_mac("255.255.255.255") == "ff:ff:ff:ff:ff:ff"
    assert destination_mac("10.79.0.1", "02:6e:66:00:00:01") == "02:6e:66:00:00:01"


def test_link_layer_reads_only_udp_from_0_0_0_0_the_kernel_drops() -> None:
    (frame,) = frames_from(UNIT_MAC, b"x")
    assert unwrap(frame, 37020) == (b"x", ("0.0.0.0", 37020), UNIT_MAC)
    assert unwrap(frame, 37810) is None  # another probe's port
    for dest in (("255.255.255.255", 37020), ("224.0.0.251", 37020)):  # delivered to the UDP socket
        assert unwrap(frames_from(UNIT_MAC, b"x", dest)[0], 37020) is None
    sourced = build_udp_frames(UNIT_MAC, "01:00:5e:7f:ff:fa", ("10.79.0.5", 37020), GROUP, b"x")[0]
    assert unwrap(sourced, 37020) is None  # an addressed unit: the group socket hears it
    assert unwrap(frames_from("01:00:5e:00:00:01", b"x")[0], 37020) is None  # a multicast source MAC
    assert unwrap(frame[:30], 37020) is None and unwrap(b"", 37020) is None
    assert len(zero_source_filter(37020)) == 13 * 8


def test_answers_and_hello_from_0_0_0_0_become_one_host_per_mac() -> None:
    """The lab unit's ProbeMatch (1.6 KB: two fragments) and another unit's Hello, both from 0.0.0.0,
    read as link-layer frames by the SADP probe's exchange, then stored: two outside hosts."""
    dev = make_device({"sadp": {"kit": "hikvision-ipc", "group_only": True, "hello": True,
                                "override": {"IPv4Address": "0.0.0.0", "Activated": "false"}}},
                      {"model": "DS-2CD1023G0E-I", "serial": "DS-2CD1023G0E-I20200501AAWRE12345678",
                       "fw_version": "V5.5.84", "fw_build": "build 200410", "sadp_type": "142378"},
                      mac=UNIT_MAC, ip="0.0.0.0")
    answer = RESPONDERS["sadp"].on_datagram(dev, sadp.build_inquiry("F93CF8DC-DF53-424B-98A7-9FC0536E1083"),
                                            ("10.79.0.1", 40000), 37020)
    assert [d.dest for d in answer] == [GROUP]
    pieces = frames_from(UNIT_MAC, answer[0].data)
    assert len(pieces) == 2 and max(len(p) for p in pieces) <= 1514
    hello = frames_from(OTHER_MAC, capture("sadp/hikvision_tsc_hello.xml"))
    ctx, seen = make_ctx(targets="10.79.0.0/24", onlink="10.79.0.0/24")
    probe = SadpProbe()
    ex = Exchange(ctx, "sadp", lambda d, a: probe._handle(ctx, d, a), (GROUP[0],), probe._answered)
    reader, writer = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with reader, writer:
        for frame in [*pieces, *hello]:
            writer.send(frame)
        reader.setblocking(False)
        chan = ex.add(LINK, reader, LinkUnwrap(37020))
        ex.read_batch(chan, bytearray(MAX_DATAGRAM), 16)
    assert [(s.ip, s.mac, s.link) for s in seen] == [("0.0.0.0", UNIT_MAC, True),
                                                     ("0.0.0.0", OTHER_MAC, True)]
    assert ("sadp.Activated", "false") in fields(seen) and ("sadp.Types", "hello") in fields(seen)
    assert "answers from 0.0.0.0 (units with no address) heard at the link layer" in ex.notes()
    store = EvidenceStore(ctx.networks)
    for sighting in seen:
        store.add(sighting)
    hosts = store.outside_hosts()
    assert sorted((h.ip, h.mac, h.mac_source) for h in hosts) == [
        ("0.0.0.0", OTHER_MAC, MAC_FROM_LINK), ("0.0.0.0", UNIT_MAC, MAC_FROM_LINK)]
    assert all(OUTSIDE_NOTE in h.anomalies for h in hosts)


def test_lab_unit_with_no_address_and_its_hello() -> None:
    state = plan_lab(load_site("field"), "fx")
    unit = next(d for d in state.devices if d.ip == "0.0.0.0")
    assert device_batch(unit, state.prefixlen) == [
        "link set lo up", "link set eth0 addrgenmode none", "link set eth0 up"]  # no address, no route
    hello = build_hello([("DeviceType", "142378"), ("MAC", "c4-2f-90-1d-6e-08")])
    assert hello == (b'<?xml version="1.0" encoding="UTF-8"?>\r\n<Hello>\r\n<Types>hello</Types>\r\n'
                     b"<DeviceType>142378</DeviceType>\r\n<MAC>c4-2f-90-1d-6e-08</MAC>\r\n</Hello>")
    reply = sadp.parse_reply(hello)
    assert reply.valid and reply.get("Types") == "hello" and reply.mac == UNIT_MAC


def test_dhip_answer_from_0_0_0_0_on_the_link_layer_channel() -> None:
    data = capture("dhip/dahua_ipc-hdw1431t1-s4_compact.bin")
    frames = build_udp_frames(OTHER_MAC, "01:00:5e:7f:ff:fb", ("0.0.0.0", 37810), ("239.255.255.251", 37810),
                              data)
    ctx, seen = make_ctx(targets="10.79.0.0/24", onlink="10.79.0.0/24")
    probe = DhipProbe()
    ex = Exchange(ctx, "dhip", lambda d, a: probe._handle(ctx, d, a), ("239.255.255.251",))
    reader, writer = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with reader, writer:
        for frame in frames:
            writer.send(frame)
        reader.setblocking(False)
        ex.read_batch(ex.add(LINK, reader, LinkUnwrap(37810)), bytearray(MAX_DATAGRAM), 8)
    (sighting,) = seen
    assert (sighting.ip, sighting.mac, sighting.link) == ("0.0.0.0", OTHER_MAC, True)
    assert sighting.raw[0].data == data and ("dhip.DeviceType", "IPC-HDW1431T1-S4") in fields(seen)


def test_kernel_filter_passes_only_udp_from_0_0_0_0_to_the_port() -> None:
    """The BPF program itself, run by the kernel on a Unix datagram socket (it sees the frame from byte
    0, as a packet socket does): no root and no network needed."""
    from netfinger.probes.linklayer import attach_filter

    code = zero_source_filter(37020)
    (hello,) = frames_from(UNIT_MAC, b"x")
    first, later = frames_from(UNIT_MAC, b"y" * 3000)[:2]
    addressed = build_udp_frames(UNIT_MAC, "01:00:5e:7f:ff:fa", ("10.79.0.5", 37020), GROUP, b"x")[0]
    other_port = build_udp_frames(UNIT_MAC, "01:00:5e:7f:ff:fb", ("0.0.0.0", 37810),
                                  ("239.255.255.251", 37810), b"x")[0]
    tcp = hello[:23] + b"\x06" + hello[24:]
    arp = hello[:12] + b"\x08\x06" + hello[14:]
    reader, writer = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with reader, writer:
        attach_filter(reader, code)
        for frame in (hello, addressed, other_port, tcp, arp, first, later):
            writer.send(frame)
        reader.setblocking(False)
        passed = []
        while True:
            try:
                passed.append(reader.recv(4096))
            except BlockingIOError:
                break
    assert passed == [hello, first, later]  # a later fragment carries no port: the reassembly decides

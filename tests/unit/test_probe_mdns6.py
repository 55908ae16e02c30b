"""mDNS over IPv6 (--ipv6): the one-shot query, the lab's answers over IPv6, and the probe's reading of
them into sightings of the answering link-local host (no sockets: the lab responder's bytes in)."""

from __future__ import annotations

import socket

from probe_fixtures import fields, make_ctx
from responder_fixtures import make_device

from netfinger.evidence import Sighting
from netfinger.lab.responders import RESPONDERS
from netfinger.lab.router import link_local
from netfinger.probes.mdns6 import Browse6, Result, note
from netfinger.protocols import mdns
from netfinger.scan.store import EvidenceStore

MDNS = RESPONDERS["mdns"]
MAC = "c0:56:e3:5a:7b:9c"
ZONE = f"{link_local(MAC)}%eth0"
SECTION = {"hostname": "{serial}", "services": [
    {"type": "_CGI._tcp", "instance": "HIKVISION {model} - F23456789", "port": 80}]}
VARS = {"model": "DS-2CD2043G2-I", "serial": "DS-2CD2043G2-I20210315AAWRF23456789"}


def test_one_shot_query_bytes() -> None:
    data = mdns.build_query([("_CGI._tcp.local.", mdns.TYPE_PTR), ("_http._tcp.local.", mdns.TYPE_PTR)])
    # id 0, flags 0 (a standard query), 2 questions, no records; then the names, the second compressed
    assert data[:12] == bytes.fromhex("000000000002000000000000")
    assert data[12:] == (b"\x04_CGI\x04_tcp\x05local\x00\x00\x0c\x00\x01"
                         b"\x05_http\xc0\x11\x00\x0c\x00\x01")
    assert mdns.parse_response(data) is None  # a query describes no services


def _answer(query: bytes, peer: tuple[str, int], section: dict[str, object] = SECTION) -> bytes:
    dev = make_device({"mdns": section}, VARS, mac=MAC, ip="192.0.0.65")
    out = MDNS.on_datagram(dev, query, peer, 5353)
    assert len(out) == 1
    assert out[0].dest == peer  # a one-shot query (source port not 5353) is answered unicast
    return out[0].data


def test_lab_answers_over_ipv6_with_its_link_local_aaaa_and_ipv4_off_means_silent() -> None:
    query = Browse6(make_ctx()[0]).first()[0][0]
    data = _answer(query, (f"{link_local('02:00:00:00:00:01')}%eth0", 40000))
    (svc,) = mdns.parse_response(data) or []
    assert svc.instance == "HIKVISION DS-2CD2043G2-I - F23456789._CGI._tcp.local."
    assert (svc.hostname, svc.port) == ("DS-2CD2043G2-I20210315AAWRF23456789.local", 80)
    assert svc.addresses == [link_local(MAC)]  # AAAA, not the IPv4 A record
    quiet = make_device({"mdns": {**SECTION, "ipv4": False}}, VARS, mac=MAC, ip="192.0.0.65")
    assert MDNS.on_datagram(quiet, query, ("10.79.0.1", 40000), 5353) == []
    assert MDNS.announcements(quiet) == []
    assert MDNS.on_datagram(quiet, query, ("fe80::1%eth0", 5353), 5353)[0].dest == ("ff02::fb", 5353)


def test_answers_become_sightings_of_the_link_local_host_merged_by_mac() -> None:
    ctx, seen = make_ctx()
    browse = Browse6(ctx)
    data = _answer(browse.first()[0][0], ("fe80::1%eth0", 40000))
    browse.handle(data, (f"{link_local(MAC)}%eth0", 5353))
    (sighting,) = seen
    assert (sighting.ip, sighting.ipv6, sighting.protocol, sighting.link) == (None, (ZONE,), "mdns", True)
    assert ("mdns.instance", "HIKVISION DS-2CD2043G2-I - F23456789") in fields(seen)
    assert sighting.raw[0].data == data
    assert ZONE in ctx.live_v6
    assert browse.missing() == []  # SRV and TXT came as additionals: nothing left to ask
    assert browse.result() == Result(services=1, hosts=1)
    store = EvidenceStore(ctx.networks)
    store.add(Sighting("10.77.0.40", mac=MAC, protocol="arp"))
    for s in seen:
        store.add(s)
    store.merge_ipv6()
    (host,) = store.hosts()
    assert (host.ip, host.ipv6, host.first("mdns.service")) == ("10.77.0.40", [ZONE], "_CGI._tcp.local.")


def test_bare_ptr_answer_asks_srv_and_txt_and_foreign_sources_are_ignored() -> None:
    from zeroconf._dns import DNSPointer
    from zeroconf._protocol.outgoing import DNSOutgoing
    from zeroconf.const import _CLASS_IN, _FLAGS_AA, _FLAGS_QR_RESPONSE

    out = DNSOutgoing(_FLAGS_QR_RESPONSE | _FLAGS_AA, True)
    instance = "HIKVISION DS-2CD2043G2-I - F23456789._CGI._tcp.local."
    out.add_answer_at_time(DNSPointer("_CGI._tcp.local.", mdns.TYPE_PTR, _CLASS_IN, 4500, instance), 0)
    bare = out.packets()[0]
    ctx, seen = make_ctx()
    browse = Browse6(ctx)
    browse.handle(bare, ("2001:db8::5", 5353))  # not link-local: not this link's
    browse.handle(b"\xff" * 40, (ZONE, 5353))
    assert seen == []
    browse.handle(bare, (ZONE, 5353))
    (query, dest), = browse.missing()
    assert dest == ("ff02::fb", 5353)
    asked = mdns.incoming(query)
    assert asked is not None
    want = [(instance, mdns.TYPE_SRV), (instance, mdns.TYPE_TXT)]
    assert [(q.name, q.type) for q in asked.questions] == want
    assert note(browse.result(), 0.0).startswith("IPv6 (ff02::fb): 1 services from 1 link-local host")


def test_parser_survives_garbage() -> None:
    for data in (b"", b"\x00" * 12, b"\x84" * 500, socket.inet_pton(socket.AF_INET6, "fe80::1") * 3):
        assert not mdns.parse_response(data)

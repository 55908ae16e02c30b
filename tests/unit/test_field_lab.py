"""The field site's pieces without root: topology parsing, router and address batches, the responder
options of factory-default units, and the IPv6 link-local helpers both sides share."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

import pytest
from responder_fixtures import PEER, make_device

from netfinger.lab.netns import device_batch, host_batch
from netfinger.lab.responders import RESPONDERS
from netfinger.lab.responders.base import ProfileError
from netfinger.lab.router import link_local, routed_bridge, router_batch, scanner_routes
from netfinger.lab.scale import plan_lab
from netfinger.lab.site import load_site
from netfinger.protocols import ipv6

SADP_INQUIRY = (b'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>F93CF8DC-DF53-424B-98A7-9FC0536E1083'
                b"</Uuid><Types>inquiry</Types></Probe>")


def test_field_site_places_routed_segment_and_ipv6_devices() -> None:
    state = plan_lab(load_site("field"), "fx")
    by_name = {d.name: d for d in state.devices}
    routed = by_name["r-hik-ds2cd2142fwd-2016"]
    assert (routed.ip, routed.prefixlen, routed.gateway) == ("10.80.1.64", 24, "10.80.1.1")
    factory = by_name["x-hik-factory-default"]
    assert (factory.ip, factory.prefixlen, factory.gateway) == ("192.0.0.64", 24, "")
    assert state.router_ns == "nf-fx-rt" and state.router_ns in state.namespaces
    assert "route add default via 10.80.1.1 dev eth0" in device_batch(routed, state.prefixlen)
    assert "addr add 192.0.0.64/24 brd + dev eth0" in device_batch(factory, state.prefixlen)
    ll = device_batch(by_name["y-dahua-ipv6-only"], state.prefixlen)[-1]
    assert ll == f"addr add {link_local('9c:14:63:0a:5e:71')}/64 dev eth0 nodad"
    assert "addr add 10.80.200.1/24 dev eth1" in router_batch(state)
    assert "route add 10.80.20.0/24 via 10.79.0.254 dev eth0" in scanner_routes(state)
    assert f"link set {routed.port} master br1" in routed_bridge(state)
    assert f"link set {factory.port} master br1" not in routed_bridge(state)
    assert any("peer name eth1 netns nf-fx-rt" in line for line in host_batch(state))


def test_flat_site_has_no_router() -> None:
    state = plan_lab(load_site("default"), "fx")
    assert state.router_ns == "" and routed_bridge(state) == [] and scanner_routes(state) == []


@pytest.mark.parametrize(("extra", "message"), [
    ("router: {ip: 10.9.9.9, subnets: [10.80.1.0/24]}\n", "not a host address"),
    ("router: {ip: 10.79.0.254, subnets: [10.79.0.0/25]}\n", "overlaps"),
    ("segment: [nonsense]\n", "segment"),
    ("ipv6: maybe\n", "ipv6"),
])
def test_bad_topology_is_refused_with_the_key(tmp_path: Path, extra: str, message: str) -> None:
    (tmp_path / "site.yaml").write_text("subnet: 10.79.0.0/24\n" + extra, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_site(tmp_path)


def test_profile_outside_every_site_network_is_refused(tmp_path: Path) -> None:
    (tmp_path / "site.yaml").write_text("subnet: 10.79.0.0/24\nsegment: [192.0.0.0/24]\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text('name: a\nmac: "24:48:45:0a:11:22"\nip: 192.168.1.108\n'
                                     "expect: {manufacturer: null, banned: false}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"nor in its router\.subnets or segment"):
        load_site(tmp_path)


def test_factory_default_sadp_answers_only_to_the_group() -> None:
    dev = make_device({"sadp": {"fields": [{"MAC": "{mac_dash}"}], "group_only": True}})
    assert [d.dest for d in RESPONDERS["sadp"].on_datagram(dev, SADP_INQUIRY, PEER, 37020)] == [
        ("239.255.255.250", 37020)]


def test_dhip_reply_to_both_and_bad_value() -> None:
    search = RESPONDERS["dhip"]
    body = b'{ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } }\n'
    data = struct.pack("<I4sIIIIII", 0x20, b"DHIP", 0, 0, len(body), 0, len(body), 0) + body
    dev = make_device({"dhip": {"device_info": {"DeviceType": "x"}, "reply_to": "both"}})
    assert [d.dest for d in search.on_datagram(dev, data, PEER, 37810)] == [PEER, ("239.255.255.251", 37810)]
    with pytest.raises(ProfileError, match="reply_to"):
        search.validate({"device_info": {"DeviceType": "x"}, "reply_to": "everyone"}, where="t")


def test_eui64_round_trip_and_non_eui64() -> None:
    mac = "bc:ad:28:4e:11:02"
    assert link_local(mac) == "fe80::bead:28ff:fe4e:1102"
    assert ipv6.mac_from_eui64(link_local(mac) + "%eth0") == mac
    assert ipv6.mac_from_eui64("fe80::1") is None  # a privacy or manual address names no MAC
    assert ipv6.mac_from_eui64("not an address") is None
    assert ipv6.is_link_local("fe80::1%eth0") and not ipv6.is_link_local("2001:db8::1")


def test_echo_request_and_reply() -> None:
    req = ipv6.build_echo_request(0x1234, 1)
    assert req[:8] == bytes([128, 0, 0, 0, 0x12, 0x34, 0, 1])
    reply = bytes([129, 0, 0xAB, 0xCD]) + req[4:]
    assert ipv6.parse_echo_reply(reply) == (0x1234, 1)
    assert ipv6.parse_echo_reply(req) is None and ipv6.parse_echo_reply(b"\x81") is None


def test_kernel_tables_are_read_defensively() -> None:
    inet6 = ("00000000000000000000000000000001 01 80 10 80       lo\n"
             "fe80000000000000006e66fffe000001 02 40 20 80     eth0\n"
             "fd000000000000000000000000000002 02 40 00 80     eth0\n")
    assert ipv6.link_local_of(inet6, "eth0") == "fe80::6e:66ff:fe00:1"
    assert ipv6.link_local_of(inet6, "eth1") is None
    neigh = ('[{"dst":"fe80::bead:28ff:fe4e:1102","dev":"eth0","lladdr":"bc:ad:28:4e:11:02"},'
             '{"dst":"2001:db8::5","lladdr":"bc:ad:28:4e:11:03"},{"dst":"fe80::9","state":["FAILED"]},7]')
    assert ipv6.parse_neighbours(neigh) == [ipv6.Neighbour("fe80::bead:28ff:fe4e:1102", "bc:ad:28:4e:11:02")]
    assert ipv6.parse_neighbours("{not json") == [] and ipv6.parse_neighbours('{"a": 1}') == []


def test_sampled_sweep_on_loopback_sweeps_the_answering_24s(monkeypatch: pytest.MonkeyPatch) -> None:
    """127.0.0.0/21 is off-link and every address answers (refused), so all 8 /24s are swept."""
    from ipaddress import IPv4Network

    from netfinger.probes.interface import Completed, ScanContext
    from netfinger.probes.sweep import SAMPLE_OCTETS, SweepProbe, by_slash24, sample_of

    block = [f"10.0.0.{i}" for i in range(1, 255)]
    assert sample_of(block) == [f"10.0.0.{o}" for o in SAMPLE_OCTETS]
    assert list(by_slash24(iter(["10.0.1.5", "10.0.0.9", "10.0.1.6"]))) == ["10.0.1", "10.0.0"]
    monkeypatch.setattr("netfinger.probes.sweep.SWEEP_PORTS", (9,))  # discard: closed everywhere
    seen: list[object] = []
    ctx = ScanContext(networks=(IPv4Network("127.0.0.0/21"),), emit=seen.append, io_timeout=2.0)
    outcome = asyncio.run(SweepProbe().run(ctx))
    assert isinstance(outcome, Completed)
    assert outcome.sightings == 2048 - 2  # every host address of the /21 (its first and last left out)
    assert outcome.notes == ("sampled 8 /24s (20 likely addresses each), swept the 8 that answered; "
                             "--no-sample sweeps every address",)

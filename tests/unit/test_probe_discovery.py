"""Discovery probes' reply handling and sending rules, fed with captures (no sockets)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from captures import capture
from probe_fixtures import fields, make_ctx

from netfinger.probes import arp as arp_probe
from netfinger.probes.arp import ArpProbe, onlink_targets
from netfinger.probes.dhip import DhipProbe
from netfinger.probes.exchange import unanswered_live
from netfinger.probes.interface import Skipped
from netfinger.probes.mdns import MdnsProbe
from netfinger.probes.sadp import SadpProbe
from netfinger.probes.ssdp import SsdpProbe
from netfinger.probes.sweep import SweepProbe, offlink_targets
from netfinger.probes.udp import allowed_destination
from netfinger.probes.wsd import WsdProbe
from netfinger.protocols import dhip, wsd

HIK_WSD = "wsd/hikvision_ds-2cd3955fwd-iws_probematches.xml"


def test_destinations_are_targets_groups_and_onlink_broadcast_only() -> None:
    ctx, _ = make_ctx(targets="10.77.0.0/25")
    assert allowed_destination(ctx, "10.77.0.9")
    assert allowed_destination(ctx, "239.255.255.250", ["239.255.255.250"])
    assert allowed_destination(ctx, "10.77.0.255")  # broadcast of the on-link /24
    assert not allowed_destination(ctx, "10.77.0.200")  # on-link but not a target
    assert not allowed_destination(ctx, "239.255.255.251", ["239.255.255.250"])
    assert not allowed_destination(ctx, "8.8.8.8")
    offlink, _ = make_ctx(targets="10.77.0.0/25", onlink=None)
    assert not allowed_destination(offlink, "10.77.0.255")


def test_unicast_follow_up_only_for_live_targets_that_did_not_answer() -> None:
    ctx, _ = make_ctx(targets="10.77.0.0/28", live=("10.77.0.3", "10.77.0.4", "10.77.0.100"))
    assert unanswered_live(ctx, {"10.77.0.4"}) == ["10.77.0.3"]
    assert unanswered_live(ctx, set(), skip=("10.77.0.3",)) == ["10.77.0.4"]  # a flooding source is not asked


def test_arp_and_sweep_split_targets_by_link() -> None:
    ctx, _ = make_ctx(targets="10.77.0.0/30")
    assert list(onlink_targets(ctx)) == ["10.77.0.2", "10.77.0.3"]  # .0 is the network, .1 is us
    assert list(offlink_targets(ctx)) == []
    wide, _ = make_ctx(targets="10.76.255.254/31")
    assert list(onlink_targets(wide)) == []
    assert list(offlink_targets(wide)) == ["10.76.255.254", "10.76.255.255"]


def test_wsd_reply_and_relates_to_check() -> None:
    ctx, seen = make_ctx()
    probe = WsdProbe()
    probe._sent_ids.add(wsd.message_key("uuid:bfe8bb88-5c2e-4f1a-9d3b-6a7e0c41d2f5"))
    probe._handle(ctx, capture(HIK_WSD), ("10.77.0.9", 3702), "reply")
    assert seen[0].ip == "10.77.0.9" and seen[0].anomalies == ()
    assert ("wsd.scope.hardware", "DS-2CD3955FWD-IWS") in fields(seen)
    assert seen[0].raw[0].data == capture(HIK_WSD)
    other = WsdProbe()
    other._sent_ids.add(wsd.message_key("uuid:00000000-0000-0000-0000-000000000000"))
    other._handle(ctx, capture(HIK_WSD), ("10.77.0.9", 3702), "reply")
    assert "matches none of our Probes" in seen[1].anomalies[0]


def test_wsd_group_socket_keeps_hello_but_not_foreign_probematches() -> None:
    ctx, seen = make_ctx()
    probe = WsdProbe()
    probe._handle(ctx, capture(HIK_WSD), ("10.77.0.9", 3702), "listen")
    assert seen == []
    probe._handle(ctx, capture("wsd/dahua_ipc-hfw2228m-i1-v2_hello.xml"), ("10.77.0.8", 3702), "listen")
    assert ("wsd.action", "Hello") in fields(seen)
    probe._handle(ctx, wsd.build_probe("uuid:x"), ("10.77.0.7", 3702), "listen")
    assert len(seen) == 1


def test_sadp_reply_uuid_echo_and_address_claim() -> None:
    ctx, seen = make_ctx()
    probe = SadpProbe()
    probe._sent.add("F93CF8DC-DF53-424B-98A7-9FC0536E1083")
    probe._handle(ctx, capture("sadp/hikvision_ds-2cd2320d-i_probematch.xml"), ("10.77.0.9", 37020))
    (sighting,) = seen
    assert ("sadp.DeviceSN", "DS-2CD2320D-I20180919AACHC52932642") in fields(seen)
    assert sighting.anomalies == ("sadp: reply from 10.77.0.9 claims IPv4Address 192.168.1.64",)
    probe._handle(ctx, b"junk", ("10.77.0.9", 37020))
    assert len(seen) == 1


def test_dhip_first_sends_multicast_and_onlink_broadcast() -> None:
    ctx, _ = make_ctx()
    sends = DhipProbe()._first(ctx)
    assert (dhip.build_search(), ("239.255.255.251", 37810)) in sends
    assert (dhip.build_legacy_probe(), ("10.77.0.255", 5050)) in sends
    offlink, _ = make_ctx(onlink=None)
    assert DhipProbe()._first(offlink) == []


def test_dhip_reply_handling() -> None:
    ctx, seen = make_ctx()
    probe = DhipProbe()
    probe._handle(ctx, capture("dhip/dahua_ipc-hdw1431t1-s4_compact.bin"), ("192.168.1.108", 37810))
    assert ("dhip.DeviceType", "IPC-HDW1431T1-S4") in fields(seen)
    assert seen[0].anomalies == ()
    probe._handle(ctx, capture("dhip/dahua_ipc-hdw5421s_spaced.bin"), ("10.77.0.20", 37810))
    assert "claims IPAddress 192.168.1.108" in seen[1].anomalies[-1]
    probe._handle(ctx, dhip.build_search(), ("10.77.0.21", 37810))
    assert len(seen) == 2


def test_arp_without_root_reads_the_neighbour_table(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    table = tmp_path / "arp"
    table.write_text(
        "IP address       HW type     Flags       HW address            Mask     Device\n"
        "10.77.0.9        0x1         0x2         58:50:ed:1f:e3:85     *        eth0\n"
        "10.99.0.9        0x1         0x2         58:50:ed:1f:e3:86     *        eth0\n"
        "10.77.0.10       0x1         0x0         00:00:00:00:00:00     *        eth0\n",
        encoding="ascii",
    )
    monkeypatch.setattr(arp_probe, "PROC_ARP", table)
    ctx, seen = make_ctx()
    ctx.is_root = False
    ctx.timeout = 0.01
    outcome = asyncio.run(arp_probe.ArpProbe().run(ctx))
    assert [(s.ip, s.mac) for s in seen] == [("10.77.0.9", "58:50:ed:1f:e3:85")]
    assert outcome.sightings == 1  # type: ignore[union-attr]
    assert sum("neighbour table" in r.message for r in caplog.records) == 1


def test_link_probes_skip_when_no_target_is_on_link() -> None:
    ctx, seen = make_ctx(targets="10.99.0.0/24")  # the interface is on 10.77.0.0/24
    assert not ctx.targets_on_link()
    for probe in (ArpProbe(), MdnsProbe(), SsdpProbe()):
        outcome = asyncio.run(probe.run(ctx))
        assert isinstance(outcome, Skipped), outcome
    assert seen == []
    onlink, _ = make_ctx()
    assert isinstance(asyncio.run(SweepProbe().run(onlink)), Skipped)


def test_sweep_knocks_all_ports_at_once_and_reports_live_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    from netfinger.probes import sweep as sweep_probe

    calls: list[tuple[str, int]] = []

    async def fake_knock(ip: str, port: int, seconds: float) -> str:
        calls.append((ip, port))
        await asyncio.sleep(0.2)  # every knock times out slowly
        if ip == "10.99.0.5" and port == 554:
            return "open"
        return "closed" if ip == "10.99.0.6" else ""

    monkeypatch.setattr(sweep_probe, "knock", fake_knock)
    ctx, seen = make_ctx(targets="10.99.0.0/28")
    t0 = time.monotonic()
    outcome = asyncio.run(sweep_probe.SweepProbe().run(ctx))
    # 14 hosts x 5 ports of 0.2 s each, all at once (after one gateway warm-up knock); then the 12
    # silent addresses of the live /24 once more (a SYN lost in a burst must not lose a device)
    assert time.monotonic() - t0 < 1.5
    assert len(calls) == (14 + 12) * len(sweep_probe.SWEEP_PORTS)
    assert outcome.sightings == 2  # type: ignore[union-attr]
    found = sorted((s.ip, sorted(fields([s]))) for s in seen if s.ip)
    assert found == [("10.99.0.5", [("tcp.open", "554")]), ("10.99.0.6", [])]

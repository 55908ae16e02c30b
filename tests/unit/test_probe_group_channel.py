"""SADP and DHIP messages sent to the discovery group, not to the asker (protocols.md §3, §4.1; passive.md
§1.4): a Hello at power-on, a ProbeMatch or notifyDevInfo answering an inquiry to the group. Captures go
through a real socket read as the group channel of the probe's exchange, then into the evidence store,
for a unit inside the targets and one outside them. Loopback only: the datagrams go from one test socket
to another on 127.0.0.0/8, nothing leaves the machine."""

from __future__ import annotations

import select
import socket
from collections.abc import Callable

import pytest
from captures import capture
from probe_fixtures import fields, make_ctx

from netfinger.evidence import MAC_CLAIMED, OUTSIDE_NOTE, Sighting
from netfinger.probes.dhip import DhipProbe
from netfinger.probes.exchange import GROUP, Exchange
from netfinger.probes.interface import ScanContext
from netfinger.probes.sadp import SadpProbe
from netfinger.probes.udp import MAX_DATAGRAM
from netfinger.protocols import dhip, sadp
from netfinger.scan.store import EvidenceStore

HELLO = "sadp/hikvision_tsc_hello.xml"
PROBEMATCH = "sadp/hikvision_ds-2cd2320d-i_probematch.xml"
DHIP_REPLY = "dhip/dahua_ipc-hdw1431t1-s4_compact.bin"
INSIDE, OUTSIDE = "127.0.0.5", "127.0.0.64"  # targets 127.0.0.0/29 on the link 127.0.0.0/24

Handler = Callable[[ScanContext, bytes, tuple[str, int]], None]


def heard_on_group(handle: Handler, proto: str, data: bytes, source: str,
                   answered: set[str] | None = None) -> tuple[list[Sighting], Exchange]:
    """Send ``data`` from ``source`` to a socket read as the exchange's group channel; what it emits."""
    ctx, seen = make_ctx(targets="127.0.0.0/29", onlink="127.0.0.0/24")
    ex = Exchange(ctx, proto, lambda d, a: handle(ctx, d, a), ("239.255.255.250",), answered)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as group, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as device:
        group.bind(("127.0.0.1", 0))
        group.setblocking(False)
        device.bind((source, 0))
        device.sendto(data, group.getsockname())
        assert select.select([group], [], [], 5.0)[0], "the datagram did not arrive"
        chan = ex.add(GROUP, group)
        read, _ = ex.read_batch(chan, bytearray(MAX_DATAGRAM), 8)
    assert read == 1
    return seen, ex


def stored(seen: list[Sighting]) -> EvidenceStore:
    store = EvidenceStore(make_ctx(targets="127.0.0.0/29")[0].networks)
    for sighting in seen:
        store.add(sighting)
    return store


def test_sadp_hello_to_the_group_from_outside_the_targets_is_a_host_of_its_own() -> None:
    probe = SadpProbe()
    seen, _ = heard_on_group(probe._handle, "sadp", capture(HELLO), OUTSIDE)
    (sighting,) = seen
    assert sighting.link and sighting.ip == OUTSIDE and sighting.raw[0].data == capture(HELLO)
    assert {("sadp.Types", "hello"), ("sadp.DeviceDescription", "HIK TSC"),
            ("sadp.MAC", "4c:bd:8f:3a:5e:17"), ("sadp.EZVIZCode", "false")} <= fields(seen)
    assert "sadp: reply from 127.0.0.64 claims IPv4Address 192.168.1.64" in sighting.anomalies
    assert not any("Uuid" in note for note in sighting.anomalies)  # a Hello echoes nobody's inquiry
    (host,) = stored(seen).outside_hosts()
    assert (host.ip, host.mac, host.mac_source) == (OUTSIDE, "4c:bd:8f:3a:5e:17", MAC_CLAIMED)
    assert host.outside_targets and OUTSIDE_NOTE in host.anomalies


def test_sadp_probematch_to_the_group_from_a_target_credits_the_group_socket() -> None:
    probe = SadpProbe()
    seen, ex = heard_on_group(probe._handle, "sadp", capture(PROBEMATCH), INSIDE, probe._answered)
    assert ("sadp.DeviceSN", "DS-2CD2320D-I20180919AACHC52932642") in fields(seen)
    assert not any("Uuid" in note for note in seen[0].anomalies)  # someone else may have asked
    assert probe._answered == {INSIDE}  # so no unicast follow-up goes to it
    assert "1 answered to the group 239.255.255.250, heard on the group socket" in ex.notes()
    store = stored(seen)
    (host,) = store.hosts()
    assert host.ip == INSIDE and not host.outside_targets and store.outside_hosts() == []


@pytest.mark.parametrize("source", [INSIDE, OUTSIDE])
def test_dhip_reply_to_the_group(source: str) -> None:
    seen, _ = heard_on_group(DhipProbe()._handle, "dhip", capture(DHIP_REPLY), source)
    assert seen[0].link and ("dhip.DeviceType", "IPC-HDW1431T1-S4") in fields(seen)
    store = stored(seen)
    hosts = store.hosts() if source == INSIDE else store.outside_hosts()
    (host,) = hosts
    assert host.ip == source and host.first("dhip.SerialNo")
    assert host.outside_targets is (source == OUTSIDE)


def test_other_tools_questions_on_the_group_are_not_devices() -> None:
    inquiry = sadp.build_inquiry("F93CF8DC-DF53-424B-98A7-9FC0536E1083")
    assert heard_on_group(SadpProbe()._handle, "sadp", inquiry, OUTSIDE)[0] == []
    assert heard_on_group(DhipProbe()._handle, "dhip", dhip.build_search(), OUTSIDE)[0] == []

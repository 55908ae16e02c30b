"""Conflicting identity: a reply naming another host's MAC or address is noted on its sender only."""

from __future__ import annotations

from netfinger.evidence import HostEvidence, Observation
from netfinger.scan.identity import note_conflicts


def _host(ip: str, mac: str, *obs: tuple[str, str]) -> HostEvidence:
    return HostEvidence(ip=ip, mac=mac, observations=[Observation(f, v) for f, v in obs])


def test_claims_of_another_hosts_mac_and_address_are_noted_on_the_sender() -> None:
    real = _host("10.0.0.21", "44:47:cc:37:ce:81", ("sadp.MAC", "44-47-cc-37-ce-81"),
                 ("sadp.IPv4Address", "10.0.0.21"))
    thief = _host("10.0.0.108", "02:66:78:00:01:08", ("sadp.MAC", "44-47-CC-37-CE-81"),
                  ("sadp.IPv4Address", "10.0.0.21"), ("dhip.mac", "3c:ef:8c:61:01:c0"))
    note_conflicts([real, thief])
    assert real.anomalies == []
    assert thief.anomalies == [
        "sadp: conflicting identity: reply names MAC 44:47:cc:37:ce:81, but came from 02:66:78:00:01:08 "
        "(the MAC of host 10.0.0.21)",
        "sadp: conflicting identity: reply names IPv4 address 10.0.0.21, but came from 10.0.0.108 "
        "(the address of host 44:47:cc:37:ce:81)",
        "dhip: conflicting identity: reply names MAC 3c:ef:8c:61:01:c0, but came from 02:66:78:00:01:08",
    ]


def test_unset_addresses_garbage_and_repeats_are_not_conflicts() -> None:
    host = _host("10.0.0.5", "00:11:22:33:44:55", ("sadp.IPv4Address", "0.0.0.0"),
                 ("dhip.IPv4Address.IPAddress", "not an address"), ("dhip.mac", "zz"),
                 ("dhip.mac", "00-11-22-33-44-55"))
    note_conflicts([host, host])
    assert host.anomalies == []
    other = _host("10.0.0.6", "00:11:22:33:44:66", ("dhip.mac", "00:11:22:33:44:77"))
    note_conflicts([other])
    note_conflicts([other])
    assert len(other.anomalies) == 1

from __future__ import annotations

from ipaddress import IPv4Network

from netfinger.evidence import Observation, Sighting
from netfinger.fields import is_known_field
from netfinger.scan.store import EvidenceStore

NET = (IPv4Network("10.77.0.0/24"),)
HIK_MAC = "58:50:ed:1f:e3:85"


def obs(field: str, value: str) -> tuple[Observation, ...]:
    return (Observation(field, value),)


def test_merge_by_mac_then_ip() -> None:
    store = EvidenceStore(NET)
    store.add(
        Sighting("10.77.0.9", observations=obs("sadp.DeviceDescription", "DS-2CD2320D-I"), protocol="sadp")
    )
    store.add(
        Sighting("10.77.0.9", mac=HIK_MAC.upper(), observations=obs("arp.mac", HIK_MAC), protocol="arp")
    )
    store.add(Sighting("10.77.0.9", observations=obs("http.status", "200"), protocol="http"))
    (host,) = store.hosts()
    assert host.first("mac.address") is None  # added once, after the probes
    store.enrich()
    store.enrich()
    assert host.values("mac.address") == [HIK_MAC]
    assert host.mac == HIK_MAC
    assert host.protocols == ["sadp", "arp", "http"]
    assert host.first("sadp.DeviceDescription") == "DS-2CD2320D-I"
    assert host.first("mac.address") == HIK_MAC
    assert host.first("mac.oui_org") == "Hangzhou Hikvision Digital Technology Co.,Ltd."
    assert host.first("mac.locally_administered") == "false"
    assert all(is_known_field(o.field) for o in host.observations)


def test_same_mac_two_ips_is_one_host() -> None:
    store = EvidenceStore(NET)
    store.add(Sighting("10.77.0.9", mac=HIK_MAC, protocol="arp"))
    store.add(Sighting("10.77.0.10", mac=HIK_MAC, protocol="arp"))
    assert len(store.hosts()) == 1


def test_ip_with_two_macs_is_two_hosts_with_a_note() -> None:
    store = EvidenceStore(NET)
    store.add(Sighting("10.77.0.9", mac=HIK_MAC, protocol="arp"))
    store.add(Sighting("10.77.0.9", mac="02:00:00:00:00:09", protocol="arp"))
    store.enrich()
    hosts = store.hosts()
    assert len(hosts) == 2
    assert {h.mac for h in hosts} == {HIK_MAC, "02:00:00:00:00:09"}
    assert all(any("several MACs" in a for a in h.anomalies) for h in hosts)
    local = next(h for h in hosts if h.mac == "02:00:00:00:00:09")
    assert local.first("mac.locally_administered") == "true"


def test_outside_targets_and_own_address_are_not_hosts() -> None:
    store = EvidenceStore(NET, local_ips={"10.77.0.1"})
    assert store.add(Sighting("10.99.0.5", observations=obs("http.status", "200"), protocol="ssdp")) is None
    assert store.add(Sighting("10.77.0.1", protocol="wsd")) is None
    assert store.add(Sighting("not-an-ip", protocol="wsd")) is None
    assert store.hosts() == []
    assert store.outside_by_protocol == {"ssdp": 1}
    assert store.outside == ["ssdp: reply from 10.99.0.5 (outside the targets) ignored"]


def test_lookup_and_ordering() -> None:
    store = EvidenceStore(NET)
    store.add(
        Sighting("10.77.0.20", observations=obs("wsd.xaddrs", "http://10.77.0.20/onvif/device_service"))
    )
    store.add(Sighting("10.77.0.3", observations=obs("http.status", "200")))
    assert [h.ip for h in store.hosts()] == ["10.77.0.3", "10.77.0.20"]
    assert store.lookup("10.77.0.20", "wsd.xaddrs") == ["http://10.77.0.20/onvif/device_service"]
    assert store.lookup("10.77.0.21", "wsd.xaddrs") == []

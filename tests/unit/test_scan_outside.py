"""Hosts heard on the link from outside the targets, off-link MACs claimed by the device, IPv6 merging."""

from __future__ import annotations

from ipaddress import IPv4Network

from netfinger.evidence import OUTSIDE_NOTE, Observation, Sighting
from netfinger.report.html_page import HtmlRenderer
from netfinger.report.interface import RenderOptions
from netfinger.report.model import HostReport, Report, ScanInfo
from netfinger.report.schema import validate_report
from netfinger.report.table import OUTSIDE_TITLE, TableRenderer
from netfinger.scan.config import ScanConfig
from netfinger.scan.report import build_report
from netfinger.scan.store import OUTSIDE_V6_NOTE, EvidenceStore

NET = (IPv4Network("10.79.0.0/24"), IPv4Network("10.80.1.0/24"))
HIK_MAC = "24:48:45:0a:11:22"


def sadp(ip: str, mac: str, link: bool) -> Sighting:
    obs = (Observation("sadp.MAC", mac.replace(":", "-")),
           Observation("sadp.DeviceDescription", "DS-2CD2387G2-LU"))
    return Sighting(ip, observations=obs, protocol="sadp", link=link)


def test_factory_default_heard_on_the_link_gets_a_host_of_its_own() -> None:
    store = EvidenceStore(NET)
    assert store.add(sadp("192.0.0.64", HIK_MAC, link=True)) is None  # never made live
    store.add(Sighting("192.0.0.64", observations=(Observation("wsd.types", "dn:NVT"),), protocol="wsd",
                       link=True))
    assert store.hosts() == []
    (host,) = store.outside_hosts()
    assert (host.ip, host.mac, host.mac_source) == ("192.0.0.64", HIK_MAC, "claimed")
    assert host.outside_targets
    assert host.protocols == ["sadp", "wsd"]
    assert host.anomalies == [OUTSIDE_NOTE]


def test_outside_reply_not_heard_on_the_link_is_only_counted() -> None:
    store = EvidenceStore(NET)
    store.add(sadp("172.16.0.9", HIK_MAC, link=False))
    assert store.outside_hosts() == [] and store.outside_by_protocol == {"sadp": 1}


def test_unconfigured_unit_at_0_0_0_0_and_its_arp_merge_by_mac() -> None:
    store = EvidenceStore(NET)
    store.add(sadp("0.0.0.0", HIK_MAC, link=True))
    store.add(Sighting("0.0.0.0", mac=HIK_MAC, protocol="arp", link=True))
    (host,) = store.outside_hosts()
    assert (host.ip, host.mac, host.mac_source) == ("0.0.0.0", HIK_MAC, "link")


def test_neighbour_table_mac_outranks_a_claimed_one() -> None:
    store = EvidenceStore(NET)
    store.add(sadp("192.0.0.64", "44:19:b6:00:00:01", link=True))
    store.link_macs({"192.0.0.64": HIK_MAC})
    (host,) = store.outside_hosts()
    assert (host.mac, host.mac_source) == (HIK_MAC, "link")


def test_off_link_target_takes_the_mac_it_states() -> None:
    store = EvidenceStore(NET)
    store.add(Sighting("10.80.1.64", protocol="sweep"))
    store.add(sadp("10.80.1.64", HIK_MAC, link=False))
    store.add(Sighting("10.79.0.21", mac="bc:ad:28:4e:11:02", protocol="arp"))
    store.enrich()
    by_ip = {h.ip: h for h in store.hosts()}
    assert (by_ip["10.80.1.64"].mac, by_ip["10.80.1.64"].mac_source) == (HIK_MAC, "claimed")
    assert by_ip["10.80.1.64"].first("mac.oui_org")  # the OUI of the claimed MAC
    assert by_ip["10.79.0.21"].mac_source == "link"


def test_ipv6_sightings_merge_with_the_ipv4_host_by_mac() -> None:
    store = EvidenceStore(NET)
    zone = "fe80::bead:28ff:fe4e:1102%eth0"
    store.add(Sighting("10.79.0.21", mac="bc:ad:28:4e:11:02", protocol="arp"))
    store.add(Sighting(zone, observations=(Observation("http.server", "App-webs/"),), protocol="http"))
    store.add(Sighting(None, mac="bc:ad:28:4e:11:02", ipv6=(zone,), protocol="ipv6",
                       observations=(Observation("ipv6.mac_from", "neighbour"),)))
    store.add(Sighting(None, ipv6=("fe80::9e14:63ff:fe0a:5e71%eth0",), protocol="ipv6"))
    store.merge_ipv6()
    hosts = store.hosts()
    assert [(h.ip, h.mac, h.ipv6) for h in hosts] == [
        ("10.79.0.21", "bc:ad:28:4e:11:02", [zone]),
        (None, "9c:14:63:0a:5e:71", ["fe80::9e14:63ff:fe0a:5e71%eth0"]),  # EUI-64: the MAC inside
    ]
    assert hosts[0].first("http.server") == "App-webs/" and hosts[1].mac_source == "eui64"


def test_outside_host_probed_over_ipv6_says_so() -> None:
    store = EvidenceStore(NET)
    store.add(sadp("192.168.1.109", "9c:14:63:0a:5e:71", link=True))
    store.add(Sighting("fe80::9e14:63ff:fe0a:5e71%eth0", protocol="http",
                       observations=(Observation("http.server", "x"),)))
    store.merge_ipv6()
    (host,) = store.outside_hosts()
    assert host.anomalies == [OUTSIDE_V6_NOTE] and host.ipv6 == ["fe80::9e14:63ff:fe0a:5e71%eth0"]


def _report(only_targets: bool) -> Report:
    store = EvidenceStore(NET)
    store.add(Sighting("10.79.0.21", mac="bc:ad:28:4e:11:02", protocol="arp"))
    store.add(sadp("192.0.0.64", HIK_MAC, link=True))
    store.enrich()
    return build_report(ScanConfig(targets=("10.79.0.0/24",), only_targets=only_targets), store, {},
                        networks=NET, started="2026-12-03T00:00:00Z", interrupted=False, matcher=(None, "t"))


def test_report_lists_outside_hosts_apart_and_only_targets_leaves_them_out() -> None:
    report = _report(only_targets=False)
    doc = report.to_dict()
    validate_report(doc)
    assert [(h["ip"], h.get("outside_targets", False)) for h in doc["hosts"]] == [
        ("10.79.0.21", False), ("192.0.0.64", True)]
    assert Report.from_dict(doc).hosts[1].evidence.outside_targets
    table = TableRenderer().render(report, RenderOptions(width=160))
    assert table.index("10.79.0.21") < table.index(OUTSIDE_TITLE) < table.index("192.0.0.64")
    html = HtmlRenderer().render(report, RenderOptions())
    assert html.index('id="hosts"') < html.index('id="outside"') < html.index("192.0.0.64")
    assert [h["ip"] for h in _report(only_targets=True).to_dict()["hosts"]] == ["10.79.0.21"]
    assert OUTSIDE_TITLE not in TableRenderer().render(_report(only_targets=True), RenderOptions())


def test_hostreport_without_new_fields_keeps_its_old_shape() -> None:
    report = Report(ScanInfo(), [HostReport.from_dict({"ip": "10.0.0.1", "mac": None})])
    assert not {"mac_source", "outside_targets", "ipv6"} & set(report.to_dict()["hosts"][0])

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from netfinger.errors import UsageError
from netfinger.scan.iface import choose_interface, parse_ip_addr
from netfinger.scan.targets import address_count, parse_target, parse_targets


def test_cidr_range_short_range_and_address() -> None:
    assert parse_target("10.0.0.0/24") == [IPv4Network("10.0.0.0/24")]
    assert parse_target("10.0.0.7/24") == [IPv4Network("10.0.0.0/24")]
    assert parse_target("10.0.0.5") == [IPv4Network("10.0.0.5/32")]
    assert address_count(parse_target("10.0.0.5-10.0.0.20")) == 16
    assert parse_target("10.0.0.5-20") == parse_target("10.0.0.5-10.0.0.20")
    assert address_count(parse_target("10.0.0.250-10.0.1.5")) == 12


@pytest.mark.parametrize(
    "bad",
    [
        "10.0.0.20-10.0.0.5",
        "10.0.0.5-300",
        "10.0.0.x",
        "host.example",
        "10.0.0.0/33",
        "10.0.0.5-abc",
        "10.0.0.5-²",
        "",
    ],
)
def test_bad_targets_say_how_to_write_them(bad: str) -> None:
    with pytest.raises(UsageError, match="CIDR"):
        parse_target(bad)


def test_targets_are_merged() -> None:
    nets = parse_targets(["10.0.0.0/25", "10.0.0.128/25", "10.0.0.5"])
    assert nets == (IPv4Network("10.0.0.0/24"),)


def test_absurd_target_sets_need_force() -> None:
    assert address_count(parse_targets(["10.0.0.0/15"])) == 1 << 17
    with pytest.raises(UsageError, match="--force"):
        parse_targets(["10.0.0.0/14"])
    with pytest.raises(UsageError, match="--force"):
        parse_targets(["10.0.0.0/15", "10.4.0.0/24"])
    assert parse_targets(["10.0.0.0/8"], force=True) == (IPv4Network("10.0.0.0/8"),)


IP_ADDR_JSON = """[
 {"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"link_type":"loopback",
  "addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
 {"ifindex":2,"ifname":"eth0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"link_type":"ether",
  "addr_info":[{"family":"inet","local":"10.77.0.1","prefixlen":24},{"family":"inet","local":"10.78.1.1","prefixlen":16}]},
 {"ifindex":3,"ifname":"eth1","flags":["UP"],"addr_info":[{"family":"inet","local":"192.168.5.2","prefixlen":24}]}
]"""


def test_interfaces_from_ip_json_skip_loopback() -> None:
    ifaces = parse_ip_addr(IP_ADDR_JSON)
    assert [i.name for i in ifaces] == ["eth0", "eth1"]
    assert ifaces[0].networks == (IPv4Network("10.77.0.0/24"), IPv4Network("10.78.0.0/16"))
    assert ifaces[0].ips == {"10.77.0.1", "10.78.1.1"}
    assert parse_ip_addr("not json") == []


def test_choose_interface_facing_the_targets() -> None:
    ifaces = parse_ip_addr(IP_ADDR_JSON)
    assert choose_interface(ifaces, None, (IPv4Network("192.168.5.0/24"),)).name == "eth1"  # type: ignore[union-attr]
    assert choose_interface(ifaces, None, (IPv4Network("172.16.0.0/24"),)).name == "eth0"  # type: ignore[union-attr]
    assert choose_interface(ifaces, "eth1", ()).name == "eth1"  # type: ignore[union-attr]
    with pytest.raises(UsageError, match="eth0"):
        choose_interface(ifaces, "wlan9", ())

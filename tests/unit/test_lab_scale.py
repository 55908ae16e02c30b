"""Scaled labs: fresh unique identities that keep each profile's OUI and ground truth."""

from __future__ import annotations

import ipaddress
import random
import re
from pathlib import Path

import pytest

from netfinger.errors import UsageError
from netfinger.lab.fresh import fresh_serial, fresh_uuid, fresh_vars, is_serial_key
from netfinger.lab.profile import responder_registry
from netfinger.lab.scale import SCANNER_MAC, plan_lab
from netfinger.lab.site import Site, load_site

LAB_SITES = Path(__file__).resolve().parent.parent / "lab_sites"


@pytest.fixture(scope="module")
def mini() -> Site:
    return load_site(LAB_SITES / "mini", responder_registry(str(LAB_SITES / "mini_responders.py")))


def test_site_devices_keep_identity_and_get_free_addresses(mini: Site) -> None:
    state = plan_lab(mini, "t")
    assert [d.name for d in state.devices] == ["cam1", "nvr2", "printer3"]
    cam, nvr, printer = state.devices
    assert cam.ip == "10.78.0.10"  # fixed in its profile
    assert {nvr.ip, printer.ip} == {"10.78.0.2", "10.78.0.3"}  # first free after the scanner
    assert state.subnet == "10.78.0.0/24"
    assert [d.ns for d in state.devices] == ["nf-t-d0001", "nf-t-d0002", "nf-t-d0003"]
    assert not any(d.generated for d in state.devices)


def test_scale_250_on_a_24(mini: Site) -> None:
    state = plan_lab(mini, "t", scale=250)
    assert state.subnet == "10.78.0.0/24"
    assert len(state.devices) == 250
    ips = [d.ip for d in state.devices]
    macs = [d.mac for d in state.devices]
    assert len(set(ips)) == 250
    assert state.scanner_ip not in ips
    assert len(set(macs)) == 250
    assert SCANNER_MAC not in macs
    net = ipaddress.IPv4Network(state.subnet)
    assert all(ipaddress.IPv4Address(ip) in net for ip in ips)


def test_clones_keep_oui_expect_and_protocols(mini: Site) -> None:
    state = plan_lab(mini, "t", scale=30)
    by_name = {p.name: p for p in mini.profiles}
    clones = [d for d in state.devices if d.generated]
    assert len(clones) == 27
    for clone in clones:
        prof = by_name[clone.name.rsplit("-g", 1)[0]]
        assert clone.mac[:8] == prof.mac[:8]
        assert clone.mac != prof.mac
        assert clone.expect == prof.expect.to_dict()
        assert clone.protocols == prof.protocols
        assert clone.profile == str(prof.path)
    # the locally administered template stays locally administered
    assert all(int(d.mac[:2], 16) & 2 for d in clones if d.name.startswith("printer3"))
    # round-robin over the site's profiles
    assert {d.name.rsplit("-g", 1)[0] for d in clones} == {"cam1", "nvr2", "printer3"}


def test_clones_get_fresh_serials_of_the_same_shape(mini: Site) -> None:
    state = plan_lab(mini, "t", scale=40)
    cams = [d for d in state.devices if d.name.startswith("cam1")]
    serials = [d.vars["serial"] for d in cams]
    assert len(set(serials)) == len(serials)
    for serial in serials:
        assert re.fullmatch(r"DS-TEST-1-20200101AAWR\d{9}", serial)
    for cam in cams:  # this profile's uuid embeds its MAC: the clone's embeds the clone's MAC
        assert cam.vars["uuid"].endswith(cam.mac.replace(":", ""))
    nvr_serials = [d.vars["SerialNo"] for d in state.devices if d.name.startswith("nvr2")]
    assert all(re.fullmatch(r"1L047ACPAW\d{5}", s) for s in nvr_serials)
    assert len(set(nvr_serials)) == len(nvr_serials)


def test_scale_is_reproducible_and_seeded(mini: Site) -> None:
    first = plan_lab(mini, "t", scale=20, seed=7)
    again = plan_lab(mini, "t", scale=20, seed=7)
    other = plan_lab(mini, "t", scale=20, seed=8)
    assert [(d.mac, d.ip, d.vars) for d in first.devices] == [(d.mac, d.ip, d.vars) for d in again.devices]
    assert [d.mac for d in first.devices] != [d.mac for d in other.devices]


def test_scale_beyond_a_24_widens_the_network(mini: Site) -> None:
    assert plan_lab(mini, "t", scale=253).subnet == "10.78.0.0/24"
    assert plan_lab(mini, "t", scale=254).subnet == "10.78.0.0/23"
    state = plan_lab(mini, "t", scale=1000)
    assert state.subnet == "10.78.0.0/22"
    assert len({d.ip for d in state.devices}) == 1000


def test_spread_over_a_16(mini: Site) -> None:
    state = plan_lab(mini, "t", scale=250, spread="/16")
    assert state.subnet == "10.78.0.0/16"
    assert state.prefixlen == 16
    net = ipaddress.IPv4Network("10.78.0.0/16")
    ips = [ipaddress.IPv4Address(d.ip) for d in state.devices]
    assert all(ip in net for ip in ips)
    assert len(set(ips)) == 250
    third_octets = {int(ip) >> 8 & 0xFF for ip in ips}
    assert len(third_octets) > 100  # scattered, not packed into the first /24


@pytest.mark.parametrize(
    ("scale", "spread", "message"),
    [
        (2, None, "fewer than the site's own 3"),
        (10_000, None, "at most 9999"),
        (10, "/25", "narrower than the site subnet"),
        (10, "sixteen", "prefix length"),
        (70_000, "/16", "at most"),
    ],
)
def test_scale_errors(mini: Site, scale: int, spread: str | None, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        plan_lab(mini, "t", scale=scale, spread=spread)


@pytest.mark.parametrize(
    ("key", "serial"),
    [("serial", True), ("SerialNo", True), ("sn", True), ("dev_sn", True), ("snmp", False), ("dns", False)],
)
def test_serial_keys(key: str, serial: bool) -> None:
    assert is_serial_key(key) is serial


def test_fresh_serial_shape() -> None:
    rng = random.Random(1)
    used: set[str] = set()
    new = fresh_serial("AB12cd", rng, used)
    assert re.fullmatch(r"AB[0-9]{2}[a-z]{2}", new) and new != "AB12cd"
    assert fresh_serial("----", rng, used) == "----"


def test_fresh_uuid_keeps_prefix_and_case() -> None:
    rng = random.Random(1)
    new = fresh_uuid("uuid:A1B2C3D4-0000-4000-8000-ABCDEF012345", rng)
    assert re.fullmatch(r"uuid:[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}", new)
    lower = fresh_uuid("a1b2c3d4-0000-4000-8000-abcdef012345", rng)
    assert lower == lower.lower() and lower != "a1b2c3d4-0000-4000-8000-abcdef012345"


def test_fresh_vars_carry_serial_and_mac_into_other_vars() -> None:
    rng = random.Random(3)
    values = {"serial": "1L047ACPAW00037", "udn": "uuid:device_3_0-1L047ACPAW00037", "hexmac": "3CEF8C445566"}
    new = fresh_vars(values, "3c:ef:8c:44:55:66", "3c:ef:8c:01:02:03", rng, set())
    assert new["serial"] != values["serial"]
    assert new["udn"] == f"uuid:device_3_0-{new['serial']}"
    assert new["hexmac"] == "3CEF8C010203"

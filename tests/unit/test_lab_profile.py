"""Profile and site validation: every error names the file and the key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from netfinger.errors import UsageError
from netfinger.lab.profile import load_profile, responder_registry
from netfinger.lab.responders.base import ProfileError
from netfinger.lab.site import BUILTIN_SITES, load_site, resolve_site

LAB_SITES = Path(__file__).resolve().parent.parent / "lab_sites"
REGISTRY = responder_registry(str(LAB_SITES / "mini_responders.py"))

GOOD = """\
name: cam
mac: "C0:56:E3:00:00:01"
ip: 10.78.0.20
expect:
  manufacturer: Hikvision
  brand: HiLook
  model: IPC-B120
  firmware: V5.5.0
  device_type: camera
  banned: true
  cves: [CVE-2017-7921, CVE-2021-36260]
vars:
  serial: "ABC123"
echo:
  port: 4999
"""


def write(tmp_path: Path, text: str, name: str = "dev.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_good_profile_loads(tmp_path: Path) -> None:
    prof = load_profile(write(tmp_path, GOOD), REGISTRY)
    assert prof.name == "cam"
    assert prof.mac == "c0:56:e3:00:00:01"
    assert str(prof.ip) == "10.78.0.20"
    assert prof.expect.brand == "HiLook"
    assert prof.expect.cves == ("CVE-2017-7921", "CVE-2021-36260")
    assert prof.expect.to_dict()["device_type"] == "camera"
    assert prof.protocols == ["echo"]
    assert prof.vars == {"serial": "ABC123"}


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("echo:\n  port: 4999\n", "colour: blue\n", "colour"),
        ('mac: "C0:56:E3:00:00:01"', "mac: c0-56-e3", "mac"),
        ('mac: "C0:56:E3:00:00:01"', 'mac: "01:00:5e:00:00:01"', "mac"),
        ("ip: 10.78.0.20", "ip: 10.78.0.999", "ip"),
        ("banned: true", "banned: yes please", "expect.banned"),
        ("banned: true", "banned: true\n  status: maybe", "expect.status"),
        ("banned: true", "banned: true\n  status: suspect", "expect.status"),
        ("cves: [CVE-2017-7921, CVE-2021-36260]", "cves: [CVE-17-1]", "expect.cves"),
        ("  device_type: camera\n", "  colour: red\n", "expect.colour"),
        ("  manufacturer: Hikvision\n", "", "expect.manufacturer"),
        ("  model: IPC-B120", "  model: 120", "expect.model"),
        ('  serial: "ABC123"', "  serial: 123", "vars.serial"),
        ("  port: 4999", "  port: lots", "echo.port"),
        ("name: cam", "name: ''", "name"),
    ],
)
def test_bad_values_name_file_and_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new), "broken.yaml")
    with pytest.raises(ProfileError) as err:
        load_profile(path, REGISTRY)
    message = str(err.value)
    assert message.startswith("broken.yaml: ")
    assert key in message


def test_expect_status_is_kept(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("banned: true", "banned: true\n  status: banned"), "cam.yaml")
    assert load_profile(path, REGISTRY).expect.to_dict()["status"] == "banned"
    plain = load_profile(write(tmp_path, GOOD, "plain.yaml"), REGISTRY)
    assert "status" not in plain.expect.to_dict()


def test_unknown_protocol_without_its_responder(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"dev\.yaml: echo: unknown key"):
        load_profile(write(tmp_path, GOOD), {})


def test_not_yaml_and_not_mapping(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"x\.yaml: not valid YAML"):
        load_profile(write(tmp_path, "a: [1,\n", "x.yaml"), REGISTRY)
    with pytest.raises(ProfileError, match=r"y\.yaml: a profile must be a YAML mapping"):
        load_profile(write(tmp_path, "- 1\n", "y.yaml"), REGISTRY)


def site_dir(tmp_path: Path, site: str, *devices: str) -> Path:
    write(tmp_path, site, "site.yaml")
    for i, dev in enumerate(devices):
        write(tmp_path, dev, f"d{i}.yaml")
    return tmp_path


SITE = "subnet: 10.78.0.0/24\nscanner_ip: 10.78.0.1\n"


def test_site_loads_devices_sorted(tmp_path: Path) -> None:
    second = GOOD.replace("name: cam", "name: cam2").replace("00:00:01", "00:00:02").replace(".20", ".21")
    site = load_site(site_dir(tmp_path, SITE + "description: two cams\n", GOOD, second), REGISTRY)
    assert [p.name for p in site.profiles] == ["cam", "cam2"]
    assert str(site.subnet) == "10.78.0.0/24"
    assert str(site.scanner_ip) == "10.78.0.1"
    assert site.description == "two cams"


@pytest.mark.parametrize(
    ("site", "second", "message"),
    [
        (SITE + "gateway: 10.78.0.254\n", None, "site.yaml: gateway: unknown key"),
        ("subnet: 10.78.0.0/33\n", None, "site.yaml: subnet"),
        ("subnet: 10.78.0.0/24\nscanner_ip: 10.79.0.1\n", None, "site.yaml: scanner_ip"),
        (SITE, GOOD.replace("name: cam", "name: other").replace(".20", ".21"), "d1.yaml: mac"),
        (SITE, GOOD.replace("00:00:01", "00:00:09").replace(".20", ".21"), "d1.yaml: name"),
        (SITE, GOOD.replace("name: cam", "name: x").replace("00:00:01", "00:00:09"), "d1.yaml: ip"),
        (SITE.replace("10.78.0.1\n", "10.78.0.20\n"), None, "d0.yaml: ip"),
        ("subnet: 10.79.0.0/24\n", None, "d0.yaml: ip: 10.78.0.20 is not a host address"),
    ],
)
def test_site_errors(tmp_path: Path, site: str, second: str | None, message: str) -> None:
    devices = [GOOD] if second is None else [GOOD, second]
    with pytest.raises(ProfileError) as err:
        load_site(site_dir(tmp_path, site, *devices), REGISTRY)
    assert message in str(err.value)


def test_resolve_site_builtin_and_path(tmp_path: Path) -> None:
    assert resolve_site("default") == BUILTIN_SITES / "default"
    mini = resolve_site(str(LAB_SITES / "mini"))
    assert mini == (LAB_SITES / "mini").resolve()
    with pytest.raises(UsageError, match="no lab site"):
        resolve_site(str(tmp_path / "nowhere"))


def test_mini_site_is_valid() -> None:
    site = load_site(LAB_SITES / "mini", REGISTRY)
    assert [p.name for p in site.profiles] == ["cam1", "nvr2", "printer3"]

"""Lab state files and the network plan, without root."""

from __future__ import annotations

from pathlib import Path

import pytest

from netfinger.errors import NeedsRootError, NetfingerError, UsageError
from netfinger.lab import api, netns
from netfinger.lab.profile import responder_registry
from netfinger.lab.scale import plan_lab
from netfinger.lab.site import load_site
from netfinger.lab.state import LabState, check_lab_name, list_labs, unique_lab_name

LAB_SITES = Path(__file__).resolve().parent.parent / "lab_sites"
IFNAMSIZ = 15


@pytest.fixture
def state() -> LabState:
    site = load_site(LAB_SITES / "mini", responder_registry(str(LAB_SITES / "mini_responders.py")))
    return plan_lab(site, "abcdefgh", scale=12)


def test_state_round_trip(tmp_path: Path, state: LabState) -> None:
    state.emulator_pid = 4242
    path = state.save(tmp_path)
    assert path == tmp_path / "abcdefgh" / "state.json"
    loaded = LabState.load("abcdefgh", tmp_path)
    assert loaded == state
    assert loaded.devices[0].expect["manufacturer"] == "Hikvision"
    assert loaded.devices[0].protocols == ["echo", "banner"]
    assert loaded.scanner_ns == "nf-abcdefgh-scan"
    assert list_labs(tmp_path) == ["abcdefgh"]


def test_missing_and_damaged_state(tmp_path: Path) -> None:
    with pytest.raises(NetfingerError, match="is the lab up"):
        LabState.load("nolab", tmp_path)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "state.json").write_text("{")
    with pytest.raises(NetfingerError, match="damaged"):
        LabState.load("bad", tmp_path)


@pytest.mark.parametrize("name", ["", "toolongname", "Lab", "a-b", "a b"])
def test_lab_names_are_checked(name: str) -> None:
    with pytest.raises(UsageError):
        check_lab_name(name)


def test_interface_names_fit_and_namespaces_are_the_labs(state: LabState) -> None:
    lines = netns.host_batch(state) + netns.bridge_batch(state)
    for line in lines:
        words = line.split()
        for key in ("name", "dev", "master"):
            if key in words:
                assert len(words[words.index(key) + 1]) <= IFNAMSIZ, line
        if words[:2] == ["link", "add"]:
            assert len(words[2]) <= IFNAMSIZ, line
    created = [line.split()[2] for line in lines if line.startswith("netns add")]
    assert created == state.namespaces
    assert all(netns.LAB_NS_RE.match(ns) for ns in created)
    assert len(set(created)) == len(created) == 2 + 12


def test_veths_are_made_inside_lab_namespaces_only(state: LabState) -> None:
    """Every link is created with both ends placed in lab namespaces: nothing lands on the host."""
    for line in netns.host_batch(state):
        if line.startswith("link add"):
            words = line.split()
            homes = [words[i + 1] for i, w in enumerate(words) if w == "netns"]
            assert len(homes) == 2, line
            assert all(h.startswith("nf-abcdefgh-") for h in homes)


def test_endpoint_routes_multicast_on_its_own_interface() -> None:
    lines = netns.endpoint_batch("10.78.0.5", 24)
    assert "addr add 10.78.0.5/24 brd + dev eth0" in lines
    assert "route add 224.0.0.0/4 dev eth0" in lines


def test_bridge_floods_multicast(state: LabState) -> None:
    lines = netns.bridge_batch(state)
    assert any("mcast_snooping 0" in line for line in lines)
    assert sum("master br0" in line for line in lines) == 13


def test_not_root_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netns.os, "geteuid", lambda: 1000)
    with pytest.raises(NeedsRootError, match="needs root"):
        api.up(LAB_SITES / "mini", name="t")
    with pytest.raises(NeedsRootError):
        api.down("t")


def test_leftover_labs_are_found_by_namespace_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netns_dir = tmp_path / "netns"
    netns_dir.mkdir()
    for ns in (
        "nf-abc-br",
        "nf-abc-scan",
        "nf-abc-d0001",
        "nf-zz9-d0042",
        "nf-abc-x",
        "other",
        "nf-toolongname-br",
    ):
        (netns_dir / ns).touch()
    labs_root = tmp_path / "labs"
    (labs_root / "state1").mkdir(parents=True)
    monkeypatch.setattr(netns, "NETNS_DIR", netns_dir)
    monkeypatch.setattr("netfinger.lab.state.LABS_ROOT", labs_root)
    assert netns.lab_namespaces("abc") == ["nf-abc-br", "nf-abc-d0001", "nf-abc-scan"]
    assert netns.lab_namespaces() == ["nf-abc-br", "nf-abc-d0001", "nf-abc-scan", "nf-zz9-d0042"]
    assert api.all_labs() == ["abc", "state1", "zz9"]


def test_unique_lab_names_are_valid_and_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("netfinger.lab.state.os.getpid", lambda: 4_194_303)
    assert unique_lab_name("td") == "td2hwcf"
    monkeypatch.setattr("netfinger.lab.state.os.getpid", lambda: 35)
    assert unique_lab_name("abcd") == "abcz"

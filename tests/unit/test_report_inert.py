"""Property tests: whatever a device sends, what we print is inert."""

from __future__ import annotations

import csv
import io
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from netfinger.report.csv_format import neutralise
from netfinger.report.html_chart import esc
from netfinger.report.html_page import script_json
from netfinger.report.inert import visible

_INVISIBLE = {"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"}


@given(st.text())
def test_visible_leaves_no_control_or_format_character(value: str) -> None:
    shown = visible(value)
    assert not any(unicodedata.category(ch) in _INVISIBLE for ch in shown)
    if value.isprintable():
        assert shown == value


def test_visible_examples() -> None:
    assert visible("a\x1b[31mb") == "a\\x1b[31mb"
    assert visible("x\u202ey\u200bz") == "x\\u202ey\\u200bz"
    assert visible("line\r\nnext\x00") == "line\\r\\nnext\\x00"
    assert visible(None) == ""
    assert visible("Hikvision 海康威视") == "Hikvision 海康威视"


@given(st.text())
def test_csv_cells_never_start_a_formula_and_round_trip(value: str) -> None:
    cell = neutralise(value)
    assert not cell.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))
    out = io.StringIO()
    csv.writer(out).writerow([cell, "next"])
    assert next(csv.reader(io.StringIO(out.getvalue(), newline=""))) == [cell, "next"]


@given(st.text())
def test_html_escape_never_leaves_markup(value: str) -> None:
    escaped = esc(value)
    assert not set("<>\"'") & set(escaped)


@given(
    st.recursive(
        st.text() | st.integers() | st.booleans(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)
    )
)
def test_script_json_never_contains_markup_characters(value: object) -> None:
    text = script_json(value)
    assert not set("<>&") & set(text)
    assert text.isascii()

"""HTML report: self-contained, locked down by CSP, untrusted data escaped everywhere it lands."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

from netfinger.report.html_chart import bar_chart, top_counts
from netfinger.report.html_page import HtmlRenderer, script_json
from netfinger.report.interface import RenderOptions
from netfinger.report.model import Report
from netfinger.report.samples import (
    HOSTILE_FIRMWARE,
    HOSTILE_MODEL,
    axis_host,
    dahua_host,
    hikvision_host,
    large_report,
    sample_scan_info,
    tiers_report,
)


class _Collector(HTMLParser):
    """Collect tags, attributes and the text of <script>/<style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.blocks: dict[str, list[str]] = {"script": [], "style": []}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in self.blocks:
            self._open = tag
            self.blocks[tag].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self._open:
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.blocks[self._open][-1] += data


def _page() -> tuple[str, _Collector]:
    page = HtmlRenderer().render(tiers_report(), RenderOptions())
    collector = _Collector()
    collector.feed(page)
    return page, collector


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_csp_allows_only_the_pages_own_style_and_script() -> None:
    _, doc = _page()
    metas = [a for t, a in doc.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = metas[0]["content"] or ""
    assert "default-src 'none'" in policy
    executable = [s for (t, a), s in zip(
        [(t, a) for t, a in doc.tags if t == "script"], doc.blocks["script"], strict=True
    ) if a.get("type") != "application/json"]  # fmt: skip
    assert len(executable) == 1
    assert f"script-src '{_sha(executable[0])}'" in policy
    assert f"style-src '{_sha(doc.blocks['style'][0])}'" in policy
    assert "unsafe-inline" not in policy and "http" not in policy


def test_nothing_external_is_referenced() -> None:
    _, doc = _page()
    for tag, attrs in doc.tags:
        assert tag not in {"link", "img", "iframe", "object", "embed"}
        assert "src" not in attrs and "href" not in attrs
    assert "url(" not in doc.blocks["style"][0]
    benign = Report(scan=sample_scan_info(), hosts=[hikvision_host(), dahua_host(), axis_host()])
    benign_page = HtmlRenderer().render(benign, RenderOptions())
    assert re.findall(r"\w+://[^\s\"']*", benign_page) == ["http://www.w3.org/2000/svg"] * 2  # SVG namespace


def test_untrusted_text_is_escaped() -> None:
    page, doc = _page()
    assert HOSTILE_MODEL not in page
    assert "<script>document.title" not in page
    assert "<img" not in page  # the firmware payload never becomes a tag
    assert "&lt;img src=x onerror=&quot;document.title=&#x27;pwned&#x27;&quot;&gt;" in page
    assert [t for t, _ in doc.tags].count("script") == 2  # the data block and the page's own script
    assert "\x1b" not in page and "\u202e" not in page


def test_script_json_cannot_break_out() -> None:
    text = script_json({"m": "</script><!-- & <![CDATA[", "n": "\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"m": "</script><!-- & <![CDATA[", "n": "\u2028"}


def test_embedded_data_has_one_entry_per_row() -> None:
    _, doc = _page()
    data_blocks = [s for (t, a), s in zip(
        [(t, a) for t, a in doc.tags if t == "script"], doc.blocks["script"], strict=True
    ) if a.get("type") == "application/json"]  # fmt: skip
    data = json.loads(data_blocks[0])
    rows = [a for t, a in doc.tags if t == "tr" and "data-i" in a]
    assert len(data["hosts"]) == len(rows) == 5
    assert [h["rank"] for h in data["hosts"]] == [0, 0, 1, 3, 3]
    assert HOSTILE_FIRMWARE.lower() in data["hosts"][4]["text"]


def test_summary_and_evidence_are_present() -> None:
    page, doc = _page()
    assert '<div class="count ban"><b>2</b>banned</div>' in page
    assert [t for t, _ in doc.tags].count("details") >= 4
    assert "sadp.DeviceDescription" in page and "CVE-2021-33044" in page


def test_chart_counts_and_highlight() -> None:
    svg = bar_chart("Hosts by maker", {"Hikvision": 3, "Axis": 1, "<b>": 1}, frozenset({"Hikvision"}))
    assert svg.count("<rect") == 3
    assert svg.count('class="bar banned"') == 1
    assert "&lt;b&gt;" in svg and "<b>" not in svg


def test_chart_folds_the_tail() -> None:
    counts = {f"maker{i:02d}": i + 1 for i in range(20)}
    top = top_counts(counts, limit=5)
    assert len(top) == 5
    assert top[-1][0] == "(others)"
    assert sum(n for _, n in top) == sum(counts.values())


def test_thousand_hosts_stays_reasonable() -> None:
    page = HtmlRenderer().render(large_report(1000), RenderOptions())
    assert page.count("<tr data-i=") == 1000
    assert len(page.encode()) < 8 * 1024 * 1024


def test_all_observations_only_with_why() -> None:
    plain = HtmlRenderer().render(tiers_report(), RenderOptions())
    why = HtmlRenderer().render(tiers_report(), RenderOptions(why=True))
    assert "All observations" not in plain
    assert why.count("All observations") == 5
    assert "<td>dhip.Version</td><td>2.800.0000000.16.R</td>" in why  # an observation no rule used


def test_suspects_have_their_own_section_after_banned() -> None:
    page, _ = _page()
    banned, suspect = page.index('id="banned"'), page.index('id="suspect"')
    everything = page.index("All hosts")
    assert banned < suspect < everything
    section = page[suspect:everything]
    assert "192.168.50.40" in section and "192.168.50.21" not in section
    assert "wsd.dahua.location (weak): country/china" in section
    assert "DHIP did not answer" in section
    assert '<div class="count sus"><b>1</b>suspect</div>' in page
    assert '<tr data-i="2" class="suspect">' in page

"""Terminal table: order, inert device strings, --why, and golden output at a fixed width."""

from __future__ import annotations

import dataclasses

import pytest
from rich.console import Console

from netfinger.match.interface import EvidenceRef, VulnFinding
from netfinger.report.interface import RenderOptions
from netfinger.report.model import HostReport, Report
from netfinger.report.samples import (
    hikvision_host,
    hostile_host,
    sample_report,
    sample_scan_info,
    tiers_report,
)
from netfinger.report.table import TableRenderer, hosts_table


def test_rows_banned_first_then_vulnerable_then_by_ip() -> None:
    text = TableRenderer().render(sample_report(), RenderOptions())
    order = [text.index(ip) for ip in ("192.168.50.21", "192.168.50.34", "192.168.50.7 ", "192.168.50.66")]
    assert order == sorted(order)


def test_hostile_strings_shown_not_interpreted() -> None:
    report = Report(scan=sample_scan_info(), hosts=[hostile_host()])
    text = TableRenderer().render(report, RenderOptions(why=True, width=200))
    assert "\x1b" not in text
    assert "\\x1b[31m" in text  # the escape is visible, as text
    assert "[bold red]x[/]" in text  # markup shown literally
    assert "<script>" in text
    assert "\\u202e" in text  # bidi override made visible
    assert "[link=http://evil.invalid]rule[/link]" in text  # the --why rule column too
    assert "\\x1b[2Jscreen cleared" in text  # and the notes


def test_hostile_model_cell_is_plain_text_with_record_console() -> None:
    # Render the table the way the spec's golden console does and check that rich did not style it:
    # had the model been parsed as markup, "[bold red]" would have vanished from the output.
    console = Console(width=120, record=True, color_system=None)
    console.print(hosts_table("Hosts", [hostile_host()]))
    exported = console.export_text()
    assert "[bold" in exported
    assert "red]x[/]" in exported


def test_color_output_styles_banned_rows_but_keeps_device_text_inert() -> None:
    text = TableRenderer().render(sample_report(), RenderOptions(color=True))
    assert "\x1b[" in text  # rich styling is present ...
    assert "\x1b[31m <script>" not in text  # ... but the device's own escape sequence is not
    assert "\\x1b[31m" in text


def test_summary_counts_and_interrupted_warning() -> None:
    report = tiers_report()
    report.scan.interrupted = True
    text = TableRenderer().render(report, RenderOptions())
    assert "hosts 5   banned 2   suspect 1   vulnerable 2" in text
    assert "scan was interrupted" in text
    assert "probes not completed: rtsp: skipped: not requested" in text


@pytest.mark.parametrize("width", [100, 160])
def test_no_line_exceeds_width(width: int) -> None:
    text = TableRenderer().render(sample_report(), RenderOptions(why=True, width=width))
    assert max(len(line) for line in text.splitlines()) <= width


def test_empty_report_says_so() -> None:
    report = Report(scan=sample_scan_info())
    text = TableRenderer().render(report, RenderOptions(why=True))
    assert text.startswith("No hosts found.")
    assert "hosts 0   banned 0   suspect 0   vulnerable 0" in text


def test_several_vulnerabilities_go_on_separate_lines() -> None:
    host = hikvision_host()
    more = (*host.verdict.vulnerabilities, VulnFinding(id="CVE-2021-36260", kev=True))
    host = HostReport(evidence=host.evidence, verdict=dataclasses.replace(host.verdict, vulnerabilities=more))
    text = TableRenderer().render(Report(scan=sample_scan_info(), hosts=[host]), RenderOptions(width=160))
    assert "\\n" not in text  # real line breaks, not escaped ones
    rows = [line for line in text.splitlines() if "CVE-" in line]
    assert len(rows) == 2 and "CVE-2017-7921" in rows[0] and "CVE-2021-36260 [KEV]" in rows[1]


def test_only_probes_that_did_not_complete_are_listed() -> None:
    report = sample_report()
    report.scan.probes = {"arp": "completed (25 replies, 1.5s)", "mdns": "failed: no multicast route"}
    text = TableRenderer().render(report, RenderOptions(width=200))
    assert "probes not completed: mdns: failed: no multicast route" in text
    assert "arp" not in text.split("probes not completed", 1)[1]


def test_long_evidence_values_are_clipped_in_why() -> None:
    host = hikvision_host()
    body = "<html>" + "x" * 1000
    refs = (EvidenceRef("http.hik.login-body", "http.body", body),)
    host = HostReport(evidence=host.evidence, verdict=dataclasses.replace(host.verdict, evidence=refs))
    text = TableRenderer().render(Report(scan=sample_scan_info(), hosts=[host]), RenderOptions(why=True))
    assert "(806 more characters in the JSON report)" in " ".join(text.split())
    assert text.count("x") < 300


def test_suspects_have_their_own_section_after_banned() -> None:
    text = TableRenderer().render(tiers_report(), RenderOptions(width=160))
    banned, suspect = text.index("Banned (2)"), text.index("Suspect: points at")
    rest = text.index("Other hosts (2)")
    assert banned < suspect < rest
    section = text[suspect:rest]
    assert "192.168.50.40" in section and "192.168.50.21" not in section
    assert "To confirm" in section and "DHIP did not answer" in section
    assert "192.168.50.40" not in text[rest:]


def test_why_lists_what_would_settle_a_suspect() -> None:
    text = TableRenderer().render(tiers_report(), RenderOptions(why=True, width=160))
    assert "points at Dahua (NDAA §889, FCC Covered List)" in text
    assert "to confirm" in text

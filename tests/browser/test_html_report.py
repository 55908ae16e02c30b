"""Open the HTML report in headless Chromium: rows render, sorting/filtering run, payloads stay text.

Needs /usr/bin/chromium; no network is used (file:// only, background networking disabled).
The screenshot is kept as a test artefact under tests/artifacts/.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from netfinger.report.html_page import HtmlRenderer
from netfinger.report.interface import RenderOptions
from netfinger.report.samples import sample_report

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="headless Chromium not installed at /usr/bin/chromium"),
]


def _chromium(profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    base = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
        f"--user-data-dir={profile}", "--virtual-time-budget=3000",
    ]  # fmt: skip
    return subprocess.run([*base, *args], capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(HtmlRenderer().render(sample_report(), RenderOptions()), encoding="utf-8")
    return path


def _dom(page: Path, tmp_path: Path, fragment: str = "") -> str:
    result = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri() + fragment)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _rows(dom: str) -> list[str]:
    return re.findall(r"<tr data-i=\"\d+\"[^>]*>", dom)


def test_rows_render_after_script_ran_and_payloads_did_not(page: Path, tmp_path: Path) -> None:
    dom = _dom(page, tmp_path)
    assert 'data-js="ready"' in dom  # the page's own script ran to the end
    assert len(_rows(dom)) == 4
    assert "4 of 4 hosts shown" in dom
    assert "<title>netfinger report 2026-11-24T02:00:00Z</title>" in dom  # the payload sets 'pwned'
    assert "pwned</title>" not in dom
    assert "<img" not in dom  # the onerror payload never became an element
    assert "&lt;script&gt;document.title=" in dom  # ... it is shown as text instead


def test_filter_and_sort_from_the_address(page: Path, tmp_path: Path) -> None:
    dom = _dom(page, tmp_path, "#q=dahua")
    rows = _rows(dom)
    assert len(rows) == 4
    assert sum("hidden" in r for r in rows) == 3
    assert "1 of 4 hosts shown" in dom
    dom = _dom(page, tmp_path, "#sort=ip&dir=desc")
    ips = re.findall(r"<tr data-i=\"\d+\"[^>]*><td class=\"mono\">([\d.]+)</td>", dom)
    assert ips == ["192.168.50.66", "192.168.50.34", "192.168.50.21", "192.168.50.7"]
    assert 'data-key="ip" aria-sort="descending"' in dom


def test_screenshot(page: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "html_report.png"
    shot.unlink(missing_ok=True)
    result = _chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1400,1000", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank canvas

"""Open the fleet dashboard in headless Chromium: it renders every site, runs nothing, loads nothing.

The dashboard is built from a SQLite store holding sweeps of three sites (one with a hostile host),
through the same code ``netfinger fleet report --format html`` runs. The screenshot is kept under
tests/artifacts/fleet_dashboard.png.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from netfinger import history
from netfinger.fleet.dashboard import render_dashboard
from netfinger.fleet.views import fleet_views
from netfinger.report.model import Report
from netfinger.report.samples import axis_host, dahua_host, hikvision_host, hostile_host, sample_scan_info

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


def _report(minute: int, *hosts: object) -> Report:
    scan = sample_scan_info()
    scan.start = scan.end = f"2026-11-25T02:{minute:02d}:00Z"
    return Report(scan=scan, hosts=list(hosts))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("fleet")
    db = str(base / "hq.sqlite")
    sweeps = {
        "hq-north": [[axis_host()], [axis_host(), hikvision_host()],
                     [axis_host(), hikvision_host(), dahua_host()]],
        "plant-2": [[hikvision_host(), dahua_host()], [dahua_host()]],
        "depot": [[hostile_host(), axis_host()]],
    }
    for site, runs in sweeps.items():
        for i, hosts in enumerate(runs):
            history.record_sweep(db, _report(i + 1, *hosts), site=site, sensor=f"{site}@s", uid=f"{site}:{i}")
    path = base / "dashboard.html"
    path.write_text(render_dashboard(fleet_views(db)), encoding="utf-8")
    return path


def test_dashboard_renders_every_site_and_payloads_stay_text(page: Path, tmp_path: Path) -> None:
    result = _chromium(tmp_path / "profile", "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    for site in ("hq-north", "plant-2", "depot"):
        assert f'id="site-{site}"' in dom
    assert "<title>netfinger fleet</title>" in dom  # the hostile host's payload would set 'pwned'
    assert "pwned</title>" not in dom and "<img" not in dom
    assert dom.count("<polyline") == 4  # hosts and banned trends of the two sites with several sweeps


def test_screenshot(page: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "fleet_dashboard.png"
    shot.unlink(missing_ok=True)
    result = _chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1300,900", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.stat().st_size > 10_000

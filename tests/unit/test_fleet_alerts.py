"""Per-site alerts in the fleet file: ``fleet ingest`` sends them after storing a site's sweep, to a
real webhook receiver on 127.0.0.1 (no broker needed: ``ingest.store`` is what the worker runs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alert_receivers import webhook_receiver

from netfinger.errors import UsageError
from netfinger.fleet import hqdb
from netfinger.fleet.ingest import IngestConfig, store
from netfinger.fleet.messages import Result
from netfinger.fleet.schedule import load_fleet_file
from netfinger.history.alerts import list_deliveries
from netfinger.report.interface import RenderOptions
from netfinger.report.json_format import JsonRenderer
from netfinger.report.model import Report
from netfinger.report.samples import axis_host, sample_report, sample_scan_info


def _result(uid: str, report: Report) -> Result:
    return Result(uid, "a", "a@1", "scan", JsonRenderer().render(report, RenderOptions()))


def test_a_site_alert_is_sent_after_its_sweep_is_stored(tmp_path: Path) -> None:
    with webhook_receiver() as hook:
        fleet = tmp_path / "fleet.yaml"
        text = f"sites:\n  a:\n    every: 3600\n    alert: [{hook.url}]\n  b: {{}}\n"
        fleet.write_text(text, encoding="utf-8")
        entries = {e.name: e for e in load_fleet_file(fleet)}
        assert (entries["a"].alert, entries["b"].alert) == ((hook.url,), ())
        db = str(tmp_path / "hq.sqlite")
        cfg = IngestConfig("redis://127.0.0.1:1/0", db, ("a", "b"),
                           alerts={n: list(e.alert) for n, e in entries.items() if e.alert})
        store(cfg, _result("a:1", Report(scan=sample_scan_info(), hosts=[axis_host()])))
        assert hook.posts == []  # a site's first sweep: nothing to compare with
        store(cfg, _result("a:2", sample_report()))  # banned devices appear
        assert len(hook.posts) == 1
        payload = json.loads(hook.posts[0].body)
        assert payload["summary"] and payload["hosts"]
        assert [d.ok for d in list_deliveries(db, site="a")] == [True]
    hqdb.dispose()


def test_a_bad_alert_url_in_the_fleet_file_is_a_usage_error(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text("sites:\n  a:\n    alert: ftp://example.invalid/\n", encoding="utf-8")
    with pytest.raises(UsageError):
        load_fleet_file(fleet)

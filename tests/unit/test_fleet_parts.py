"""The fleet's pieces without a broker: payload checks, the fleet file and cron, the outbox, the
HQ tables and views on a SQLite store, the dashboard's escaping, and the CLI's config errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from celery.schedules import crontab

from netfinger import history
from netfinger.cli import EXIT_USAGE, main
from netfinger.errors import UsageError
from netfinger.fleet import hqdb
from netfinger.fleet.config import redact, result_queue, site_of_result_queue, site_queue
from netfinger.fleet.dashboard import render_dashboard, sparkline
from netfinger.fleet.messages import MAX_REPORT_CHARS, Heartbeat, Order, Result
from netfinger.fleet.outbox import Outbox
from netfinger.fleet.schedule import beat_schedule, load_fleet_file, parse_cron
from netfinger.fleet.status import fleet_status, render_table
from netfinger.fleet.views import fleet_views
from netfinger.report.model import Report
from netfinger.report.samples import axis_host, hostile_host, sample_report, sample_scan_info, tiers_report


def test_queue_names_and_site_names() -> None:
    assert site_queue("site1") == "netfinger.site.site1"
    assert site_of_result_queue(result_queue("hq-2")) == "hq-2"
    assert site_of_result_queue("netfinger.site.site1") is None
    for bad in ("", "a.b", "a b", "x" * 64, "../x", "*"):
        with pytest.raises(UsageError):
            site_queue(bad)
    assert redact("redis://site1:s3cret@10.0.0.1:6379/0") == "redis://site1:***@10.0.0.1:6379/0"


def test_order_parse_keeps_known_fields_and_bounds_them() -> None:
    order = Order.parse({"uid": "site1:ab", "site": "site1", "kind": "scan", "timeout": 3, "evil": 1}, "x")
    assert order == Order("site1:ab", "site1", "scan", 3.0)
    assert Order.parse({"site": "s"}, "task:42").uid == "task:42"
    for bad in ({"site": "s", "kind": "exec"}, {"site": "s", "timeout": 1e9}, {"site": "s", "timeout": True},
                {"site": "s", "probes": "arp"}, {"site": "a.b"}, {"site": "s", "uid": "x" * 300}):
        with pytest.raises(UsageError):
            Order.parse(bad, "task:1")


def test_result_and_heartbeat_parse() -> None:
    good = {"uid": "site1:ab", "site": "site1", "sensor": "site1@vm", "kind": "scan", "report": "{}"}
    assert Result.parse(good).sensor == "site1@vm"
    with pytest.raises(UsageError):
        Result.parse({**good, "report": "x" * (MAX_REPORT_CHARS + 1)})
    with pytest.raises(UsageError):
        Result.parse({**good, "sensor": "<script>"})
    assert Heartbeat.parse({"site": "s", "sensor": "n", "at": 1.5e9, "pending": 2}).pending == 2
    with pytest.raises(UsageError):
        Heartbeat.parse({"site": "s", "sensor": "n", "at": 1.5e9, "pending": -1})


def test_fleet_file_and_cron(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    text = 'sites:\n  a:\n    cron: "*/15 2-4 * * 1-5"\n  b:\n    every: 60\n  c: {}\n'
    path.write_text(text, encoding="utf-8")
    entries = load_fleet_file(path)
    assert [e.name for e in entries] == ["a", "b", "c"]
    schedule = beat_schedule(entries)
    assert set(schedule) == {"sweep a", "sweep b"}
    cron = schedule["sweep a"]["schedule"]
    assert isinstance(cron, crontab) and cron.minute == {0, 15, 30, 45} and cron.hour == {2, 3, 4}
    assert schedule["sweep b"]["options"]["queue"] == "netfinger.site.b"
    assert "uid" not in schedule["sweep b"]["kwargs"]  # the task id is the uid: one per dispatch
    for bad in ("* * *", "61 * * * *", "x y z w v"):
        with pytest.raises(UsageError):
            parse_cron(bad, "test")
    path.write_text("sites:\n  a:\n    every: 1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="at least"):
        load_fleet_file(path)


def test_outbox_keeps_results_until_delivered(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "sensor")
    first = Result("s:1", "s", "n", "scan", "{}")
    assert box.put(first) and not box.put(Result("s:1", "s", "n", "scan", "other"))
    box.put(Result("s:2", "s", "n", "scan", "{}"))
    assert box.pending() == ["s:1", "s:2"]
    box.mark("s:1", delivered=False)
    box.mark("s:1", delivered=True)
    assert box.pending() == ["s:2"] and box.get("s:1") == first
    box.requeue("s:1")
    assert Outbox(tmp_path / "sensor").pending() == ["s:1", "s:2"]  # durable across a restart
    assert box.counts() == (2, 2)
    assert (tmp_path / "sensor" / "outbox.sqlite").stat().st_mode & 0o077 == 0


def _later(report: Report, minute: int) -> Report:
    report.scan.start = report.scan.end = f"2026-11-25T02:{minute:02d}:00Z"
    return report


def test_views_status_and_rejects_on_a_sqlite_store(tmp_path: Path) -> None:
    db = str(tmp_path / "hq.sqlite")
    history.record_sweep(db, _later(sample_report(), 1), site="a", sensor="a@1", uid="a:1")
    scan = sample_scan_info()
    history.record_sweep(db, _later(Report(scan=scan, hosts=[axis_host(), hostile_host()]), 2), site="a",
                         sensor="a@1", uid="a:2")
    history.record_sweep(db, tiers_report(), site="b", sensor="b@1", uid="b:1")
    views = {v.site: v for v in fleet_views(db)}
    assert views["a"].last is not None and views["a"].last.uid == "a:2"
    assert views["b"].new_since_last == len(tiers_report().hosts)  # a first sweep: all new
    hqdb.seen(db, "a", "a@1", 1000.0, 0)
    hqdb.seen(db, "a", "a@1", 990.0, 3)  # a late heartbeat does not move last_seen back
    hqdb.seen(db, "b", "b@1", 900.0, 1)
    hqdb.reject(db, "netfinger.results.a", {"site": "b", "sensor": "x", "uid": "b:9"}, "mismatch")
    rows = {r.site: r for r in fleet_status(db, ["c"], now=1010.0)}
    assert set(rows) == {"a", "b", "c"}
    assert rows["a"].online and not rows["b"].online and rows["b"].offline and rows["b"].pending == 1
    assert rows["a"].rejected == 1 and rows["c"].last is None
    latest_a = Report(scan=sample_scan_info(), hosts=[axis_host(), hostile_host()])
    assert rows["a"].suspect == latest_a.summary()["suspect"]  # the suspect tier, from the latest report
    assert rows["b"].suspect == 1 and rows["c"].suspect is None  # tiers_report holds one suspect
    assert "suspect" in render_table(list(rows.values()))
    hqdb.dispose()


def test_dashboard_is_inert_and_self_contained(tmp_path: Path) -> None:
    db = str(tmp_path / "hq.sqlite")
    history.record_sweep(db, Report(scan=sample_scan_info(), hosts=[hostile_host()]), site="a", uid="a:1")
    page = render_dashboard(fleet_views(db))
    assert "<script" not in page.lower()
    assert not re.search(r"<[^>]+\s(src|href)=", page)  # no tag loads anything
    assert "<img" not in page and "&lt;img src=x" in page
    assert "default-src 'none'" in page
    assert "&lt;" in page  # the hostile host's markup is shown as text
    svg = sparkline([(3, 1), (4, 2), (2, 0)])
    assert svg.count("<polyline") == 2 and "hosts 3→2, banned 1→0" in svg


def test_cli_names_what_is_missing(capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("NETFINGER_BROKER", "NETFINGER_DB", "NETFINGER_FLEET"):
        monkeypatch.delenv(var, raising=False)
    assert main(["fleet", "sweep", "--site", "a"]) == EXIT_USAGE
    assert "NETFINGER_BROKER" in capsys.readouterr().err
    assert main(["fleet", "status"]) == EXIT_USAGE
    assert "NETFINGER_DB" in capsys.readouterr().err
    assert main(["sensor", "--site", "a", "--broker", "amqp://x"]) == EXIT_USAGE
    assert "Redis" in capsys.readouterr().err


def test_fleet_report_json_and_diff_on_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "hq.sqlite")
    history.record_sweep(db, _later(sample_report(), 1), site="a", uid="a:1")
    later = _later(Report(scan=sample_scan_info(), hosts=[axis_host()]), 2)
    history.record_sweep(db, later, site="a", uid="a:2")
    assert main(["fleet", "report", "--db", db, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["site"] for s in data["sites"]] == ["a"] and data["sites"][0]["sweep"]["uid"] == "a:2"
    assert main(["fleet", "report", "--db", db, "--format", "ocsf"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert events and all(e["device"]["region"] == "a" for e in events if "device" in e)
    assert main(["fleet", "diff", "a", "--db", db, "--json"]) == 1  # something changed
    diff = json.loads(capsys.readouterr().out)
    assert diff["site"] == "a" and diff["gone"]

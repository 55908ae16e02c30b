"""Failed orders without a broker: the failure payload, the outbox and HQ tables that keep it, the
time limit, a listen order on a missing interface, and how ``fleet status`` shows the last failure."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from netfinger.errors import UsageError
from netfinger.fleet import hqdb
from netfinger.fleet.messages import MAX_REASON, Failure, Order, Result
from netfinger.fleet.orders import TimeLimitHit, _bounded, run_order, time_limit
from netfinger.fleet.outbox import Outbox
from netfinger.fleet.sensor import SensorConfig
from netfinger.fleet.status import fleet_status, render_table
from netfinger.report.model import Report
from netfinger.report.samples import sample_report


def test_failure_parse_bounds_and_neutralises_the_reason() -> None:
    good = {"uid": "site1:ab", "site": "site1", "sensor": "site1@vm", "kind": "listen",
            "reason": "no interface 'x'\x1b[31m\nhere" + "y" * 900, "seconds": 1.5}
    failure = Failure.parse(good)
    assert failure.kind == "listen" and failure.seconds == 1.5
    assert len(failure.reason) == MAX_REASON
    assert "\x1b" not in failure.reason and "\n" not in failure.reason
    assert failure.reason.startswith("no interface 'x'?[31m?here")
    for bad in ({**good, "reason": ""}, {**good, "reason": 3}, {**good, "seconds": -1},
                {**good, "seconds": True}, {**good, "kind": "exec"}, {**good, "site": "a.b"}):
        with pytest.raises(UsageError):
            Failure.parse(bad)


def test_order_limit_and_iface() -> None:
    order = Order.parse({"uid": "s:1", "site": "s", "kind": "listen", "limit": 30, "iface": "eth1"}, "x")
    assert (order.limit, order.iface) == (30.0, "eth1")
    assert Order.parse({"site": "s"}, "x").limit == 0.0
    for bad in ({"site": "s", "limit": -1}, {"site": "s", "limit": 1e9}, {"site": "s", "iface": "a b"},
                {"site": "s", "iface": "../../etc"}, {"site": "s", "iface": 3}):
        with pytest.raises(UsageError):
            Order.parse(bad, "x")


def _cfg(tmp_path: Path, listen_iface: str = "") -> SensorConfig:
    return SensorConfig("site1", "redis://127.0.0.1:1/0", "site1@test", ("10.77.0.0/24",), tmp_path,
                        time_limit=90.0, listen_iface=listen_iface)  # fmt: skip


def test_time_limits() -> None:
    cfg = _cfg(Path("/nonexistent"))
    assert time_limit(Order("s:1", "site1"), cfg) == 90.0
    assert time_limit(Order("s:1", "site1", "listen", duration=10), cfg) == 70.0
    assert time_limit(Order("s:1", "site1", limit=5), cfg) == 5.0

    async def slow(stop: asyncio.Event) -> Report:
        await stop.wait()  # stops when told, as run_scan and listen do
        return sample_report()

    async def quick(stop: asyncio.Event) -> Report:
        return sample_report()

    started = time.monotonic()
    with pytest.raises(TimeLimitHit, match=r"time limit of 0\.2s hit; the scan was stopped"):
        asyncio.run(_bounded(slow, 0.2, "scan"))
    assert time.monotonic() - started < 20
    assert asyncio.run(_bounded(quick, 5, "scan")).hosts == sample_report().hosts


def test_listen_order_on_a_missing_interface_is_a_failure_kept_once(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    order = Order("site1:ab", "site1", "listen", duration=5, iface="nfmissing0")
    failure = run_order(_cfg(tmp_path), outbox, order)
    assert isinstance(failure, Failure)
    assert failure.uid == "site1:ab" and failure.site == "site1" and failure.kind == "listen"
    assert "nfmissing0" in failure.reason or "root" in failure.reason, failure.reason
    assert outbox.pending("failures") == ["site1:ab"] and outbox.pending() == []
    outbox.mark_failure("site1:ab")
    assert outbox.counts() == (1, 0)
    again = run_order(_cfg(tmp_path), outbox, order)  # redelivered: not run again, its report re-sent
    assert again == failure and outbox.pending("failures") == ["site1:ab"]


def test_outbox_keeps_results_and_failures_apart(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path)
    outbox.put(Result("site1:r", "site1", "n", "scan", "{}"))
    assert outbox.put_failure(Failure("site1:f", "site1", "n", "scan", "boom", 2.0))
    assert not outbox.put_failure(Failure("site1:f", "site1", "n", "scan", "other", 3.0))
    assert outbox.get_failure("site1:f") == Failure("site1:f", "site1", "n", "scan", "boom", 2.0)
    assert outbox.get("site1:f") is None and outbox.get_failure("site1:r") is None
    assert (outbox.pending(), outbox.pending("failures")) == (["site1:r"], ["site1:f"])
    assert outbox.counts() == (2, 2)


def test_hq_notes_a_failure_once_and_status_shows_the_last(tmp_path: Path) -> None:
    db = str(tmp_path / "hq.sqlite")
    first = Failure("site1:a", "site1", "site1@vm", "scan", "unknown probe(s) nosuch", 0.5)
    assert hqdb.record_failure(db, first)
    assert not hqdb.record_failure(db, first)  # a redelivered report is noted once
    later = Failure("site1:b", "site1", "site1@vm", "listen", "no interface 'eth9' here", 0.1)
    assert hqdb.record_failure(db, later)
    assert set(hqdb.failures_of(db, ["site1:a", "site1:b", "site2:c"])) == {"site1:a", "site1:b"}
    rows = {r.site: r for r in fleet_status(db, ["site1", "site2"])}
    assert rows["site1"].failure is not None and rows["site1"].failure.uid == "site1:b"
    assert rows["site2"].failure is None
    data = rows["site1"].to_dict()["last_failure"]
    assert data["reason"] == "no interface 'eth9' here" and data["kind"] == "listen"
    table = render_table(list(rows.values()), width=250)
    assert "no interface 'eth9' here" in table and "last failure" in table
    hqdb.dispose()


def test_status_table_at_its_default_width_keeps_the_headers_whole() -> None:
    """The sweep command's 120-column table with long cells: the cells wrap, the headers do not (the
    lab fleet test read "last failure" split over two lines once), and a heartbeat stamped just after
    the table's ``now`` reads "0s ago", not "-0s ago"."""
    import time

    from netfinger.fleet.status import SiteStatus, _age

    now = time.time()
    failure = hqdb.FailureRow(now - 2, "site2", "site2@vm", "site2:x", "scan",
                              "time limit of 1s hit; the scan was stopped", 1.0)
    rows = [SiteStatus(site, [f"{site}@vm (0s ago)"], [], 0, 1, None, 0, 0, failure)
            for site in ("site1", "site2")]
    table = render_table(rows)
    header = next(line for line in table.splitlines() if "site" in line and "banned" in line)
    whole = ("last sweep", "hosts", "banned", "suspect", "vulnerable", "pending", "rejected", "last failure")
    assert [col for col in whole if col not in header] == [], table
    assert _age(-0.4) == "0s" and _age(3.2) == "3s"


def test_an_unreadable_order_for_this_site_is_reported_back(tmp_path: Path) -> None:
    from netfinger.fleet.sensor import _refused

    outbox = Outbox(tmp_path)
    cfg = _cfg(tmp_path)
    order = {"uid": "site1:x", "site": "site1", "kind": "exec"}
    assert _refused(cfg, outbox, order, "t1", "kind: bad") == "rejected"
    kept = outbox.get_failure("site1:x")
    assert kept is not None and kept.reason == "order rejected: kind: bad" and kept.kind == "scan"
    _refused(cfg, outbox, {"site": "site1", "timeout": 1e9}, "t2", "timeout: too long")  # no uid: the task id
    assert outbox.get_failure("task:t2") is not None
    _refused(cfg, outbox, {"uid": "site2:y", "site": "site2"}, "t3", "wrong site")  # not ours to report
    _refused(cfg, outbox, {"uid": "<bad uid>", "site": "site1"}, "t4", "uid: not a short name")
    assert outbox.pending("failures") == ["site1:x", "task:t2"]

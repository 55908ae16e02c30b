"""``--alert`` end to end: ``netfinger match`` on saved reports with --history, a real webhook receiver,
failures recorded in the history and reported in the exit code, secrets never on the command line."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from alert_receivers import webhook_receiver
from alert_reports import axis_host, report

from netfinger.cli import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main
from netfinger.history.alerts import list_deliveries
from netfinger.report.samples import sample_report


def _save(path: Path, data: dict[str, object]) -> str:
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _wednesday(tmp_path: Path) -> str:
    """Tuesday's devices again, in a new sweep."""
    again = sample_report()
    again.scan.start = "2026-11-26T02:00:00Z"
    return _save(tmp_path / "wednesday.json", again.to_dict())


@pytest.fixture
def reports(tmp_path: Path) -> tuple[str, str]:
    """A sweep with one Axis camera, then one that adds a Hikvision and a Dahua (banned, vulnerable)."""
    return (_save(tmp_path / "monday.json", report(axis_host()).to_dict()),
            _save(tmp_path / "tuesday.json", sample_report().to_dict()))  # fmt: skip


def test_match_with_history_alerts_on_the_second_sweep_only(
    tmp_path: Path, reports: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "h.sqlite")
    monday, tuesday = reports
    with webhook_receiver() as hook:
        common = ["--history", db, "--alert", hook.url, "--format", "json"]
        assert main(["match", monday, *common]) == EXIT_OK
        assert hook.posts == []  # first sweep: nothing to compare with
        assert "alerts start with the next sweep" in capsys.readouterr().err
        assert main(["match", tuesday, *common]) == EXIT_OK
        assert len(hook.posts) == 1
        assert f"alert (2 host(s)) sent to {hook.url}" in capsys.readouterr().err
        assert main(["match", tuesday, *common]) == EXIT_OK  # the same sweep again (same uid)
        assert len(hook.posts) == 1
        assert "sweep 2 was recorded before; its alert already reached" in capsys.readouterr().err
        assert main(["match", _wednesday(tmp_path), *common]) == EXIT_OK  # unchanged: nothing sent
        assert len(hook.posts) == 1
    err = capsys.readouterr().err
    assert "nothing to alert since sweep 2" in err
    body = json.loads(hook.posts[0].body)
    assert body["sweep"]["id"] == 2 and body["sweep"]["previous_id"] == 1
    banned = sorted(
        (h["manufacturer"], h["event"], h["tier"], "new-banned" in h["triggers"]) for h in body["hosts"]
    )
    assert banned == [("Dahua", "new", "banned", True), ("Hikvision", "new", "banned", True)]
    (record,) = list_deliveries(Path(db))
    assert (record.sweep_id, record.previous_id, record.ok, record.attempts, record.hosts) == (
        2,
        1,
        True,
        1,
        2,
    )


def test_failed_delivery_exits_3_is_reported_and_recorded(
    tmp_path: Path, reports: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "h.sqlite")
    monday, tuesday = reports
    with webhook_receiver(fail_first=99, fail_status=404) as hook:
        args = ["--history", db, "--alert", hook.url, "-q", "--fail-on", "banned"]
        assert main(["match", monday, *args]) == EXIT_OK
        assert main(["match", tuesday, *args]) == EXIT_FAILURE  # 3 wins over --fail-on's 1
    err = capsys.readouterr().err
    assert f"alert to {hook.url} FAILED after 1 attempt(s): HTTP 404 Not Found" in err
    assert main(["history", "--db", db, "--alerts", "--json"]) == EXIT_OK
    (row,) = json.loads(capsys.readouterr().out)["alerts"]
    assert (row["sweep"], row["ok"], row["error"], row["target"]) == (
        2,
        False,
        "HTTP 404 Not Found",
        hook.url,
    )
    assert main(["history", "--db", db, "--alerts"]) == EXIT_OK
    assert "FAILED" in capsys.readouterr().out


@pytest.mark.parametrize(("url", "message"), [
    ("smtp://alice:hunter2@127.0.0.1:25?to=a@example.org", "carries a password"),
    ("https://127.0.0.1/hook?token=abc123", "looks like a secret"),
    ("gopher://127.0.0.1/", "unknown scheme 'gopher'"),
    ("https://127.0.0.1/${NETFINGER_TEST_UNSET}", "${NETFINGER_TEST_UNSET}, which is set neither"),
    ("smtp://127.0.0.1:25", "needs ?to=address"),
    ("smtp://alice@127.0.0.1:25?to=a@example.org", "set NETFINGER_SMTP_PASSWORD"),
    ("syslog://127.0.0.1?facility=nope", "facility must be one of"),
])  # fmt: skip
def test_bad_alert_urls_are_usage_errors_that_never_echo_a_secret(
    tmp_path: Path,
    reports: tuple[str, str],
    capsys: pytest.CaptureFixture[str],
    url: str,
    message: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NETFINGER_SMTP_PASSWORD", raising=False)
    monkeypatch.delenv("NETFINGER_TEST_UNSET", raising=False)
    db = tmp_path / "h.sqlite"
    assert main(["match", reports[0], "--history", str(db), "--alert", url, "-q"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert message in err and "hunter2" not in err and "abc123" not in err
    assert not db.exists()  # refused before anything was recorded


def test_alert_needs_history(reports: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", reports[0], "--alert", "http://127.0.0.1:9/", "-q"]) == EXIT_USAGE
    assert "--alert needs --history" in capsys.readouterr().err


def test_secret_file_fills_placeholders_and_must_be_private(
    tmp_path: Path, reports: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "h.sqlite")
    secret = tmp_path / "alert.secrets"
    with webhook_receiver() as hook:
        secret.write_text(f"# webhook\nHOOK_URL={hook.url}\nNETFINGER_WEBHOOK_TOKEN=from-file\n")
        os.chmod(secret, 0o644)
        args = ["--history", db, "--alert", "${HOOK_URL}", "--alert-secret-file", str(secret), "-q"]
        assert main(["match", reports[0], *args]) == EXIT_USAGE
        assert f"run 'chmod 600 {secret}'" in capsys.readouterr().err
        os.chmod(secret, 0o600)
        assert main(["match", reports[0], *args]) == EXIT_OK
        assert main(["match", reports[1], *args]) == EXIT_OK
    (post,) = hook.posts
    assert post.headers["authorization"] == "Bearer from-file"
    (record,) = list_deliveries(Path(db))
    assert record.target == "${HOOK_URL}"  # as typed: the history never holds the secret


def test_alert_on_gone_reports_covered_devices_that_disappeared(
    tmp_path: Path, reports: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "h.sqlite")
    tuesday = reports[1]
    thursday = report(axis_host(), start="2026-11-27T02:00:00Z")  # the Hikvision and Dahua are off
    with webhook_receiver() as hook:
        for day in (tuesday, _save(tmp_path / "thursday.json", thursday.to_dict())):
            assert main(["match", day, "--history", db, "--alert", hook.url, "--alert-on", "gone", "-q"]) == 0
    (post,) = hook.posts
    body = json.loads(post.body)
    assert body["counts"] == {"gone": 2}
    gone = sorted((h["event"], h["manufacturer"], h["triggers"][0]) for h in body["hosts"])
    assert gone == [("gone", "Dahua", "gone"), ("gone", "Hikvision", "gone")]
    assert body["summary"] == "netfinger (sweep 2 vs 1): 2 gone"


def test_an_unreadable_previous_sweep_is_a_recorded_failure_not_a_silent_skip(
    tmp_path: Path, reports: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "h.sqlite"
    monday, tuesday = reports
    with webhook_receiver() as hook:
        args = ["--history", str(db), "--alert", hook.url, "-q"]
        assert main(["match", monday, *args]) == EXIT_OK
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE sweep_reports SET report = ? WHERE sweep_id = 1", ('{"schema": "x/9"}',))
        assert main(["match", tuesday, *args]) == EXIT_FAILURE
    assert hook.posts == []
    assert "FAILED after 0 attempt(s): cannot compare with sweep 1" in capsys.readouterr().err
    (record,) = list_deliveries(db)
    assert (record.sweep_id, record.ok, record.attempts) == (2, False, 0)

"""The change set an alert carries: each trigger, --alert-on filtering, tiers, nothing when unchanged."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
from alert_reports import (
    axis_host,
    dahua_host,
    hikvision_host,
    report,
    sweep,
    with_status,
    with_vulns,
)

from netfinger.alert.interface import DEFAULT_TRIGGERS, TRIGGERS, ChangeSet
from netfinger.alert.payload import build_changes, tier
from netfinger.alert.schema import alert_schema
from netfinger.alert.webhook import build_payload, encode_payload
from netfinger.history.diff import diff_reports
from netfinger.report.model import Report


def _changes(old: Report, new: Report, triggers: tuple[str, ...] = TRIGGERS) -> ChangeSet:
    return build_changes(diff_reports(old, new), sweep(), triggers)


def test_unchanged_sweep_has_nothing_to_send() -> None:
    same = report(axis_host(), hikvision_host(), dahua_host())
    changes = _changes(same, report(axis_host(), hikvision_host(), dahua_host()))
    assert changes.empty and changes.hosts == ()
    assert changes.counts == dict.fromkeys(TRIGGERS, 0)


def test_new_banned_device_fires_new_banned_and_vulnerable() -> None:
    changes = _changes(report(axis_host()), report(axis_host(), dahua_host()))
    (host,) = changes.hosts
    assert (host.event, host.triggers, host.tier, host.previous_tier) == (
        "new", ("new-banned", "vulnerable"), "banned", None)  # fmt: skip
    assert host.new_vulnerabilities == ("CVE-2021-33044",) and host.model == "IPC-HDW1431T1-S4"
    assert changes.counts["new-banned"] == 1 and changes.counts["vulnerable"] == 1
    assert changes.summary == ("netfinger (sweep 2 vs 1): 1 newly banned, 1 with new vulnerabilities")


def test_new_clean_device_fires_nothing() -> None:
    assert _changes(report(hikvision_host()), report(hikvision_host(), axis_host())).empty


def test_new_cve_on_a_known_device_fires_vulnerable_only() -> None:
    changes = _changes(report(hikvision_host()), report(with_vulns(hikvision_host(), "CVE-2021-36260")))
    (host,) = changes.hosts
    assert (host.event, host.triggers) == ("changed", ("vulnerable",))
    assert host.new_vulnerabilities == ("CVE-2021-36260",)
    assert host.vulnerabilities == ("CVE-2017-7921", "CVE-2021-36260")
    assert host.tier == host.previous_tier == "banned"


def test_device_becoming_banned_fires_new_banned() -> None:
    old_axis = axis_host()
    old_axis.verdict = dataclasses.replace(old_axis.verdict, manufacturer=None)
    hik = hikvision_host(ip=old_axis.evidence.ip or "", mac=old_axis.evidence.mac or "")
    changes = _changes(report(old_axis), report(hik), ("new-banned",))
    (host,) = changes.hosts
    assert (host.event, host.triggers, host.previous_tier, host.tier) == (
        "changed", ("new-banned",), "clear", "banned")  # fmt: skip


def test_gone_fires_for_covered_devices_only_and_only_when_asked() -> None:
    old, new = report(axis_host(), hikvision_host()), report()
    assert _changes(old, new, DEFAULT_TRIGGERS).empty
    changes = _changes(old, new, ("gone",))
    (host,) = changes.hosts
    assert (host.event, host.triggers, host.manufacturer, host.tier) == (
        "gone",
        ("gone",),
        "Hikvision",
        "banned",
    )
    assert host.new_vulnerabilities == ()


def test_suspect_tier_new_and_changed() -> None:
    suspect = with_status(axis_host(), "suspect")
    changes = _changes(report(), report(suspect))
    assert [(h.event, h.triggers, h.tier) for h in changes.hosts] == [("new", ("suspect",), "suspect")]
    # A device seen before, moving from clear to suspect: the diff's status change.
    changes = _changes(report(axis_host()), report(suspect), DEFAULT_TRIGGERS)
    (host,) = changes.hosts
    assert (host.event, host.triggers, host.previous_tier, host.tier) == (
        "changed", ("suspect",), "clear", "suspect")  # fmt: skip
    assert host.changes == ({"kind": "status_changed", "field": "status", "old": "clear", "new": "suspect"},)
    assert _changes(report(axis_host()), report(suspect), ("new-banned", "vulnerable")).empty
    # suspect -> banned is new-banned; banned -> suspect is no news (nothing appeared)
    hik_suspect = with_status(hikvision_host(), "suspect")
    up = _changes(report(hik_suspect), report(hikvision_host())).hosts
    assert [(h.triggers, h.previous_tier) for h in up] == [(("new-banned",), "suspect")]
    assert _changes(report(hikvision_host()), report(hik_suspect)).empty


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("banned", "banned"),
        ("suspect", "suspect"),
        ("clear", "clear"),
        ("nonsense", "clear"),
        ("unknown", "clear"),
    ],
)
def test_tier_uses_status_when_present(status: str, expected: str) -> None:
    assert tier(with_status(axis_host(), status)) == expected


def test_tier_fallback_without_status() -> None:
    assert tier(hikvision_host()) == "banned"
    assert tier(axis_host()) == "clear"
    unknown = axis_host()
    unknown.verdict = type(unknown.verdict)()
    assert tier(unknown) == "unknown"


def test_payload_matches_its_schema_and_lists_every_trigger() -> None:
    old = report(axis_host(), hikvision_host())
    new = report(
        axis_host(), with_status(axis_host("192.168.50.8", "00:40:8c:01:02:04"), "suspect"), dahua_host()
    )
    changes = _changes(old, new)
    payload = json.loads(encode_payload(build_payload(changes)))
    jsonschema.Draft202012Validator(alert_schema()).validate(payload)
    events = sorted((h["event"], tuple(h["triggers"])) for h in payload["hosts"])
    assert events == [("gone", ("gone",)), ("new", ("new-banned", "vulnerable")), ("new", ("suspect",))]
    assert payload["counts"] == {"new-banned": 1, "suspect": 1, "vulnerable": 1, "gone": 1}
    assert payload["text"].startswith(payload["summary"])


def test_the_documented_example_body_matches_the_schema() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "alerts.md").read_text(encoding="utf-8")
    example = docs.split("```json\n", 1)[1].split("\n```\n", 1)[0]
    jsonschema.Draft202012Validator(alert_schema()).validate(json.loads(example))

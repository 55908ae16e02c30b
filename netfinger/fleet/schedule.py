"""The fleet file and ``netfinger fleet schedule`` (Celery beat): when each site is swept.

The fleet file (``--fleet FILE`` or NETFINGER_FLEET) is small YAML::

    sites:
      site1:
        cron: "*/30 * * * *"   # minute hour day-of-month month day-of-week (UTC)
      site2:
        every: 3600            # or a period in seconds
        timeout: 3             # the scan's listen window (optional)

Beat sends each due sweep to that site's queue; the order's uid is the task id, so the sweep a
sensor runs twice (after a redelivery) is stored once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from celery import Celery
from celery.schedules import crontab

from netfinger.errors import UsageError
from netfinger.fleet.config import SWEEP_TASK, check_site, site_queue

log = logging.getLogger("netfinger.fleet.schedule")
MAX_FLEET_FILE = 1024 * 1024
MIN_EVERY = 5.0


@dataclass(frozen=True)
class SiteEntry:
    name: str
    cron: str | None = None
    every: float | None = None
    timeout: float = 2.0
    alert: tuple[str, ...] = ()  # --alert URLs for this site's sweeps, sent by ``fleet ingest``


def _alerts(spec: dict[str, Any], where: str) -> tuple[str, ...]:
    """``alert:`` as one URL or a list; each checked as ``--alert`` checks it (${NAME} placeholders
    come from the ingest worker's environment, never from the file)."""
    raw = spec.get("alert", [])
    urls = [raw] if isinstance(raw, str) else raw
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise UsageError(f"{where}: alert: give a URL or a list of URLs")
    from netfinger.alert.registry import parse_alert_url
    from netfinger.alert.secrets import Secrets

    for url in urls:
        parse_alert_url(url, Secrets(None))
    return tuple(urls)


def _entry(name: str, spec: Any, where: str) -> SiteEntry:
    spec = spec or {}
    if not isinstance(spec, dict) or set(spec) - {"cron", "every", "timeout", "alert"}:
        raise UsageError(f"{where}: site {name}: give a mapping with cron, every, timeout and/or alert")
    cron, every = spec.get("cron"), spec.get("every")
    if cron is not None:
        parse_cron(str(cron), f"{where}: site {name}")
    if every is not None and (not isinstance(every, int | float) or every < MIN_EVERY):
        raise UsageError(f"{where}: site {name}: every must be at least {MIN_EVERY:.0f} seconds")
    timeout = spec.get("timeout", 2.0)
    if not isinstance(timeout, int | float) or not 0 < timeout <= 60:
        raise UsageError(f"{where}: site {name}: timeout must be 0-60 seconds")
    return SiteEntry(check_site(name), None if cron is None else str(cron),
                     None if every is None else float(every), float(timeout),
                     _alerts(spec, f"{where}: site {name}"))  # fmt: skip


def load_fleet_file(path: Path) -> list[SiteEntry]:
    try:
        if path.stat().st_size > MAX_FLEET_FILE:
            raise UsageError(f"{path}: larger than any fleet file")
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read fleet file {path}: {exc}") from None
    sites = data.get("sites") if isinstance(data, dict) else None
    if not isinstance(sites, dict) or not sites:
        raise UsageError(f"{path}: needs 'sites:' with one entry per site")
    return [_entry(str(name), spec, str(path)) for name, spec in sites.items()]


def parse_cron(text: str, where: str) -> crontab:
    fields = text.split()
    if len(fields) != 5:
        raise UsageError(f"{where}: cron {text!r}: give 5 fields (minute hour day month weekday)")
    minute, hour, day, month, weekday = fields
    try:
        return crontab(minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week=weekday)
    except (ValueError, TypeError) as exc:
        raise UsageError(f"{where}: cron {text!r}: {exc}") from None


def beat_schedule(entries: list[SiteEntry]) -> dict[str, dict[str, Any]]:
    """Celery beat entries: one per site that has a cron or a period."""
    out: dict[str, dict[str, Any]] = {}
    for e in entries:
        if e.cron is None and e.every is None:
            continue
        when: Any = parse_cron(e.cron, e.name) if e.cron is not None else e.every
        period = e.every or 3600.0
        out[f"sweep {e.name}"] = {
            "task": SWEEP_TASK, "schedule": when,
            "kwargs": {"site": e.name, "kind": "scan", "timeout": e.timeout},
            "options": {"queue": site_queue(e.name), "expires": max(period, 60.0)},
        }  # fmt: skip
    return out


def run_beat(app: Celery, entries: list[SiteEntry], state_dir: Path) -> int:
    from celery.apps.beat import Beat

    schedule = beat_schedule(entries)
    if not schedule:
        raise UsageError("no site in the fleet file has a cron or every: nothing to schedule")
    app.conf.beat_schedule = schedule
    app.conf.timezone = "UTC"
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    for name, entry in schedule.items():
        log.warning("%s: %s", name, entry["schedule"])
    Beat(app=app, schedule=str(state_dir / "beat-schedule"), loglevel="INFO", redirect_stdouts=False).run()
    return 0

"""Alert cost on big change sets: build (diff -> change set -> webhook body / mail / syslog lines) and
one delivery to each local receiver (HTTP, aiosmtpd, syslog UDP and TCP on 127.0.0.1).

    .venv/bin/python bench/alert_bench.py [--hosts 1000,10000]

No network beyond loopback, no root. Prints one line per measurement (median of 3).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "unit"))

from alert_receivers import smtp_receiver, syslog_tcp_receiver, syslog_udp_receiver, webhook_receiver

from netfinger.alert.deliver import RetryPolicy, deliver_one
from netfinger.alert.interface import TRIGGERS, ChangeSet, SweepInfo
from netfinger.alert.payload import build_changes
from netfinger.alert.registry import parse_alert_url
from netfinger.alert.secrets import Secrets
from netfinger.alert.smtp import build_message, parse_smtp_url
from netfinger.alert.syslog import SyslogTransport
from netfinger.alert.webhook import build_payload, encode_payload
from netfinger.history.diff import diff_reports
from netfinger.report.model import Report
from netfinger.report.samples import large_report, sample_scan_info

POLICY = RetryPolicy(attempts=1, timeout=60.0)


def _median(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def _deliver_all_kinds(changes: ChangeSet, report: Report) -> dict[str, float]:
    out: dict[str, float] = {}
    with webhook_receiver() as hook:
        start = time.perf_counter()
        assert (await deliver_one(parse_alert_url(hook.url, Secrets({})), changes, report, POLICY)).ok
        out["webhook"] = time.perf_counter() - start
    async with smtp_receiver() as box:
        target = parse_alert_url(f"smtp://127.0.0.1:{box.port}?to=soc@example.org", Secrets({}))
        start = time.perf_counter()
        assert (await deliver_one(target, changes, report, POLICY)).ok
        out["smtp"] = time.perf_counter() - start
    for name, receiver in (("syslog+udp", syslog_udp_receiver), ("syslog+tcp", syslog_tcp_receiver)):
        async with receiver() as lines:
            target = parse_alert_url(f"{name}://127.0.0.1:{lines.port}", Secrets({}))
            start = time.perf_counter()
            assert (await deliver_one(target, changes, report, POLICY)).ok
            if name == "syslog+tcp":
                await lines.wait_for(len(changes.hosts))
            out[name] = time.perf_counter() - start
            if name == "syslog+udp":
                await asyncio.sleep(0.5)  # UDP is lossy by design: count what arrived
                print(f"  syslog+udp: {len(lines.lines)} of {len(changes.hosts)} datagrams arrived")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", default="1000,10000")
    counts = [int(n) for n in parser.parse_args().hosts.split(",")]
    for n in counts:
        new = large_report(n)
        old = Report(scan=sample_scan_info(), hosts=[])
        sweep = SweepInfo(2, 1, "bench")
        diff_s = _median(lambda: diff_reports(old, new))  # noqa: B023
        diff = diff_reports(old, new)
        changes = build_changes(diff, sweep, TRIGGERS)
        build_s = _median(lambda: build_changes(diff, sweep, TRIGGERS))  # noqa: B023
        body = encode_payload(build_payload(changes))
        body_s = _median(lambda: encode_payload(build_payload(changes)))  # noqa: B023
        settings = parse_smtp_url("smtp://x", "smtp://127.0.0.1?to=a@example.org", Secrets({}))
        mail_s = _median(lambda: build_message(changes, new, settings), runs=1)  # noqa: B023
        syslog = SyslogTransport("syslog://127.0.0.1", "127.0.0.1", 514, False, 1)
        lines_s = _median(lambda: syslog.lines(changes))  # noqa: B023
        print(
            f"{n} hosts, {len(changes.hosts)} alerting: diff {diff_s * 1000:.0f} ms, change set "
            f"{build_s * 1000:.0f} ms, webhook body {body_s * 1000:.0f} ms ({len(body) / 1e6:.2f} MB), "
            f"mail with HTML report {mail_s * 1000:.0f} ms, syslog lines {lines_s * 1000:.0f} ms"
        )
        sent = asyncio.run(_deliver_all_kinds(changes, new))
        print("  delivered to 127.0.0.1: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in sent.items()))


if __name__ == "__main__":
    main()

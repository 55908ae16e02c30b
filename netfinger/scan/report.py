"""Turn the evidence store into a Report: one HostReport per host, verdicts from the matcher."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime
from ipaddress import IPv4Network

from netfinger import __version__
from netfinger.evidence import HostEvidence
from netfinger.match import default_matcher, signatures_version
from netfinger.match.interface import Matcher, Verdict
from netfinger.report.model import HostReport, Report, ScanInfo
from netfinger.scan.config import ScanConfig
from netfinger.scan.identity import note_conflicts
from netfinger.scan.store import EvidenceStore

log = logging.getLogger("netfinger.scan")


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def classify(matcher: Matcher, host: HostEvidence) -> Verdict:
    try:
        return matcher.classify(host)
    except Exception as exc:  # a matcher bug must not lose the scan
        log.debug("matcher failed on %s", host.ip, exc_info=True)
        return Verdict(notes=(f"matcher failed: {type(exc).__name__}",))


def load_matcher() -> tuple[Matcher | None, str]:
    """The matcher and the signatures' version (slow: signatures are parsed), never raising."""
    try:
        sig_version = signatures_version()
    except Exception:  # a broken signature set still yields a report, marked as such
        sig_version = "unavailable"
    try:
        return default_matcher(), sig_version
    except Exception:
        log.warning("the matcher could not be loaded; hosts are reported without verdicts", exc_info=True)
        return None, sig_version


def build_report(config: ScanConfig, store: EvidenceStore, outcomes: dict[str, str], *,
                 networks: tuple[IPv4Network, ...], started: str, interrupted: bool,
                 matcher: tuple[Matcher | None, str] | None = None) -> Report:
    matcher_, sig_version = matcher if matcher is not None else load_matcher()
    info = ScanInfo(
        start=started,
        end=utc_now(),
        targets=[str(n) for n in networks],
        probes={name: outcomes.get(name, "failed: not run (interrupted)") for name in
                dict.fromkeys(config.probes)},
        netfinger_version=__version__,
        signatures_version=sig_version,
        scanner_host=socket.gethostname(),
        interrupted=interrupted,
    )
    evidence = store.hosts() + ([] if config.only_targets else store.outside_hosts())
    note_conflicts(evidence)
    hosts = [
        HostReport(evidence=h, verdict=classify(matcher_, h) if matcher_ else Verdict())
        for h in evidence
    ]
    return Report(scan=info, hosts=hosts)

"""The session's store and counts into a Report (``scan.mode: "passive"``), with the scan's matcher."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import UTC, datetime

from netfinger import __version__
from netfinger.match.interface import Matcher, Verdict
from netfinger.passive.session import PassiveSession
from netfinger.report.model import HostReport, Presence, Report, ScanInfo
from netfinger.scan.identity import note_conflicts
from netfinger.scan.report import classify, load_matcher, utc_now


def iso(ts: float) -> str:
    try:
        return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    except (OverflowError, OSError, ValueError):
        return ""


def outcomes(session: PassiveSession, source: str, reader_notes: list[str]) -> dict[str, str]:
    """Per decoder, the number of messages it read; 'capture' says what was read and what was wrong."""
    c = session.counts
    notes = [f"{n}× {text}" if n > 1 else text for text, n in c.notes.most_common(8)]
    notes = reader_notes[:8] + notes
    capture = f"completed ({c.records} frames from {source}, {c.packets} decoded, {c.skipped} skipped unread)"
    if session.reassembler.evicted:
        notes.append(f"{session.reassembler.evicted} TCP connections decoded early (reassembly table full)")
    if notes:
        capture += "; anomalies: " + "; ".join(notes)
    out = {"capture": capture[:2000]}
    for name in session.decoder_names:
        out[name] = f"completed ({c.per_decoder.get(name, 0)} findings)"
    return out


CLIENT_SIGNALS = ("sadp-inquiry", "dhip-search", "wsd-probe", "ssdp-search", "mdns-query")
CLIENT_NOTE = ("client: searched for devices ({signals}), as a PC running SADP Tool or ConfigTool, a "
               "recorder or a VMS does; a search is no evidence that this host is a device")


def client_note(signals: tuple[str, ...]) -> str | None:
    """The note for a host heard searching for devices (its own replies, if any, still count)."""
    searched = [s for s in signals if s in CLIENT_SIGNALS]
    return CLIENT_NOTE.format(signals=", ".join(searched)) if searched else None


def build_passive_report(session: PassiveSession, *, source: str, started: str, interrupted: bool,
                         reader_notes: list[str] | None = None,
                         matcher: tuple[Matcher | None, str] | None = None) -> Report:
    matcher_, sig_version = matcher if matcher is not None else load_matcher()
    info = ScanInfo(
        start=started, end=utc_now(), targets=[source],
        probes=outcomes(session, source, reader_notes or []), netfinger_version=__version__,
        signatures_version=sig_version, scanner_host=socket.gethostname(), interrupted=interrupted,
        mode="passive",
    )
    evidence = session.store.hosts()
    note_conflicts(evidence)
    hosts = []
    for host in evidence:
        seen = session.store.seen.get(id(host))
        presence = Presence(iso(seen.first), iso(seen.last), tuple(seen.signals)) if seen else None
        verdict = classify(matcher_, host) if matcher_ else Verdict()
        note = client_note(presence.signals) if presence else None
        if note:
            verdict = replace(verdict, notes=(*verdict.notes, note))
        hosts.append(HostReport(evidence=host, verdict=verdict, presence=presence))
    return Report(scan=info, hosts=hosts)

"""Passive identification: read a capture or listen on an interface, send nothing, report who is there.

``readers/`` (file, live) → :mod:`frames` → ``decoders/`` (one per protocol, calling the same
``netfinger.protocols`` parsers as the probes) and :mod:`streams` (bounded TCP reassembly) →
:mod:`store` → :mod:`report` (the scan's matcher and report model, ``scan.mode: "passive"``).

``listen`` and ``ListenConfig`` (the readers, the session, the report) are imported on first use: the
scan's link-layer listener needs only :mod:`frames` and :mod:`fragments`, and importing all of it
took ~50 ms of the event loop's time in the middle of a scan's discovery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netfinger.passive.run import ListenConfig, listen


def __getattr__(name: str) -> Any:
    if name in {"ListenConfig", "listen"}:
        from netfinger.passive import run

        return getattr(run, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ListenConfig", "listen"]

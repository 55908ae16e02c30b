"""Passive identification: read a capture or listen on an interface, send nothing, report who is there.

``readers/`` (file, live) → :mod:`frames` → ``decoders/`` (one per protocol, calling the same
``netfinger.protocols`` parsers as the probes) and :mod:`streams` (bounded TCP reassembly) →
:mod:`store` → :mod:`report` (the scan's matcher and report model, ``scan.mode: "passive"``).
"""

from netfinger.passive.run import ListenConfig, listen

__all__ = ["ListenConfig", "listen"]

"""The matcher: host evidence in, verdicts out, driven by the signature data in ``signatures/``.

Callers use only ``default_matcher()``, ``signatures_version()`` and the ``Matcher`` interface.
The engine and the loader (YAML, JSON Schema) are imported on first use, not with the package: the
report model imports the interface, and ``--help`` or ``report`` must not pay for the loader.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from netfinger.match.interface import EvidenceRef, Matcher, Verdict, VulnFinding

if TYPE_CHECKING:
    from netfinger.match.engine import SignatureMatcher
    from netfinger.match.loader import SignatureError
    from netfinger.match.model import Signatures

__all__ = [
    "EvidenceRef",
    "Matcher",
    "SignatureError",
    "SignatureMatcher",
    "Verdict",
    "VulnFinding",
    "default_matcher",
    "default_signatures",
    "signatures_version",
]

_LAZY = {"SignatureMatcher": "netfinger.match.engine", "SignatureError": "netfinger.match.loader"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=1)
def default_signatures() -> Signatures:
    """The shipped signature set, loaded and schema-checked once per process."""
    from netfinger.match.loader import load_signatures

    return load_signatures()


def default_matcher() -> Matcher:
    return _default_matcher()


@lru_cache(maxsize=1)
def _default_matcher() -> SignatureMatcher:
    from netfinger.match.engine import SignatureMatcher

    return SignatureMatcher(default_signatures())


def signatures_version() -> str:
    return default_signatures().version

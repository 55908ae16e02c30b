"""The matcher: host evidence in, verdicts out, driven by the signature data in ``signatures/``.

Callers use only ``default_matcher()``, ``signatures_version()`` and the ``Matcher`` interface.
"""

from __future__ import annotations

from functools import lru_cache

from netfinger.match.engine import SignatureMatcher
from netfinger.match.interface import EvidenceRef, Matcher, Verdict, VulnFinding
from netfinger.match.loader import SignatureError, load_signatures
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


@lru_cache(maxsize=1)
def default_signatures() -> Signatures:
    """The shipped signature set, loaded and schema-checked once per process."""
    return load_signatures()


def default_matcher() -> Matcher:
    return _default_matcher()


@lru_cache(maxsize=1)
def _default_matcher() -> SignatureMatcher:
    return SignatureMatcher(default_signatures())


def signatures_version() -> str:
    return default_signatures().version

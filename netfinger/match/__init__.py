"""The matcher: host evidence in, verdicts out.

Interim: ``default_matcher`` returns a matcher that decides nothing, until the signature-driven
matcher lands (issue 4). Callers use only ``default_matcher()`` and the ``Matcher`` interface.
"""

from __future__ import annotations

from netfinger.evidence import HostEvidence
from netfinger.match.interface import Matcher, Verdict


class _UndecidedMatcher(Matcher):
    def classify(self, host: HostEvidence) -> Verdict:
        return Verdict()


def default_matcher() -> Matcher:
    return _UndecidedMatcher()


def signatures_version() -> str:
    return "none"

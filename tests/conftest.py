"""Shared fixtures. Nothing here needs root unless a test asks for a lab.

``default_lab``: the built-in default site, up once per test session under a unique short name and
always torn down at the end. Lab tests take it and run their traffic inside ``lab.scanner_ns``.
Tests marked ``lab`` are skipped, with the reason, when not root or when namespaces are unavailable.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from netfinger import cachedir
from netfinger.lab import api
from netfinger.lab.state import LabState, unique_lab_name

LAB_SKIP_REASON = "lab tests need root and network namespaces"

# The derived-data cache (MAC registry index, checked signatures): one per test session, inherited by
# every netfinger the tests start, so no test reads or writes the user's own cache.
_CACHE = os.environ.setdefault(cachedir.ENV_VAR, tempfile.mkdtemp(prefix="netfinger-cache-"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if Path(_CACHE).name.startswith("netfinger-cache-"):
        shutil.rmtree(_CACHE, ignore_errors=True)


def lab_unavailable() -> str | None:
    """Why lab tests cannot run here, or None when they can."""
    if os.geteuid() != 0:
        return LAB_SKIP_REASON + " (not root)"
    if shutil.which("ip") is None:
        return LAB_SKIP_REASON + " (no ip command: install iproute2)"
    if not Path("/proc/self/ns/net").exists():
        return LAB_SKIP_REASON + " (no network namespaces)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = lab_unavailable()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("lab") is not None:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def default_lab() -> Iterator[LabState]:
    """The built-in default site, up for the whole session (root only)."""
    if lab_unavailable() is not None:
        pytest.skip(LAB_SKIP_REASON)
    name = unique_lab_name("td")
    api.down(name)  # leftovers of a crashed session that had our pid
    with api.running_lab("default", name=name) as state:
        yield state

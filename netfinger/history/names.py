"""The history's light names (no SQLAlchemy): what the CLI needs to declare its options and check a
site name before any store is opened."""

from __future__ import annotations

import re

from netfinger.errors import UsageError

DB_HELP = "sweep history: a SQLite file path, or a postgresql:// URL"
DEFAULT_SITE = "default"
REF_HELP = "a report file, or with --db a sweep id, 'last' or 'last~N' (N sweeps before the site's last)"
_SITE = re.compile(r"^[\w .:@/-]{1,64}$")


def check_site(site: str) -> str:
    if not _SITE.match(site):
        raise UsageError(f"site name {site!r}: use 1-64 letters, digits, spaces or . : @ / - _")
    return site

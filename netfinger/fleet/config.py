"""Fleet configuration: broker and database URLs (flag, else environment), site and queue names."""

from __future__ import annotations

import os
import re

from netfinger.errors import UsageError

BROKER_ENV = "NETFINGER_BROKER"
DB_ENV = "NETFINGER_DB"
FLEET_ENV = "NETFINGER_FLEET"
VISIBILITY_ENV = "NETFINGER_VISIBILITY_TIMEOUT"
CA_ENV = "NETFINGER_BROKER_CA"
DEFAULT_VISIBILITY_TIMEOUT = 3600  # an unacknowledged task goes to another sensor after this long
SITE_QUEUE_PREFIX = "netfinger.site."
RESULT_QUEUE_PREFIX = "netfinger.results."
SWEEP_TASK = "netfinger.sweep"
RESULT_TASK = "netfinger.result"
FAILURE_TASK = "netfinger.failure"
HEARTBEAT_TASK = "netfinger.heartbeat"
_SITE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
_PASSWORD = re.compile(r"(//[^:/@]*:)[^@]*@")


def check_site(name: str) -> str:
    """A site name fit for a queue name: 1-63 letters, digits, '-' or '_'."""
    if not _SITE.match(name):
        raise UsageError(f"site name {name!r}: use 1-63 letters, digits, '-' or '_' (it names a queue)")
    return name


def site_queue(site: str) -> str:
    """The queue a site's sensors consume: HQ's orders for that site only."""
    return SITE_QUEUE_PREFIX + check_site(site)


def result_queue(site: str) -> str:
    """The queue a site's sensors publish results and heartbeats to."""
    return RESULT_QUEUE_PREFIX + check_site(site)


def site_of_result_queue(queue: str | None) -> str | None:
    if not queue or not queue.startswith(RESULT_QUEUE_PREFIX):
        return None
    site = queue[len(RESULT_QUEUE_PREFIX):]
    return site if _SITE.match(site) else None


def broker_url(flag: str | None) -> str:
    url = flag or os.environ.get(BROKER_ENV, "")
    if not url:
        raise UsageError(f"no broker: give --broker redis://USER:PASSWORD@HOST:6379/0 or set {BROKER_ENV}")
    if not url.startswith(("redis://", "rediss://", "redis+socket://")):
        raise UsageError(f"broker {redact(url)}: netfinger's fleet runs on Redis (redis:// or rediss://)")
    return url


def db_url(flag: str | None) -> str:
    url = flag or os.environ.get(DB_ENV, "")
    if not url:
        raise UsageError(f"no database: give --db postgresql://USER:PASSWORD@HOST/DB or set {DB_ENV}")
    return url


def visibility_timeout() -> int:
    text = os.environ.get(VISIBILITY_ENV, "")
    try:
        value = int(text) if text else DEFAULT_VISIBILITY_TIMEOUT
    except ValueError:
        raise UsageError(f"{VISIBILITY_ENV}={text!r}: give whole seconds") from None
    if value < 5:
        raise UsageError(f"{VISIBILITY_ENV}={value}: at least 5 seconds (and longer than a sweep takes)")
    return value


def redact(url: str) -> str:
    """A URL fit for a log: the password shown as ***."""
    return _PASSWORD.sub(r"\1***@", url)

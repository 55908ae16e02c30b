"""The transports, keyed by URL scheme, and the one parser that turns an ``--alert`` URL into one."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from netfinger.alert.interface import Transport
from netfinger.alert.secrets import Secrets, refuse_literal_secrets
from netfinger.alert.smtp import SmtpTransport
from netfinger.alert.syslog import SyslogTransport
from netfinger.alert.webhook import WebhookTransport
from netfinger.errors import UsageError

Factory = Callable[[str, str, Secrets], Transport]

TRANSPORTS: dict[str, Factory] = {
    "http": WebhookTransport.from_url,
    "https": WebhookTransport.from_url,
    "smtp": SmtpTransport.from_url,
    "smtps": SmtpTransport.from_url,
    "syslog": SyslogTransport.from_url,
    "syslog+udp": SyslogTransport.from_url,
    "syslog+tcp": SyslogTransport.from_url,
}


def parse_alert_url(text: str, secrets: Secrets) -> Transport:
    """The transport for one ``--alert`` value; UsageError with what to write instead.

    A value that is one placeholder (``${SLACK_WEBHOOK_URL}``) is expanded first; otherwise the
    transport fills in the placeholders it allows. ``display`` stays the text as typed.
    """
    display = text.strip()
    refuse_literal_secrets(display)
    typed = secrets.expand(display) if display.startswith("${") and display.endswith("}") else display
    scheme = urlsplit(typed).scheme.lower()
    factory = TRANSPORTS.get(scheme)
    if factory is None:
        raise UsageError(
            f"alert URL {display}: unknown scheme {scheme or '(none)'!r}; use one of "
            + ", ".join(f"{s}://" for s in TRANSPORTS)
        )
    return factory(display, typed, secrets)

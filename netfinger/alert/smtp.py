"""``smtp://`` and ``smtps://`` alerts: a short plain-text mail, with the sweep's HTML report attached.

``smtp://[user[:${PASSWORD}]@]host[:port]?to=soc@example.org,other@example.org[&from=...][&starttls=...]``
(port 25 by default; ``smtps://`` is TLS from the first byte, port 465). ``starttls=auto`` (default)
upgrades when the server offers it, ``always`` refuses a server that does not, ``never`` stays plain.
With a user, the password is the URL's ``${NAME}`` placeholder or ``NETFINGER_SMTP_PASSWORD``
(environment or secret file); it is sent only over TLS, or to a loopback address. Device text goes in
the body only, never in a header, with control characters replaced.
"""

from __future__ import annotations

import asyncio
import ipaddress
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from netfinger.alert.interface import ChangeSet, DeliveryError, Transport
from netfinger.alert.payload import MAX_HOSTS
from netfinger.alert.secrets import Secrets
from netfinger.alert.text import host_line, inert
from netfinger.errors import UsageError
from netfinger.report import RENDERERS, RenderOptions
from netfinger.report.model import Report

PASSWORD_NAME = "NETFINGER_SMTP_PASSWORD"  # noqa: S105 (the variable's name, not a password)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
STARTTLS_CHOICES = ("auto", "always", "never")


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    implicit_tls: bool
    starttls: str
    sender: str
    recipients: tuple[str, ...]
    user: str | None = None
    password: str | None = None

    @property
    def loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


def _address(text: str, display: str) -> str:
    name, addr = parseaddr(text)
    if "@" not in addr or any(c in text for c in "\r\n") or name:
        raise UsageError(f"alert URL {display}: {text!r} is not a plain mail address")
    return addr


def parse_smtp_url(display: str, url: str, secrets: Secrets) -> SmtpSettings:
    """``url`` as typed: a ``${NAME}`` in the password is filled in after parsing, so a password may
    hold any character."""
    parts = urlsplit(url)
    query = {k: ",".join(v) for k, v in parse_qs(parts.query).items()}
    if not parts.hostname:
        raise UsageError(f"alert URL {display} has no mail server")
    recipients = tuple(_address(a.strip(), display) for a in query.get("to", "").split(",") if a.strip())
    if not recipients:
        raise UsageError(f"alert URL {display} needs ?to=address[,address...]")
    starttls = query.get("starttls", "auto")
    if starttls not in STARTTLS_CHOICES:
        raise UsageError(f"alert URL {display}: starttls must be one of {', '.join(STARTTLS_CHOICES)}")
    user = unquote(parts.username) if parts.username else None
    password = secrets.expand(unquote(parts.password)) if parts.password else secrets.get(PASSWORD_NAME)
    if user and password is None:
        raise UsageError(f"alert URL {display} names user {user!r}: set {PASSWORD_NAME} in the environment "
                         "or --alert-secret-file (or write user:${NAME}@ in the URL)")  # fmt: skip
    implicit = parts.scheme == "smtps"
    sender = _address(query.get("from") or f"netfinger@{socket.gethostname() or 'localhost'}", display)
    try:
        port = parts.port or (465 if implicit else 25)
    except ValueError as exc:
        raise UsageError(f"alert URL {display}: {exc}") from exc
    return SmtpSettings(parts.hostname, port, implicit, starttls, sender, recipients, user, password)


def build_message(changes: ChangeSet, report: Report, settings: SmtpSettings) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = inert(changes.summary, 200)
    msg["From"] = settings.sender
    msg["To"] = ", ".join(settings.recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2])
    lines = [inert(changes.summary, 200), ""] + [host_line(h) for h in changes.hosts[:MAX_HOSTS]]
    if len(changes.hosts) > MAX_HOSTS:
        lines.append(f"... and {len(changes.hosts) - MAX_HOSTS} more; see the attached report")
    html = RENDERERS["html"].render(report, RenderOptions())
    name = f"netfinger-sweep-{changes.sweep.sweep_id}.html"
    if len(html.encode("utf-8")) <= MAX_ATTACHMENT_BYTES:
        lines += ["", f"The full report of sweep {changes.sweep.sweep_id} is attached ({name})."]
    else:
        lines += ["", f"The report of sweep {changes.sweep.sweep_id} is too large to attach; "
                  "'netfinger report' renders it from the history."]  # fmt: skip
    msg.set_content("\n".join(lines) + "\n", charset="us-ascii")
    if len(html.encode("utf-8")) <= MAX_ATTACHMENT_BYTES:
        msg.add_attachment(html, subtype="html", filename=name)
    return msg


def _code_error(code: int, text: str) -> DeliveryError:
    return DeliveryError(f"SMTP {code} {inert(text, 200)}", permanent=500 <= code < 600)


def _transact(smtp: smtplib.SMTP, settings: SmtpSettings, msg: EmailMessage) -> None:
    tls = settings.implicit_tls
    smtp.ehlo()
    if not tls and settings.starttls != "never" and smtp.has_extn("starttls"):
        smtp.starttls(context=ssl.create_default_context())
        smtp.ehlo()
        tls = True
    if not tls and settings.starttls == "always":
        raise DeliveryError(f"{settings.host} does not offer STARTTLS (starttls=always)", permanent=True)
    if settings.user:
        if not tls and not settings.loopback:
            raise DeliveryError(f"refusing to send the SMTP password to {settings.host} without TLS",
                                permanent=True)  # fmt: skip
        smtp.login(settings.user, settings.password or "")
    smtp.send_message(msg, from_addr=settings.sender, to_addrs=list(settings.recipients))


def send_mail(settings: SmtpSettings, msg: EmailMessage, timeout: float) -> None:
    """Blocking: connect, optionally upgrade and log in, send. Raises DeliveryError."""
    try:
        if settings.implicit_tls:
            ctx = ssl.create_default_context()
            with smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout, context=ctx) as smtp:
                _transact(smtp, settings, msg)
        else:
            with smtplib.SMTP(settings.host, settings.port, timeout=timeout) as smtp:
                _transact(smtp, settings, msg)
    except smtplib.SMTPRecipientsRefused as exc:
        code, refused = next(iter(exc.recipients.values()))
        raise _code_error(code, refused.decode("utf-8", "replace")) from exc
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error
        raise _code_error(
            exc.smtp_code, text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:  # e.g. AUTH offered only after STARTTLS
        raise DeliveryError(f"{settings.host}: {inert(exc, 200)}", permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {inert(exc, 200)}") from exc


class SmtpTransport(Transport):
    scheme = "smtp"

    def __init__(self, display: str, settings: SmtpSettings) -> None:
        super().__init__(display)
        self._settings = settings

    @classmethod
    def from_url(cls, display: str, url: str, secrets: Secrets) -> SmtpTransport:
        return cls(display, parse_smtp_url(display, url, secrets))

    async def send(self, changes: ChangeSet, report: Report, io_timeout: float) -> None:
        msg = build_message(changes, report, self._settings)
        await asyncio.to_thread(send_mail, self._settings, msg, io_timeout)

"""Real alert receivers for the tests, all on 127.0.0.1 with an ephemeral port, all stopped after use.

* :class:`WebhookReceiver`: a threaded HTTP server recording every POST; it can answer the first
  ``fail_first`` POSTs with ``fail_status`` (a receiver that fails, then accepts).
* :func:`smtp_receiver`: an aiosmtpd server in the running event loop, recording every message;
  it can answer ``451`` to the first ``fail_first`` messages and require a login.
* :func:`syslog_udp_receiver` / :func:`syslog_tcp_receiver`: record RFC 5424 lines (TCP with
  RFC 6587 octet counting); ``wait_for`` waits, bounded, until enough lines have arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import re
import ssl
import threading
import warnings
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

WAIT_S = 20.0  # generous: a loaded 2-core machine


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    def __init__(self, fail_first: int = 0, fail_status: int = 503) -> None:
        self.posts: list[Post] = []
        self.fail_first = fail_first
        self.fail_status = fail_status
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.posts.append(Post(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                failing = len(receiver.posts) <= receiver.fail_first
                self.send_response(receiver.fail_status if failing else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(WAIT_S)


@contextlib.contextmanager
def webhook_receiver(fail_first: int = 0, fail_status: int = 503) -> Iterator[WebhookReceiver]:
    with WebhookReceiver(fail_first, fail_status) as receiver:
        yield receiver


@dataclass
class MailBox:
    port: int = 0
    fail_first: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    attempts: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.attempts += 1
        if self.attempts <= self.fail_first:
            return "451 4.3.0 try again later"
        raw = envelope.original_content or b""
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        self.envelopes.append((str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos]))
        return "250 OK"


@contextlib.asynccontextmanager
async def smtp_receiver(fail_first: int = 0, login: tuple[str, str] | None = None,
                        tls: ssl.SSLContext | None = None) -> AsyncIterator[MailBox]:  # fmt: skip
    """With ``tls``, the server offers and requires STARTTLS (and AUTH only after it)."""
    box = MailBox(fail_first=fail_first)

    def authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                     auth_data: Any) -> AuthResult:  # fmt: skip
        assert isinstance(auth_data, LoginPassword)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        box.logins.append((user, password))
        return AuthResult(success=login is not None and (user, password) == login, handled=False)

    def factory() -> SMTP:
        with warnings.catch_warnings():  # AUTH without TLS: deliberate, on loopback
            warnings.simplefilter("ignore", UserWarning)
            return SMTP(box, hostname="receiver.test", auth_require_tls=tls is not None,
                        authenticator=authenticate, auth_required=login is not None,
                        tls_context=tls, require_starttls=tls is not None)  # fmt: skip

    server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0)
    box.port = server.sockets[0].getsockname()[1]
    try:
        yield box
    finally:
        server.close()
        await server.wait_closed()


class LineBox:
    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self.port = 0
        self._changed = asyncio.Event()

    def add(self, line: bytes) -> None:
        self.lines.append(line)
        self._changed.set()

    async def wait_for(self, count: int) -> list[bytes]:
        async with asyncio.timeout(WAIT_S):
            while len(self.lines) < count:
                self._changed.clear()
                await self._changed.wait()
        return self.lines


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, box: LineBox) -> None:
        self.box = box

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.box.add(data)


@contextlib.asynccontextmanager
async def syslog_udp_receiver() -> AsyncIterator[LineBox]:
    box = LineBox()
    transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
        lambda: _Udp(box), local_addr=("127.0.0.1", 0)
    )
    box.port = transport.get_extra_info("sockname")[1]
    try:
        yield box
    finally:
        transport.close()


@contextlib.asynccontextmanager
async def syslog_tcp_receiver() -> AsyncIterator[LineBox]:
    box = LineBox()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                length = (await reader.readuntil(b" ")).strip()
                box.add(await reader.readexactly(int(length)))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    box.port = server.sockets[0].getsockname()[1]
    try:
        yield box
    finally:
        server.close()
        await server.wait_closed()


_HEADER = re.compile(rb"^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) ")
_PARAM = re.compile(r'\s*([^=\s\]"]+)="((?:[^"\\\]]|\\["\\\]])*)"')


@dataclass
class SyslogLine:
    pri: int
    timestamp: str
    hostname: str
    app: str
    msgid: str
    sd_id: str
    params: dict[str, str]
    msg: str


def parse_syslog(line: bytes) -> SyslogLine:
    """A strict RFC 5424 reading of one line with one SD element; AssertionError when malformed."""
    head = _HEADER.match(line)
    assert head is not None, line
    rest = line[head.end() :].decode("ascii")
    assert rest.startswith("["), rest
    sd_id, _, rest = rest[1:].partition(" ")
    params: dict[str, str] = {}
    while not rest.startswith("]"):
        m = _PARAM.match(rest)
        assert m is not None, rest
        params[m.group(1)] = re.sub(r'\\(["\\\]])', r"\1", m.group(2))
        rest = rest[m.end() :]
    assert rest.startswith("] "), rest
    return SyslogLine(int(head.group(1)), head.group(2).decode(), head.group(3).decode(),
                      head.group(4).decode(), head.group(6).decode(), sd_id, params, rest[2:])  # fmt: skip


def self_signed_tls(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for 127.0.0.1 and the certificate file a client trusts it by."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))  # fmt: skip
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file

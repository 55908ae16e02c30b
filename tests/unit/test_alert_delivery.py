"""Alerts arriving at real receivers on 127.0.0.1: webhook, SMTP (aiosmtpd), syslog over UDP and TCP.

Retries against a receiver that fails twice and then accepts; a permanent refusal is not retried;
hostile device text (rich markup, ANSI, HTML, formulas, bidi override) arrives inert everywhere.
"""

from __future__ import annotations

import asyncio
import json
from email.message import EmailMessage
from pathlib import Path

import jsonschema
import pytest
from alert_receivers import (
    parse_syslog,
    self_signed_tls,
    smtp_receiver,
    syslog_tcp_receiver,
    syslog_udp_receiver,
    webhook_receiver,
)
from alert_reports import HOSTILE_CVE, axis_host, dahua_host, hostile_banned, report, sweep

from netfinger.alert.deliver import Delivery, RetryPolicy, deliver_one
from netfinger.alert.interface import TRIGGERS, ChangeSet
from netfinger.alert.payload import build_changes
from netfinger.alert.registry import parse_alert_url
from netfinger.alert.schema import alert_schema
from netfinger.alert.secrets import Secrets
from netfinger.history.diff import diff_reports
from netfinger.report.model import Report
from netfinger.report.samples import HOSTILE_BRAND, HOSTILE_FIRMWARE, HOSTILE_MAKER, HOSTILE_MODEL

FAST = RetryPolicy(attempts=4, backoff=0.01, timeout=10.0)
NEW = report(axis_host(), dahua_host(), hostile_banned())
OLD = report(axis_host())


def _changes() -> ChangeSet:
    return build_changes(diff_reports(OLD, NEW), sweep(), TRIGGERS)


def _send(url: str, secrets: Secrets | None = None, policy: RetryPolicy = FAST,
          current: Report = NEW) -> Delivery:  # fmt: skip
    target = parse_alert_url(url, secrets or Secrets(environ={}))
    return asyncio.run(deliver_one(target, _changes(), current, policy))


def _assert_inert_ascii(text: str) -> None:
    assert text.isascii()
    assert all(c.isprintable() or c in "\r\n" for c in text), repr(text)
    assert "\x1b" not in text and "\u202e" not in text


def test_webhook_posts_schema_valid_json_with_hostile_text_escaped() -> None:
    with webhook_receiver() as hook:
        delivery = _send(hook.url)
    assert delivery == Delivery(hook.url, True, 1)
    (post,) = hook.posts
    assert post.path == "/hook" and post.headers["content-type"] == "application/json"
    assert "authorization" not in post.headers
    raw = post.body.decode("ascii")  # ensure_ascii: not one raw control or bidi character
    assert "<" not in raw and ">" not in raw and "&" not in raw and "\x1b" not in raw
    body = json.loads(raw)
    jsonschema.Draft202012Validator(alert_schema()).validate(body)
    hostile = next(h for h in body["hosts"] if h["ip"] == "192.168.50.66")
    # JSON-escaped, not altered: the receiver gets exactly what the device said.
    assert (hostile["model"], hostile["brand"], hostile["manufacturer"], hostile["firmware"]) == (
        HOSTILE_MODEL, HOSTILE_BRAND, HOSTILE_MAKER, HOSTILE_FIRMWARE)  # fmt: skip
    assert hostile["new_vulnerabilities"] == [HOSTILE_CVE]
    text = body["text"]
    _assert_inert_ascii(text)
    assert "<script>" not in text and "&lt;script&gt;" in text and "[bold red]" in text
    assert "\\x1b[31m" in text and "\\u202e" in text  # shown as visible escapes
    block = text.split("```")[1]
    assert all(not line.startswith(("=", "+", "-", "@")) for line in block.splitlines())


def test_webhook_token_from_the_environment_and_url_placeholder() -> None:
    with webhook_receiver() as hook:
        port = hook.url.split(":")[2].split("/")[0]
        secrets = Secrets(environ={"NETFINGER_WEBHOOK_TOKEN": "t0ken", "HOOK_PATH": "hook"})
        delivery = _send(f"http://127.0.0.1:{port}/${{HOOK_PATH}}", secrets)
    assert delivery.ok and delivery.target == f"http://127.0.0.1:{port}/${{HOOK_PATH}}"
    assert hook.posts[0].path == "/hook" and hook.posts[0].headers["authorization"] == "Bearer t0ken"


def test_webhook_retries_a_receiver_that_fails_twice_then_accepts() -> None:
    with webhook_receiver(fail_first=2) as hook:
        delivery = _send(hook.url)
    assert (delivery.ok, delivery.attempts) == (True, 3)
    assert len(hook.posts) == 3 and len({p.body for p in hook.posts}) == 1


def test_webhook_gives_up_after_bounded_attempts_and_says_why() -> None:
    with webhook_receiver(fail_first=99) as hook:
        delivery = _send(hook.url, policy=RetryPolicy(attempts=3, backoff=0.01, timeout=10.0))
    assert (delivery.ok, delivery.attempts, delivery.error) == (False, 3, "HTTP 503 Service Unavailable")
    assert len(hook.posts) == 3


@pytest.mark.parametrize(("status", "error"), [(404, "HTTP 404 Not Found"), (302, "HTTP 302 Found")])
def test_webhook_permanent_refusal_or_redirect_is_not_retried(status: int, error: str) -> None:
    with webhook_receiver(fail_first=99, fail_status=status) as hook:
        delivery = _send(hook.url)
    assert (delivery.ok, delivery.attempts, delivery.error) == (False, 1, error)
    assert len(hook.posts) == 1  # and the redirect was not followed


def test_retry_back_off_doubles_and_is_capped() -> None:
    policy = RetryPolicy(backoff=2.0, max_backoff=5.0)
    assert [policy.delay(n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 5.0, 5.0]


def _mail_body(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    content = part.get_content()
    assert isinstance(content, str)
    return content


def test_smtp_mail_is_plain_text_with_the_html_report_attached() -> None:
    async def run() -> tuple[
        Delivery, list[EmailMessage], list[tuple[str, str]], list[tuple[str, list[str]]]
    ]:
        async with smtp_receiver(login=("alerts", "s3cret")) as box:
            url = f"smtp://alerts@127.0.0.1:{box.port}?to=soc@example.org,noc@example.org&from=nf@example.org"
            target = parse_alert_url(url, Secrets(environ={"NETFINGER_SMTP_PASSWORD": "s3cret"}))
            delivery = await deliver_one(target, _changes(), NEW, FAST)
            return delivery, box.messages, box.logins, box.envelopes

    delivery, messages, logins, envelopes = asyncio.run(run())
    assert delivery.ok and delivery.attempts == 1
    assert logins == [("alerts", "s3cret")]
    assert envelopes == [("nf@example.org", ["soc@example.org", "noc@example.org"])]
    (msg,) = messages
    assert msg["Subject"] == "netfinger (sweep 2 vs 1): 2 newly banned, 2 with new vulnerabilities"
    body = _mail_body(msg)
    _assert_inert_ascii(body)
    assert "NEW 192.168.50.34 (3c:ef:8c:aa:bb:cc) Dahua IPC-HDW1431T1-S4" in body
    assert "\\x1b[31m" in body and "\\u202e" in body
    assert all(not line.startswith(("=", "+", "-", "@")) for line in body.splitlines())
    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_filename() == "netfinger-sweep-2.html"
    html = attachment.get_content()
    assert html.startswith("<!DOCTYPE html>") and "<script>document.title" not in html


def test_smtp_retries_a_server_that_defers_twice() -> None:
    async def run() -> tuple[Delivery, int, int]:
        async with smtp_receiver(fail_first=2) as box:
            target = parse_alert_url(f"smtp://127.0.0.1:{box.port}?to=soc@example.org", Secrets(environ={}))
            delivery = await deliver_one(target, _changes(), NEW, FAST)
            return delivery, box.attempts, len(box.messages)

    delivery, attempts, received = asyncio.run(run())
    assert (delivery.ok, delivery.attempts, attempts, received) == (True, 3, 3, 1)


def test_smtp_wrong_password_is_a_permanent_failure() -> None:
    async def run() -> Delivery:
        async with smtp_receiver(login=("alerts", "right")) as box:
            url = f"smtp://alerts:${{PW}}@127.0.0.1:{box.port}?to=soc@example.org"
            target = parse_alert_url(url, Secrets(environ={"PW": "wrong"}))
            return await deliver_one(target, _changes(), NEW, FAST)

    delivery = asyncio.run(run())
    assert not delivery.ok and delivery.attempts == 1 and delivery.error.startswith("SMTP 535")
    assert "wrong" not in delivery.error


def _check_syslog_lines(lines: list[bytes]) -> None:
    assert len(lines) == 2
    for line in lines:
        assert all(32 <= b <= 126 for b in line), line  # no control byte, no non-ASCII, no line break
    parsed = sorted((parse_syslog(line) for line in lines), key=lambda p: p.params["ip"])
    dahua, hostile = parsed
    assert (dahua.pri, dahua.app, dahua.msgid, dahua.sd_id) == (12, "netfinger", "new", "netfinger@32473")
    assert dahua.params["triggers"] == "new-banned,vulnerable" and dahua.params["tier"] == "banned"
    assert dahua.params["new_vulnerabilities"] == "CVE-2021-33044" and dahua.params["sweep"] == "2"
    assert dahua.msg.startswith("NEW 192.168.50.34 (3c:ef:8c:aa:bb:cc) Dahua IPC-HDW1431T1-S4")
    assert hostile.params["model"] == "[bold red]x[/] \\x1b[31m <script>document.title='pwned'</script>"
    assert hostile.params["manufacturer"] == "@SUM(1+1)\\u202e"
    assert hostile.params["new_vulnerabilities"] == "CVE-2099-0001\\x1b[2J<b>x</b>"


def test_syslog_udp_one_rfc5424_datagram_per_changed_host() -> None:
    async def run() -> tuple[Delivery, list[bytes]]:
        async with syslog_udp_receiver() as box:
            target = parse_alert_url(f"syslog://127.0.0.1:{box.port}?facility=user", Secrets(environ={}))
            delivery = await deliver_one(target, _changes(), NEW, FAST)
            return delivery, await box.wait_for(2)

    delivery, lines = asyncio.run(run())
    assert delivery.ok
    _check_syslog_lines(lines)


def test_syslog_tcp_octet_counted_lines() -> None:
    async def run() -> tuple[Delivery, list[bytes]]:
        async with syslog_tcp_receiver() as box:
            target = parse_alert_url(f"syslog+tcp://127.0.0.1:{box.port}", Secrets(environ={}))
            delivery = await deliver_one(target, _changes(), NEW, FAST)
            return delivery, await box.wait_for(2)

    delivery, lines = asyncio.run(run())
    assert delivery.ok
    _check_syslog_lines(lines)


def test_syslog_tcp_refused_is_retried_then_reported() -> None:
    async def run() -> Delivery:
        async with syslog_tcp_receiver() as box:
            port = box.port
        target = parse_alert_url(f"syslog+tcp://127.0.0.1:{port}", Secrets(environ={}))  # now closed
        return await deliver_one(target, _changes(), NEW, RetryPolicy(attempts=2, backoff=0.01))

    delivery = asyncio.run(run())
    assert (delivery.ok, delivery.attempts) == (False, 2) and "syslog TCP to 127.0.0.1" in delivery.error


def test_smtp_starttls_then_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tls, cert = self_signed_tls(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test certificate only

    async def run(query: str) -> tuple[Delivery, int]:
        async with smtp_receiver(login=("alerts", "s3cret"), tls=tls) as box:
            url = f"smtp://alerts:${{PW}}@127.0.0.1:{box.port}?to=soc@example.org{query}"
            target = parse_alert_url(url, Secrets(environ={"PW": "s3cret"}))
            return await deliver_one(target, _changes(), NEW, FAST), len(box.messages)

    delivery, received = asyncio.run(run("&starttls=always"))
    assert (delivery.ok, received) == (True, 1)
    delivery, received = asyncio.run(run("&starttls=never"))  # the server insists on TLS first
    assert (delivery.ok, delivery.attempts, received) == (False, 1, 0)
    assert delivery.error == "127.0.0.1: SMTP AUTH extension not supported by server."


def test_smtp_starttls_always_refuses_a_plain_server() -> None:
    async def run() -> Delivery:
        async with smtp_receiver() as box:
            url = f"smtp://127.0.0.1:{box.port}?to=soc@example.org&starttls=always"
            return await deliver_one(parse_alert_url(url, Secrets(environ={})), _changes(), NEW, FAST)

    delivery = asyncio.run(run())
    assert (delivery.ok, delivery.attempts) == (False, 1)
    assert delivery.error == "127.0.0.1 does not offer STARTTLS (starttls=always)"

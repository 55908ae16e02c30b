"""Alert URL secrets and the scheme registry: placeholders, the secret file, refusing literals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from netfinger.alert.registry import TRANSPORTS, parse_alert_url
from netfinger.alert.secrets import Secrets, load_secret_file, refuse_literal_secrets
from netfinger.alert.smtp import SmtpTransport
from netfinger.alert.syslog import SyslogTransport
from netfinger.alert.webhook import WebhookTransport
from netfinger.errors import UsageError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "alerts.md"
EXAMPLES = {
    "http": "http://127.0.0.1:8080/hook", "https": "https://hooks.example.org/x",
    "smtp": "smtp://127.0.0.1:25?to=soc@example.org", "smtps": "smtps://mail.example.org?to=soc@example.org",
    "syslog": "syslog://127.0.0.1", "syslog+udp": "syslog+udp://127.0.0.1:5514",
    "syslog+tcp": "syslog+tcp://127.0.0.1:6514",
}  # fmt: skip
KINDS = {"http": WebhookTransport, "https": WebhookTransport, "smtp": SmtpTransport, "smtps": SmtpTransport,
         "syslog": SyslogTransport, "syslog+udp": SyslogTransport, "syslog+tcp": SyslogTransport}  # fmt: skip


@pytest.mark.parametrize("scheme", sorted(TRANSPORTS))
def test_every_scheme_parses_and_is_documented(scheme: str) -> None:
    target = parse_alert_url(EXAMPLES[scheme], Secrets(environ={}))
    assert isinstance(target, KINDS[scheme]) and target.display == EXAMPLES[scheme]
    assert f"`{scheme}://" in DOCS.read_text(encoding="utf-8")


def test_secret_file_names_win_over_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "s"
    path.write_text("# comment\n\nA = from file\nB=x=y\n")
    os.chmod(path, 0o600)
    secrets = Secrets(load_secret_file(path), environ={"A": "from env", "C": "env only"})
    assert secrets.expand("${A}|${B}|${C}") == "from file|x=y|env only"


def test_secret_file_errors_never_quote_a_value(tmp_path: Path) -> None:
    path = tmp_path / "s"
    path.write_text("GOOD=1\nnot a pair hunter2\n")
    os.chmod(path, 0o600)
    with pytest.raises(UsageError, match="line 2: expected NAME=value") as info:
        load_secret_file(path)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize("url", [
    "smtp://alice:${PW}@mail.example.org?to=a@example.org", "${WHOLE_URL}",
    "https://h.example.org/x?token=${T}", "https://h.example.org/services/${PATH_SECRET}",
    "https://hooks.slack.com/services/${SLACK_PATH}",
])  # fmt: skip
def test_placeholders_are_accepted(url: str) -> None:
    refuse_literal_secrets(url)


@pytest.mark.parametrize("url", ["smtp://alice:pw@mail.example.org", "https://h.example.org/?api_key=k",
                                 "https://h.example.org/?Signature=abc",
                                 "https://hooks.slack.com/services/T000/B000/XXXX",
                                 "https://contoso.webhook.office.com/webhookb2/abc",
                                 "https://discord.com/api/webhooks/1/abc"])  # fmt: skip
def test_literal_secrets_are_refused(url: str) -> None:
    with pytest.raises(UsageError):
        refuse_literal_secrets(url)


def test_smtp_password_placeholder_may_hold_any_character() -> None:
    target = parse_alert_url("smtp://alice:${PW}@mail.example.org:587?to=a@example.org",
                             Secrets(environ={"PW": "p@ss:w/rd?#"}))  # fmt: skip
    assert isinstance(target, SmtpTransport)
    assert "p@ss" not in repr(target) and target.display.endswith("?to=a@example.org")

"""Secrets for alert URLs: ``${NAME}`` placeholders filled from a secret file or the environment.

A password or token never has to appear on the command line (where ``ps``, shell history and logs
see it): ``--alert 'smtp://alice:${SMTP_PASSWORD}@mail.example:587?to=soc@example.org'`` or a whole
webhook URL as ``--alert '${SLACK_WEBHOOK_URL}'``. A literal password in the URL, a literal value
for a query parameter named like a secret (``token``, ``key``, ...), or a literal Slack, Teams or
Discord webhook URL (their path is the secret) is refused. What is logged and
recorded is always the URL as given, placeholders unexpanded.

The secret file (``--alert-secret-file``) holds ``NAME=value`` lines (``#`` comments); it must not
be readable by group or others. Its names win over the environment's.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from netfinger.errors import UsageError

MAX_SECRET_FILE_BYTES = 64 * 1024
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SECRET_QUERY_KEYS = frozenset({
    "token", "access_token", "key", "apikey", "api_key", "secret", "password", "pass", "sig", "signature",
})  # fmt: skip
# Webhook services whose URL path is itself the secret: such a URL must come from a placeholder.
SECRET_PATH_HOSTS = (("hooks.slack.com", "/"), ("discord.com", "/api/webhooks/"),
                     ("discordapp.com", "/api/webhooks/"), ("webhook.office.com", "/"),
                     ("outlook.office.com", "/webhook"))  # fmt: skip


def load_secret_file(path: Path) -> dict[str, str]:
    """``NAME=value`` pairs from ``path``; UsageError (never quoting a value) when it is unusable."""
    try:
        info = path.stat()
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise UsageError(f"secret file {path} is readable by others; run 'chmod 600 {path}'")
        if info.st_size > MAX_SECRET_FILE_BYTES:
            raise UsageError(f"secret file {path} is larger than {MAX_SECRET_FILE_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read secret file {path}: {exc}") from exc
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        if not sep or not _NAME.match(name.strip()):
            raise UsageError(f"secret file {path} line {number}: expected NAME=value")
        values[name.strip()] = value.strip()
    return values


class Secrets:
    """Where placeholders are looked up: the secret file's names first, then the environment."""

    def __init__(self, file_values: Mapping[str, str] | None = None,
                 environ: Mapping[str, str] | None = None) -> None:  # fmt: skip
        self._file = dict(file_values or {})
        self._env = os.environ if environ is None else environ

    def get(self, name: str) -> str | None:
        if name in self._file:
            return self._file[name]
        return self._env.get(name)

    def expand(self, text: str) -> str:
        """``text`` with every ``${NAME}`` replaced; UsageError naming the first one that is unset."""

        def fill(match: re.Match[str]) -> str:
            value = self.get(match.group(1))
            if value is None:
                raise UsageError(
                    f"alert URL uses ${{{match.group(1)}}}, which is set neither in the environment nor "
                    "in --alert-secret-file"
                )
            return value

        return _PLACEHOLDER.sub(fill, text)


def _is_placeholder(value: str) -> bool:
    return _PLACEHOLDER.fullmatch(value) is not None


def _refuse_secret_path(hostname: str, path: str) -> None:
    host = hostname.lower()
    for suffix, prefix in SECRET_PATH_HOSTS:
        if (host == suffix or host.endswith("." + suffix)) and path.startswith(prefix):
            raise UsageError(
                f"a {suffix} webhook URL is a secret: set it in the environment or --alert-secret-file "
                "and pass --alert '${NAME}'"
            )


def refuse_literal_secrets(text: str) -> None:
    """UsageError when the URL as typed carries a password or token in the clear."""
    if _is_placeholder(text.strip()):
        return
    parts = urlsplit(text)
    netloc = parts.netloc
    userinfo = netloc.rpartition("@")[0] if "@" in netloc else ""
    if ":" in userinfo and not _is_placeholder(userinfo.partition(":")[2]):
        raise UsageError(
            f"alert URL {parts.scheme}://{userinfo.partition(':')[0]}@... carries a password; put it in "
            "the environment or --alert-secret-file and write ${NAME} instead"
        )
    if "${" not in parts.path:
        _refuse_secret_path(parts.hostname or "", parts.path)
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in SECRET_QUERY_KEYS and value and not _is_placeholder(value):
            raise UsageError(
                f"alert URL parameter {key!r} looks like a secret; pass it as {key}=${{NAME}} with NAME "
                "set in the environment or --alert-secret-file"
            )

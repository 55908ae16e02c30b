"""Reading the ``--credentials`` file: a YAML or JSON list of {username, password} the user supplies."""

from __future__ import annotations

from pathlib import Path

from netfinger.errors import UsageError
from netfinger.probes.interface import Credentials

MAX_CREDENTIALS = 16


def load_credentials(path: str) -> tuple[Credentials, ...]:
    import yaml  # only with --credentials

    try:
        text = Path(path).read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
    except OSError as exc:
        raise UsageError(f"cannot read credentials file {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise UsageError(f"credentials file {path} is not YAML/JSON: {exc}") from exc
    if not isinstance(doc, list):
        raise UsageError(f"credentials file {path}: expected a list of {{username, password}} entries")
    out = []
    for i, entry in enumerate(doc):
        if not isinstance(entry, dict) or not isinstance(entry.get("username"), str) \
                or not isinstance(entry.get("password"), str):
            raise UsageError(f"credentials file {path}: entry {i + 1} needs string 'username' and 'password'")
        out.append(Credentials(entry["username"], entry["password"]))
    if len(out) > MAX_CREDENTIALS:
        raise UsageError(f"credentials file {path}: at most {MAX_CREDENTIALS} entries")
    return tuple(out)

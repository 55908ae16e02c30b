"""``netfinger scan`` argument handling: nothing here opens a socket."""

from __future__ import annotations

from pathlib import Path

import pytest

from netfinger.cli import EXIT_USAGE, build_parser, main
from netfinger.cli.scan import config_from_args
from netfinger.errors import UsageError
from netfinger.probes import PROBES
from netfinger.probes.interface import Credentials
from netfinger.scan.config import DEFAULT_PROBES
from netfinger.scan.credentials import load_credentials


def parse(*argv: str) -> object:
    return build_parser().parse_args(["scan", *argv])


def test_help_explains_every_option_with_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["scan", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for option in (
        "--iface",
        "--probes",
        "--timeout",
        "--rate",
        "--concurrency",
        "--credentials",
        "--json",
        "--http-ports",
        "--force",
    ):
        assert option in text
    assert "(default 2.0)" in text and "(default 5000)" in text and "(default 256)" in text


def test_every_probe_is_registered_and_selectable() -> None:
    assert set(DEFAULT_PROBES) == set(PROBES)
    args = parse("--probes", "arp,wsd", "10.0.0.0/24")
    config = config_from_args(args)  # type: ignore[arg-type]
    assert config.probes == ("arp", "wsd")
    assert config.targets == ("10.0.0.0/24",)


def test_bad_input_is_a_usage_error_before_any_scan(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", "10.0.0.0/8"]) == EXIT_USAGE
    assert "--force" in capsys.readouterr().err
    assert main(["scan", "10.0.0.300"]) == EXIT_USAGE
    with pytest.raises(SystemExit):
        parse("--probes", "arp,nmap")
    with pytest.raises(SystemExit):
        parse("--http-ports", "80,70000")
    with pytest.raises(SystemExit):
        parse("--timeout", "0")


def test_credentials_file_yaml_and_json(tmp_path: Path) -> None:
    yaml_file = tmp_path / "creds.yaml"
    yaml_file.write_text(
        "- {username: admin, password: 'pa:ss'}\n- username: op\n  password: x\n", encoding="utf-8"
    )
    assert load_credentials(str(yaml_file)) == (Credentials("admin", "pa:ss"), Credentials("op", "x"))
    json_file = tmp_path / "creds.json"
    json_file.write_text('[{"username": "admin", "password": "s3cret"}]', encoding="utf-8")
    assert load_credentials(str(json_file)) == (Credentials("admin", "s3cret"),)
    config = config_from_args(parse("--credentials", str(json_file), "10.0.0.1"))  # type: ignore[arg-type]
    assert config.credentials == (Credentials("admin", "s3cret"),)


@pytest.mark.parametrize(
    "content", ["{username: admin}", "- {username: admin}", "- {username: 1, password: 2}", "[unclosed"]
)
def test_bad_credentials_files(tmp_path: Path, content: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError):
        load_credentials(str(path))
    with pytest.raises(UsageError, match="cannot read"):
        load_credentials(str(tmp_path / "missing.yaml"))

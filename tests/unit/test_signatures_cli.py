"""``netfinger signatures test`` fails (exit 1) on broken data: a copy of the data, broken on purpose."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from netfinger.cli import main
from netfinger.match.loader import ENV_VAR, signatures_dir


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "sigs"
    shutil.copytree(signatures_dir(), target)
    monkeypatch.setenv(ENV_VAR, str(target))
    return target


def _edit_rules(path: Path, edit: Callable[[dict[str, Any]], Any]) -> None:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(doc["rules"][0])
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")


def test_copy_passes(data_copy: Path) -> None:
    assert main(["signatures", "test"]) == 0


def test_wrong_extraction_fails(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit_rules(data_copy / "rules" / "sadp.yaml", lambda r: r["examples"][0].update(extract={"serial": "X"}))
    assert main(["signatures", "test"]) == 1
    assert "sadp.serial" in capsys.readouterr().err


def test_missing_examples_is_a_schema_error(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit_rules(data_copy / "rules" / "tcp.yaml", lambda r: r.pop("examples"))
    assert main(["signatures", "test"]) == 1
    assert "examples" in capsys.readouterr().err


def test_unknown_field_fails(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit_rules(data_copy / "rules" / "tcp.yaml", lambda r: r.update(field="nosuch.field"))
    assert main(["signatures", "test"]) == 1
    assert "nosuch.field" in capsys.readouterr().err


def test_unknown_vendor_fails(data_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _edit_rules(data_copy / "rules" / "rtsp.yaml", lambda r: r.update(vendor="Hik Vision"))
    assert main(["signatures", "test"]) == 1
    assert "Hik Vision" in capsys.readouterr().err


def test_unreadable_yaml_fails(data_copy: Path) -> None:
    (data_copy / "rules" / "tls.yaml").write_text("rules: [unclosed\n", encoding="utf-8")
    assert main(["signatures", "test"]) == 1

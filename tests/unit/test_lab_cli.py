"""The lab subcommand's argument handling (no root needed)."""

from __future__ import annotations

import pytest

from netfinger.cli import EXIT_FAILURE, EXIT_USAGE, main


def test_run_needs_a_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", "run", "--name", "zz", "--"]) == EXIT_USAGE
    assert "give a command after --" in capsys.readouterr().err


def test_bad_lab_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab", "up", "--name", "Not-Valid"]) == EXIT_USAGE
    assert "lab name" in capsys.readouterr().err


def test_status_of_a_lab_that_is_not_up(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.setattr("netfinger.lab.state.LABS_ROOT", tmp_path)
    assert main(["lab", "status", "--name", "nolab"]) == EXIT_FAILURE
    assert "is the lab up" in capsys.readouterr().err


def test_lab_without_action_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lab"]) == EXIT_USAGE
    assert "up" in capsys.readouterr().err


def test_down_all_and_name_are_exclusive() -> None:
    with pytest.raises(SystemExit):
        main(["lab", "down", "--all", "--name", "x"])

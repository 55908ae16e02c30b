"""Schema-checked signature documents are cached by the bytes of every signature and schema file:
a cache hit builds the same signatures without YAML or the schema check, and any edited file misses."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netfinger import cachedir
from netfinger.match.loader import SignatureError, load_signatures, read_documents, signatures_dir


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv(cachedir.ENV_VAR, str(where))
    return where


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    dest = tmp_path / "sigs"
    shutil.copytree(signatures_dir(), dest)
    return dest


def test_cache_hit_builds_the_same_signatures(cache: Path, copy: Path) -> None:
    cold = read_documents(copy)
    assert not cold.checked
    first = load_signatures(copy)  # validates, then caches
    warm = read_documents(copy)
    assert warm.checked and warm.docs == cold.docs
    second = load_signatures(copy)
    assert second == first
    assert second.version == first.version


def test_an_edited_file_is_checked_again(cache: Path, copy: Path) -> None:
    load_signatures(copy)
    rules = sorted((copy / "rules").glob("*.yaml"))[0]
    rules.write_text(rules.read_text(encoding="utf-8").replace("strength:", "strenght:", 1), encoding="utf-8")
    docs = read_documents(copy)
    assert not docs.checked
    with pytest.raises(SignatureError, match="invalid signatures"):
        load_signatures(copy)


def test_an_edited_schema_is_checked_again(cache: Path, copy: Path) -> None:
    load_signatures(copy)
    schema = sorted((copy / "schema").glob("*.json"))[0]
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not read_documents(copy).checked


def test_without_cache_nothing_is_written(tmp_path: Path, copy: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cachedir.ENV_VAR, "off")
    load_signatures(copy)
    assert not read_documents(copy).checked
    assert not (tmp_path / "cache").exists()


def test_use_cache_false_parses_the_files(cache: Path, copy: Path) -> None:
    load_signatures(copy)
    assert not read_documents(copy, use_cache=False).checked

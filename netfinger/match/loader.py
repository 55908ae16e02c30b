"""Find, read and schema-check the signature files, and build :class:`~netfinger.match.model.Signatures`.

The data lives in ``netfinger/signatures_data/`` (shipped inside the package; ``signatures/`` at the
repository root is a symlink to it). ``NETFINGER_SIGNATURES`` may point at another copy.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from netfinger import cachedir
from netfinger.errors import NetfingerError
from netfinger.match.brandrules import generate_rules
from netfinger.match.build import (
    build_brand,
    build_confirm,
    build_generated,
    build_regulation,
    build_rules,
    build_vulnerability,
)
from netfinger.match.model import NameForm, Signatures, Vocabulary

ENV_VAR = "NETFINGER_SIGNATURES"
SINGLE_FILES = ("vocabulary", "brands", "vulnerabilities", "regulations")


CACHE_NAME = "signature-documents"
CACHE_FORMAT = 1  # bump when the YAML loading rules below change what a document reads as


@lru_cache(maxsize=1)
def _plain_loader() -> Any:
    """A SafeLoader that keeps dates as strings, so the JSON Schema sees what the file says (libyaml's
    parser when PyYAML was built with it: about ten times faster than the pure-Python one)."""
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class PlainLoader(base):  # type: ignore[valid-type,misc]
        pass

    PlainLoader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return PlainLoader


class SignatureError(NetfingerError):
    """The signature data is missing or invalid; the message names the file and the problem."""


def signatures_dir() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "signatures_data"


@dataclass
class Documents:
    """The raw YAML documents, by file name relative to the signatures directory.

    ``checked``: the documents came from the cache, which holds only documents that passed the schema
    check, under a key over every signature and schema file's bytes (``cache_key``)."""

    root: Path
    docs: dict[str, Any] = field(default_factory=dict)
    digest: str = ""
    cache_key: str = ""
    checked: bool = False

    @property
    def rule_files(self) -> list[str]:
        return sorted(name for name in self.docs if name.startswith("rules/"))


def _read_bytes(base: Path, paths: list[Path]) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for path in paths:
        rel = path.relative_to(base).as_posix()
        try:
            out[rel] = path.read_bytes()
        except OSError as exc:
            raise SignatureError(f"{rel}: cannot read: {exc}") from exc
    return out


def _parse(raw: dict[str, bytes]) -> dict[str, Any]:
    import yaml

    docs: dict[str, Any] = {}
    for rel, data in raw.items():
        try:
            docs[rel] = yaml.load(data, Loader=_plain_loader())  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            raise SignatureError(f"{rel}: cannot read: {exc}") from exc
    return docs


def read_documents(root: Path | None = None, *, use_cache: bool = True) -> Documents:
    """Read every signature file. With ``use_cache``, documents that passed the schema check before,
    byte for byte, come from the cache (no YAML parse, no schema import)."""
    base = root or signatures_dir()
    if not (base / "vocabulary.yaml").is_file():
        raise SignatureError(f"no signatures at {base} (set {ENV_VAR} or reinstall netfinger)")
    paths = [base / f"{name}.yaml" for name in SINGLE_FILES] + sorted((base / "rules").glob("*.yaml"))
    raw = _read_bytes(base, paths)
    sha = hashlib.sha256()
    for rel, data in raw.items():
        sha.update(rel.encode() + b"\0" + data)
    digest = sha.hexdigest()[:12]
    key = hashlib.sha256(f"{CACHE_FORMAT}:{sha.hexdigest()}".encode())
    for path in sorted((base / "schema").glob("*.json")):
        with_name = path.name.encode() + b"\0"
        try:
            key.update(with_name + path.read_bytes())
        except OSError:
            key.update(with_name)
    out = Documents(base, digest=digest, cache_key=key.hexdigest())
    cached = cachedir.read(CACHE_NAME, out.cache_key) if use_cache else None
    if isinstance(cached, dict) and set(cached) == set(raw):
        out.docs, out.checked = cached, True
    else:
        out.docs = _parse(raw)
    return out


def _schema(root: Path, kind: str) -> dict[str, Any]:
    path = root / "schema" / f"{kind}.schema.json"
    try:
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SignatureError(f"schema/{kind}.schema.json: cannot read: {exc}") from exc
    return loaded


def schema_problems(documents: Documents) -> list[str]:
    """Every schema violation, as ``file: path: message`` lines (empty when all files are valid)."""
    import jsonschema

    problems: list[str] = []
    for rel, doc in documents.docs.items():
        kind = "rules" if rel.startswith("rules/") else rel.removesuffix(".yaml")
        validator = jsonschema.Draft202012Validator(
            _schema(documents.root, kind), format_checker=jsonschema.FormatChecker()
        )
        for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            problems.append(f"{rel}: {where}: {error.message}")
    return problems


def build_vocabulary(doc: dict[str, Any], brand_names: list[str]) -> tuple[Vocabulary, dict[str, str]]:
    maker_brand = {str(k): str(v["brand"]) for k, v in doc["makers"].items()}
    vocab = Vocabulary(
        makers=frozenset(maker_brand),
        brands=frozenset([*maker_brand.values(), *doc["brands"], *brand_names]),
        device_types=frozenset(doc["device_types"]),
        relations=frozenset(doc["relations"]),
    )
    return vocab, maker_brand


def build_signatures(documents: Documents) -> Signatures:
    """Build the typed signature set; raise :class:`SignatureError` if any file breaks its schema."""
    if not documents.checked:
        problems = schema_problems(documents)
        if problems:
            shown = "\n  ".join(problems[:20])
            raise SignatureError(f"invalid signatures ({len(problems)} problems):\n  {shown}")
        _remember(documents)
    docs = documents.docs
    brands = tuple(build_brand(b) for b in docs["brands.yaml"]["brands"])
    vocab_doc = docs["vocabulary.yaml"]
    vocabulary, maker_brand = build_vocabulary(vocab_doc, [b.name for b in brands])
    name_fields = tuple(vocab_doc["name_fields"])
    model_fields = tuple(vocab_doc["model_fields"])
    rules = [rule for rel in documents.rule_files
             for raw in docs[rel]["rules"] for rule in build_rules(raw, rel)]
    kinds = build_generated(vocab_doc["generated_rules"])
    rules.extend(generate_rules(brands, name_fields, model_fields, kinds))
    return Signatures(
        version=f"sha256:{documents.digest}",
        vocabulary=vocabulary,
        rules=tuple(rules),
        brands=brands,
        vulnerabilities=tuple(map(build_vulnerability, docs["vulnerabilities.yaml"]["vulnerabilities"])),
        regulations=tuple(build_regulation(r) for r in docs["regulations.yaml"]["regulations"]),
        name_fields=name_fields,
        model_fields=model_fields,
        maker_brand=maker_brand,
        confirm=build_confirm(vocab_doc["makers"]),
        name_forms=tuple(NameForm(str(f["field"]), str(f["pattern"])) for f in vocab_doc["name_scope_forms"]),
    )


def _remember(documents: Documents) -> None:
    """Cache schema-checked documents, when they survive a JSON round trip unchanged."""
    if not documents.cache_key:
        return
    try:
        same = json.loads(json.dumps(documents.docs)) == documents.docs
    except (TypeError, ValueError):
        same = False
    if same:
        cachedir.write(CACHE_NAME, documents.cache_key, documents.docs)


def load_signatures(root: Path | None = None) -> Signatures:
    return build_signatures(read_documents(root))

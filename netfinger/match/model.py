"""The signature database as typed, immutable data (built by :mod:`netfinger.match.loader`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ANY_VENDOR = "any"  # a rule that extracts values without claiming a maker

MATCH_KINDS = ("equals", "iequals", "prefix", "contains", "regex", "oui_org", "present")
EXTRACT_KEYS = ("model", "firmware", "firmware_build", "serial", "brand", "device_type", "mac")

# What one rule's hit can establish for a maker a regulation covers (the verdict tiers):
STRONG = "strong"  # confirms alone (a native protocol answer, a vendor firmware/realm/certificate form)
CORROBORATING = "corroborating"  # confirms with a second one of another independence group
WEAK = "weak"  # never confirms: a "suspect" at most
STRENGTHS = (STRONG, CORROBORATING, WEAK)


@dataclass(frozen=True, slots=True)
class Example:
    """A value the rule must match, and exactly what it must extract from it."""

    value: str
    extract: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Rule:
    """One recognition rule: a test on one evidence field, pointing at a maker (or ``any``)."""

    id: str
    field: str
    match: str
    vendor: str
    certainty: float
    strength: str = WEAK
    independence: str = ""  # the fact the rule reads; empty = a group of its own
    values: tuple[str, ...] = ()
    pattern: str = ""
    brand: str | None = None
    white_label: bool = False
    device_type: str | None = None
    extracts: tuple[tuple[str, str], ...] = ()
    examples: tuple[Example, ...] = ()
    counterexamples: tuple[str, ...] = ()
    note: str = ""
    origin: str = ""  # the file the rule came from (or "brands.yaml" for generated rules)

    @property
    def group(self) -> str:
        """The independence group: hits of one group are the same fact and confirm only once."""
        return self.independence or self.id


@dataclass(frozen=True, slots=True)
class GeneratedKind:
    """Strength (by brand relation) and independence group of one kind of rule brands.yaml generates."""

    independence: str
    strength: tuple[tuple[str, str], ...]  # (relation, strength)

    def strength_for(self, relation: str) -> str:
        return dict(self.strength).get(relation, WEAK)


@dataclass(frozen=True, slots=True)
class NameForm:
    """A scope form that names the maker: values of ``field`` matching ``pattern`` (group ``name``)."""

    field: str
    pattern: str


@dataclass(frozen=True, slots=True)
class ConfirmHint:
    """What would settle a suspect verdict for a maker, said when no observed field starts with ``absent``."""

    absent: str
    say: str


@dataclass(frozen=True, slots=True)
class BrandMaker:
    maker: str
    relation: str  # maker, subsidiary, sub-brand, JV, OEM, former OEM


@dataclass(frozen=True, slots=True)
class Brand:
    """A label on the box, who makes it, and how it shows itself on the wire."""

    name: str
    makers: tuple[BrandMaker, ...]
    names: tuple[str, ...] = ()
    models: tuple[str, ...] = ()  # regexes over a model string
    model_examples: tuple[str, ...] = ()
    oem_codes: tuple[str, ...] = ()  # Dahua firmware OEM codes, e.g. "00AC"
    oui_orgs: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    note: str = ""

    @property
    def primary_maker(self) -> str:
        return self.makers[0].maker


@dataclass(frozen=True, slots=True)
class FirmwareRange:
    """Affected firmware: inclusive ``first``..``last``, ``before`` a fixed version, or a build-date cut."""

    first: str | None = None
    last: str | None = None
    before: str | None = None
    built_before: date | None = None
    version_prefix: str | None = None


@dataclass(frozen=True, slots=True)
class Affected:
    family: str
    model: str  # regex over the model
    firmware: FirmwareRange | None = None


@dataclass(frozen=True, slots=True)
class Vulnerability:
    id: str
    title: str
    maker: str
    basis: str  # firmware | model | opt-in check
    affected: tuple[Affected, ...]
    kev: bool = False
    kev_date_added: date | None = None
    backdoor: bool = False
    fixed_in: str | None = None
    cvss: float | None = None
    brands: tuple[str, ...] = ()  # limit to these brands (e.g. Amcrest), empty = any brand of the maker
    requires_fields: tuple[str, ...] = ()  # evidence that must be present (e.g. tcp.open 37777)
    references: tuple[str, ...] = ()
    note: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Regulation:
    id: str
    name: str
    makers: tuple[str, ...]
    subsidiaries: tuple[str, ...] = ()  # brands.yaml labels covered through their maker
    effective: date | None = None
    added: tuple[tuple[str, date], ...] = ()  # (entity, date added)
    scope: str = ""
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Vocabulary:
    makers: frozenset[str]
    brands: frozenset[str]
    device_types: frozenset[str]
    relations: frozenset[str]


@dataclass(frozen=True)
class Signatures:
    """Everything the matcher needs, loaded once."""

    version: str
    vocabulary: Vocabulary
    rules: tuple[Rule, ...]
    brands: tuple[Brand, ...]
    vulnerabilities: tuple[Vulnerability, ...]
    regulations: tuple[Regulation, ...]
    name_fields: tuple[str, ...] = ()
    model_fields: tuple[str, ...] = ()
    maker_brand: dict[str, str] = field(default_factory=dict)  # maker -> its own brand name
    confirm: dict[str, tuple[ConfirmHint, ...]] = field(default_factory=dict)  # maker -> hints
    name_forms: tuple[NameForm, ...] = ()

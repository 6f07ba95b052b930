"""The recognition rule table: ``matcher/data/recognition.json``, validated when loaded.

Each rule turns verified months of work abroad in a skill, completed contracts and/or a
foreign certificate into a level on the Selaras scale (1 basic .. 5 expert), with its
sources (matcher/data/SOURCES_v2.md, docs/reintegration.md). A malformed file raises
:class:`RecognitionError` naming the file and the key; unknown keys and inputs a rule's
kind does not take are errors, so a misspelt input never widens a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from matcher.reintegration.reading import DataFileError, Header, Node, data_reader
from matcher.rules.reading import DataLoader
from models.iso_codes import COUNTRIES
from models.returnee import TradeTestGrade, read_trade_test_grade
from models.worker import CERTIFICATE_SCHEMES

__all__ = [
    "RULE_KINDS",
    "RecognitionError",
    "RecognitionRule",
    "RecognitionRules",
    "RplRoute",
    "load_recognition",
]

SCHEMA = "selaras.recognition/1"
_DATA_FILE = "recognition.json"
RuleKind = Literal["experience", "certificate", "certificate+experience"]
RULE_KINDS: tuple[RuleKind, ...] = ("experience", "certificate", "certificate+experience")
_KIND: Mapping[str, RuleKind] = {kind: kind for kind in RULE_KINDS}
_BASES = ("policy", "sourced_equivalence")
_EXPERIENCE_INPUTS = ("months_abroad_in_skill_min", "completed_contracts_min", "countries")
_CERTIFICATE_INPUTS = ("scheme", "grade", "country", "name_matches_any")
_INPUTS: Mapping[str, tuple[str, ...]] = {
    "experience": _EXPERIENCE_INPUTS,
    "certificate": _CERTIFICATE_INPUTS,
    "certificate+experience": _CERTIFICATE_INPUTS + _EXPERIENCE_INPUTS,
}


class RecognitionError(DataFileError):
    """The recognition file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class RecognitionRule:
    """One rule: the inputs a worker must meet for one skill, and the level it gives.

    Certificate inputs: ``scheme``; ``grade`` (the trade test's, read from the name when the
    certificate has none); ``country`` (the certificate's country, see
    :mod:`matcher.reintegration.recognition`); ``name_matches_any`` (phrases, any of which
    the name must contain, case-insensitively). Experience inputs: ``min_months`` verified
    months abroad in the skill, counted only in ``countries`` when given, and
    ``min_contracts`` completed contracts among those entries.
    """

    id: str
    kind: RuleKind
    level: int
    kkni_indicative: int
    basis: str
    rationale: str
    sources: tuple[str, ...]
    status: str
    scheme: str | None
    grade: TradeTestGrade | None
    country: str | None
    name_matches_any: tuple[str, ...]
    min_months: int
    min_contracts: int
    countries: frozenset[str] | None

    @property
    def needs_certificate(self) -> bool:
        """Whether the rule reads a certificate."""
        return self.scheme is not None

    @property
    def needs_experience(self) -> bool:
        """Whether the rule reads months or contracts abroad."""
        return self.kind != "certificate"


@dataclass(frozen=True)
class RplRoute:
    """The route to a BNSP certificate for recognised skill: RPL assessment at an LSP."""

    gap_action: str
    text: str
    evidence_to_bring: tuple[str, ...]
    sources: tuple[str, ...]
    status: str


@dataclass(frozen=True)
class RecognitionRules:
    """The validated rule table."""

    header: Header
    rules: tuple[RecognitionRule, ...]
    rpl: RplRoute
    origin: str

    @property
    def version(self) -> str:
        """The file's ``version``."""
        return self.header.version

    def urls(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        """The URLs of source keys, in order."""
        return tuple(self.header.sources[k].url for k in keys)


def _countries(o: Node, key: str) -> frozenset[str] | None:
    if o.raw(key, required=False) is None:
        return None
    values = o.texts(key)
    bad = [c for c in values if c not in COUNTRIES or c == "ID"]
    if bad or not values:
        raise o.error(key, f"expected ISO country codes abroad (not ID), got {list(values)!r}")
    return frozenset(values)


def _grade(o: Node, scheme: str | None) -> TradeTestGrade | None:
    raw = o.raw("grade", required=False)
    if raw is None:
        return None
    if scheme != "JP-TRADE-TEST":
        raise o.error("grade", "only a JP-TRADE-TEST rule has a grade")
    grade = read_trade_test_grade(raw)
    if grade not in (1, 2, 3, "basic"):
        raise o.error("grade", f"expected '1', '2', '3' or 'basic', got {raw!r}")
    return grade


def _rule(o: Node) -> RecognitionRule:
    rule_id = o.text("id")
    kind = _KIND[o.choice("kind", RULE_KINDS)]
    inputs = o.node("inputs")
    unknown = [k for k in inputs.members() if k not in _INPUTS[kind]]
    if unknown:
        raise inputs.error(unknown[0], f"is not an input of a {kind!r} rule")
    scheme = None
    if kind != "experience":
        scheme = inputs.choice("scheme", CERTIFICATE_SCHEMES)
    grade = _grade(inputs, scheme)
    country = None
    if inputs.raw("country", required=False) is not None:
        country = inputs.choice("country", tuple(c for c in COUNTRIES if c != "ID"))
    names = inputs.texts("name_matches_any", required=False)
    if scheme == "OTHER" and not names:
        # Without phrases an OTHER rule would recognise every unclassified certificate.
        raise inputs.error("name_matches_any", "is required for scheme OTHER")
    min_months, min_contracts = 0, 0
    if kind != "certificate":
        min_months = inputs.integer("months_abroad_in_skill_min", low=1, high=1200)
        if inputs.raw("completed_contracts_min", required=False) is not None:
            min_contracts = inputs.integer("completed_contracts_min", high=100)
    countries = _countries(inputs, "countries")
    inputs.finish()
    sources = o.source_keys("sources", required=True)
    if not sources:
        raise o.error("sources", "a rule needs at least one source")
    rule = RecognitionRule(
        id=rule_id,
        kind=kind,
        level=o.integer("level", low=1, high=5),
        kkni_indicative=o.integer("kkni_indicative", low=1, high=9),
        basis=o.choice("basis", _BASES),
        rationale=o.text("rationale"),
        sources=sources,
        status=o.status(),
        scheme=scheme,
        grade=grade,
        country=country,
        name_matches_any=names,
        min_months=min_months,
        min_contracts=min_contracts,
        countries=countries,
    )
    o.opt_text("note")
    o.finish()
    return rule


def _rpl(o: Node) -> RplRoute:
    route = RplRoute(
        gap_action=o.text("gap_action"),
        text=o.text("text"),
        evidence_to_bring=o.texts("evidence_to_bring"),
        sources=o.source_keys("sources", required=True),
        status=o.status(),
    )
    o.text("kkni_target")
    o.choice("basis", _BASES)
    o.opt_text("note")
    o.finish()
    return route


def _equivalence_sources(o: Node) -> None:
    if not o.source_keys("sources", required=True):
        raise o.error("sources", "an equivalence needs at least one source")


def _not_encoded(o: Node) -> None:
    o.text("item")
    o.text("reason")
    if o.raw("source") is not None:
        o.source_key()
    o.finish()


def _rules_table(top: Node, header: Header) -> RecognitionRules:
    # Prose for readers (the scale's anchors, how inputs are counted and combined): the
    # engine implements them, docs/reintegration.md explains them.
    top.skip("scale", "inputs", "counting", "combination")
    rules = tuple(_rule(r) for r in top.nodes("rules"))
    if not rules:
        raise top.error("rules", "expected at least one rule")
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise top.error("rules", f"duplicate id {rule.id!r}")
        seen.add(rule.id)
    rpl = _rpl(top.node("rpl"))
    for entry in top.nodes("equivalences"):
        entry.prose_entry("statement", _equivalence_sources)
    for entry in top.nodes("not_encoded"):
        _not_encoded(entry)
    return RecognitionRules(header, rules, rpl, top.file)


_LOAD = DataLoader(_DATA_FILE, data_reader(RecognitionError, SCHEMA, _rules_table))


def load_recognition(path: str | Path | None = None) -> RecognitionRules:
    """The shipped recognition rules (kept once read), or a replacement file of the same
    shape (:class:`matcher.rules.reading.DataLoader`); a malformed file raises
    ``RecognitionError`` naming the file and the key."""
    return _LOAD(path)

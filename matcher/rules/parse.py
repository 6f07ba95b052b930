"""Validate one rule pack's JSON and build its frozen records.

Every error is a ``RulePackError`` naming the file and the key path
(``KR-EPS.json: key 'wage_floors[2].amount': expected a number, got 'x'``). Unknown keys are
errors too, so a misspelt key never silently drops a rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MappingProxyType
from typing import TypedDict, TypeVar

from matcher.rules.reading import DataFileError, Node, show
from matcher.rules.types import (
    STATUSES,
    AgeWindow,
    Allowance,
    Availability,
    CertificateRequirement,
    ContractRule,
    Coverage,
    Exemption,
    ExemptionEffect,
    ExperienceRequirement,
    HealthGate,
    HoursConvention,
    JobOrderFlag,
    LanguageOption,
    LanguageRule,
    LanguageValidity,
    LegalRule,
    Money,
    Moratorium,
    MoratoriumCountry,
    MoratoriumException,
    NoStatutoryFloor,
    NotAccepted,
    NotEncoded,
    PackFlag,
    RulePack,
    SalaryThreshold,
    SkillCategory,
    SkillGate,
    SkillRoute,
    StayCap,
    WageFloor,
    WageFloorFallback,
)
from models.common import PROGRAMMES
from models.iso_codes import COUNTRIES
from models.language_results import LANGUAGE_TESTS, canonical_result
from models.results import GAP_KINDS
from models.worker import CERTIFICATE_SCHEMES, EDUCATION_LEVELS

__all__ = ["LEGAL_PACK", "PACK_NAMES", "RulePackError", "parse_pack"]

LEGAL_PACK = "ID-LAW"
PACK_NAMES: tuple[str, ...] = (*PROGRAMMES, LEGAL_PACK)
"""Every pack that must exist: one per docs/format.md programme, plus the Indonesian-law pack."""

PERIODS = ("hour", "day", "week", "month", "year")
HEALTH_FIELDS = ("fit_to_work", "colour_vision_normal")
# related_field: the waiver holds for the job's own field, shown by a certificate that
# matches the job; unrelated_field: for any field.
EXEMPTION_CONDITIONS = ("related_field", "unrelated_field")
AGE_AT = ("application", "first_entry", "evaluation_date")
FALLBACK_RULES = ("lowest_regional_floor_in_force",)
_VERSION = re.compile(r"^(\d{4}-\d{2}-\d{2})\.(\d+)$")
# Keys that would turn a sex into a gate; only `flags` may talk about sex (docs/format.md).
_SEX_KEYS = frozenset({"sex", "gender"})

T = TypeVar("T")


class SourcedFields(TypedDict):
    """The keyword arguments of ``matcher.rules.types.Sourced``."""

    source: str
    also: tuple[str, ...]
    status: str


class RulePackError(DataFileError):
    """A rule pack file is malformed; the message names the file and the key."""


class _Obj(Node):
    """A rule pack object: a ``status`` is one of STATUSES."""

    def status(self) -> str:
        return self.choice("status", STATUSES)

    def sourced(self) -> SourcedFields:
        """Read the provenance every ``Sourced`` record ends with (keyword arguments)."""
        return {"source": self.source_key(), "also": self.source_keys(), "status": self.status()}


def _done(o: _Obj, value: T) -> T:
    o.finish()
    return value


def _one(o: _Obj | None, parse: Callable[[_Obj], T]) -> T | None:
    return None if o is None else parse(o)


def _language_option(o: _Obj) -> LanguageOption:
    test = o.choice("test", LANGUAGE_TESTS)
    raw_min = o.raw("min")
    try:
        minimum = canonical_result(test, raw_min)
    except ValueError as exc:
        raise o.error("min", str(exc)) from None
    status = o.choice("status", STATUSES) if o.has("status") else "verified"
    return _done(o, LanguageOption(test, minimum, status, o.opt_text("detail")))


def _not_accepted(o: _Obj) -> NotAccepted:
    return _done(
        o,
        NotAccepted(
            o.choice("test", LANGUAGE_TESTS),
            o.text("detail"),
            o.text("detail_id"),
            o.source_key(),
            o.status(),
        ),
    )


def _language(o: _Obj) -> LanguageRule:
    any_of = tuple(_language_option(x) for x in o.nodes("any_of"))
    if not any_of:
        raise o.error("any_of", "must name at least one test (use null for no language gate)")
    return _done(
        o,
        LanguageRule(
            any_of=any_of,
            not_accepted=tuple(_not_accepted(x) for x in o.nodes("not_accepted", required=False)),
            exemptions=o.texts("exemptions", required=False),
            detail=o.text("detail"),
            **o.sourced(),
        ),
    )


def _validity(o: _Obj, test: str) -> LanguageValidity:
    if test not in LANGUAGE_TESTS:
        raise RulePackError(f"{o.file}: key '{o.path}': {test!r} is not a docs/format.md test")
    return _done(
        o,
        LanguageValidity(
            test=test,
            months=o.integer("months", low=1),
            counts_from=o.choice("counts_from", ("result_date",)),
            detail=o.text("detail"),
            **o.sourced(),
        ),
    )


def _age(o: _Obj) -> AgeWindow:
    by_education: dict[str, tuple[int, int]] = {}
    edu = o.opt_node("min_by_education")
    if edu is not None:
        for level in edu.members():
            if level not in EDUCATION_LEVELS:
                raise edu.error(level, f"not an education level ({', '.join(EDUCATION_LEVELS)})")
            entry = edu.node(level)
            by_education[level] = _done(entry, (entry.integer("years"), entry.integer("months")))
        edu.finish()
    window = AgeWindow(
        minimum=o.opt_integer("min"),
        maximum=o.opt_integer("max"),
        at=o.choice("at", AGE_AT),
        min_by_education=MappingProxyType(by_education),
        detail=o.text("detail"),
        **o.sourced(),
    )
    low, high = window.minimum, window.maximum
    if low is not None and high is not None and low > high:
        raise o.error("max", f"{window.maximum} is below min {window.minimum}")
    return _done(o, window)


def _programmes(o: _Obj, key: str) -> tuple[str, ...]:
    values = o.texts(key)
    bad = [v for v in values if v not in PROGRAMMES]
    if bad or not values:
        raise o.error(key, f"expected docs/format.md programme names, got {values!r}")
    return values


def _stay_cap(o: _Obj) -> StayCap:
    countries = o.texts("countries", required=False)
    if any(c not in COUNTRIES for c in countries):
        raise o.error("countries", f"expected ISO country codes, got {countries!r}")
    return _done(
        o,
        StayCap(
            programmes=_programmes(o, "programmes"),
            countries=countries,
            months=o.integer("months", low=1),
            includes_contract=o.flag("includes_contract"),
            detail=o.text("detail"),
            detail_id=o.text("detail_id"),
            **o.sourced(),
        ),
    )


def _contract(o: _Obj) -> ContractRule:
    rule = ContractRule(
        max_months=o.integer("max_months", low=1),
        extendable_to_months=o.opt_integer("extendable_to_months", low=1),
        detail=o.text("detail"),
        **o.sourced(),
    )
    if rule.extendable_to_months is not None and rule.extendable_to_months < rule.max_months:
        raise o.error("extendable_to_months", "is below max_months")
    return _done(o, rule)


def _availability(o: _Obj) -> Availability:
    return _done(
        o,
        Availability(
            o.day("last_start_date"),
            o.text("detail"),
            o.text("detail_id"),
            **o.sourced(),
        ),
    )


def _health(o: _Obj) -> HealthGate:
    return _done(
        o,
        HealthGate(
            o.choice("gate", HEALTH_FIELDS),
            o.text("detail"),
            o.text("detail_id"),
            **o.sourced(),
        ),
    )


def _certificate(o: _Obj) -> CertificateRequirement:
    scheme = o.raw("scheme")
    if scheme is not None and scheme not in CERTIFICATE_SCHEMES:
        raise o.error("scheme", f"must be null or one of {', '.join(CERTIFICATE_SCHEMES)}")
    names = o.texts("name_contains_any", required=False)
    if scheme is None and not names:
        raise o.error("scheme", "null (any scheme) needs name_contains_any")
    return _done(
        o,
        CertificateRequirement(scheme, o.flag("skill_matches_job", default=False), names),
    )


def _experience(o: _Obj) -> ExperienceRequirement:
    programme = o.opt_text("programme")
    if programme is not None and programme not in PROGRAMMES:
        raise o.error("programme", f"{programme!r} is not a docs/format.md programme")
    return _done(
        o,
        ExperienceRequirement(o.opt_country("country"), programme, o.integer("min_months", low=1)),
    )


def _route(o: _Obj) -> SkillRoute:
    certificates = tuple(_certificate(c) for c in o.nodes("certificates"))
    experience = _one(o.opt_node("experience"), _experience)
    if not certificates and experience is None:
        raise o.error("certificates", "a route needs a certificate or experience")
    return _done(o, SkillRoute(o.text("id"), certificates, experience))


def _category(o: _Obj) -> SkillCategory:
    return _done(o, SkillCategory(o.text("ja"), o.text("en")))


def _skill_gate(o: _Obj) -> SkillGate:
    gate = SkillGate(
        id=o.text("id"),
        mode=o.choice("mode", ("gate", "review")),
        gap_kind=o.choice("gap_kind", GAP_KINDS),
        detail=o.text("detail"),
        detail_id=o.text("detail_id"),
        routes=tuple(_route(r) for r in o.nodes("routes")),
        categories=tuple(_category(c) for c in o.nodes("categories", required=False)),
        exemptions=o.texts("exemptions", required=False),
        **o.sourced(),
    )
    if gate.mode == "gate" and not gate.routes:
        raise o.error("routes", "a gate needs at least one route (or mode 'review')")
    return _done(o, gate)


def _exemption(o: _Obj) -> Exemption:
    evidence = o.node("evidence")
    experience = _one(evidence.opt_node("experience"), _experience)
    certified = evidence.nodes("certificates_any", required=False)
    certificates = tuple(_certificate(c) for c in certified)
    other = evidence.opt_text("other")
    evidence.finish()
    effects = tuple(
        _done(
            e,
            ExemptionEffect(
                e.text("gate"), e.choice("condition", EXEMPTION_CONDITIONS), e.status()
            ),
        )
        for e in o.nodes("exempts")
    )
    related = any(e.condition == "related_field" and e.status == "verified" for e in effects)
    if related and not (certificates and all(c.skill_matches_job for c in certificates)):
        raise o.error(
            "evidence.certificates_any",
            "a verified related_field waiver needs certificates with skill_matches_job: true",
        )
    return _done(
        o,
        Exemption(
            id=o.text("id"),
            detail=o.text("detail"),
            experience=experience,
            certificates_any=certificates,
            other=other,
            exempts=effects,
            **o.sourced(),
        ),
    )


def _pack_flag(o: _Obj) -> PackFlag:
    return _done(
        o,
        PackFlag(
            id=o.text("id"),
            kind=o.text("kind"),
            sex_related=o.flag("sex_related"),
            scope=o.choice("scope", ("job_order", "worker")),
            detail=o.text("detail"),
            detail_id=o.text("detail_id"),
            **o.sourced(),
        ),
    )


def _job_order_flag(o: _Obj) -> JobOrderFlag:
    return _done(
        o,
        JobOrderFlag(
            o.text("id"),
            o.text("field"),
            o.text("kind"),
            o.text("detail"),
            **o.sourced(),
        ),
    )


def _legal_rule(o: _Obj) -> LegalRule:
    params = o.raw("params", required=False, default={})
    if not isinstance(params, dict):
        raise o.error("params", f"expected an object, got {show(params)}")
    return _done(
        o,
        LegalRule(
            id=o.text("id"),
            applies_to=o.choice("applies_to", ("job_order", "worker")),
            outcome=o.choice("outcome", ("refuse", "gap", "flag")),
            kind=o.text("kind"),
            detail=o.text("detail"),
            params=MappingProxyType(dict(params)),
            checkable=o.flag("checkable"),
            **o.sourced(),
        ),
    )


def _money(o: _Obj) -> Money:
    return _done(o, Money(o.positive("amount"), o.currency("currency"), o.choice("per", PERIODS)))


def _moratorium(o: _Obj) -> Moratorium:
    countries = tuple(
        _done(c, MoratoriumCountry(c.country("code"), c.status())) for c in o.nodes("countries")
    )
    exceptions = tuple(
        _done(
            e,
            MoratoriumException(
                id=e.text("id"),
                country=e.country("country"),
                detail=e.text("detail"),
                min_wage=_one(e.opt_node("min_wage"), _money),
                **e.sourced(),
            ),
        )
        for e in o.nodes("exceptions", required=False)
    )
    employer_types = o.texts("employer_types")
    if not set(employer_types) <= {"company", "household"} or not employer_types:
        raise o.error("employer_types", "expected a list of 'company' and/or 'household'")
    return _done(
        o,
        Moratorium(
            id=o.text("id"),
            detail=o.text("detail"),
            detail_id=o.text("detail_id"),
            employer_types=employer_types,
            effective_from=o.day("effective_from"),
            refusal_kind=o.text("refusal_kind"),
            countries=countries,
            countries_detail=o.text("countries_detail"),
            exceptions=exceptions,
            **o.sourced(),
        ),
    )


def _allowance(o: _Obj) -> Allowance:
    return _done(
        o,
        Allowance(
            o.text("name"),
            o.positive("amount"),
            o.currency("currency"),
            o.choice("per", PERIODS),
            o.flag("unless_in_kind"),
        ),
    )


def _wage_floor(o: _Obj, pack_country: str | None) -> WageFloor:
    country = o.opt_country("country")
    if country is None:
        if pack_country is None:
            raise o.error("country", "is required in a pack without a single country")
        country = pack_country
    elif pack_country is not None and country != pack_country:
        raise o.error("country", f"{country!r} differs from the pack's country {pack_country!r}")
    floor = WageFloor(
        country=country,
        region=o.opt_text("region"),
        region_local=o.opt_text("region_local"),
        amount=o.positive("amount"),
        currency=o.currency("currency"),
        per=o.choice("per", PERIODS),
        effective_from=o.day("effective_from"),
        effective_until=o.opt_day("effective_until"),
        category=o.opt_text("category"),
        label=o.opt_text("label"),
        note=o.opt_text("note"),
        allowances=tuple(_allowance(a) for a in o.nodes("allowances", required=False)),
        **o.sourced(),
    )
    if floor.effective_until is not None and floor.effective_until < floor.effective_from:
        raise o.error("effective_until", "is before effective_from")
    return _done(o, floor)


def _fallback(o: _Obj) -> WageFloorFallback:
    return _done(
        o,
        WageFloorFallback(
            rule=o.choice("rule", FALLBACK_RULES),
            flag_kind=o.text("flag_kind"),
            detail=o.text("detail"),
            detail_id=o.text("detail_id"),
            **o.sourced(),
        ),
    )


def _no_floor(o: _Obj) -> NoStatutoryFloor:
    return _done(
        o,
        NoStatutoryFloor(
            o.country("country"),
            o.currency("currency"),
            o.text("detail"),
            o.text("detail_id"),
            **o.sourced(),
        ),
    )


def _coverage(o: _Obj) -> Coverage:
    return _done(
        o,
        Coverage(
            o.country("country"),
            o.day("until"),
            o.text("detail"),
            o.text("detail_id"),
            **o.sourced(),
        ),
    )


def _threshold(o: _Obj) -> SalaryThreshold:
    return _done(
        o,
        SalaryThreshold(
            id=o.text("id"),
            country=o.country("country"),
            amount=o.positive("amount"),
            currency=o.currency("currency"),
            per=o.choice("per", PERIODS),
            effective_from=o.opt_day("effective_from"),
            min_age=o.opt_integer("min_age"),
            mode=o.choice("mode", ("gate", "review")),
            applies_to=o.text("applies_to"),
            detail=o.text("detail"),
            **o.sourced(),
        ),
    )


def _hours(o: _Obj) -> HoursConvention:
    hours = o.positive("hours")
    if hours > 744:  # 31 days x 24 h: anything above is a typo, not a convention
        raise o.error("hours", f"{hours} is more hours than a month has")
    return _done(
        o,
        HoursConvention(
            country=o.country("country"),
            hours=hours,
            derivation=o.text("derivation"),
            use_for_floor_check=o.flag("use_for_floor_check"),
            detail=o.text("detail"),
            **o.sourced(),
        ),
    )


def _not_encoded(o: _Obj) -> NotEncoded:
    status = o.status()
    source_value = o.raw("source")
    # A note may lack a source only when the research notes found none (then it is unverified).
    source = None if source_value is None and status == "unverified" else o.source_key()
    return _done(o, NotEncoded(o.text("id"), o.text("detail"), source, o.source_keys(), status))


def _check_no_sex_gate(value: object, file: str, path: str) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if key in _SEX_KEYS:
                raise RulePackError(
                    f"{file}: key '{where}': a rule naming a sex must be a flag, never a gate"
                )
            if not (path == "" and key == "flags"):
                _check_no_sex_gate(item, file, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_no_sex_gate(item, file, f"{path}[{i}]")


def _sources(top: _Obj) -> dict[str, str]:
    raw = top.raw("sources")
    if not isinstance(raw, dict) or not raw:
        raise top.error("sources", "expected a non-empty object of key -> URL")
    listing = top.node("sources")
    for key, url in raw.items():
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise listing.error(key, f"expected an http(s) URL, got {show(url)}")
    return dict(raw)


def _unique(items: list[T], key: Callable[[T], object], o: _Obj, name: str) -> None:
    seen: set[object] = set()
    for item in items:
        k = key(item)
        if k in seen:
            raise o.error(name, f"duplicate entry {k!r}")
        seen.add(k)


def parse_pack(raw: object, file: str) -> RulePack:
    """Validate a decoded rule pack and build its ``RulePack``.

    Parameters
    ----------
    raw : object
        The decoded JSON of one pack file.
    file : str
        The file name, used in error messages and checked against ``programme``.

    Returns
    -------
    RulePack
        The frozen pack.

    Raises
    ------
    RulePackError
        On any structural problem, naming the file and the key.
    """
    probe = _Obj(raw, file, "", RulePackError)
    sources = _sources(probe)
    top = _Obj(raw, file, "", RulePackError, frozenset(sources))
    top.raw("sources")
    _check_no_sex_gate(raw, file, "")

    programme = top.choice("programme", PACK_NAMES)
    if file.rsplit("/", 1)[-1] != f"{programme}.json":
        raise top.error("programme", f"{programme!r} does not match the file name {file!r}")
    updated = top.day("updated")
    version = top.text("version")
    match = _VERSION.match(version)
    if match is None or match.group(1) != updated.isoformat():
        raise top.error(
            "version", f"expected '{updated.isoformat()}.N' (updated date), got {version!r}"
        )
    top.raw("country")
    country = top.opt_country("country")
    if country is None and programme != "OTHER":
        raise top.error("country", "is required (only OTHER spans several countries)")

    validity_obj = top.node("language_validity")
    validity = {test: _validity(validity_obj.node(test), test) for test in validity_obj.members()}
    validity_obj.finish()
    floors = [_wage_floor(f, country) for f in top.nodes("wage_floors")]
    _unique(
        floors,
        lambda f: (f.country, f.region, f.category, f.per, f.effective_from),
        top,
        "wage_floors",
    )
    hours = [_hours(h) for h in top.nodes("hours_per_month")]
    _unique(hours, lambda h: h.country, top, "hours_per_month")
    coverage = [_coverage(c) for c in top.nodes("wage_floor_coverage", required=False)]
    _unique(coverage, lambda c: c.country, top, "wage_floor_coverage")
    fallback = _one(top.opt_node("wage_floor_fallback", required=True), _fallback)
    if fallback is not None and any(f.region is None for f in floors if f.category is None):
        raise top.error("wage_floors", "a regional fallback needs a region on every general floor")

    pack = RulePack(
        programme=programme,
        version=version,
        country=country,
        updated=updated,
        title=top.text("title"),
        sources=MappingProxyType(sources),
        language=_one(top.opt_node("language", required=True), _language),
        language_validity=MappingProxyType(validity),
        age=_one(top.opt_node("age", required=True), _age),
        stay_cap_months=_one(top.opt_node("stay_cap_months", required=True), _stay_cap),
        contract=_one(top.opt_node("contract"), _contract),
        availability=_one(top.opt_node("availability"), _availability),
        health=tuple(_health(h) for h in top.nodes("health")),
        skill_gates=tuple(_skill_gate(g) for g in top.nodes("skill_gates")),
        exemptions=tuple(_exemption(e) for e in top.nodes("exemptions", required=False)),
        flags=tuple(_pack_flag(f) for f in top.nodes("flags")),
        job_order_flags=tuple(
            _job_order_flag(f) for f in top.nodes("job_order_flags", required=False)
        ),
        rules=tuple(_legal_rule(r) for r in top.nodes("rules", required=False)),
        moratoria=tuple(_moratorium(m) for m in top.nodes("moratoria", required=False)),
        wage_floors=tuple(floors),
        wage_floor_fallback=fallback,
        no_statutory_floor=tuple(
            _no_floor(n) for n in top.nodes("no_statutory_floor", required=False)
        ),
        wage_floor_coverage=tuple(coverage),
        salary_thresholds=tuple(
            _threshold(t) for t in top.nodes("salary_thresholds", required=False)
        ),
        hours_per_month=MappingProxyType({h.country: h for h in hours}),
        not_encoded=tuple(_not_encoded(n) for n in top.nodes("not_encoded", required=False)),
        file=file,
    )
    top.finish()
    _check_references(pack, top)
    return pack


def _check_references(pack: RulePack, top: _Obj) -> None:
    exemption_ids = {e.id for e in pack.exemptions}
    gate_ids = {g.id for g in pack.skill_gates} | {"language"}
    named: list[tuple[str, tuple[str, ...]]] = [
        (f"skill_gates[{i}].exemptions", g.exemptions) for i, g in enumerate(pack.skill_gates)
    ]
    if pack.language is not None:
        named.append(("language.exemptions", pack.language.exemptions))
    for where, ids in named:
        missing = [x for x in ids if x not in exemption_ids]
        if missing:
            raise top.error(where, f"{', '.join(missing)} not ids of 'exemptions'")
    for i, exemption in enumerate(pack.exemptions):
        missing = [e.gate for e in exemption.exempts if e.gate not in gate_ids]
        if missing:
            raise top.error(f"exemptions[{i}].exempts", f"unknown gate {', '.join(missing)}")
    floor_countries = {f.country for f in pack.wage_floors}
    for c in pack.wage_floor_coverage:
        if c.country not in floor_countries:
            raise top.error("wage_floor_coverage", f"{c.country!r} has no wage floors")

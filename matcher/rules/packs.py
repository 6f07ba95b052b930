"""Destination rule packs: loading, the wage floor in force, hours conventions, currencies.

One JSON pack per docs/format.md programme plus ``ID-LAW`` (Indonesian-law gates on every job
order) lives in ``matcher/data/rulepacks/``; docs/rulepacks.md describes them. Packs are
validated when loaded; a malformed file raises ``RulePackError`` naming the file and key.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType

from matcher.rules.exchange_rates import (
    Conversion,
    ExchangeRateError,
    ExchangeRateTable,
    convert_currency,
    load_exchange_rates,
)
from matcher.rules.parse import LEGAL_PACK, PACK_NAMES, RulePackError, parse_pack
from matcher.rules.types import (
    AgeWindow,
    HoursConvention,
    LanguageRule,
    LanguageValidity,
    Moratorium,
    RulePack,
    StayCap,
    WageFloor,
)
from matcher.text.messages import Text

__all__ = [
    "LEGAL_PACK",
    "PACK_NAMES",
    "AgeWindow",
    "Conversion",
    "ExchangeRateError",
    "ExchangeRateTable",
    "HoursConvention",
    "LanguageRule",
    "LanguageValidity",
    "Moratorium",
    "RulePack",
    "RulePackError",
    "StayCap",
    "WageFloor",
    "WageFloorResult",
    "convert_currency",
    "hours_per_month",
    "legal_pack",
    "load_exchange_rates",
    "load_rule_packs",
    "monthly_equivalent",
    "rule_pack",
    "versions",
    "wage_floor_on",
]

WAGE_FLOOR_UNKNOWN = "wage_floor_unknown"
UNVERIFIED_RULE = "unverified_rule"
# Which published unit to fall back to when the destination has no floor in the one asked for.
_PER_PREFERENCE: Mapping[str, tuple[str, ...]] = {
    "hour": ("hour", "month"),
    "month": ("month", "hour"),
    "year": ("year", "month", "hour"),
    "day": ("day", "hour", "month"),
    "week": ("week", "hour", "month"),
}
_DEFAULT_PER = ("hour", "month")
_REGION_SUFFIXES = ("prefecture", "ken", "fu", "to")
_LOCAL_SUFFIXES = ("都", "府", "県")


@dataclass(frozen=True)
class WageFloorResult:
    """The floor in force for a workplace on a date, or why there is none.

    ``floor`` is ``None`` when no floor applies or is known (``reason`` says which, and
    ``reason_id`` the same in Indonesian;
    ``no_statutory_floor`` marks destinations that have none). ``fallback`` marks a floor
    taken by the pack's fallback rule (e.g. Japan's lowest prefectural floor when the
    prefecture is unknown). ``flag_kind`` is the docs/format.md flag to show: ``wage_floor_unknown``
    for a fallback or a missing floor, ``unverified_rule`` for an unverified figure.
    ``status`` is ``unverified`` also when the date is past the pack's coverage of that
    country (a newer floor may exist). ``other_floors`` are the sector, grade or
    employer-size floors in force on the date (latest row of each); they replace the general
    floor only for a job order that falls in them, which job orders rarely state (the
    protective reading takes the higher).
    """

    programme: str | None
    version: str | None
    country: str | None
    region: str | None
    floor: WageFloor | None
    fallback: bool
    no_statutory_floor: bool
    beyond_coverage: bool
    status: str | None
    flag_kind: str | None
    reason: str | None
    reason_id: str | None
    source_url: str | None
    other_floors: tuple[WageFloor, ...]

    @property
    def amount(self) -> float | None:
        """The floor amount, or ``None``."""
        return None if self.floor is None else self.floor.amount

    @property
    def currency(self) -> str | None:
        """The floor's ISO 4217 currency, or ``None``."""
        return None if self.floor is None else self.floor.currency

    @property
    def per(self) -> str | None:
        """The floor's unit (``hour``, ``month``...), or ``None``."""
        return None if self.floor is None else self.floor.per

    @property
    def effective_from(self) -> dt.date | None:
        """The date the floor took effect, or ``None``."""
        return None if self.floor is None else self.floor.effective_from

    @property
    def source(self) -> str | None:
        """The source key of the floor (or of the no-floor statement), or ``None``."""
        return None if self.floor is None else self.floor.source


def _read_directory(directory: Traversable, label: str) -> Mapping[str, RulePack]:
    if not directory.is_dir():
        raise RulePackError(f"{label}: rule-pack directory not found")
    packs: dict[str, RulePack] = {}
    for entry in sorted(directory.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        try:
            raw = json.loads(entry.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise RulePackError(f"{entry.name}: not valid JSON: {exc}") from None
        pack = parse_pack(raw, entry.name)
        packs[pack.programme] = pack
    missing = [f"{name}.json" for name in PACK_NAMES if name not in packs]
    if missing:
        raise RulePackError(f"{label}: missing rule pack file(s) {', '.join(missing)}")
    return MappingProxyType(packs)


@functools.cache
def _shipped_packs() -> Mapping[str, RulePack]:
    return _read_directory(
        resources.files("matcher") / "data" / "rulepacks", "matcher/data/rulepacks"
    )


def load_rule_packs(directory: str | Path | None = None) -> Mapping[str, RulePack]:
    """Load and validate every rule pack (the shipped ones are loaded once and cached).

    Parameters
    ----------
    directory : str or pathlib.Path, optional
        A directory of pack files to use instead of the shipped ones (an operator's
        updated packs, or a test fixture); it must hold every pack in ``PACK_NAMES``.

    Returns
    -------
    Mapping[str, RulePack]
        Read-only mapping of programme (and ``ID-LAW``) to its pack.

    Raises
    ------
    RulePackError
        If a file is not valid JSON, breaks the schema (the message names the file and the
        key), or a pack is missing.
    """
    if directory is None:
        return _shipped_packs()
    path = Path(directory)
    return _read_directory(path, str(path))


def rule_pack(programme: str, *, packs: Mapping[str, RulePack] | None = None) -> RulePack:
    """Return the pack of a docs/format.md programme (or ``ID-LAW``).

    Parameters
    ----------
    programme : str
        ``JP-SSW1``, ``JP-SSW2``, ``JP-TITP``, ``KR-EPS``, ``TW-FACTORY``, ``MY-PLKS``,
        ``DE-SKILLED``, ``OTHER`` or ``ID-LAW``.
    packs : Mapping[str, RulePack], optional
        Packs from ``load_rule_packs(directory)``; the shipped packs when omitted.

    Returns
    -------
    RulePack
        The pack.

    Raises
    ------
    KeyError
        If there is no pack of that name.
    """
    loaded = _shipped_packs() if packs is None else packs
    try:
        return loaded[programme]
    except KeyError:
        raise KeyError(
            f"no rule pack for programme {programme!r}; known: {', '.join(sorted(loaded))}"
        ) from None


def legal_pack(*, packs: Mapping[str, RulePack] | None = None) -> RulePack:
    """Return the Indonesian-law pack (``ID-LAW``: minimum age, licence, moratoria, legal
    refusals and flags) that applies to every job order, from ``packs`` as
    :func:`rule_pack` reads them."""
    return rule_pack(LEGAL_PACK, packs=packs)


def versions(*, packs: Mapping[str, RulePack] | None = None) -> dict[str, str]:
    """Return ``{programme: version}`` of every pack, for audit logs.

    Parameters
    ----------
    packs : Mapping[str, RulePack], optional
        Packs from ``load_rule_packs(directory)``; the shipped packs when omitted.

    Returns
    -------
    dict[str, str]
        Versions (``YYYY-MM-DD.N``: the pack's update date and revision), sorted by name.
    """
    loaded = _shipped_packs() if packs is None else packs
    return {name: loaded[name].version for name in sorted(loaded)}


def _pack_for(
    programme_or_country: str, country: str | None, packs: Mapping[str, RulePack]
) -> tuple[RulePack | None, str | None]:
    key = programme_or_country.strip()
    if key in packs:
        pack = packs[key]
        code = (country or pack.country or "").strip().upper() or None
        if code is None or code in pack.floor_countries:
            return pack, code
    elif len(key) == 2 and key.isalpha():
        code = key.upper()
    else:
        raise KeyError(
            f"{programme_or_country!r} is neither a rule-pack programme nor a country code"
        )
    # Country floors live in the destination's packs (identical across Japan's three packs).
    holders = sorted(
        (p for p in packs.values() if code in p.floor_countries),
        key=lambda p: (p.country is None, p.programme),
    )
    return (holders[0] if holders else None), code


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).lower()


def _aliases(floor: WageFloor) -> set[str]:
    names: set[str] = set()
    if floor.region is not None:
        base = _fold(floor.region)
        names |= {base} | {base + suffix for suffix in _REGION_SUFFIXES}
    if floor.region_local is not None:
        local = floor.region_local
        names.add(_fold(local))
        if local.endswith(_LOCAL_SUFFIXES) and len(local) > 2:
            names.add(_fold(local[:-1]))
    return names


def _match_region(region: str | None, floors: Iterable[WageFloor]) -> str | None:
    if region is None or not region.strip():
        return None
    wanted = _fold(region)
    for floor in floors:
        if floor.region is not None and wanted in _aliases(floor):
            return floor.region
    return None


def _in_force(floor: WageFloor, on: dt.date) -> bool:
    if floor.effective_from > on:
        return False
    return floor.effective_until is None or on <= floor.effective_until


def _pick(floors: Iterable[WageFloor], on: dt.date, per: str | None) -> WageFloor | None:
    rows = [f for f in floors if _in_force(f, on)]
    for unit in _PER_PREFERENCE.get(per or "", _DEFAULT_PER):
        of_unit = [f for f in rows if f.per == unit]
        if of_unit:
            return max(of_unit, key=lambda f: f.effective_from)
    return None


def _lowest_regional(general: list[WageFloor], on: dt.date, per: str | None) -> WageFloor | None:
    regions = sorted({f.region for f in general if f.region is not None})
    picked = [_pick((f for f in general if f.region == r), on, per) for r in regions]
    found = [f for f in picked if f is not None]
    return min(found, key=lambda f: (f.amount, f.region or "")) if found else None


def _category_floors(
    rows: Iterable[WageFloor], on: dt.date, region: str | None
) -> tuple[WageFloor, ...]:
    latest: dict[tuple[str | None, str | None, str], WageFloor] = {}
    for f in rows:
        if f.category is None or not _in_force(f, on) or f.region not in (None, region):
            continue
        key = (f.category, f.region, f.per)
        if key not in latest or f.effective_from > latest[key].effective_from:
            latest[key] = f
    return tuple(latest.values())


def _none(
    pack: RulePack | None, country: str | None, reason: Text, *, no_floor: bool = False
) -> WageFloorResult:
    return WageFloorResult(
        programme=None if pack is None else pack.programme,
        version=None if pack is None else pack.version,
        country=country,
        region=None,
        floor=None,
        fallback=False,
        no_statutory_floor=no_floor,
        beyond_coverage=False,
        status=None,
        flag_kind=WAGE_FLOOR_UNKNOWN,
        reason=reason[0],
        reason_id=reason[1],
        source_url=None,
        other_floors=(),
    )


def wage_floor_on(
    programme_or_country: str,
    region: str | None,
    on: dt.date,
    *,
    per: str | None = None,
    country: str | None = None,
    packs: Mapping[str, RulePack] | None = None,
) -> WageFloorResult:
    """Return the statutory wage floor in force for a workplace on a date.

    The row used is the general floor of the workplace's country (and region, where floors
    are regional) with the latest ``effective_from`` on or before ``on``. It is in the unit
    asked for when the destination publishes one, else in the unit it does publish (Japan
    and Germany: hourly only), which the caller converts with the destination's own rule.

    Parameters
    ----------
    programme_or_country : str
        A programme (``JP-SSW1``...) or an ISO 3166-1 alpha-2 country code (``CZ``).
    region : str or None
        The workplace's first-level division in English (``Tokyo``, ``Aichi``); Japanese
        names and ``-ken``/``Prefecture`` spellings are accepted. Ignored for national floors.
    on : datetime.date
        The job order's start date (or the run's ``as_of`` when it has none).
    per : str, optional
        ``hour``, ``month`` or ``year``: the job order's wage unit.
    country : str, optional
        The job order's country; needed with ``OTHER``, which spans several countries.
    packs : Mapping[str, RulePack], optional
        Packs from ``load_rule_packs(directory)``; the shipped packs when omitted.

    Returns
    -------
    WageFloorResult
        The floor and its source and status, or ``floor=None`` with the reason and a
        ``wage_floor_unknown`` flag (no statutory floor, no data for the date or country).

    Raises
    ------
    KeyError
        If ``programme_or_country`` is neither a pack name nor a two-letter code.
    """
    loaded = _shipped_packs() if packs is None else packs
    pack, code = _pack_for(programme_or_country, country, loaded)
    if code is None:
        return _none(
            pack,
            None,
            (
                f"{programme_or_country} spans several countries: pass country",
                f"{programme_or_country} mencakup beberapa negara: sebutkan negaranya",
            ),
        )
    if pack is None:
        return _none(
            None,
            code,
            (
                f"no wage-floor data for {code}: review the wage manually",
                f"tidak ada data upah minimum untuk {code}: tinjau upahnya secara manual",
            ),
        )
    for none in pack.no_statutory_floor:
        if none.country == code:
            said = (f"{none.detail} ({none.source})", f"{none.detail_id} ({none.source})")
            result = _none(pack, code, said, no_floor=True)
            return replace(result, source_url=pack.source_url(none.source), status=none.status)

    rows = [f for f in pack.wage_floors if f.country == code]
    general = [f for f in rows if f.category is None]
    fallback_rule = pack.wage_floor_fallback
    regional = any(f.region is not None for f in general)
    fallback = False
    reason: Text | None = None
    if regional:
        matched = _match_region(region, general)
        if matched is not None:
            floor = _pick((f for f in general if f.region == matched), on, per)
        elif fallback_rule is None:
            return _none(
                pack,
                code,
                (
                    f"region {region!r} has no floor in the {code} table",
                    f"wilayah {region!r} tidak punya upah minimum di tabel {code}",
                ),
            )
        else:
            fallback = True
            floor = _lowest_regional(general, on, per)
            if not region:
                missing = ("no workplace region given", "wilayah tempat kerja tidak disebut")
            else:
                missing = (f"region {region!r} unknown", f"wilayah {region!r} tidak dikenal")
            reason = (
                f"{missing[0]}; {fallback_rule.detail}",
                f"{missing[1]}; {fallback_rule.detail_id}",
            )
    else:
        matched = None
        floor = _pick(general, on, per)

    if floor is None:
        starts = min((f.effective_from for f in general), default=None)
        first = f"; the data starts {starts.isoformat()}" if starts else ""
        first_id = f"; data mulai {starts.isoformat()}" if starts else ""
        return _none(
            pack,
            code,
            (
                f"no {code} floor in the data on {on.isoformat()}{first}: review manually",
                f"tidak ada upah minimum {code} dalam data pada {on.isoformat()}{first_id}: "
                "tinjau secara manual",
            ),
        )

    status = floor.status
    beyond = next((c for c in pack.wage_floor_coverage if c.country == code and on > c.until), None)
    if beyond is not None:
        status = "unverified"
        note = (
            f"after {beyond.until.isoformat()}: {beyond.detail}",
            f"setelah {beyond.until.isoformat()}: {beyond.detail_id}",
        )
        reason = (f"{reason[0]}; {note[0]}", f"{reason[1]}; {note[1]}") if reason else note
    if fallback and fallback_rule is not None:
        flag_kind: str | None = fallback_rule.flag_kind
    else:
        flag_kind = UNVERIFIED_RULE if status == "unverified" else None
    others = _category_floors(rows, on, matched)
    return WageFloorResult(
        programme=pack.programme,
        version=pack.version,
        country=code,
        region=floor.region,
        floor=floor,
        fallback=fallback,
        no_statutory_floor=False,
        beyond_coverage=beyond is not None,
        status=status,
        flag_kind=flag_kind,
        reason=None if reason is None else reason[0],
        reason_id=None if reason is None else reason[1],
        source_url=pack.source_url(floor.source),
        other_floors=() if fallback else others,
    )


def hours_per_month(
    programme_or_country: str,
    *,
    country: str | None = None,
    packs: Mapping[str, RulePack] | None = None,
) -> HoursConvention:
    """Return the hours-per-month convention of a destination (with its derivation and status).

    Parameters
    ----------
    programme_or_country : str
        A programme or an ISO 3166-1 alpha-2 country code.
    country : str, optional
        The job order's country; needed with ``OTHER``.
    packs : Mapping[str, RulePack], optional
        Packs from ``load_rule_packs(directory)``; the shipped packs when omitted.

    Returns
    -------
    HoursConvention
        ``hours`` to pass to ``monthly_equivalent``; ``use_for_floor_check`` says whether the
        destination's own floor rule uses it (only Korea's 209 h does).

    Raises
    ------
    KeyError
        If the destination has no convention in the packs.
    """
    loaded = _shipped_packs() if packs is None else packs
    pack, code = _pack_for(programme_or_country, country, loaded)
    if pack is not None and code is not None and code in pack.hours_per_month:
        return pack.hours_per_month[code]
    holders = [p for p in loaded.values() if code is not None and code in p.hours_per_month]
    if holders:
        return holders[0].hours_per_month[code or ""]
    raise KeyError(f"no hours-per-month convention for {programme_or_country!r} ({code})")


def monthly_equivalent(amount: float, per: str, *, hours_per_month: float) -> float:
    """Express a wage per month.

    Parameters
    ----------
    amount : float
        The wage.
    per : str
        ``hour``, ``month`` or ``year`` (docs/format.md ``wage.per``).
    hours_per_month : float
        The destination's convention (``hours_per_month(...).hours``), e.g. Korea 209.

    Returns
    -------
    float
        ``amount × hours`` for hourly wages, ``amount`` for monthly, ``amount / 12`` for yearly.

    Raises
    ------
    ValueError
        For another unit or a non-positive number of hours.
    """
    if hours_per_month <= 0:
        raise ValueError(f"hours_per_month must be > 0, got {hours_per_month}")
    if per == "hour":
        return amount * hours_per_month
    if per == "month":
        return float(amount)
    if per == "year":
        return amount / 12
    raise ValueError(f"wage unit must be hour, month or year; got {per!r}")

"""The gates matching a returnee adds to the engine's, as labels and as gaps in words.

Both scorers name an unmet gate by its (kind, requirement) label from here, so the kernel
(:mod:`matcher.reintegration.kernel`) and the reference
(:mod:`matcher.reintegration.reference`) report the same gaps; the reference also says in
English and Indonesian what the returnee has and what would close the gap.

- ``preference`` / ``interests``: the opportunity's kind serves an interest the returnee
  did not name;
- ``preference`` / ``relocate``: the opportunity is farther from home than ``relocate``
  reaches;
- ``experience`` / ``N months abroad [in JP/KR]``: the opportunity's
  ``overseas_experience``, months summed over the returnee's entries abroad in the listed
  countries (any country abroad when none are listed);
- ``capital`` / ``capital``: the programme's least capital, in the returnee's currency
  through the dated exchange-rate table (a returnee who states none does not meet it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from matcher.reintegration.proximity import PROXIMITY_TIERS, ProximityTier
from matcher.rules.exchange_rates import ExchangeRateError, convert_currency
from matcher.scoring.params import ScoringParams
from matcher.text.messages import Message, Param, Text, number_text
from models.common import Money
from models.opportunity import INTEREST_OF_KIND, OpportunityKind, OverseasExperienceRequirement
from models.regions import Place
from models.returnee import RELOCATE_SCOPES, Interest, Relocate

__all__ = [
    "CAPITAL",
    "INTERESTS",
    "RELOCATE",
    "capital_message",
    "interest_message",
    "overseas_label",
    "overseas_message",
    "relocate_message",
    "required_capital",
]

INTERESTS = ("preference", "interests")
RELOCATE = ("preference", "relocate")
CAPITAL = ("capital", "capital")

_INTEREST_TEXT: Mapping[Interest, Text] = {
    "employment": ("employment", "pekerjaan"),
    "entrepreneurship": ("entrepreneurship", "wirausaha"),
    "cooperative": ("cooperative", "koperasi"),
    "trainer": ("trainer", "instruktur"),
}
_KIND_TEXT: Mapping[OpportunityKind, Text] = {
    "job": ("a job", "lowongan kerja"),
    "ikm_programme": ("an IKM programme", "program IKM"),
    "cooperative": ("a cooperative", "koperasi"),
    "trainer_post": ("a trainer post", "posisi instruktur"),
}
_TIER_TEXT: Mapping[ProximityTier, Text] = {
    "regency": ("the same regency", "kabupaten/kota yang sama"),
    "province": ("the same province", "provinsi yang sama"),
    "island": ("the same island group", "gugus pulau yang sama"),
    "elsewhere": ("another island group", "gugus pulau lain"),
}

_NO_HOME: Text = (
    "no nearness can be shown without a home",
    "kedekatan tak dapat ditunjukkan tanpa tempat tinggal",
)


def _joined(items: list[Text]) -> Text:
    return ", ".join(i[0] for i in items), ", ".join(i[1] for i in items)


def _place(place: Place | None) -> Param:
    if place is None:
        return "not recorded", "tidak tercatat"
    return place.province if place.regency is None else f"{place.regency}, {place.province}"


def interest_message(interests: tuple[Interest, ...], kind: OpportunityKind) -> Message:
    """The gap of an opportunity whose kind serves no interest the returnee named."""
    params: dict[str, Param] = {
        "interests": _joined([_INTEREST_TEXT[i] for i in interests]),
        "kind": _KIND_TEXT[kind],
        "interest": _INTEREST_TEXT[INTEREST_OF_KIND[kind]],
    }
    return Message("preference_interest", params)


def relocate_message(
    home: Place | None, site: Place, tier: ProximityTier, relocate: Relocate
) -> Message:
    """The gap of an opportunity beyond ``relocate``, with the ``relocate`` that reaches it."""
    params: dict[str, Param] = {
        "home": _place(home),
        "site": _place(site),
        "tier": _TIER_TEXT[tier] if home is not None else _NO_HOME,
        "relocate": relocate,
        "needed": RELOCATE_SCOPES[PROXIMITY_TIERS.index(tier)],
    }
    return Message("preference_relocate", params)


def overseas_label(need: OverseasExperienceRequirement) -> str:
    """The requirement text: ``"36 months abroad in JP"``, ``"24 months abroad"``."""
    where = f" in {'/'.join(need.countries)}" if need.countries else ""
    return f"{need.min_months} months abroad{where}"


def overseas_message(need: OverseasExperienceRequirement, have: int) -> Message:
    """The gap of too few months abroad in the listed countries."""
    countries: Param = (
        "/".join(need.countries) if need.countries else ("any country", "negara mana pun")
    )
    params: dict[str, Param] = {
        "months": str(need.min_months),
        "countries": countries,
        "have": str(have),
    }
    return Message("overseas_experience", params)


def _money(amount: float, currency: str) -> Text:
    english, indonesian = number_text(amount)
    return f"{english} {currency}", f"{indonesian} {currency}"


def capital_message(
    need: Money, have: tuple[float, str] | None, need_in_theirs: float | None
) -> Message:
    """The gap of too little (or no stated) capital.

    Parameters
    ----------
    need : Money
        The requirement.
    have : tuple of (float, str) or None
        The returnee's stated capital.
    need_in_theirs : float or None
        The requirement in the returnee's currency (None when no rate converts it).
    """
    if have is None:
        shown: Param = ("none stated", "tidak dinyatakan")
    else:
        amount, currency = have
        shown = _money(amount, currency)
        if currency != need.currency:
            if need_in_theirs is None:
                # Either currency may be the one the table lacks: name the pair.
                pair = f"{need.currency} and {currency}", f"{need.currency} dan {currency}"
                note: Text = (
                    f" (no exchange rate between {pair[0]})",
                    f" (tidak ada kurs antara {pair[1]})",
                )
            else:
                converted = _money(need_in_theirs, currency)
                note = (f" (needs {converted[0]})", f" (perlu {converted[1]})")
            shown = (shown[0] + note[0], shown[1] + note[1])
    return Message("capital", {"need": _money(need.amount, need.currency), "have": shown})


def required_capital(need: Money, currency: str, params: ScoringParams) -> float:
    """The least capital ``need`` asks, in ``currency`` (the returnee's), through the run's
    exchange-rate table on its evaluation date; NaN when no rate converts it (the gate then
    fails: nothing shows the capital is enough)."""
    if currency == need.currency:
        return need.amount
    try:
        return convert_currency(
            need.amount, need.currency, currency, params.as_of, table=params.rates
        ).amount
    except ExchangeRateError:
        return math.nan

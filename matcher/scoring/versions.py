"""The versions of the code and data behind a result, for audit logs.

A ranking is reproducible only with the engine that computed it and the data it read: the
skill taxonomy, the occupation table, the rule packs, the exchange-rate table and the score
weights. :func:`engine_versions` names each of them in one flat mapping of strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import metadata, resources

from matcher.rules.exchange_rates import ExchangeRateTable, load_exchange_rates
from matcher.rules.packs import versions as pack_versions
from matcher.rules.types import RulePack
from matcher.scoring.params import DEFAULT_WEIGHTS
from matcher.taxonomy.skills import default_skill_normalizer

__all__ = ["engine_versions"]

_DISTRIBUTION = "selaras"


def engine_versions(
    *,
    packs: Mapping[str, RulePack] | None = None,
    rates: ExchangeRateTable | None = None,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> dict[str, str]:
    """Versions of the code, taxonomy, rule packs, exchange rates and weights in use.

    Parameters
    ----------
    packs : Mapping[str, RulePack], optional
        The rule packs in use; the shipped ones by default.
    rates : ExchangeRateTable, optional
        The exchange-rate table in use; the shipped one by default.
    weights : Mapping[str, float]
        The default score weights (job orders may carry their own).

    Returns
    -------
    dict[str, str]
        ``code`` (the installed ``selaras`` distribution), ``taxonomy`` and ``occupations``
        (data file versions), ``rule_pack:<programme>`` for every pack (``YYYY-MM-DD.N``),
        ``exchange_rates`` (the table's origin and snapshot dates) and ``weights``
        (``name=value`` pairs).
    """
    table = load_exchange_rates() if rates is None else rates
    found = {
        "code": _code_version(),
        "taxonomy": default_skill_normalizer().taxonomy.version,
        "occupations": _data_version("occupations.json"),
    }
    found.update({f"rule_pack:{name}": v for name, v in pack_versions(packs=packs).items()})
    dates = ",".join(s.as_of.isoformat() for s in table.snapshots)
    found["exchange_rates"] = f"{table.origin}@{dates}"
    found["weights"] = ",".join(f"{name}={value!r}" for name, value in weights.items())
    return found


def _code_version() -> str:
    try:
        return metadata.version(_DISTRIBUTION)
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def _data_version(name: str) -> str:
    raw = json.loads(resources.files("matcher").joinpath(f"data/{name}").read_text("utf-8"))
    return str(raw["version"])

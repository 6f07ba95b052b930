"""The ISCO-08 hierarchy: titles of every group and how closely two unit groups relate.

ISCO-08 codes nest by prefix: major group (1 digit), sub-major (2), minor (3) and unit
group (4). Experience in a related occupation counts for something in matching, so the
scorer asks how many leading digits two unit groups share. The full list of 619 groups
(ILO, as published in ESCO v1.1.1) is in ``matcher/data/isco08.json``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Literal

__all__ = [
    "IscoRelation",
    "is_unit_group",
    "isco_groups",
    "isco_relation",
    "isco_title",
    "parent_groups",
]

IscoRelation = Literal["same_unit", "same_minor", "same_sub_major", "same_major", "unrelated"]
"""How two unit groups relate, from closest to farthest."""

_RELATION_BY_SHARED_DIGITS: dict[int, IscoRelation] = {
    4: "same_unit",
    3: "same_minor",
    2: "same_sub_major",
    1: "same_major",
    0: "unrelated",
}


@lru_cache(maxsize=1)
def isco_groups() -> Mapping[str, str]:
    """All ISCO-08 groups at every level (cached).

    Returns
    -------
    Mapping[str, str]
        Code (1 to 4 digits) -> English title.
    """
    raw = json.loads(resources.files("matcher").joinpath("data/isco08.json").read_text("utf-8"))
    groups: dict[str, str] = raw["groups"]
    return groups


def is_unit_group(code: str) -> bool:
    """Whether ``code`` is an existing ISCO-08 unit group (4 digits).

    Parameters
    ----------
    code : str
        A candidate code.

    Returns
    -------
    bool
        True for codes such as ``"7212"`` that ISCO-08 defines.
    """
    return len(code) == 4 and code in isco_groups()


def isco_title(code: str) -> str:
    """The English ISCO-08 title of a group at any level.

    Parameters
    ----------
    code : str
        1 to 4 digit ISCO-08 code.

    Returns
    -------
    str
        Its title, e.g. ``"7212"`` -> ``"Welders and flamecutters"``.

    Raises
    ------
    KeyError
        If ISCO-08 has no such group.
    """
    groups = isco_groups()
    if code not in groups:
        raise KeyError(f"no ISCO-08 group {code!r}")
    return groups[code]


def parent_groups(code: str) -> tuple[str, ...]:
    """The minor, sub-major and major groups above a unit group, nearest first.

    Parameters
    ----------
    code : str
        An ISCO-08 code.

    Returns
    -------
    tuple[str, ...]
        E.g. ``"7212"`` -> ``("721", "72", "7")``.
    """
    return tuple(code[:n] for n in range(len(code) - 1, 0, -1))


def isco_relation(first: str, second: str) -> IscoRelation:
    """How closely two ISCO-08 unit groups relate.

    Parameters
    ----------
    first, second : str
        4-digit unit group codes.

    Returns
    -------
    IscoRelation
        ``"same_unit"`` when equal, else the deepest group both belong to
        (``"7212"`` and ``"7214"`` are ``"same_minor"``: both in 721, sheet and structural
        metal workers), or ``"unrelated"`` across major groups.

    Raises
    ------
    ValueError
        If either code is not an ISCO-08 unit group.
    """
    for code in (first, second):
        if not is_unit_group(code):
            raise ValueError(f"not an ISCO-08 unit group: {code!r}")
    shared = 0
    while shared < 4 and first[shared] == second[shared]:
        shared += 1
    return _RELATION_BY_SHARED_DIGITS[shared]

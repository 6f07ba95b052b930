"""Job titles -> ISCO-08 unit groups.

Titles come from CVs (experience entries) and job orders in the same languages and with
the same habits as skill names, so they are read with the same engine
(:class:`matcher.text.lexicon.Lexicon`) over the titles in ``matcher/data/occupations.json``.
A title the table does not know but that names exactly one skill whose concept has
exactly one ISCO-08 unit group ("tukang bubut" -> lathe turning -> 7223) takes that group.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from matcher.taxonomy.isco import isco_title
from matcher.taxonomy.skills import SKILL_THRESHOLD, SkillNormalizer, default_skill_normalizer
from matcher.text.fold import text_rules
from matcher.text.lexicon import Lexicon

__all__ = [
    "OccupationMatch",
    "OccupationNormalizer",
    "default_occupation_normalizer",
    "load_default_normalizers",
]


@dataclass(frozen=True)
class OccupationMatch:
    """The reading of one job title.

    Attributes
    ----------
    input : str
        The title exactly as given.
    isco : str or None
        ISCO-08 unit group, or None when unknown.
    score : float or None
        Confidence in [0, 1], None when unknown.
    via : {"title", "skill"} or None
        Whether the title table or the skill taxonomy placed it.
    """

    input: str
    isco: str | None
    score: float | None
    via: Literal["title", "skill"] | None

    @property
    def title(self) -> str | None:
        """The ISCO-08 title of the unit group, or None when unknown."""
        return isco_title(self.isco) if self.isco else None

    def to_record(self) -> dict[str, Any]:
        """The ``normalize occupation`` output record.

        Returns
        -------
        dict[str, Any]
            ``input``, ``isco``, ``title``, ``score`` and ``via``.
        """
        return {
            "input": self.input,
            "isco": self.isco,
            "title": self.title,
            "score": self.score,
            "via": self.via,
        }


class OccupationNormalizer:
    """Job titles -> ISCO-08 unit groups.

    Parameters
    ----------
    titles : dict[str, list[str]]
        ISCO-08 unit group -> titles in any language.
    ambiguous : dict[str, list[str]]
        Titles that name several unit groups (never placed on their own).
    skills : SkillNormalizer
        Used for titles the table does not know.
    threshold : float
        Minimum reading score.
    """

    def __init__(
        self,
        titles: dict[str, list[str]],
        ambiguous: dict[str, list[str]],
        skills: SkillNormalizer,
        threshold: float = SKILL_THRESHOLD,
    ) -> None:
        for code in titles:
            isco_title(code)  # an unknown code is a data error: fail at load, not per title
        self._lexicon = Lexicon(titles, ambiguous, text_rules(), threshold)
        self._skills = skills

    def load(self) -> None:
        """Build now what reading otherwise builds on first use (:meth:`Lexicon.load`)."""
        self._lexicon.load()

    def normalize_many(self, titles: Sequence[str]) -> list[OccupationMatch]:
        """Place many job titles in one batch.

        Parameters
        ----------
        titles : Sequence[str]
            Job titles as written.

        Returns
        -------
        list[OccupationMatch]
            One per input, in order.
        """
        readings = self._lexicon.read_many(titles)
        # A title naming several occupations ("production worker (welding and grinding)")
        # stays unknown; only a title the table cannot read at all is tried as a skill.
        unplaced = [t for t, hits in zip(titles, readings, strict=True) if not hits]
        by_skill = dict(zip(unplaced, self._skills.normalize_many(unplaced), strict=True))
        matches: list[OccupationMatch] = []
        for title, hits in zip(titles, readings, strict=True):
            if len(hits) == 1:
                matches.append(OccupationMatch(title, hits[0].target, hits[0].score, "title"))
                continue
            skill = by_skill.get(title)
            if skill is None:
                matches.append(OccupationMatch(title, None, None, None))
                continue
            # Only a single skill with a single unit group says which occupation is meant.
            if len(skill.concepts) == 1 and len(skill.concepts[0].concept.isco) == 1:
                hit = skill.concepts[0]
                matches.append(OccupationMatch(title, hit.concept.isco[0], hit.score, "skill"))
            else:
                matches.append(OccupationMatch(title, None, None, None))
        return matches

    def normalize(self, title: str) -> OccupationMatch:
        """Place one job title; see :meth:`normalize_many`."""
        return self.normalize_many([title])[0]


@lru_cache(maxsize=1)
def default_occupation_normalizer() -> OccupationNormalizer:
    """The normalizer over the bundled title table, built once per process.

    Returns
    -------
    OccupationNormalizer
        Shared instance.
    """
    raw = json.loads(
        resources.files("matcher").joinpath("data/occupations.json").read_text("utf-8")
    )
    titles = {
        o["isco"]: [o["label_en"], o["label_id"], *(t for ts in o["titles"].values() for t in ts)]
        for o in raw["occupations"]
    }
    return OccupationNormalizer(titles, raw["ambiguous"], default_skill_normalizer())


def load_default_normalizers() -> None:
    """Build the default skill and occupation normalizers and load what they otherwise
    load on first use (:meth:`matcher.text.lexicon.Lexicon.load`): a server then reads
    its first upload at full speed, and processes forked after this share one load."""
    default_skill_normalizer().load()
    default_occupation_normalizer().load()

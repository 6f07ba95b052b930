"""Returnees as trainers: who could teach the skills a training course confers.

The training plan (``matcher.training``, above this package in the layers) can read the
supply of trainers per course skill with :func:`trainer_supply`: the returnees who named
the ``trainer`` interest and hold the skill, stated or recognised from work abroad
(:mod:`matcher.reintegration.facts` adds recognised levels as held skills), at
:data:`TRAINER_MIN_LEVEL` or above. A trainer post itself is matched like any other
opportunity (its language level and years abroad are requirements; see
docs/reintegration.md); this function answers the planner's question, "is there anyone
to teach this course?", without an opportunity to match against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matcher.reintegration.facts import ReturneeFacts
from matcher.taxonomy.skills import SkillNormalizer
from models.course import Course

__all__ = ["TRAINER_MIN_LEVEL", "course_trainer_supply", "trainer_supply"]

TRAINER_MIN_LEVEL = 3
"""Least level (1 basic ... 5 expert) a returnee must hold a skill at to teach it: level 3
is what the recognition rules give for five years abroad with a completed contract, or a
Japanese trade test grade 2 (KKNI 3, an independent skilled worker); policy."""


def trainer_supply(
    returnees: Sequence[ReturneeFacts],
    normalizer: SkillNormalizer,
    concepts: Sequence[str],
    *,
    min_level: int = TRAINER_MIN_LEVEL,
) -> dict[str, tuple[str, ...]]:
    """The returnees who could teach each skill.

    Parameters
    ----------
    returnees : Sequence[ReturneeFacts]
        From :func:`matcher.reintegration.facts.returnee_facts`.
    normalizer : SkillNormalizer
        Its taxonomy decides "held within the skill" (a returnee holding SMAW welding can
        teach it in a welding course).
    concepts : Sequence[str]
        Taxonomy concept ids of the course skills.
    min_level : int
        :data:`TRAINER_MIN_LEVEL` unless given.

    Returns
    -------
    dict of str to tuple of str
        For every concept, the ids of the returnees interested in teaching who hold it (or a
        concept within it) at ``min_level`` or above, in pool order.
    """
    taxonomy = normalizer.taxonomy
    # Each returnee's best level per concept held, read once; the loop is over the pool
    # once per run (a planning query), not over pairs.
    held: list[tuple[str, Mapping[str, int]]] = []
    for returnee in returnees:
        if "trainer" not in returnee.interests:
            continue
        best: dict[str, int] = {}
        for skill in returnee.worker.skills:
            if skill.level is not None:
                best[skill.concept] = max(best.get(skill.concept, 0), skill.level)
        held.append((returnee.id, best))
    return {
        concept: tuple(
            rid
            for rid, best in held
            if any(
                level >= min_level and taxonomy.is_within(have, concept)
                for have, level in best.items()
            )
        )
        for concept in concepts
    }


def course_trainer_supply(
    returnees: Sequence[ReturneeFacts],
    normalizer: SkillNormalizer,
    courses: Sequence[Course],
    *,
    min_level: int = TRAINER_MIN_LEVEL,
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Trainer supply for each course: :func:`trainer_supply` of the skills it confers.

    Parameters
    ----------
    returnees : Sequence[ReturneeFacts]
    normalizer : SkillNormalizer
        Reads the courses' skill names (all in one batch).
    courses : Sequence[models.course.Course]
    min_level : int

    Returns
    -------
    dict
        ``{course_id: {concept_id: returnee ids}}``; a skill name outside the taxonomy has
        no concept and is left out.
    """
    names = [s.name for c in courses for s in c.confers.skills]
    read = iter(normalizer.normalize_many(names))
    wanted = {
        course.id: [h.concept.id for _ in course.confers.skills for h in next(read).concepts]
        for course in courses
    }
    every = sorted({c for concepts in wanted.values() for c in concepts})
    supply = trainer_supply(returnees, normalizer, every, min_level=min_level)
    return {cid: {c: supply[c] for c in concepts} for cid, concepts in wanted.items()}

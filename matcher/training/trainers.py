"""Trainer supply per course: returned migrant workers who could teach it.

A training plan names courses; whether a course can run depends on there being someone to
teach it. Returnees who want to teach (the ``trainer`` interest) are matched to
``trainer_post`` opportunities by the reintegration engine
(:class:`~matcher.reintegration.run.ReintegrationRun`: the posts' language levels, months
abroad, skills and every other gate, the wage gate included), and each course is linked
to the trainer posts that teach what it confers:

- a post **teaches a course** when one of its required skills is a skill the course
  confers, or broader or narrower than one (the taxonomy's ``is_within`` either way: a
  welding instructor teaches SMAW welding), or when one of its language requirements is
  in a language the course confers a test result in (JLPT N3 and JFT-Basic are both
  Japanese);
- a course's **trainers** are the returnees eligible for at least one of its posts, by the
  engine's ranking (each pair evaluated by the kernel and again by the reference);
- beside them, its **skill holders** are the returnees who named ``trainer`` and hold a
  conferred skill at :data:`~matcher.reintegration.trainers.TRAINER_MIN_LEVEL` or above
  (:func:`~matcher.reintegration.trainers.course_trainer_supply`), with or without a post.

FORMAT.md's training plan has no field for this: ``selaras plan-training --returnees F
--opportunities F`` writes it as a separate JSON document (``--trainers-out``) and as a
section of the HTML report (docs/training.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from matcher.reintegration.run import ReintegrationRun, prepare_reintegration
from matcher.reintegration.trainers import course_trainer_supply
from matcher.taxonomy.language_scale import language_of
from matcher.taxonomy.skills import SkillNormalizer, default_skill_normalizer
from models.course import Course
from models.opportunity import Opportunity
from models.worker import Worker

__all__ = ["CourseTrainers", "TrainerPost", "course_trainers", "trainers_document"]


@dataclass(frozen=True)
class TrainerPost:
    """One trainer post teaching a course, with the returnees the engine finds eligible.

    ``trainers`` are (returnee id, score) by rank; a refused post (below the minimum wage)
    has none.
    """

    opportunity_id: str
    organiser: str
    refused: bool
    trainers: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class CourseTrainers:
    """The trainer supply of one course.

    Attributes
    ----------
    course_id : str
    posts : tuple of TrainerPost
        The trainer posts that teach it, in input order.
    trainers : tuple of str
        Returnees eligible for at least one of those posts, in id order.
    skill_holders : tuple of str
        Returnees interested in teaching who hold a conferred skill at the trainer level,
        in input order (without regard to any post).
    """

    course_id: str
    posts: tuple[TrainerPost, ...]
    trainers: tuple[str, ...]
    skill_holders: tuple[str, ...]


def _concepts(normalizer: SkillNormalizer, names: Sequence[str]) -> list[set[str]]:
    return [{h.concept.id for h in m.concepts} for m in normalizer.normalize_many(names)]


def _teaches(
    normalizer: SkillNormalizer,
    course_skills: set[str],
    course_languages: set[str],
    post_skills: set[str],
    post_languages: set[str],
) -> bool:
    within = normalizer.taxonomy.is_within
    if any(within(c, p) or within(p, c) for c in course_skills for p in post_skills):
        return True
    return bool(course_languages & post_languages)


def _post_languages(post: Opportunity) -> set[str]:
    found: set[str] = set()
    for need in post.requirements.languages:
        if need.language is not None:
            found.add(need.language)
        for test in need.any_of or ():
            language = language_of(test.test)
            if language is not None:
                found.add(language)
    return found


def course_trainers(
    courses: Sequence[Course],
    returnees: Sequence[Worker],
    opportunities: Sequence[Opportunity],
    as_of: dt.date,
    *,
    normalizer: SkillNormalizer | None = None,
) -> list[CourseTrainers]:
    """The trainer supply of every course.

    Parameters
    ----------
    courses : Sequence[models.course.Course]
        The plan's catalogue.
    returnees : Sequence[models.worker.Worker]
        Validated returnee records.
    opportunities : Sequence[models.opportunity.Opportunity]
        Only the ``trainer_post`` ones are read.
    as_of : datetime.date
        The plan's evaluation date.
    normalizer : SkillNormalizer, optional
        The shipped one when omitted.

    Returns
    -------
    list of CourseTrainers
        One per course, in catalogue order.
    """
    normalizer = normalizer or default_skill_normalizer()
    posts = [o for o in opportunities if o.kind == "trainer_post"]
    course_skill_names = [[s.name for s in c.confers.skills] for c in courses]
    read = iter(_concepts(normalizer, [n for names in course_skill_names for n in names]))
    course_skills = [set().union(*(next(read) for _ in names)) for names in course_skill_names]
    course_languages = [
        {lang for r in c.confers.languages if (lang := language_of(r.test)) is not None}
        for c in courses
    ]
    post_skill_names = [[s.name for s in p.requirements.skills] for p in posts]
    read = iter(_concepts(normalizer, [n for names in post_skill_names for n in names]))
    post_skills = [set().union(*(next(read) for _ in names)) for names in post_skill_names]
    post_languages = [_post_languages(p) for p in posts]
    taught = [
        [
            j
            for j in range(len(posts))
            if _teaches(
                normalizer, course_skills[i], course_languages[i], post_skills[j], post_languages[j]
            )
        ]
        for i in range(len(courses))
    ]
    run = prepare_reintegration(returnees, posts, as_of)
    eligible = _eligible(run)
    supply = course_trainer_supply(run.returnees, normalizer, courses)
    out = []
    for course, linked in zip(courses, taught, strict=True):
        found = tuple(
            TrainerPost(
                posts[j].id,
                posts[j].organiser.name,
                run.opportunities[j].refused,
                eligible.get(posts[j].id, ()),
            )
            for j in linked
        )
        holders = {rid for ids in supply[course.id].values() for rid in ids}
        out.append(
            CourseTrainers(
                course_id=course.id,
                posts=found,
                trainers=tuple(sorted({rid for post in found for rid, _ in post.trainers})),
                skill_holders=tuple(r.id for r in run.returnees if r.id in holders),
            )
        )
    return out


def _eligible(run: ReintegrationRun) -> dict[str, tuple[tuple[str, float], ...]]:
    """Every open post's eligible returnees by rank: the engine's ranking, all of them."""
    found: dict[str, list[tuple[str, float]]] = {}
    for record in run.rank("opportunities", top=0):
        found.setdefault(record.opportunity_id, []).append((record.worker_id, record.score))
    return {post: tuple(ranked) for post, ranked in found.items()}


def trainers_document(supply: Sequence[CourseTrainers], as_of: dt.date) -> dict[str, Any]:
    """The JSON form written by ``selaras plan-training --trainers-out`` (docs/training.md).

    Parameters
    ----------
    supply : Sequence[CourseTrainers]
    as_of : datetime.date

    Returns
    -------
    dict
        ``{"as_of", "courses": [{"course_id", "trainers", "skill_holders", "posts":
        [{"opportunity_id", "organiser", "refused", "trainers": [{"worker_id",
        "score"}]}]}]}``.
    """
    return {
        "as_of": as_of.isoformat(),
        "courses": [
            {
                "course_id": c.course_id,
                "trainers": list(c.trainers),
                "skill_holders": list(c.skill_holders),
                "posts": [
                    {
                        "opportunity_id": p.opportunity_id,
                        "organiser": p.organiser,
                        "refused": p.refused,
                        "trainers": [{"worker_id": w, "score": s} for w, s in p.trainers],
                    }
                    for p in c.posts
                ],
            }
            for c in supply
        ],
    }

"""What a job order asks of a worker: skills, languages, experience, age, a sex (flagged)."""

from __future__ import annotations

import random

from benchmarks.synthetic.draws import cumulative, pick
from benchmarks.synthetic.job_templates import Job
from benchmarks.synthetic.programmes import AGE_WINDOWS
from benchmarks.synthetic.settings import Record
from benchmarks.synthetic.spelling import written_forms


def _requirement_name(concept_id: str, rnd: random.Random) -> str:
    indonesian, english, *_ = written_forms()[concept_id]
    roll = rnd.random()
    if roll < 0.6:
        return english[0]
    if roll < 0.85:
        return rnd.choice(english)
    return rnd.choice(indonesian)


def _languages_for(programme: str, rnd: random.Random) -> list[Record]:
    jp_named: Record = {
        "any_of": [{"test": "JLPT", "min": "N4"}, {"test": "JFT-Basic", "min": "A2"}]
    }
    roll = rnd.random()
    if programme == "JP-SSW1":
        out: list[Record] = [jp_named] if roll < 0.9 else []
        if rnd.random() < 0.15:
            out.append({"any_of": [{"test": "JLPT", "min": "N3"}], "required": False})
        return out
    if programme == "JP-SSW2":
        return (
            [{"any_of": [{"test": "JLPT", "min": "N3"}], "required": False}] if roll < 0.2 else []
        )
    if programme == "JP-TITP":
        return (
            [{"any_of": [{"test": "JLPT", "min": "N5"}], "required": False}] if roll < 0.4 else []
        )
    if programme == "KR-EPS":
        minimum = pick(
            rnd, (80, 90, 100, 110, 120, 130, 140, 150), cumulative((4, 3, 3, 3, 2, 1, 1, 1))
        )
        return [{"any_of": [{"test": "EPS-TOPIK", "min": minimum}]}]
    if programme == "TW-FACTORY":
        if roll < 0.10:
            return [{"language": "zh", "min_cefr": "A1", "required": False}]
        if roll < 0.25:
            return [{"language": "en", "min_cefr": "A1", "required": False}]
        return []
    if programme == "MY-PLKS":
        return [{"language": "en", "min_cefr": "A2", "required": False}] if roll < 0.25 else []
    # DE-SKILLED: no statutory level; employers ask A2-B1.
    level = "A2" if rnd.random() < 0.6 else "B1"
    german: Record = {"language": "de", "min_cefr": level}
    if roll >= 0.75:
        german["required"] = False
    if rnd.random() < 0.2:
        return [german, {"language": "en", "min_cefr": "B1", "required": False}]
    return [german]


def _age_for(programme: str, rnd: random.Random) -> Record | None:
    options = AGE_WINDOWS[programme]
    window = pick(rnd, [w for w, _ in options], cumulative(weight for _, weight in options))
    return None if window is None else dict(window)


def relax_requirements(requirements: Record) -> Record:
    """A dense pool's version of drawn requirements: the skills asked for stay, the gates
    that pick a few among the workers who have them go.

    A dense pool (``generate_vacancies(dense=True)``) is one where workers who can go
    abroad at all are eligible for several job orders: its job orders keep their main
    skill required (what sorts workers into trades) and the destination (her stated
    countries), ask for the other skills and the languages as optional (scored, not
    required), and drop the certification, level and months asked of a skill, the
    experience requirement and the age window, which in the default pool leave most job
    orders a handful of eligible workers. The programme's statutory gates (rule packs)
    and the worker's own documents, health and preferences still apply.

    Parameters
    ----------
    requirements : dict
        As :func:`job_requirements` drew them (not modified).

    Returns
    -------
    dict
        A new requirements record.
    """
    main, *extras = requirements["skills"]
    skills = [{"name": main["name"], "required": True}]
    skills += [{"name": skill["name"], "required": False, "weight": 0.5} for skill in extras]
    relaxed: Record = {"skills": skills}
    if "languages" in requirements:
        relaxed["languages"] = [{**need, "required": False} for need in requirements["languages"]]
    if "sex" in requirements:
        relaxed["sex"] = requirements["sex"]
    return relaxed


def job_requirements(programme: str, job: Job, rnd: random.Random, sex: str | None) -> Record:
    main: Record = {"name": _requirement_name(job.main, rnd), "required": True}
    certifiable = job.main.endswith("welding") or job.main == "forklift-operation"
    if (certifiable and rnd.random() < 0.35) or (programme == "DE-SKILLED" and rnd.random() < 0.3):
        main["certified"] = True
    if rnd.random() < 0.35:
        main["min_level"] = rnd.choice((1, 2, 2, 3))
    if rnd.random() < 0.2:
        main["min_months"] = rnd.choice((6, 12, 12, 24))
    skills = [main]
    for extra in job.extras[: rnd.choice((0, 1, 1, 2, 2))]:
        if rnd.random() < 0.7:
            skills.append({"name": _requirement_name(extra, rnd), "required": False, "weight": 0.5})
        else:
            skills.append({"name": _requirement_name(extra, rnd), "required": True})
    requirements: Record = {"skills": skills}
    languages = _languages_for(programme, rnd)
    if languages:
        requirements["languages"] = languages
    if programme == "JP-SSW2":
        requirements["experience"] = {"min_months": 36, "isco": [job.isco]}
    elif programme == "DE-SKILLED" and rnd.random() < 0.8:
        requirements["experience"] = {"min_months": 24, "isco": [job.isco]}
    elif programme != "JP-TITP" and rnd.random() < 0.55:
        months = rnd.choice((6, 12, 12, 24, 24, 36))
        requirements["experience"] = {"min_months": months, "isco": [job.isco]}
    age = _age_for(programme, rnd)
    if age is not None:
        requirements["age"] = age
    if sex is not None:
        requirements["sex"] = sex
    return requirements

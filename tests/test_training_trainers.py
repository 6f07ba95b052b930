"""Trainer supply per course: trainer posts linked to the courses they teach, returnees
eligible for them by the reintegration engine, and ``plan-training --trainers-out``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from matcher.reintegration.run import prepare_reintegration
from matcher.training.trainers import course_trainers, trainers_document
from models.course import Course
from models.opportunity import Opportunity
from models.worker import Returnee
from tests.conftest import RunCli
from tests.paths import SAMPLE

AS_OF = dt.date(2026, 3, 1)


def _records(name: str, model: type) -> list:  # type: ignore[type-arg]
    lines = (SAMPLE / name).read_text("utf-8").splitlines()
    return [model.model_validate_json(line) for line in lines]


COURSES: list[Course] = _records("courses.jsonl", Course)
OFFERS: list[Opportunity] = _records("opportunities.jsonl", Opportunity)
PEOPLE: list[Returnee] = _records("returnees.jsonl", Returnee)


def test_posts_teach_courses_by_skill_within_either_way_or_by_language() -> None:
    supply = {c.course_id: c for c in course_trainers(COURSES, PEOPLE, OFFERS, AS_OF)}
    posts = {c: [p.opportunity_id for p in s.posts] for c, s in supply.items()}
    # SMAW welding is within welding: every welding instructor post teaches it.
    welding = {"OPP-2026-0051", "OPP-2026-0056", "OPP-2026-0059"}
    assert set(posts["CRS-BBPVP-SRG-SMAW"]) == welding
    # JFT-Basic and JLPT are both Japanese tests: the Japanese teaching posts teach it.
    japanese = {"OPP-2026-0053", "OPP-2026-0057", "OPP-2026-0058"}
    assert set(posts["CRS-LPK-JP-N4"]) == japanese
    # Injection moulding: no trainer post teaches it.
    assert posts["CRS-BDI-YK-PLASTIC-3IN1"] == []
    assert [c.course_id for c in supply.values()] == [c.id for c in COURSES]


def test_trainers_are_the_engines_eligible_returnees_of_the_posts() -> None:
    supply = course_trainers(COURSES, PEOPLE, OFFERS, AS_OF)
    posts = [o for o in OFFERS if o.kind == "trainer_post"]
    run = prepare_reintegration(PEOPLE, posts, AS_OF)
    seen = 0
    for course in supply:
        for post in course.posts:
            listed = {w for w, _ in post.trainers}
            for returnee in run.returnees:
                _, _, outcome = run.evaluate(returnee.id, post.opportunity_id)
                assert (returnee.id in listed) == (outcome.eligible and not post.refused)
            seen += len(listed)
        assert set(course.trainers) == {w for p in course.posts for w, _ in p.trainers}
    assert seen > 0


def test_the_document_names_every_course_and_post() -> None:
    document = trainers_document(course_trainers(COURSES, PEOPLE, OFFERS, AS_OF), AS_OF)
    assert document["as_of"] == "2026-03-01"
    assert [c["course_id"] for c in document["courses"]] == [c.id for c in COURSES]
    smaw = next(c for c in document["courses"] if c["course_id"] == "CRS-BBPVP-SRG-SMAW")
    assert smaw["trainers"]
    assert all(set(t) == {"worker_id", "score"} for p in smaw["posts"] for t in p["trainers"])


def test_plan_training_writes_the_trainer_supply(run_cli: RunCli, tmp_path: Path) -> None:
    common = [
        *("plan-training", "--workers", SAMPLE / "workers.jsonl"),
        *("--vacancies", SAMPLE / "vacancies.jsonl", "--courses", SAMPLE / "courses.jsonl"),
        *("--as-of", "2026-03-01", "--time-limit", "5", "--no-progress"),
    ]
    result = run_cli(
        *common,
        *("--returnees", SAMPLE / "returnees.jsonl"),
        *("--opportunities", SAMPLE / "opportunities.jsonl"),
        *("--out", tmp_path / "plan.jsonl", "--report-html", tmp_path / "plan.html"),
        *("--trainers-out", tmp_path / "trainers.json"),
    )
    assert result.exit_code == 0, result.stderr
    written = json.loads((tmp_path / "trainers.json").read_text("utf-8"))
    assert written == trainers_document(course_trainers(COURSES, PEOPLE, OFFERS, AS_OF), AS_OF)
    page = (tmp_path / "plan.html").read_text("utf-8")
    assert 'id="trainers"' in page
    kinds = {json.loads(line)["kind"] for line in (tmp_path / "plan.jsonl").open()}
    assert kinds <= {"enrolment", "cohort", "summary"}  # FORMAT's records only


def test_plan_training_wants_both_files_for_trainers(run_cli: RunCli, tmp_path: Path) -> None:
    common = [
        *("plan-training", "--workers", SAMPLE / "workers.jsonl"),
        *("--vacancies", SAMPLE / "vacancies.jsonl", "--courses", SAMPLE / "courses.jsonl"),
    ]
    alone = run_cli(*common, "--returnees", SAMPLE / "returnees.jsonl")
    assert alone.exit_code == 2
    assert "--opportunities" in alone.stderr
    out = run_cli(*common, "--trainers-out", tmp_path / "t.json")
    assert out.exit_code == 2
    assert not (tmp_path / "t.json").exists()

"""Recognition of overseas experience: every rule of recognition.json has a case, every
rule's sources are in the file and in SOURCES_v2.md, the counting rules (verified entries,
overlaps, countries, dates), the pool form agrees with one worker at a time, and the RPL gap
in English and Indonesian."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from matcher.reintegration import (
    RecognisedLevel,
    RecognitionError,
    load_recognition,
    recognise,
    recognise_pool,
    rpl_gap_message,
)
from matcher.text.messages import render
from models.worker import Worker

AS_OF = dt.date(2026, 3, 1)


def read(texts: Sequence[str]) -> list[list[str]]:
    """A stand-in normalizer: a text names the concept spelled like it (any case)."""
    return [[t.casefold()] for t in texts]


def worker(
    experience: list[dict[str, Any]] | None = None,
    certificates: list[dict[str, Any]] | None = None,
) -> Worker:
    return Worker.model_validate(
        {
            "id": "R-1",
            "agency_id": "P3MI-0042",
            "birth_date": "1992-05-01",
            "returned": "2025-12-01",
            "experience": experience or [],
            "certificates": certificates or [],
        }
    )


def stay(
    months: int,
    *,
    country: str = "JP",
    programme: str | None = "JP-TITP",
    start: str | None = "2020-01-01",
    completed: bool | None = None,
    skills: list[str] | None = None,
    title: str = "welder",
) -> dict[str, Any]:
    """An entry abroad of ``months`` whole months from ``start`` (dated when start given)."""
    entry: dict[str, Any] = {"title": title, "country": country, "months": months}
    if programme is not None:
        entry["programme"] = programme
    if start is not None:
        first = dt.date.fromisoformat(start)
        year, month = divmod(first.month - 1 + months, 12)
        entry["start"] = start
        entry["end"] = (dt.date(first.year + year, month + 1, 1) - dt.timedelta(days=1)).isoformat()
    if completed is not None:
        entry["completed_contract"] = completed
    entry["skills_used"] = ["welding"] if skills is None else skills
    return entry


def certificate(name: str, scheme: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "scheme": scheme, "skill": "welding", "issued": "2024-01-10", **extra}


def levels(record: Worker, as_of: dt.date = AS_OF) -> dict[str, int]:
    return {r.skill: r.level for r in recognise(record, read, as_of)}


def rules_used(record: Worker) -> set[str]:
    return {e.rule for r in recognise(record, read, AS_OF) for e in r.evidence}


# One case per rule: (worker meeting the rule, its level for welding), and a near miss.
CASES: dict[str, tuple[Worker, int, Worker]] = {
    "REC-EXP-12M": (worker([stay(12)]), 1, worker([stay(11)])),
    "REC-EXP-34M-CC": (
        worker([stay(34, completed=True)]),
        2,
        worker([stay(34, completed=False)]),  # without a completed contract: level 1
    ),
    "REC-EXP-60M-CC": (
        worker([stay(36, completed=True), stay(24, start="2023-01-01", programme="JP-SSW1")]),
        3,
        worker([stay(59, completed=True)]),
    ),
    "REC-JP-TRADE-BASIC": (
        worker(certificates=[certificate("溶接 基礎級", "JP-TRADE-TEST")]),
        1,
        worker(certificates=[certificate("溶接技能検定", "JP-TRADE-TEST")]),  # no grade: nothing
    ),
    "REC-JP-TRADE-3": (
        worker(certificates=[certificate("溶接技能検定 3級", "JP-TRADE-TEST")]),
        2,
        worker(certificates=[certificate("溶接技能検定", "JP-TRADE-TEST", grade="basic")]),
    ),
    "REC-JP-TRADE-2": (
        worker(certificates=[certificate("Welding skills test grade 2", "JP-TRADE-TEST")]),
        3,
        worker(certificates=[certificate("Welding skills test", "JP-TRADE-TEST", grade=3)]),
    ),
    "REC-JP-TRADE-1": (
        worker(certificates=[certificate("Ginou Kentei welding", "JP-TRADE-TEST", grade=1)]),
        4,
        worker(certificates=[certificate("Ginou Kentei 2級", "JP-TRADE-TEST")]),
    ),
    "REC-JP-SSW1-TEST": (
        worker(certificates=[certificate("SSW skills test: welding", "JP-SSW-SKILLS-TEST")]),
        2,
        worker(certificates=[certificate("SSW test", "JP-SSW-SKILLS-TEST", issued="2026-06-01")]),
    ),
    "REC-JP-SSW2-TEST": (
        worker(certificates=[certificate("SSW (ii) test", "JP-SSW2-SKILLS-TEST")]),
        3,
        worker(certificates=[certificate("BNSP welder", "BNSP")]),  # Indonesian: not recognised
    ),
    "REC-JP-SSW2-TEST-36M-JP": (
        worker([stay(36, programme="JP-SSW1")], [certificate("SSW (ii)", "JP-SSW2-SKILLS-TEST")]),
        4,
        worker(  # 36 months, but in Korea: the SSW (ii) test alone, level 3
            [stay(36, country="KR", programme="KR-EPS")],
            [certificate("SSW (ii)", "JP-SSW2-SKILLS-TEST")],
        ),
    ),
    "REC-KR-EPS-SKILLS-TEST": (
        worker(certificates=[certificate("EPS skills test", "KR-EPS-SKILLS-TEST", score=82)]),
        1,
        worker(certificates=[certificate("EPS skills test", "OTHER")]),
    ),
    "REC-DE-FULL": (
        worker(certificates=[certificate("Anerkennungsbescheid: volle Gleichwertigkeit", "OTHER")]),
        3,
        worker(certificates=[certificate("Full recognition of prior learning", "OTHER")]),
    ),
    "REC-DE-PARTIAL": (
        worker(
            [stay(24, country="DE", programme="DE-SKILLED")],  # in Germany: the name may be English
            [certificate("Partial recognition notice (IHK FOSA)", "OTHER")],
        ),
        2,
        worker(certificates=[certificate("Partial recognition notice (IHK FOSA)", "OTHER")]),
    ),
}


@cache
def rule_ids() -> list[str]:
    return [r.id for r in load_recognition().rules]


def test_every_rule_has_a_case() -> None:
    assert sorted(CASES) == sorted(rule_ids())


@pytest.mark.parametrize("rule", sorted(CASES))
def test_rule(rule: str) -> None:
    meets, level, misses = CASES[rule]
    found = recognise(meets, read, AS_OF)
    assert {r.skill: r.level for r in found} == {"welding": level}
    [recognised] = found
    assert rule in {e.rule for e in recognised.evidence}
    loaded = next(r for r in load_recognition().rules if r.id == rule)
    assert recognised.level == loaded.level
    assert set(load_recognition().urls(loaded.sources)) <= set(recognised.sources)
    assert rule not in rules_used(misses)
    assert levels(misses).get("welding", 0) < level


@cache
def recognition_file() -> dict[str, Any]:
    text = (resources.files("matcher") / "data" / "recognition.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def test_every_rule_source_is_in_the_file_and_in_sources_v2() -> None:
    listed = (resources.files("matcher") / "data" / "SOURCES_v2.md").read_text("utf-8")
    in_table = set(re.findall(r"^\| `([A-Z0-9-]+)` \|", listed, flags=re.MULTILINE))
    table = load_recognition()
    for rule in table.rules:
        assert rule.sources, rule.id
        for key in rule.sources:
            assert key in recognition_file()["sources"], (rule.id, key)
            assert key in in_table, (rule.id, key)
            assert table.header.sources[key].url == recognition_file()["sources"][key]["url"]
    for key in table.rpl.sources:
        assert key in in_table


# --- counting --------------------------------------------------------------------------------


def test_overlapping_stays_count_once() -> None:
    # 36 + 36 months written, overlapping by 12: 60 months covered, contract completed.
    record = worker([stay(36, completed=True), stay(36, start="2022-01-01")])
    [found] = recognise(record, read, AS_OF)
    assert found.level == 3
    assert {e.rule: e.months for e in found.evidence} == {"REC-EXP-60M-CC": 60}
    shorter = worker([stay(36, completed=True), stay(36, start="2021-01-01")])  # 48 months
    assert levels(shorter) == {"welding": 2}


def test_only_verified_stays_abroad_count() -> None:
    unverified = stay(40, programme=None, start=None, completed=True)  # no programme, no dates
    at_home = stay(40, country="ID", programme=None, completed=True)
    assert levels(worker([unverified, at_home])) == {}
    programme_only = stay(40, start=None, completed=True)  # undated, through a programme
    assert levels(worker([programme_only])) == {"welding": 2}


def test_time_after_the_evaluation_date_does_not_count() -> None:
    record = worker([stay(36, start="2024-01-01", completed=True)])  # ends 2026-12-31
    assert levels(record, dt.date(2027, 1, 1)) == {"welding": 2}
    assert levels(record, dt.date(2025, 12, 31)) == {"welding": 1}  # 24 months so far
    assert levels(record, dt.date(2023, 12, 31)) == {}
    late = worker(certificates=[certificate("溶接 2級", "JP-TRADE-TEST", issued="2026-04-01")])
    assert levels(late) == {}
    expired = certificate("SSW test", "JP-SSW-SKILLS-TEST", expires="2025-01-01")
    assert levels(worker(certificates=[expired])) == {"welding": 2}


def test_skills_used_name_the_skill_else_the_title() -> None:
    both = stay(24, skills=["CNC milling", "welding"])
    assert levels(worker([both])) == {"cnc milling": 1, "welding": 1}
    titled = stay(24, skills=[], title="Bubut")
    assert levels(worker([titled])) == {"bubut": 1}


def test_a_certificate_counts_for_its_skill_else_its_name() -> None:
    named = {"name": "Painting", "scheme": "JP-SSW-SKILLS-TEST"}
    assert levels(worker(certificates=[named])) == {"painting": 2}


def test_highest_rule_wins_and_equal_rules_are_all_evidence() -> None:
    record = worker(
        [stay(36, completed=True)],
        [certificate("溶接 3級", "JP-TRADE-TEST"), certificate("SSW", "JP-SSW-SKILLS-TEST")],
    )
    [found] = recognise(record, read, AS_OF)
    assert found.level == 2
    assert [e.rule for e in found.evidence] == [
        "REC-EXP-34M-CC",
        "REC-JP-TRADE-3",
        "REC-JP-SSW1-TEST",
    ]
    assert found.kkni_indicative == 2
    assert found.verified


def test_record_form() -> None:
    record = worker([stay(36, completed=True)], [certificate("溶接 2級", "JP-TRADE-TEST")])
    [found] = recognise(record, read, AS_OF)
    shown = found.record()
    assert shown["skill"] == "welding"
    assert shown["level"] == 3
    assert shown["basis"] == "recognised"
    assert shown["evidence"] == ["REC-JP-TRADE-2: certificates[0]"]
    assert isinstance(shown["source"], str)
    assert shown["source"].startswith("https://")
    experience = recognise(worker([stay(60, completed=True)]), read, AS_OF)[0].record()
    assert experience["evidence"] == [
        "REC-EXP-60M-CC: experience[0] (60 months abroad, 1 completed contract)"
    ]


def test_recognition_never_creates_a_certificate() -> None:
    record = worker([stay(60, completed=True)])
    recognise(record, read, AS_OF)
    assert record.certificates == []


def test_pool_agrees_with_one_worker_at_a_time() -> None:
    pool = [meets for meets, _, _ in CASES.values()] + [misses for _, _, misses in CASES.values()]
    pool.append(worker())
    together = recognise_pool(pool, read, AS_OF)
    assert len(together) == len(pool)
    for record, found in zip(pool, together, strict=True):
        assert found == recognise(record, read, AS_OF)


def test_pool_reads_every_text_in_one_batch() -> None:
    calls: list[int] = []

    def counting(texts: Sequence[str]) -> list[list[str]]:
        calls.append(len(texts))
        return read(texts)

    pool = [
        worker([stay(24, skills=["welding", "bubut"])]),
        worker([stay(24, skills=["bubut"], country="KR", programme="KR-EPS")]),
        worker(certificates=[{"name": "Painting 3級", "scheme": "JP-TRADE-TEST"}]),
    ]
    found = recognise_pool(pool, counting, AS_OF)
    assert calls == [3]  # welding, bubut, Painting 3級: each distinct text once
    assert [{r.skill: r.level for r in f} for f in found] == [
        {"bubut": 1, "welding": 1},
        {"bubut": 1},
        {"painting 3級": 2},
    ]


def test_with_the_shipped_skill_normalizer() -> None:
    from matcher.taxonomy.skills import default_skill_normalizer

    normalizer = default_skill_normalizer()

    def concepts(texts: Sequence[str]) -> list[list[str]]:
        return [[h.concept.id for h in m.concepts] for m in normalizer.normalize_many(texts)]

    record = worker(
        [stay(40, completed=True, skills=["las listrik", "pengelasan"])],
        [{"name": "溶接技能検定 2級", "scheme": "JP-TRADE-TEST", "skill": "溶接"}],
    )
    found = {r.skill: r.level for r in recognise(record, concepts, AS_OF)}
    assert found == {"smaw-welding": 2, "welding": 3}


# --- the RPL gap -----------------------------------------------------------------------------


def _recognised(level: int) -> RecognisedLevel:
    meets = {1: "REC-EXP-12M", 2: "REC-EXP-34M-CC", 3: "REC-JP-TRADE-2"}[level]
    return recognise(CASES[meets][0], read, AS_OF)[0]


def test_rpl_gap_when_recognition_meets_the_level() -> None:
    message = rpl_gap_message("welding", dt.date(2026, 5, 1), _recognised(2), 2)
    assert message is not None
    english, indonesian = render(message, "en"), render(message, "id")
    assert "RPL assessment at an LSP" in english
    assert "not training" in english
    assert "recognised at level 2" in english
    assert "34 months abroad" in english
    assert "KKNI level 2" in english
    assert "valid on 2026-05-01" in english
    assert "asesmen RPL" in indonesian
    assert "di LSP" in indonesian
    assert "34 bulan di luar negeri, 1 kontrak selesai" in indonesian
    assert "bukan pelatihan" in indonesian


def test_no_rpl_gap_below_the_required_level() -> None:
    assert rpl_gap_message("welding", dt.date(2026, 5, 1), _recognised(1), 2) is None
    assert rpl_gap_message("welding", dt.date(2026, 5, 1), _recognised(1), None) is not None
    certificate_based = rpl_gap_message("welding", dt.date(2026, 5, 1), _recognised(3), 3)
    assert certificate_based is not None
    assert "Welding skills test grade 2" in render(certificate_based)


# --- loading errors --------------------------------------------------------------------------


def _broken(tmp_path: Path, change: Any) -> str:
    data = copy.deepcopy(recognition_file())
    change(data)
    path = tmp_path / "recognition.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(RecognitionError) as error:
        load_recognition(path)
    assert str(error.value).startswith(f"{path}: ")
    return str(error.value)


def _rule(index: int, **inputs: Any) -> Any:
    def change(data: Any) -> None:
        data["rules"][index]["inputs"].update(inputs)

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_rule(0, scheme="BNSP"), "inputs.scheme': is not an input of a 'experience'"),
        (_rule(0, months_abroad_in_skill_min=0), "skill_min': expected an integer from 1"),
        (_rule(0, countries=["ID"]), "expected ISO country codes abroad (not ID)"),
        (_rule(3, grade="4"), "key 'rules[3].inputs.grade': expected '1', '2', '3' or 'basic'"),
        (_rule(7, grade="2"), "key 'rules[7].inputs.grade': only a JP-TRADE-TEST rule has a grade"),
        (_rule(11, name_matches_any=[]), "name_matches_any': is required for scheme OTHER"),
        (_rule(11, name_matches_any="volle"), "name_matches_any': expected a list of strings"),
        (_rule(3, scheme="NOPE"), "key 'rules[3].inputs.scheme': must be one of BNSP"),
        (lambda d: d["rules"][0].update(level=6), "level': expected an integer from 1 to 5"),
        (lambda d: d["rules"][0].update(sources=["NOPE"]), "key 'rules[0].sources': NOPE not keys"),
        (lambda d: d["rules"][0].update(sources=[]), "key 'rules[0].sources': a rule needs"),
        (lambda d: d["rules"][1].update(id="REC-EXP-12M"), "duplicate id 'REC-EXP-12M'"),
        (lambda d: d["rules"][0].update(verified=False), "key 'rules[0].verified': must be true"),
        (lambda d: d["rpl"].update(sources=["NOPE"]), "key 'rpl.sources': NOPE not keys"),
        (lambda d: d.update(schema="selaras.recognition/2"), "key 'schema': must be one of"),
        (lambda d: d.update(extra=1), "key 'extra': is not a known key"),
    ],
)  # fmt: skip
def test_malformed_rules_name_the_key(tmp_path: Path, change: Any, message: str) -> None:
    assert message in _broken(tmp_path, change)


def test_other_scheme_needs_phrases(tmp_path: Path) -> None:
    def change(data: Any) -> None:
        del data["rules"][11]["inputs"]["name_matches_any"]

    assert "name_matches_any': is required for scheme OTHER" in _broken(tmp_path, change)


def test_programme_countries_are_the_rule_packs_countries() -> None:
    from models.common import PROGRAMME_COUNTRY, PROGRAMMES

    packs = resources.files("matcher") / "data" / "rulepacks"
    for programme in PROGRAMMES:
        pack = json.loads((packs / f"{programme}.json").read_text("utf-8"))
        assert PROGRAMME_COUNTRY[programme] == pack.get("country"), programme
    entry = stay(12, country="JP")
    del entry["country"]
    assert worker([entry]).experience[0].country_worked == "JP"
    assert worker([stay(12, country="KR")]).experience[0].country_worked == "KR"


def test_the_docs_table_lists_every_rule_with_its_sources() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "reintegration.md").read_text("utf-8")
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r"^\| `(REC-[A-Z0-9-]+)` \|.*$", docs, flags=re.MULTILINE)
    }
    table = load_recognition()
    assert set(rows) == {r.id for r in table.rules}
    for rule in table.rules:
        cells = [c.strip() for c in rows[rule.id].split("|")]
        assert cells[3] == str(rule.level), rule.id
        assert cells[4] == str(rule.kkni_indicative), rule.id
        assert cells[5] == rule.basis, rule.id
        assert re.findall(r"`([A-Z0-9-]+)`", cells[6]) == list(rule.sources), rule.id


def test_nothing_to_read_recognises_nothing() -> None:
    def nothing(texts: Sequence[str]) -> list[list[str]]:
        return [[] for _ in texts]

    assert recognise_pool([], read, AS_OF) == []
    assert recognise(worker([stay(60, completed=True)]), nothing, AS_OF) == ()
    assert recognise(worker(), read, AS_OF) == ()


def test_protected_attributes_are_never_read() -> None:
    from models.worker import PROTECTED_FIELDS

    base = CASES["REC-JP-SSW2-TEST-36M-JP"][0]
    changed = base.model_copy(
        update={
            "gender": "F",
            "province": "Papua",
            "religion": "any",
            "ethnicity": "any",
            "marital_status": "married",
        }
    )
    assert set(PROTECTED_FIELDS) <= set(Worker.model_fields)
    assert recognise(changed, read, AS_OF) == recognise(base, read, AS_OF)


def test_a_record_lists_only_recognised_levels_the_pair_used() -> None:
    # FORMAT.md: "recognised — the recognised levels the pair used". A returnee who states
    # welding level 4 is not credited through a recognised level 3: the engine takes the
    # higher, so the record lists none; one who states nothing is credited through it.
    from matcher.reintegration.run import prepare_reintegration
    from models.opportunity import Opportunity
    from models.worker import Worker

    abroad = {
        "title": "welder", "country": "JP", "programme": "JP-TITP", "months": 60,
        "start": "2016-01-01", "end": "2020-12-31", "completed_contract": True,
        "skills_used": ["welding"],
    }  # fmt: skip
    base = {
        "agency_id": "P3MI-0001", "birth_date": "1990-01-01", "returned": "2025-06-01",
        "home": {"province": "Jawa Tengah", "regency": "Kabupaten Kendal"},
        "experience": [abroad],
    }  # fmt: skip
    stated = Worker.model_validate(
        {**base, "id": "R-STATED", "skills": [{"name": "welding", "months": 60, "level": 4}]}
    )
    recognised_only = Worker.model_validate({**base, "id": "R-ABROAD"})
    job = Opportunity.model_validate(
        {"id": "O-1", "kind": "cooperative", "organiser": {"name": "K", "type": "cooperative"},
         "title": "Welder", "location": {"province": "Jawa Tengah", "regency": "Kabupaten Kendal"},
         "slots": 2, "start_date": "2026-05-01",
         "requirements": {"skills": [{"name": "welding", "min_level": 2}]}}
    )  # fmt: skip
    run = prepare_reintegration([stated, recognised_only], [job], dt.date(2026, 3, 1))
    records = {r.worker_id: r for r in run.rank("returnees", 0, True, "en")}
    assert records["R-STATED"].recognised == []
    assert [r.level for r in records["R-ABROAD"].recognised] == [3]

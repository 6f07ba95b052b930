"""The skill normalizer: labelled dev set, the brief's vocabulary, and reading rules."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from matcher.taxonomy.skills import (
    SkillMatch,
    SkillNormalizer,
    default_skill_normalizer,
    load_taxonomy,
)
from tests.paths import ROOT, TEST_DATA


@dataclass(frozen=True)
class Rates:
    labelled: int
    correct: float
    wrong: float
    unknown: float
    negatives: int
    false_positive: float

    def report(self) -> str:
        return (
            f"{self.labelled} labelled: top-1 accuracy {self.correct:.1%}, "
            f"wrong concept {self.wrong:.1%}, unknown {self.unknown:.1%}; "
            f"{self.negatives} outside the taxonomy: {self.false_positive:.1%} given a concept"
        )


def _rates(path: Path, normalizer: SkillNormalizer) -> Rates:
    """Score a labelled file: a string is correct when exactly its concepts are read,
    wrong when any concept read is not among them, unknown otherwise."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    matches = normalizer.normalize_many([row["text"] for row in rows])
    correct = wrong = unknown = negatives = false_positive = 0
    for row, match in zip(rows, matches, strict=True):
        expected = {c for c in row["expected"].split("|") if c}
        got = {hit.concept.id for hit in match.concepts}
        if not expected:
            negatives += 1
            false_positive += bool(got)
        elif got == expected:
            correct += 1
        elif got - expected:
            wrong += 1
        else:
            unknown += 1
    labelled = correct + wrong + unknown
    return Rates(
        labelled,
        correct / labelled,
        wrong / labelled,
        unknown / labelled,
        negatives,
        false_positive / max(negatives, 1),
    )


def test_dev_set_accuracy(quality_report: list[str]) -> None:
    rates = _rates(TEST_DATA / "skill_devset.tsv", default_skill_normalizer())
    quality_report.append(f"skill dev set (tests/data/skill_devset.tsv): {rates.report()}")
    assert rates.labelled >= 300
    assert rates.correct >= 0.95, rates.report()
    assert rates.wrong <= 0.01, rates.report()
    assert rates.false_positive <= 0.05, rates.report()


def test_held_out_set(quality_report: list[str]) -> None:
    """A second set, written later by someone who saw neither the alias table nor the dev
    set, and not used for tuning: the honest estimate of accuracy on new text."""
    rates = _rates(TEST_DATA / "skill_holdout.tsv", default_skill_normalizer())
    quality_report.append(f"skill held-out set (tests/data/skill_holdout.tsv): {rates.report()}")
    assert rates.wrong <= 0.01, rates.report()
    assert rates.correct >= 0.88, rates.report()


@pytest.mark.parametrize("name", ["skill_devset.tsv", "skill_holdout.tsv"])
def test_every_label_is_a_concept(name: str) -> None:
    taxonomy = load_taxonomy()
    with (TEST_DATA / name).open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            for concept in filter(None, row["expected"].split("|")):
                assert concept in taxonomy, row


def _brief_vocabulary() -> list[tuple[str, str]]:
    with (TEST_DATA / "brief_vocabulary.tsv").open(encoding="utf-8") as handle:
        return [(r["term"], r["expected"]) for r in csv.DictReader(handle, delimiter="\t")]


def test_brief_vocabulary_reads_as_the_brief_says() -> None:
    """Every term of the brief's section 4 table (and its Japanese/Korean labels)."""
    pairs = _brief_vocabulary()
    matches = default_skill_normalizer().normalize_many([term for term, _ in pairs])
    wrong = [
        (term, expected, m.concept.id if m.concept else None)
        for (term, expected), m in zip(pairs, matches, strict=True)
        if (m.concept.id if m.concept else "") != expected
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("las listrik", ["smaw-welding"]),
        ("SMAW", ["smaw-welding"]),
        ("ＳＭＡＷ", ["smaw-welding"]),  # full-width letters from a Japanese keyboard
        ("opr cnc bubut", ["cnc-turning"]),
        ("forklip", ["forklift-operation"]),
        ("pengecetan", ["painting"]),
        ("Pengelasán", ["welding"]),  # accent
        ("mengelas", ["welding"]),
        ("las argon", ["gtaw-welding"]),  # no letters in common with TIG
        ("TIG", ["gtaw-welding"]),
        ("bubut CNC operator", ["cnc-turning"]),  # word order
        ("las argon dan bubut", ["gtaw-welding", "lathe-turning"]),
        ("QC, packing", ["quality-control", "packing"]),
        ("op. mesin", ["machine-operation"]),
        ("mtc", ["machine-maintenance"]),
        ("juru las 3G 5 thn pengalaman", ["welding"]),  # qualifiers
        ("welding pipa", ["pipe-welding"]),  # half Indonesian, half English
        ("溶接作業", ["welding"]),
        ("TIG溶接", ["gtaw-welding"]),  # scripts mixed inside one word
        ("지게차 운전", ["forklift-operation"]),
        ("tukang las listrik", ["smaw-welding"]),
        ("Production worker (welding and grinding)", ["welding", "grinding"]),  # role + skills
        # A shared name settled by a word only one of its senses uses.
        ("giling daging", ["meat-processing"]),
        ("penggilingan tepung", ["grain-milling"]),
        # Glossary words of taxonomy 2026.12.3.
        ("QC incoming", ["incoming-inspection"]),  # "qc" -> "quality control"
        ("受入検査", ["incoming-inspection"]),  # 検査: inspection
        ("수입검사", ["incoming-inspection"]),  # 수입: incoming
        ("canai permukaan", ["surface-grinding"]),  # Malay canai: grind
        ("ワイヤボンディング", ["microelectronics-assembly"]),
        ("撚糸", ["yarn-twisting"]),
    ],
)
def test_reads(text: str, expected: list[str]) -> None:
    match = default_skill_normalizer().normalize(text)
    assert [hit.concept.id for hit in match.concepts] == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "operator",  # which machine?
        "teknisi",
        "cetak",  # printing or moulding
        "sopir truk",
        "potong rambut",  # a haircut, not garment cutting
        "giling",  # grain or meat: nothing beside it says which
        "giling daging tepung",  # both senses named: no guess
        "roti canai",  # flatbread, not grinding
        "nail painting",
        "penyadap karet",  # rubber tapping is farming
        "bahasa inggris",
        "!!!",
        "12345",
    ],
)
def test_unknown(text: str) -> None:
    match = default_skill_normalizer().normalize(text)
    assert match.concepts == ()
    assert match.to_record()["concept_id"] is None
    assert match.score is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The sample pool's Korean certificate: a generic role framed by a test and its
        # round (unknown in taxonomy 2026.12.2 before the certificate words).
        ("EPS skills test (manufacturing, round 2)", ["production-work"]),
        ("EPS skills test (manufacturing)", ["production-work"]),
        ("skills test (manufacturing)", ["production-work"]),
        ("manufacturing round 2", ["production-work"]),
        ("ujian las", ["welding"]),
        ("welding exam", ["welding"]),
        # Test words still make the names of the testing trades.
        ("ujian ultrasonik", ["ultrasonic-testing"]),
        ("test metals", ["laboratory-analysis"]),
        ("testing elektronik", ["electronics-testing"]),
    ],
)
def test_certificate_names_read_as_the_trade_tested(text: str, expected: list[str]) -> None:
    match = default_skill_normalizer().normalize(text)
    assert [hit.concept.id for hit in match.concepts] == expected
    assert match.score is not None
    assert match.score >= 0.8  # the test words neither lower nor make the reading


@pytest.mark.parametrize("text", ["EPS skills test", "exam", "ujian", "uji", "round 2"])
def test_test_words_alone_name_no_skill(text: str) -> None:
    assert default_skill_normalizer().normalize(text).concepts == ()


def test_record_shape_and_order() -> None:
    texts = ["Las Listrik ", "sopir", "las argon dan bubut", "Las Listrik "]
    records = [m.to_record() for m in default_skill_normalizer().normalize_many(texts)]
    assert [r["input"] for r in records] == texts  # verbatim and in order
    first = records[0]
    assert set(first) == {
        "input", "concept_id", "label_en", "label_id", "isco", "score", "concepts",
    }  # fmt: skip
    assert first["concept_id"] == "smaw-welding"
    assert first["isco"] == ["7212"]
    assert 0.0 < first["score"] <= 1.0
    assert records[1] == {
        "input": "sopir", "concept_id": None, "label_en": None, "label_id": None,
        "isco": [], "score": None, "concepts": [],
    }  # fmt: skip
    assert records[2]["concepts"] == ["gtaw-welding", "lathe-turning"]
    assert records[3] == records[0]


def test_typo_scores_below_exact() -> None:
    exact, typo = default_skill_normalizer().normalize_many(["pengelasan", "pengelsan"])
    assert exact.concept is not None
    assert typo.concept is not None
    assert exact.concept.id == typo.concept.id == "welding"
    assert typo.score is not None
    assert exact.score is not None
    assert typo.score < exact.score == 1.0


def test_threshold_makes_unknown() -> None:
    strict = SkillNormalizer(load_taxonomy(), threshold=0.99)
    assert strict.normalize("pasang instalasi listrik rumah").concepts == ()
    assert default_skill_normalizer().normalize("pasang instalasi listrik rumah").concepts


def test_no_name_means_two_concepts() -> None:
    """After folding and synonyms no alias may point at two concepts; if one did, the
    engine would silently treat it as ambiguous."""
    assert default_skill_normalizer()._lexicon.collisions == {}


def _normalize_in_fresh_process(seed: str, texts: list[str]) -> list[dict[str, object]]:
    code = (
        "import json, sys\n"
        "from matcher.taxonomy.skills import default_skill_normalizer\n"
        "texts = json.load(sys.stdin)\n"
        "print(json.dumps([m.to_record() for m in "
        "default_skill_normalizer().normalize_many(texts)]))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(texts), capture_output=True,
        text=True, env=env, check=True, cwd=ROOT,
    )  # fmt: skip
    result: list[dict[str, object]] = json.loads(done.stdout)
    return result


def test_same_output_in_every_process() -> None:
    """Readings must not depend on hash randomization (set and dict order)."""
    with (TEST_DATA / "skill_devset.tsv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
    assert _normalize_in_fresh_process("1", texts) == _normalize_in_fresh_process("2", texts)


def test_batch_equals_one_by_one() -> None:
    texts = ["las lstrik", "forklip", "operator mesin bubut", "sopir", "溶接"]
    normalizer = SkillNormalizer(load_taxonomy())
    batch = normalizer.normalize_many(texts)
    single: list[SkillMatch] = [SkillNormalizer(load_taxonomy()).normalize(t) for t in texts]
    assert batch == single

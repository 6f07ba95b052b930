"""Job titles -> ISCO-08 unit groups."""

from __future__ import annotations

import csv

import pytest

from matcher.taxonomy.occupations import default_occupation_normalizer
from tests.paths import TEST_DATA


def test_dev_set_accuracy(quality_report: list[str]) -> None:
    with (TEST_DATA / "occupation_devset.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    matches = default_occupation_normalizer().normalize_many([r["text"] for r in rows])
    labelled = [(r["isco"], m.isco) for r, m in zip(rows, matches, strict=True) if r["isco"]]
    negatives = [m.isco for r, m in zip(rows, matches, strict=True) if not r["isco"]]
    correct = sum(expected == got for expected, got in labelled) / len(labelled)
    wrong = sum(got is not None and got != expected for expected, got in labelled) / len(labelled)
    false_positive = sum(got is not None for got in negatives) / len(negatives)
    quality_report.append(
        f"occupation dev set (tests/data/occupation_devset.tsv): {len(labelled)} labelled: "
        f"correct unit group {correct:.1%}, wrong {wrong:.1%}, unknown "
        f"{1 - correct - wrong:.1%}; {len(negatives)} outside: {false_positive:.1%} placed"
    )
    assert correct >= 0.88
    assert wrong <= 0.03
    assert false_positive <= 0.05


@pytest.mark.parametrize(
    ("title", "isco", "via"),
    [
        ("tukang las", "7212", "title"),
        ("TIG welder", "7212", "title"),
        ("operator mesin bor", "7223", "title"),  # the generic "operator mesin" gives way
        ("surface grinder operator", "7224", "skill"),  # via the surface-grinding concept
        ("溶接工", "7212", "title"),
    ],
)
def test_places(title: str, isco: str, via: str) -> None:
    match = default_occupation_normalizer().normalize(title)
    assert (match.isco, match.via) == (isco, via)
    record = match.to_record()
    assert record["input"] == title
    assert record["title"]
    assert record["score"] is not None


@pytest.mark.parametrize("title", ["teknisi", "operator", "penjahit", "sopir", ""])
def test_unknown_or_ambiguous(title: str) -> None:
    match = default_occupation_normalizer().normalize(title)
    assert match.to_record() == {
        "input": title, "isco": None, "title": None, "score": None, "via": None,
    }  # fmt: skip


def test_no_title_means_two_unit_groups() -> None:
    assert default_occupation_normalizer()._lexicon.collisions == {}


def test_title_naming_several_occupations_is_unknown() -> None:
    match = default_occupation_normalizer().normalize("Production worker (welding and grinding)")
    assert match.isco is None

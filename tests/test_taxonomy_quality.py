"""Issue 19's quality figures: messy held-out strings, ESCO label recall, outside false positives.

The issue's targets: >= 97 % right on the held-out strings with no two distinct skills
merged, >= 95 % of the ESCO labels of linked concepts read as their concept, <= 3 % of
outside labels given a concept. The ESCO and outside targets are asserted.

Two sets of messy strings. ``skill_messy_holdout.tsv`` was the held-out set until the
glossary of 2026.12.2 was written while reading its failures; it is now the development
set (``test_messy_holdout`` guards its figures against a regression). Its strings are
still never a source of names (``withheld_aliases.tsv``). ``skill_messy_holdout_v2.tsv``
was written before any alias or rule was read and is never tuned on: the held-out target
is measured there (``test_messy_holdout_v2_target``, a strict expected failure while the
target is not reached: 91.3 % before tuning, see docs/scoring.md).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from matcher.taxonomy.skills import default_skill_normalizer, load_taxonomy
from tests.quality_report import (
    MESSY,
    MESSY_V2,
    MESSY_V3,
    MESSY_V4,
    OUTSIDE,
    coordinated_names,
    esco_label_recall,
    esco_labels,
    messy_holdout,
    outside_false_positives,
    recall_report,
    written_around,
)


def test_messy_holdout(quality_report: list[str]) -> None:
    result = messy_holdout(default_skill_normalizer())
    quality_report.append(f"messy held-out set ({MESSY.name}): {result.report()}")
    assert result.rows >= 600
    assert set(result.by_language) >= {"id", "en", "ms", "ja", "ko"}
    assert result.right >= 0.90, result.report()
    assert result.wrong / result.labelled <= 0.02, result.report()
    assert result.false_positive / result.negatives <= 0.05, result.report()


def test_messy_dev_v3(quality_report: list[str]) -> None:
    """The second development set (written before taxonomy 2026.12.6, tuned on since):
    guarded against a regression."""
    result = messy_holdout(default_skill_normalizer(), MESSY_V3)
    quality_report.append(f"messy development set ({MESSY_V3.name}): {result.report()}")
    assert result.rows >= 600
    assert set(result.by_language) >= {"id", "en", "ms", "ja", "ko", "zh"}
    assert result.right >= 0.90, result.report()
    assert result.wrong / result.labelled <= 0.03, result.report()
    assert result.false_positive / result.negatives <= 0.02, result.report()


def test_messy_dev_v4(quality_report: list[str]) -> None:
    """The third development set (mostly English CV and job-order sentences, written
    before its tuning in taxonomy 2026.12.6): guarded against a regression."""
    result = messy_holdout(default_skill_normalizer(), MESSY_V4)
    quality_report.append(f"messy development set ({MESSY_V4.name}): {result.report()}")
    assert result.rows >= 500
    assert result.right >= 0.73, result.report()
    assert result.wrong / result.labelled <= 0.08, result.report()
    assert result.false_positive / result.negatives <= 0.06, result.report()


def test_messy_holdout_v2(quality_report: list[str]) -> None:
    result = messy_holdout(default_skill_normalizer(), MESSY_V2)
    quality_report.append(f"messy held-out set ({MESSY_V2.name}): {result.report()}")
    assert result.rows >= 500
    assert set(result.by_language) >= {"id", "en", "ms", "ja", "ko"}
    assert result.negatives / result.rows >= 0.10


@pytest.mark.xfail(
    strict=True, reason="issue 19 target not reached (v2 held out: see docs/scoring.md)"
)
def test_messy_holdout_v2_target() -> None:
    result = messy_holdout(default_skill_normalizer(), MESSY_V2)
    assert result.right >= 0.97, result.report()
    assert not result.merged, result.report()


@pytest.mark.parametrize("path", [MESSY, MESSY_V2, MESSY_V3, MESSY_V4], ids=lambda p: p.name)
def test_messy_labels_are_concepts(path: Path) -> None:
    taxonomy = load_taxonomy()
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader((ln for ln in handle if not ln.startswith("#")), delimiter="\t")
        for row in rows:
            for concept in filter(None, row["expected"].split("|")):
                assert concept in taxonomy, row


def test_esco_label_recall(quality_report: list[str]) -> None:
    recall = esco_label_recall(default_skill_normalizer())
    quality_report.append(f"ESCO label recall: {recall_report(recall)}")
    linked = {c.id for c in load_taxonomy().concepts.values() if c.esco}
    assert len(recall) >= 200
    assert set(recall) <= linked
    hits = sum(h for h, _ in recall.values())
    labels = sum(n for _, n in recall.values())
    assert hits / labels >= 0.95, recall_report(recall)


def test_outside_manufacturing(quality_report: list[str]) -> None:
    result = outside_false_positives(default_skill_normalizer())
    quality_report.append(f"ESCO labels outside manufacturing ({OUTSIDE.name}): {result.report()}")
    assert result.labels >= 300
    assert set(result.by_area) == {"cooking", "farming", "office", "care", "retail"}
    assert result.false_positive / result.labels <= 0.03, result.report()


# Each phrasing, its least number of curated names read alone, and what it found when
# it was added:
# - name_variants: 35.6 % of the variants read otherwise under 2026.12.6 ("las listrik
#   selama 2 tahun", "quality control 3 years", "용접 경험" as nothing); with the section
#   and "etc." forms of 2026.12.8, 15.1 % under 2026.12.7 ("負責焊接", "焊接部門", "용접
#   담당", "溶接など", "tenaga las");
# - bracket_glosses: about two in five under 2026.12.7 ("cetak offset (Heidelberg)",
#   "溶接（株式会社山田製作所）" as nothing);
# - asked_for: 18.7 % under 2026.12.7 ("memahami pengelasan logam", "溶接できる方",
#   "需具備焊接", "용접 가능자" as nothing);
# - company_mentions (Indonesian and English names only): 40 % under 2026.12.7
#   ("operator produksi PT Astra Honda Motor" as nothing, "inspeksi kualitas PT Maju
#   Jaya" as penetrant testing).
@pytest.mark.parametrize(
    ("phrasing", "least_names"),
    [("name_variants", 6000), ("bracket_glosses", 6000), ("asked_for", 6000),
     ("company_mentions", 3000)],
)  # fmt: skip
def test_how_cvs_and_job_orders_write_a_name_does_not_change_it(
    quality_report: list[str], phrasing: str, least_names: int
) -> None:
    result = written_around(default_skill_normalizer(), phrasing)
    quality_report.append(f"curated names, {phrasing}: {result.report()}")
    assert result.names >= least_names
    assert len(result.changed) / result.variants <= 0.005, result.changed[:20]


def test_coordinated_names(quality_report: list[str]) -> None:
    """Two skills listed with a separator read as both (0.30 % of the pairs did not under
    2026.12.6, e.g. "op mesin / memoles": the generic role gives way to the skill)."""
    result = coordinated_names(default_skill_normalizer())
    quality_report.append(f"two curated names joined: {result.report()}")
    assert result.pairs >= 2500
    assert len(result.wrong) / result.pairs <= 0.005, result.wrong


def test_outside_labels_are_not_linked_skills() -> None:
    linked = set(esco_labels())
    taxonomy = load_taxonomy()
    with OUTSIDE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader((ln for ln in handle if not ln.startswith("#")), delimiter="\t"))
    for row in rows:
        assert row["uri"] not in linked, row
        assert all(c in taxonomy for c in filter(None, row["allowed"].split("|"))), row


def test_withheld_names_are_not_names_yet() -> None:
    """Names kept out of the taxonomy while the messy held-out set measures it (SOURCES.md):
    each is a copy of a held-out string and none may become a name unnoticed."""
    taxonomy = load_taxonomy()
    names = {
        " ".join(name.casefold().split())
        for concept in taxonomy.concepts.values()
        for name in (
            concept.label_en,
            concept.label_id,
            *(a for v in concept.aliases.values() for a in v),
        )
    }
    with MESSY.open(encoding="utf-8") as handle:
        held = {
            " ".join(r["text"].casefold().split()) for r in csv.DictReader(handle, delimiter="\t")
        }
    path = MESSY.with_name("withheld_aliases.tsv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert rows
    for row in rows:
        name = " ".join(row["name"].casefold().split())
        assert row["concept"] in taxonomy, row
        assert name not in names, row
        assert name in held or name.replace("-", " ") in {h.replace("-", " ") for h in held}, row

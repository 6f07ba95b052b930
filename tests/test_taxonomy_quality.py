"""Issue 19's quality figures: messy held-out strings, ESCO label recall, outside false positives.

The issue's targets: >= 97 % right on the held-out strings with no two distinct skills
merged, >= 95 % of the ESCO labels of linked concepts read as their concept, <= 3 % of
outside labels given a concept. The ESCO and outside targets are asserted. The held-out
target is not reached (91.2 % right, 1.3 % of labelled strings read as another concept,
11 pairs of skills merged in taxonomy 2026.12.2; 82.6 % in 2026.12.1):
``test_messy_holdout_target`` states it as a strict expected failure, so the day it holds
the suite says so, and ``test_messy_holdout`` guards today's figures against a regression.
The held-out strings were written independently of the aliases and are never a source of
aliases (``withheld_aliases.tsv``); 150 of them equal a withheld name, so while they stay
withheld at most 1177 - 150 + (those the general rules read right) strings can be right.
"""

from __future__ import annotations

import csv

import pytest

from matcher.taxonomy.skills import default_skill_normalizer, load_taxonomy
from tests.quality_report import (
    MESSY,
    OUTSIDE,
    esco_label_recall,
    esco_labels,
    messy_holdout,
    outside_false_positives,
    recall_report,
)


def test_messy_holdout(quality_report: list[str]) -> None:
    result = messy_holdout(default_skill_normalizer())
    quality_report.append(f"messy held-out set ({MESSY.name}): {result.report()}")
    assert result.rows >= 600
    assert set(result.by_language) >= {"id", "en", "ms", "ja", "ko"}
    assert result.right >= 0.90, result.report()
    assert result.wrong / result.labelled <= 0.02, result.report()
    assert result.false_positive / result.negatives <= 0.05, result.report()


@pytest.mark.xfail(strict=True, reason="issue 19 target not reached yet (91.2 % in 2026.12.2)")
def test_messy_holdout_target() -> None:
    result = messy_holdout(default_skill_normalizer())
    assert result.right >= 0.97, result.report()
    assert not result.merged, result.report()


def test_messy_holdout_labels_are_concepts() -> None:
    taxonomy = load_taxonomy()
    with MESSY.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
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

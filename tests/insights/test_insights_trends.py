"""Trends: a change is published only as the difference of two published counts."""

from __future__ import annotations

import datetime as dt

import pytest

from matcher.insights.schema import SCHEMAS
from matcher.insights.suppression import protect
from matcher.insights.table import PolicyTable, ProtectedTable
from matcher.insights.trends import trends


def _origin(as_of: dt.date, counts: dict[tuple[str, str], tuple[int, int]]) -> ProtectedTable:
    rows = [
        {"province": p, "destination": d, "eligible_workers": e, "placed_workers": w}
        for (p, d), (e, w) in counts.items()
    ]
    return protect(PolicyTable.from_rows(SCHEMAS["origin"], as_of, rows))


MARCH = _origin(
    dt.date(2026, 3, 1),
    {("Bali", "JP"): (40, 12), ("Bali", "KR"): (30, 20), ("NTB", "JP"): (25, 15),
     ("NTB", "KR"): (50, 30), ("Papua", "JP"): (12, 11)},
)  # fmt: skip
JUNE = _origin(
    dt.date(2026, 6, 1),
    {("Bali", "JP"): (44, 4), ("Bali", "KR"): (35, 22), ("NTB", "JP"): (25, 16),
     ("NTB", "KR"): (58, 31), ("Aceh", "KR"): (20, 10)},
)  # fmt: skip


def test_changes_of_published_counts_only() -> None:
    (trend,) = trends([JUNE, MARCH])  # any order
    assert (trend.since, trend.as_of) == (dt.date(2026, 3, 1), dt.date(2026, 6, 1))
    rows = {(r["province"], r["destination"]): r for r in trend.rows()}
    assert rows[("Bali", "KR")]["eligible_workers"] == 5
    # June's 4 placed in Bali -> JP is withheld, so its change is too.
    assert rows[("Bali", "JP")]["placed_workers"] is None
    assert rows[("Bali", "JP")]["suppressed"] == ["placed_workers"]
    assert rows[("Bali", "JP")]["eligible_workers"] == 4
    assert rows[("Aceh", "KR")]["presence"] == "added"
    assert rows[("Papua", "JP")]["presence"] == "removed"
    assert rows[("Papua", "JP")]["eligible_workers"] is None
    assert rows[("Papua", "JP")]["suppressed"] == []


def test_every_published_change_is_the_difference_of_published_counts() -> None:
    (trend,) = trends([MARCH, JUNE])
    before = {tuple(r[d] for d in ("province", "destination")): r for r in MARCH.rows()}
    after = {tuple(r[d] for d in ("province", "destination")): r for r in JUNE.rows()}
    for row in trend.rows():
        key = (row["province"], row["destination"])
        for m in ("eligible_workers", "placed_workers"):
            if row[m] is not None:
                assert before[key][m] is not None
                assert after[key][m] is not None
                assert row[m] == after[key][m] - before[key][m]


def test_three_dates_give_two_consecutive_trends() -> None:
    september = _origin(dt.date(2026, 9, 1), {("Bali", "KR"): (36, 22)})
    found = trends([september, MARCH, JUNE])
    assert [(t.since.month, t.as_of.month) for t in found] == [(3, 6), (6, 9)]


@pytest.mark.parametrize(
    ("snapshots", "message"),
    [
        ([MARCH], "two or more"),
        ([MARCH, MARCH], "as_of given twice: 2026-03-01"),
    ],
)
def test_bad_trend_requests(snapshots: list[ProtectedTable], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        trends(snapshots)

"""The round report: selection rates, impact ratios, four-fifths flags, a standalone page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from matcher.reporting.html import render_html
from matcher.reporting.report import age_band, selection_rates


def test_selection_rates_and_four_fifths_flags() -> None:
    # F: 10 in the pool, 8 eligible, 2 selected; M: 10, 5 eligible, 4 selected.
    groups = ["F"] * 10 + ["M"] * 10
    selected = [True] * 2 + [False] * 8 + [True] * 4 + [False] * 6
    eligible = [True] * 8 + [False] * 2 + [True] * 5 + [False] * 5
    rows = {r["group"]: r for r in selection_rates(groups, selected, eligible)}
    assert rows["F"]["selection_rate"] == 0.2
    assert rows["M"]["selection_rate"] == 0.4
    assert rows["F"]["impact_ratio"] == 0.5
    assert rows["F"]["flag"]
    assert rows["M"]["impact_ratio"] == 1.0
    assert not rows["M"]["flag"]
    assert rows["F"]["selection_rate_eligible"] == 0.25
    assert rows["M"]["selection_rate_eligible"] == 0.8
    assert rows["F"]["impact_ratio_eligible"] == pytest.approx(0.3125)


def test_no_flag_at_exactly_four_fifths_or_without_selections() -> None:
    rows = selection_rates(["A"] * 5 + ["B"] * 5, [True] * 5 + [True] * 4 + [False], [True] * 10)
    assert [r["flag"] for r in rows] == [False, False]  # 0.8 / 1.0 is not below 4/5
    nobody = selection_rates(["A", "B"], [False, False], [False, False])
    assert all(r["impact_ratio"] is None and not r["flag"] for r in nobody)


@pytest.mark.parametrize(
    ("born", "band"),
    [
        ((2008, 3, 2), "under 18"),
        ((2008, 3, 1), "18-24"),
        ((1996, 3, 1), "30-34"),
        ((1986, 3, 2), "35-39"),
        ((1980, 1, 1), "40 and over"),
    ],
)
def test_age_bands(born: tuple[int, int, int], band: str) -> None:
    assert age_band(dt.date(*born), dt.date(2026, 3, 1)) == band


def test_html_is_self_contained_and_escaped() -> None:
    row = {
        "group": "<b>Jawa</b>",
        "pool": 3,
        "eligible": 2,
        "selected": 1,
        "selection_rate": 0.3333,
        "impact_ratio": 0.5,
        "flag": True,
        "selection_rate_eligible": 0.5,
        "impact_ratio_eligible": 1.0,
        "flag_eligible": False,
    }
    report = {
        "summary": {"method": "stable", "shortlist_per_slot": None, "as_of": "2026-03-01"},
        "scores": {"histogram": {"edges": [0.0, 0.5, 1.0], "counts": [1, 2]}, "mean": 0.6},
        "unplaced": {"outcompeted": 2},
        "unfilled_reasons": [
            {
                "kind": "language",
                "requirement": "JLPT N4",
                "job_orders": 1,
                "open_slots": 3,
                "only_gap": 2,
            },
        ],
        "by_country": [{"country": "JP", "slots": 4, "placed": 1, "fill_rate": 0.25}],
        "fairness": {"threshold": 0.8, "selected": "placed", "attributes": {"province": [row]}},
    }
    page = render_html(report)
    assert "&lt;b&gt;Jawa&lt;/b&gt;" in page
    assert "<b>Jawa" not in page
    assert page.count("<svg") == 5
    assert not re.search(r"<script|<link|https?://|src=", page)
    assert "#c0392b" in page  # the flagged group is drawn in red

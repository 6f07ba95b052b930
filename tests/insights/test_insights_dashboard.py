"""The policy dashboard: self-contained, bilingual, escaped, and never shows a withheld
count as a number."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from matcher.insights.dashboard import render_dashboard
from matcher.insights.schema import SCHEMAS
from matcher.insights.suppression import protect
from matcher.insights.table import PolicyTable, ProtectedTable

AS_OF = dt.date(2026, 3, 1)


def _supply_demand() -> ProtectedTable:
    rows = [
        {"skill": s, "destination": d, "quarter": "2026Q2", "slots_demanded": slots,
         "eligible_workers": eligible, "one_gap_workers": 20, "filled_slots": 12}
        for s, d, slots, eligible in [
            ("esco:weld", "JP", 40, 3), ("esco:weld", "KR", 30, 25),
            ("<b>esco:cnc</b>", "JP", 20, 31), ("<b>esco:cnc</b>", "KR", 10, 44),
        ]
    ]  # fmt: skip
    return protect(PolicyTable.from_rows(SCHEMAS["supply_demand"], AS_OF, rows))


def _refusals() -> ProtectedTable:
    rows = [
        {"reason_kind": "wage_below_floor", "destination": d, "job_orders": n}
        for d, n in [("JP", 2), ("KR", 5)]
    ]
    return protect(PolicyTable.from_rows(SCHEMAS["refusals"], AS_OF, rows))


def test_the_page_is_self_contained_and_escaped() -> None:
    page = render_dashboard([_supply_demand(), _refusals()], labels={"esco:weld": "Welding"})
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script|<link|<img|@import|url\(|https?://|src=", page)
    assert "<b>esco:cnc" not in page
    assert "&lt;b&gt;esco:cnc&lt;/b&gt;" in page
    assert "Welding" in page


def test_both_languages_are_on_the_page() -> None:
    page = render_dashboard([_supply_demand(), _refusals()])
    assert 'lang="id"' in page
    assert 'lang="en"' in page
    assert "Permintaan dan pasokan menurut keterampilan dan negara tujuan" in page
    assert "Supply and demand by skill and destination" in page
    assert "Lowongan yang ditolak, menurut alasan" in page
    # Seven job orders refused for the wage floor, summed over destinations.
    assert re.search(r"wage below floor</td><td>7</td>", page)


def test_a_withheld_count_reads_suppressed_never_zero() -> None:
    table = _supply_demand()
    withheld = sum(bool(hidden) for hidden in table.suppressed())
    assert withheld >= 2
    page = render_dashboard([table])
    # In each language: once in the chart, once in the table, per withheld count.
    assert page.count(">disamarkan<") == 2 * withheld
    assert page.count(">suppressed<") == 2 * withheld
    assert ">0<" not in page


def test_sections_follow_the_tables_given() -> None:
    page = render_dashboard([_refusals()])
    assert "Pelatihan" not in page
    assert "Reintegrasi" not in page
    assert "Permintaan dan pasokan" not in page


def test_tables_of_different_dates_are_refused() -> None:
    later = protect(
        PolicyTable.from_rows(
            SCHEMAS["refusals"], dt.date(2026, 4, 1),
            [{"reason_kind": "wage_below_floor", "destination": "JP", "job_orders": 1}],
        )
    )  # fmt: skip
    with pytest.raises(ValueError, match="one as_of"):
        render_dashboard([_refusals(), later])

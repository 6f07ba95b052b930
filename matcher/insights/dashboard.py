"""The policy dashboard: one self-contained HTML page in Indonesian and English.

Planners open it offline from a shared drive or an e-mail, so it loads nothing: CSS and
SVG are inline and the language switch is two radio buttons and a CSS rule, no script.
It is rendered from published tables only (:class:`ProtectedTable`), and a withheld count
reads "disamarkan" / "suppressed", never 0. Charts show the tables' own cells: person
counts are not summed across cells (one worker can be eligible in several destinations,
and a sum over withheld cells would be a guess). Rows ranked by a person count are ranked
among published counts only, so a withheld cell's place in a ranking cannot hint at its
value; how many were left out is said under the chart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from matcher.charts import SERIES_COLOURS, Bar, bar_chart
from matcher.insights.table import ProtectedTable
from matcher.reporting.pages import Language, page_environment, page_texts

__all__ = ["LANGUAGES", "render_dashboard"]

LANGUAGES: tuple[Language, ...] = ("id", "en")
"""The page's languages, Indonesian shown first."""
_TOP = 20

_TEXT = page_texts("matcher.insights", "dashboard")


@dataclass(frozen=True)
class _Section:
    key: str
    note: str
    legend: list[tuple[str, str]]
    chart: Markup
    table_header: list[str]
    table_rows: list[list[str]]
    footnotes: list[str]


def render_dashboard(
    tables: Sequence[ProtectedTable], *, labels: Mapping[str, str] | None = None
) -> str:
    """Render the published policy tables as one HTML page.

    Parameters
    ----------
    tables : sequence of ProtectedTable
        Any of the seven tables, of one ``as_of``; a section is drawn for each one given
        (courses and reintegration only when present).
    labels : Mapping[str, str], optional
        Display names for dimension values (skill concept ids to skill names); values
        without one are shown as they are.

    Returns
    -------
    str
        A complete HTML document with inline CSS and SVG, in Indonesian (shown first) and
        English.

    Raises
    ------
    ValueError
        If no table is given or the tables differ in ``as_of``.
    """
    if not tables:
        raise ValueError("no table to draw")
    dates = sorted({t.as_of for t in tables})
    if len(dates) > 1:
        raise ValueError("the dashboard draws tables of one as_of")
    by_name = {t.schema.name: t for t in tables}
    names = labels or {}
    floor = tables[0].min_cell - 1
    pages = []
    for lang in LANGUAGES:
        sections = [
            _SECTIONS[name](by_name[name], lang, names) for name in _SECTIONS if name in by_name
        ]
        pages.append(
            {
                "lang": lang,
                "title": _TEXT["title"][lang],
                "as_of": f"{_TEXT['as_of'][lang]} {dates[0].isoformat()}",
                "intro": _TEXT["intro"][lang].format(floor=floor),
                "sections": [(_TEXT[s.key][lang], s) for s in sections],
            }
        )
    template = page_environment("matcher.insights").get_template("dashboard.html")
    return template.render(pages=pages, lang=LANGUAGES[0])


def _number(value: float | None, lang: Language) -> str:
    if value is None:
        return _TEXT["suppressed"][lang]
    text = (
        f"{value:,.1f}"
        if isinstance(value, float) and not value.is_integer()
        else f"{int(value):,}"
    )
    # Indonesian groups thousands with "." and writes decimals with ",".
    return text.translate(str.maketrans(",.", ".,")) if lang == "id" else text


def _cells(
    table: ProtectedTable,
    lang: Language,
    labels: Mapping[str, str],
    *,
    rank_by: str,
    measures: Sequence[str],
    key: str,
    note: str | None = None,
) -> _Section:
    """The table's top rows by ``rank_by``: one bar per measure, and the rows as a table."""
    dims = [table.column(d) for d in table.schema.dimension_names]
    values = {m: table.column(m) for m in measures}
    ranking = table.column(rank_by)
    ranked = [i for i in range(table.n_rows) if ranking[i] is not None]
    ranked.sort(key=lambda i: (-ranking[i], [d[i] for d in dims]))
    shown = ranked[:_TOP]
    bars: list[Bar] = []
    for i in shown:
        label = " · ".join(labels.get(d[i], d[i]) for d in dims)
        for series, m in enumerate(measures):
            v = values[m][i]
            bars.append(Bar(label if series == 0 else "", v, _number(v, lang), series=series))
    maximum = max((b.value for b in bars if b.value is not None), default=0.0)
    footnotes = []
    left_out = table.n_rows - len(ranked)
    if left_out:
        footnotes.append(_TEXT["left_out"][lang].format(n=left_out))
    if len(shown) < len(ranked):
        footnotes.append(_TEXT["more_rows"][lang].format(shown=len(shown), total=table.n_rows))
    return _Section(
        key=key,
        note=_TEXT[note][lang] if note else "",
        legend=[(SERIES_COLOURS[s], _TEXT[m][lang]) for s, m in enumerate(measures)],
        chart=Markup(bar_chart(bars, float(maximum))),
        table_header=[_TEXT[h][lang] for h in (*table.schema.dimension_names, *measures)],
        table_rows=[
            [
                *(labels.get(d[i], d[i]) for d in dims),
                *(_number(values[m][i], lang) for m in measures),
            ]
            for i in shown
        ],
        footnotes=footnotes,
    )


def _refusals(table: ProtectedTable, lang: Language, labels: Mapping[str, str]) -> _Section:
    """Job orders per reason, summed over destinations (job orders are not people)."""
    totals: dict[str, int] = defaultdict(int)
    for reason, count in zip(table.column("reason_kind"), table.column("job_orders"), strict=True):
        totals[reason] += int(count)
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))
    names = {r: labels.get(r, r.replace("_", " ")) for r in totals}
    bars = [Bar(names[r], float(n), _number(n, lang)) for r, n in ordered]
    return _Section(
        key="refusals",
        note="",
        legend=[(SERIES_COLOURS[0], _TEXT["job_orders"][lang])],
        chart=Markup(bar_chart(bars, float(max(totals.values(), default=0)))),
        table_header=[_TEXT["reason_kind"][lang], _TEXT["job_orders"][lang]],
        table_rows=[[names[r], _number(n, lang)] for r, n in ordered],
        footnotes=[],
    )


def _section(rank_by: str, *measures: str, note: str | None = None) -> Any:
    def draw(table: ProtectedTable, lang: Language, labels: Mapping[str, str]) -> _Section:
        return _cells(
            table,
            lang,
            labels,
            rank_by=rank_by,
            measures=measures,
            key=table.schema.name,
            note=note,
        )

    return draw


_SECTIONS: dict[str, Any] = {
    "supply_demand": _section(
        "slots_demanded", "slots_demanded", "eligible_workers", note="supply_demand_note"
    ),
    "languages": _section("slots_requiring", "workers_holding", "slots_requiring"),
    "gaps": _section("blocked_workers", "blocked_workers", note="gaps_note"),
    "refusals": _refusals,
    "origin": _section("eligible_workers", "eligible_workers", "placed_workers"),
    "courses": _section(
        "expected_placements", "expected_placements", "workers_unlocked", note="courses_note"
    ),
    "reintegration": _section("opportunity_slots", "opportunity_slots", "returnees"),
}

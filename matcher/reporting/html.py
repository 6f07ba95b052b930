"""The round report as one self-contained HTML page: inline CSS and SVG, nothing fetched.

Officers open it from a shared drive or an e-mail, often offline, so it loads no script,
font or stylesheet from anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup

from matcher.charts import Bar, bar_chart, column_chart
from matcher.reporting.pages import page_environment

__all__ = ["render_html"]


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _fairness(name: str, rows: Sequence[dict[str, Any]]) -> str:
    chart = bar_chart(
        [
            Bar(
                str(r["group"]),
                float(r["selection_rate"]),
                f"{100 * r['selection_rate']:.1f}% (ratio {_cell(r['impact_ratio'])})",
                bool(r["flag"]),
            )
            for r in rows
        ],
        max((float(r["selection_rate"]) for r in rows), default=0.0),
    )
    table = _table(
        [
            "group",
            "pool",
            "eligible",
            "selected",
            "rate",
            "impact ratio",
            "below 4/5",
            "rate of eligible",
            "impact ratio (eligible)",
            "below 4/5 (eligible)",
        ],
        [
            [
                r["group"],
                r["pool"],
                r["eligible"],
                r["selected"],
                r["selection_rate"],
                r["impact_ratio"],
                r["flag"],
                r["selection_rate_eligible"],
                r["impact_ratio_eligible"],
                r["flag_eligible"],
            ]
            for r in rows
        ],
    )
    return f"<h3>{escape(name.replace('_', ' '))}</h3>{chart}{table}"


def render_html(report: dict[str, Any]) -> str:
    """Render :func:`matcher.reporting.report.round_report` as a standalone page.

    Parameters
    ----------
    report : dict
        The round report.

    Returns
    -------
    str
        A complete HTML document with inline CSS and SVG charts.
    """
    summary = report["summary"]
    fairness = report["fairness"]
    scores = report["scores"]
    unplaced = report["unplaced"]
    reasons = report["unfilled_reasons"][:15]
    countries = report["by_country"]
    mode = (
        f"{summary['method']}, shortlists of {summary['shortlist_per_slot']} per slot"
        if summary["shortlist_per_slot"]
        else summary["method"]
    )
    sections = [
        f"<h1>Selaras allocation round, {escape(summary['as_of'])} ({escape(mode)})</h1>",
        "<h2>Summary</h2>",
        _table(["", "value"], [[k.replace("_", " "), v] for k, v in summary.items()]),
        "<h2>Scores of those selected</h2>",
        column_chart(scores["histogram"]["counts"], scores["histogram"]["edges"]),
        _table(["", "value"], [[k, v] for k, v in scores.items() if k != "histogram"]),
        "<h2>Fill rate by destination</h2>",
        bar_chart(
            [
                Bar(c["country"], c["fill_rate"], f"{c['placed']:,} of {c['slots']:,}")
                for c in countries
            ],
            1.0,
        ),
        "<h2>Why workers were not selected</h2>",
        bar_chart(
            [Bar(k.replace("_", " "), float(v), f"{v:,}") for k, v in unplaced.items()],
            float(max(unplaced.values(), default=0)),
        ),
        "<h2>What keeps slots open</h2>",
        '<p class="note">Gates among the three that blocked most of the pool at each job '
        'order with open slots; "one gap away" counts candidates for whom the gate was the '
        "only gap (summed over job orders): the training and document demand.</p>",
        bar_chart(
            [
                Bar(
                    f"{r['kind']}: {r['requirement']}",
                    float(r["open_slots"]),
                    f"{r['open_slots']:,} {'slot' if r['open_slots'] == 1 else 'slots'}, "
                    f"{r['job_orders']:,} {'job order' if r['job_orders'] == 1 else 'job orders'}",
                )
                for r in reasons
            ],
            float(max((r["open_slots"] for r in reasons), default=0)),
        ),
        _table(
            ["gate", "job orders", "open slots", "one gap away"],
            [
                [
                    f"{r['kind']}: {r['requirement']}",
                    r["job_orders"],
                    r["open_slots"],
                    r["only_gap"],
                ]
                for r in reasons
            ],
        ),
        "<h2>Fairness</h2>",
        f'<p class="note">Selection rate ({escape(fairness["selected"])}) by group over the '
        "whole pool and over workers eligible somewhere; the impact ratio divides a group's "
        "rate by the highest group's. Red bars fall below four-fifths "
        f"({fairness['threshold']}): a prompt to review, not a finding. Protected "
        "attributes are read here only, after the allocation.</p>",
        *(_fairness(name, rows) for name, rows in fairness["attributes"].items()),
    ]
    body = Markup("\n".join(sections))  # each part escaped above, charts by matcher.charts
    return (
        page_environment()
        .get_template("base.html")
        .render(lang="en", title="Selaras allocation round", body=body)
    )

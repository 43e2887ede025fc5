"""Every table on the dashboard as CSV, formula-safe like the idea export (a leading ' defuses = + - @)."""
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from forum.dashboard.period import Period
from forum.dashboard.stats import FIGURES
from forum.i18n import _l
from forum.spreadsheet import defuse

Rows = Callable[[dict[str, Any]], list[dict[str, Any]]]


def _figures(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"figure": key, "label": str(label), "unit": unit, **{k: data["figures"][key][k]
                                                              for k in ("value", "previous", "change")}}
            for key, label, unit, _ in FIGURES]


# name -> (title, columns, rows)
TABLES: dict[str, tuple[str, tuple[str, ...], Rows]] = {
    "figures": (_l("Headline figures against the previous period"),
                ("figure", "label", "unit", "value", "previous", "change"), _figures),
    "daily": (_l("Questions, answers and SLA per day"),
              ("date", "asked", "answered", "solved", "first_answer_median_seconds", "first_answer_p90_seconds",
               "escalations_opened", "escalations_decided", "escalations_met", "sla_share"),
              lambda data: data["daily"]),
    "backlog": (_l("Unanswered questions by age"), ("key", "label", "count"),
                lambda data: data["backlog"]["buckets"]),
    "unanswered": (_l("Oldest unanswered questions in each age bucket"),
                   ("id", "title", "bucket", "created_at", "age_seconds", "url"), lambda data: data["backlog"]["oldest"]),
    "top-ideas": (_l("Top ideas by votes gained"), ("id", "title", "status", "category", "votes_gained", "votes_total",
                                                "url"), lambda data: data["top_ideas"]),
    "top-answerers-members": (_l("Top answering members"), ("username", "answers", "accepted"),
                              lambda data: data["top_answerers"]["members"]),
    "top-answerers-staff": (_l("Top answering staff"), ("username", "answers", "accepted"),
                            lambda data: data["top_answerers"]["staff"]),
}


def filename(table: str, period: Period) -> str:
    scope = f"-{period.category.slug}" if period.category is not None else ""
    return f"dashboard-{table}{scope}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.csv"


def render(table: str, data: dict[str, Any], site_url: str = "") -> str:
    """UTF-8 with a BOM (Excel reads the encoding right), CRLF rows; every text cell defused."""
    _, columns, rows = TABLES[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows(data):
        values = {**row, "url": site_url + row["url"]} if "url" in row else row
        writer.writerow(["" if values.get(name) is None else defuse(values.get(name)) for name in columns])
    return "\ufeff" + buffer.getvalue()

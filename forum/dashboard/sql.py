"""SQL building blocks that differ between SQLite and PostgreSQL: durations, day buckets, percentiles.

Both backends must return the same number on the same data, so durations are whole seconds on both
(timestamps truncated to the second) and percentiles follow percentile_cont's definition exactly:
the value at position p * (n - 1) of the sorted values, interpolated linearly between neighbours.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from forum.extensions import db


def dialect() -> str:
    return db.session.get_bind().dialect.name


def seconds_between(start: Any, end: Any) -> sa.ColumnElement:
    """Whole seconds from `start` to `end` (both truncated to the second first, on both backends)."""
    if dialect() == "postgresql":
        return (sa.extract("epoch", sa.func.date_trunc("second", end))
                - sa.extract("epoch", sa.func.date_trunc("second", start))).cast(sa.BigInteger)
    return sa.cast(sa.func.strftime("%s", end), sa.Integer) - sa.cast(sa.func.strftime("%s", start), sa.Integer)


def day_of(column: Any) -> sa.ColumnElement:
    """The UTC calendar day as text YYYY-MM-DD, the GROUP BY key of every daily series."""
    if dialect() == "postgresql":
        return sa.func.to_char(column, "YYYY-MM-DD")
    return sa.func.strftime("%Y-%m-%d", column)


def percentiles(values: sa.Subquery, fractions: Sequence[float], *, group: str | None = None,
                method: str | None = None) -> sa.Select:
    """SELECT [group,] p1, p2, ... over `values.c.v`, one row per group (or one row overall).

    PostgreSQL uses percentile_cont; SQLite has no ordered-set aggregates, so the same interpolation is
    computed from ROW_NUMBER and COUNT windows. `method="window"` forces the window form (tests run it on
    PostgreSQL too, to prove both forms agree)."""
    method = method or ("cont" if dialect() == "postgresql" else "window")
    keys = [values.c[group]] if group else []
    if method == "cont":
        cols = [sa.func.percentile_cont(f).within_group(values.c.v.asc()) for f in fractions]
        return sa.select(*keys, *cols).group_by(*keys)
    partition = {"partition_by": keys} if keys else {}
    ranked = sa.select(*keys, values.c.v.label("v"),
                       sa.func.row_number().over(order_by=values.c.v, **partition).label("rn"),
                       sa.func.count().over(**partition).label("n")).subquery()
    cols = []
    for fraction in fractions:
        # percentile_cont: first_row = floor(p * (n - 1)) (0-based), proportion = p * (n - 1) - first_row
        position = sa.literal(float(fraction), sa.Float) * (ranked.c.n - 1)
        first = _floor(position) + 1
        low = sa.func.max(sa.case((ranked.c.rn == first, ranked.c.v)))
        high = sa.func.coalesce(sa.func.max(sa.case((ranked.c.rn == first + 1, ranked.c.v))), low)
        proportion = sa.func.max(position - _floor(position))
        cols.append(low + (high - low) * proportion)
    group_keys = [ranked.c[group]] if group else []
    return sa.select(*group_keys, *cols).group_by(*group_keys)


def _floor(value: Any) -> sa.ColumnElement:
    """floor() for non-negative numbers: SQLite's CAST truncates, PostgreSQL's CAST rounds."""
    if dialect() == "postgresql":
        return sa.cast(sa.func.floor(value), sa.Integer)
    return sa.cast(value, sa.Integer)

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
    return sa.func.unixepoch(end) - sa.func.unixepoch(start)  # SQLite 3.38+; twice as fast as strftime('%s')


def day_of(column: Any) -> sa.ColumnElement:
    """The UTC calendar day as text YYYY-MM-DD, the GROUP BY key of every daily series."""
    if dialect() == "postgresql":
        return sa.func.to_char(column, "YYYY-MM-DD")
    return sa.func.strftime("%Y-%m-%d", column)


def _staff_counts(staff: Any) -> list[sa.ColumnElement]:
    return [sa.func.count(staff), sa.func.coalesce(sa.func.sum(sa.case((staff.is_(True), 1), else_=0)), 0)]


def percentiles(values: sa.Subquery, fractions: Sequence[float], *, group: str | None = None,
                method: str | None = None, staff: bool = False) -> sa.Select:
    """SELECT [group,] p1, p2, ... [, count(staff), staff true] over `values.c.v`, one row per group (or overall).

    PostgreSQL uses percentile_cont; SQLite has no ordered-set aggregates, so the same interpolation is
    computed from ROW_NUMBER and COUNT windows. `method="window"` forces the window form (tests run it on
    PostgreSQL too, to prove both forms agree). `staff=True` also counts the rows' `staff` flags in the same
    pass (who wrote the answers being timed)."""
    method = method or ("cont" if dialect() == "postgresql" else "window")
    keys = [values.c[group]] if group else []
    if method == "cont":
        cols: list[sa.ColumnElement[Any]] = [sa.func.percentile_cont(f).within_group(values.c.v.asc())
                                             for f in fractions]
        return sa.select(*keys, *cols, *(_staff_counts(values.c.staff) if staff else [])).group_by(*keys)
    partition: dict[str, Any] = {"partition_by": keys} if keys else {}
    staff_cols = [sa.func.count(values.c.staff).over(**partition).label("staff_n"),
                  sa.func.sum(sa.case((values.c.staff.is_(True), 1), else_=0)).over(**partition).label("staff_true")
                  ] if staff else []
    ranked = sa.select(*keys, values.c.v.label("v"), *staff_cols,
                       sa.func.row_number().over(order_by=values.c.v, **partition).label("rn"),
                       sa.func.count().over(**partition).label("n")).subquery()
    # percentile_cont: first_row = floor(p * (n - 1)) (0-based), proportion = p * (n - 1) - first_row;
    # only the rows at first_row and the one after matter, so the rest are dropped before aggregating
    positions = [(sa.literal(float(fraction), sa.Float) * (ranked.c.n - 1)) for fraction in fractions]
    needed = sa.or_(*[ranked.c.rn.between(_floor(position) + 1, _floor(position) + 2) for position in positions])
    rows = sa.select(ranked).where(needed).subquery()
    cols = []
    for fraction in fractions:
        position = sa.literal(float(fraction), sa.Float) * (rows.c.n - 1)
        first = _floor(position) + 1
        low = sa.func.max(sa.case((rows.c.rn == first, rows.c.v)))
        high = sa.func.coalesce(sa.func.max(sa.case((rows.c.rn == first + 1, rows.c.v))), low)
        proportion = sa.func.max(position - _floor(position))
        cols.append(low + (high - low) * proportion)
    if staff:
        cols += [sa.func.coalesce(sa.func.max(rows.c.staff_n), 0), sa.func.coalesce(sa.func.max(rows.c.staff_true), 0)]
    group_keys = [rows.c[group]] if group else []
    return sa.select(*group_keys, *cols).group_by(*group_keys)


def _floor(value: Any) -> sa.ColumnElement:
    """floor() for non-negative numbers: SQLite's CAST truncates, PostgreSQL's CAST rounds."""
    if dialect() == "postgresql":
        return sa.cast(sa.func.floor(value), sa.Integer)
    return sa.cast(value, sa.Integer)

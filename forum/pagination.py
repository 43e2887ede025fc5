"""Pages of a list: one shape for every paginated query, and one rule for out-of-range page numbers."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from forum.extensions import db


def last_page(total: int, per_page: int) -> int:
    """Never below 1, so an empty list still has a page to show."""
    return max(1, math.ceil(total / per_page))


def page_numbers(current: int, last: int, around: int = 2) -> list[int | None]:
    """The page links a list shows: the first, the last and `around` either side of the current one, None for a
    gap. Built from the window alone, so a list of 5,000 pages renders what a list of 5 does."""
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    numbers: list[int | None] = []
    previous: int | None = None
    for n in shown:
        if previous is not None and n != previous + 1:
            numbers.append(None)
        numbers.append(n)
        previous = n
    return numbers


def count_rows(query: sa.Select[Any]) -> int:
    """How many rows `query` selects: COUNT(*) over it as a subquery (a count always has its one row)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0


def clamp(page: int, total: int, per_page: int) -> int:
    """An absurd page number shows the last page instead of an empty one."""
    return min(max(page, 1), last_page(total, per_page))


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return last_page(self.total, self.per_page)


def page_of_ids(ids: sa.Select, order: Sequence[tuple[Any, bool]], page: int, total: int,
                per_page: int) -> list[int]:
    """The ids on one page of `ids` (a select of one id column), in `order` ((column, descending) pairs
    ending on a unique column); only ids are read, from the index that serves the order. (A select of whole
    rows works too, for rows small enough to read straight from the page: notifications.)"""
    start = (page - 1) * per_page
    return slice_of_ids(ids, order, start, min(total, start + per_page), total)


def slice_of_ids(ids: sa.Select, order: Sequence[tuple[Any, bool]], start: int, end: int,
                 total: int) -> list[int]:
    """Ids [start, end) of the `total` that `ids` selects in `order`, read from whichever end is nearer."""
    if end <= start:
        return []
    backwards = start > total - end
    offset = total - end if backwards else start
    clauses = [column.asc() if descending == backwards else column.desc() for column, descending in order]
    found = list(db.session.scalars(ids.order_by(*clauses).limit(end - start).offset(offset)))
    return found[::-1] if backwards else found


def in_order(rows: Sequence[Any], ids: Sequence[int]) -> list[Any]:
    """Rows loaded with `id IN (...)` put back in the page's order."""
    position = {row_id: index for index, row_id in enumerate(ids)}
    return sorted(rows, key=lambda row: position[row.id])

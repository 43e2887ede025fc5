"""Pages of a list: one shape for every paginated query, and one rule for out-of-range page numbers."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


def last_page(total: int, per_page: int) -> int:
    """Never below 1, so an empty list still has a page to show."""
    return max(1, math.ceil(total / per_page))


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

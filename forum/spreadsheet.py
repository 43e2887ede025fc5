"""Cells for CSV files people open in spreadsheets: one rule for every export."""
from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    """A spreadsheet runs a cell starting with = + - @ (or tab/CR) as a formula; a leading ' keeps it text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value

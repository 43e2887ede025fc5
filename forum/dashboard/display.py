"""How the page writes the figures: counts, shares as percentages, durations, and changes with their tone."""
from __future__ import annotations

from flask_babel import format_decimal, format_number

from forum.dashboard.charts import duration
from forum.i18n import _


def value(unit: str, number: float | None) -> str:
    if number is None:
        return "–"
    if unit == "share":
        return f"{int(number * 100 + 0.5)}%"  # half up: 62.5% reads as 63%, as people round
    if unit == "seconds":
        return duration(number)
    return str(format_number(number))  # flask_babel ships no types


def change(unit: str, delta: float | None, better: str | None) -> tuple[str, str]:
    """("+4 pts", "good"): the text against the previous period and whether it moved the right way."""
    if delta is None:
        return _("no earlier figure"), "none"
    if delta == 0:
        return _("no change"), "flat"
    sign = "+" if delta > 0 else "−"
    if unit == "share":
        text = _("%(sign)s%(points)s pts", sign=sign, points=format_decimal(abs(delta) * 100, "0.0"))
    elif unit == "seconds":
        text = f"{sign}{duration(abs(delta))}"
    else:
        text = f"{sign}{format_decimal(abs(delta), '#,##0')}"
    if better is None:
        return text, "flat"
    return text, "good" if (delta > 0) == (better == "up") else "bad"

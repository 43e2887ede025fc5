"""How the page writes the figures: counts, shares as percentages, durations, and changes with their tone."""
from __future__ import annotations

from forum.dashboard.charts import duration


def value(unit: str, number: float | None) -> str:
    if number is None:
        return "–"
    if unit == "share":
        return f"{int(number * 100 + 0.5)}%"  # half up: 62.5% reads as 63%, as people round
    if unit == "seconds":
        return duration(number)
    return f"{number:,}"


def change(unit: str, delta: float | None, better: str | None) -> tuple[str, str]:
    """("+4 pts", "good"): the text against the previous period and whether it moved the right way."""
    if delta is None:
        return "no earlier figure", "none"
    if delta == 0:
        return "no change", "flat"
    sign = "+" if delta > 0 else "−"
    if unit == "share":
        text = f"{sign}{abs(delta) * 100:.1f} pts"
    elif unit == "seconds":
        text = f"{sign}{duration(abs(delta))}"
    else:
        text = f"{sign}{abs(delta):,.0f}"
    if better is None:
        return text, "flat"
    return text, "good" if (delta > 0) == (better == "up") else "bad"

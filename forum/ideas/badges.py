"""Status badge colours (text on background), one table shared by the CSS, the templates and a contrast test."""
from __future__ import annotations

from forum.models import IdeaStatus

# Each pair passes WCAG AA for small text (at least 4.5:1); tests/unit/test_idea_badges.py checks the table
# and that static/css/ideas.css uses exactly these colours.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    IdeaStatus.NEW: ("#1f3a5c", "#e4ecf6"),
    IdeaStatus.UNDER_REVIEW: ("#6a3d00", "#fdf0d5"),
    IdeaStatus.PLANNED: ("#123c9c", "#e3ebfd"),
    IdeaStatus.IN_PROGRESS: ("#5a2785", "#f1e7fb"),
    IdeaStatus.SHIPPED: ("#125029", "#daf3e2"),
    IdeaStatus.DECLINED: ("#8a1c1c", "#fce4e4"),
    IdeaStatus.DUPLICATE: ("#3b4351", "#eceef2"),
}


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour written #rrggbb."""
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)

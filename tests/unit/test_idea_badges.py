"""Idea status badges: every colour pair passes WCAG AA (4.5:1) and the stylesheet uses exactly the checked table."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from forum.ideas.badges import STATUS_COLOURS, contrast_ratio, relative_luminance
from forum.models import IdeaStatus

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "ideas.css"


def test_contrast_formula_matches_known_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA threshold grey
    assert relative_luminance("#ffffff") == pytest.approx(1.0)


def test_every_status_has_a_colour_pair():
    assert set(STATUS_COLOURS) == set(IdeaStatus.ALL)


@pytest.mark.parametrize("status", IdeaStatus.ALL)
def test_badge_text_passes_aa_contrast(status):
    foreground, background = STATUS_COLOURS[status]
    assert contrast_ratio(foreground, background) >= 4.5


def test_stylesheet_uses_the_checked_colours():
    css = CSS.read_text()
    for status, (foreground, background) in STATUS_COLOURS.items():
        rule = re.search(r"\.idea-status--" + re.escape(status) + r"\s*\{([^}]*)\}", css)
        assert rule, f"no rule for {status}"
        assert re.search(rf"(?<!-)color:\s*{foreground}\s*;", rule.group(1), re.IGNORECASE), status
        assert re.search(rf"background:\s*{background}\s*;", rule.group(1), re.IGNORECASE), status

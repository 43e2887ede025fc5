"""Issue 17: every posting, confirmation and login limit is a setting an operator can change from the environment,
and docs/reference.md names each of them and every route the issue added."""
from __future__ import annotations

from pathlib import Path

import config

REFERENCE = Path(__file__).resolve().parents[2] / "docs" / "reference.md"


def test_each_limit_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("NEW_ACCOUNT_MAX_LINKS", "5")
    monkeypatch.setenv("IDEA_COMMENTS_PER_HOUR", "7")
    monkeypatch.setenv("REGISTER_LIMIT", "2/hour")
    monkeypatch.setenv("TRUST_MIN_AGE_DAYS", "a week")  # malformed: the default stands
    settings = config.DevelopmentConfig()
    assert settings.NEW_ACCOUNT_MAX_LINKS == 5 and settings.IDEA_COMMENTS_PER_HOUR == 7
    assert settings.REGISTER_LIMIT == "2/hour"
    assert settings.TRUST_MIN_AGE_DAYS == config.Config.TRUST_MIN_AGE_DAYS


def test_the_reference_names_every_setting_and_route():
    text = REFERENCE.read_text()
    for name in (*config.TRUST_INT_SETTINGS, *config.TRUST_RATE_SETTINGS, "POSTING_LIMITS", "CONFIRM_LINK_ON_PAGE"):
        assert f"`{name}`" in text or name in text, name
    for route in ("/confirm/<token>", "/confirm/resend", "/settings/logout-everywhere", "/mod/pending/<id>/approve",
                  "/mod/pending/<id>/reject", "/admin/users/<username>/lockout", "/mod/pending?per_page="):
        assert route in text, route
    assert "docs/reference.md" in (REFERENCE.parents[1] / "README.md").read_text()

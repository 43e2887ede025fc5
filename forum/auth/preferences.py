"""A member's language and time zone: chosen in settings, guessed at sign-up, read for their pages and mail."""
from __future__ import annotations

from typing import Any

from forum import timezones
from forum.extensions import db
from forum.i18n import _, browser_language, shipped_languages
from forum.models import User
from forum.policy import Policy
from forum.validation import FieldErrors

BROWSER = ""  # the form's value for "follow my browser": stored as null


def update_language_and_zone(*, actor: User, language: Any, time_zone: Any) -> User:
    """Both or neither: a bad zone keeps the language unsaved too, so the form shows what was typed."""
    Policy(actor).ensure(actor is not None and actor.is_authenticated, _("Please log in first."))
    errors = FieldErrors()
    language = language if isinstance(language, str) else None
    time_zone = time_zone.strip() if isinstance(time_zone, str) else None
    if language is None or (language != BROWSER and language not in shipped_languages()):
        errors.add("language", _("Choose one of the languages in the list."))
    if time_zone is None or (time_zone != "" and not timezones.is_valid(time_zone)):
        errors.add("time_zone", _("Choose a time zone from the list, such as Europe/Amsterdam."))
    errors.check()
    actor.language = language or None
    actor.time_zone = time_zone or None
    db.session.commit()
    return actor


def guessed_at_sign_up(time_zone: Any) -> dict[str, str | None]:
    """A new account's language (the browser's shipped match, else none: the site's default applies) and time zone
    (static/js/timezone_guess.js; none without scripts or for a name we do not list). Editable in settings."""
    zone = time_zone.strip() if isinstance(time_zone, str) else ""
    return {"language": browser_language(), "time_zone": zone if timezones.is_valid(zone) else None}

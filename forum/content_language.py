"""The language a question or idea is written in (issue 20): what the form offers, and what a post gets when
its author does not say."""
from __future__ import annotations

from flask import current_app, has_request_context
from flask_babel import get_locale

from forum.i18n import _
from forum.validation import FieldErrors


def offered() -> tuple[str, ...]:
    """The site's languages, in which members may write."""
    return tuple(current_app.config.get("LANGUAGES") or ("en",))


def default_for(author: object) -> str:
    """The author's own language, else the page's, else the site's default."""
    own = getattr(author, "language", None)
    if isinstance(own, str) and own in offered():
        return own
    if has_request_context() and str(get_locale()) in offered():
        return str(get_locale())
    fallback = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return fallback if fallback in offered() else offered()[0]


def chosen(errors: FieldErrors, value: object, author: object) -> str:
    """The form's or the API's `language`: one of the offered codes; empty means the author's default."""
    if value is None or value == "":
        return default_for(author)
    if isinstance(value, str) and value in offered():
        return value
    errors.add("language", _("Choose one of the languages this community writes in."))
    return default_for(author)


def reader_language() -> str | None:
    """The language the page is read in, whose posts come first in lists and search; None where the community
    writes in one language (nothing to put first) or outside a request."""
    if len(offered()) < 2 or not has_request_context():
        return None
    code = str(get_locale())
    return code if code in offered() else None


def names() -> list[tuple[str, str]]:
    """(code, the language's name in itself) for a select: "Nederlands" reads right to anyone who writes it."""
    from babel import Locale
    return [(code, (Locale.parse(code).get_display_name(code) or code).capitalize()) for code in offered()]

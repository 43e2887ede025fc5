"""Translations: Flask-Babel's functions under the short names the code and templates mark strings with.

`_` for a string read in a request, `_l` for one defined at import time (a form label, a module constant),
`ngettext` for counts. `make translations` extracts every marked string (babel.cfg) into
forum/translations/messages.pot and compiles each shipped language's catalogue.
"""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Babel, get_locale, gettext, lazy_gettext, lazy_ngettext, ngettext

_ = gettext
_l = lazy_gettext

__all__ = ["_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "get_locale", "init_app",
           "shipped_languages", "select_locale"]

babel = Babel()


def shipped_languages() -> tuple[str, ...]:
    return tuple(current_app.config.get("LANGUAGES") or ("en",))


def select_locale() -> str:
    """The language a page is written in: the member's choice, else the browser's best shipped match, else the
    site's default."""
    from flask_login import current_user
    chosen = getattr(current_user, "language", None) if current_user and current_user.is_authenticated else None
    if chosen in shipped_languages():
        return chosen
    default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    return request.accept_languages.best_match(shipped_languages(), default=default) or default


def init_app(app: Flask) -> None:
    app.config.setdefault("LANGUAGES", ("en", "nl"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")  # relative to the app's root: forum/
    babel.init_app(app, locale_selector=select_locale)

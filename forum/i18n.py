"""Translations: Flask-Babel's functions under the short names the code and templates mark strings with, and who
reads which language in which time zone.

`_` for a string read in a request, `_l` for one defined at import time (a form label, a module constant),
`ngettext` for counts. `make translations` extracts every marked string (babel.cfg) into
forum/translations/messages.pot and compiles each shipped language's catalogue.

A page is in the member's language (users.language), else the browser's best shipped match (Accept-Language),
else the site's default language (/admin/settings), else BABEL_DEFAULT_LOCALE. Its times are in the member's time
zone (users.time_zone), else UTC. Mail is written outside the recipient's request: `as_member(user)` switches
both for the block that renders it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from babel import Locale
from flask import Flask, Response, current_app, g, has_app_context, has_request_context, request
from flask_babel import (
    Babel,
    force_locale,
    get_locale,
    get_timezone,
    get_translations,
    gettext,
    lazy_gettext,
    lazy_ngettext,
)
from flask_babel import ngettext as _babel_ngettext
from pytz import timezone as pytz_timezone

from forum import cldr, timezones

# Flask-Babel ships no types: `_` and `ngettext` are declared, so a translated text is a str to mypy, not Any.
_: Callable[..., str] = gettext
ngettext: Callable[..., str] = _babel_ngettext
_l = lazy_gettext

__all__ = ["_", "_l", "as_member", "get_locale", "get_timezone", "gettext", "init_app", "language_names",
           "lazy_gettext", "lazy_ngettext", "locale_code", "member_language", "member_zone", "ngettext",
           "select_locale", "select_timezone", "shipped_languages", "site_language"]

babel = Babel()
# Each language by its own name: a reader who cannot read the page's language still finds theirs.
LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}


def shipped_languages() -> tuple[str, ...]:
    return tuple(current_app.config.get("LANGUAGES") or ("en",))


def language_names() -> list[tuple[str, str]]:
    """(code, own name) for every shipped language, for the settings pages' selects."""
    return [(code, LANGUAGE_NAMES.get(code, code)) for code in shipped_languages()]


_REMEMBERED = "forum_site_language"  # app.extensions: the default language as this process last read it


def site_language() -> str:
    """The admin's default language (/admin/settings) when it is shipped, else BABEL_DEFAULT_LOCALE. The site
    settings sit above this module (they read the database through the page cache), so the app's wiring hands
    their reader over (forum/web.py sets app.extensions["site_language"]).

    The language is chosen at a request's first marked string, often before the page has looked up the versions
    of what it shows (forum/pagecache/store.py), and reading the settings then would cost pages a statement. So
    a request uses the settings it already read (g.site_settings), else the value this process read last
    (refreshed after every request that read them; forum/site.py's forget() drops it when the settings are
    saved), and reads them only when it has neither: after an admin changes the default language, each other
    worker answers at most one more request in the old one."""
    fallback: str = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
    site = g.get("site_settings")
    chosen = site.default_language if site is not None else current_app.extensions.get(_REMEMBERED)
    if chosen is None:
        read = current_app.extensions.get("site_language")
        try:
            chosen = read() if read is not None else None
        except RuntimeError:  # no app or request context worth reading settings in
            return fallback
        if has_request_context():  # a command or a test's setup may be about to change the settings
            current_app.extensions[_REMEMBERED] = chosen
    return chosen if chosen in shipped_languages() else fallback


def _remember_site_language(response: Response) -> Response:
    site = g.get("site_settings")
    if site is not None:
        current_app.extensions[_REMEMBERED] = site.default_language
    return response


def member_language(user: Any) -> str | None:
    """The member's own choice, if it is still shipped (a language withdrawn falls back, never errors)."""
    chosen = getattr(user, "language", None)
    return chosen if chosen in shipped_languages() else None


def member_zone(user: Any) -> str:
    chosen = getattr(user, "time_zone", None)
    return chosen if isinstance(chosen, str) and timezones.is_valid(chosen) else timezones.UTC


def _current_member() -> Any:
    from flask_login import current_user
    return current_user if current_user and current_user.is_authenticated else None


def browser_language() -> str | None:
    """The browser's best shipped match, None when it names none of them."""
    if not has_request_context():
        return None
    return request.accept_languages.best_match(shipped_languages())


def select_locale() -> str:
    """The language a page is written in: the member's choice, else the browser's best shipped match, else the
    site's default."""
    return member_language(_current_member()) or browser_language() or site_language()


def select_timezone() -> str:
    """The member's zone, else UTC: visitors' pages are cached whole and shared, so their times stay in UTC and
    static/js/localtime.js shows them in the browser's zone."""
    return member_zone(_current_member())


def locale_code() -> str:
    """"nl", "en": for <html lang> and the page cache's key."""
    return str(get_locale() or site_language())


def _page_translations() -> Any:
    """The catalogue templates translate with. Flask-Babel finds it through three context lookups and a
    locale-to-text per call, and a member's page makes dozens; here it is kept on Flask-Babel's own request
    context beside the locale it was found for, so force_locale (as_member) and refresh() still switch it."""
    ctx = g.get("_flask_babel") if has_app_context() else None
    kept = getattr(ctx, "forum_translations", None)
    if kept is not None and kept[0] is getattr(ctx, "babel_locale", None):
        return kept[1]
    translations = get_translations()
    ctx = g.get("_flask_babel") if has_app_context() else None
    if ctx is not None:
        ctx.forum_translations = (getattr(ctx, "babel_locale", None), translations)
    return translations


def _install_template_translations(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext=lambda s: _page_translations().ugettext(s),
        ngettext=lambda s, p, n: _page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _page_translations().unpgettext(c, s, p, n),
    )


@contextmanager
def as_member(user: Any) -> Iterator[None]:
    """Render mail, digests and notifications for `user`: their language (or the site's default; a browser's
    choice is unknown outside their request) and their time zone, whoever's request or command this is."""
    language = member_language(user) or site_language()
    ctx = g._flask_babel if "_flask_babel" in g else None
    saved_zone = getattr(ctx, "babel_tzinfo", None) if ctx is not None else None
    with force_locale(Locale.parse(language)):
        ctx = g._flask_babel  # force_locale made it if it did not exist
        ctx.babel_tzinfo = pytz_timezone(member_zone(user))
        try:
            yield
        finally:
            if saved_zone is None:
                ctx.__dict__.pop("babel_tzinfo", None)
            else:
                ctx.babel_tzinfo = saved_zone


def _vary_on_language(response: Response) -> Response:
    """Pages and API errors are written in the negotiated language: caches must keep one copy per language.
    Static files and the theme's stylesheet are the same in every language."""
    if request.endpoint not in ("static", "theme_css"):
        response.vary.add("Accept-Language")
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault("LANGUAGES", ("en", "nl"))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")  # relative to the app's root: forum/
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    _install_template_translations(app)
    cldr.keep_only_used(app.config["LANGUAGES"])
    app.jinja_env.globals.update(locale_code=locale_code, language_names=language_names,
                                 time_zone_names=timezones.available, common_time_zones=timezones.common,
                                 time_zone_groups=timezones.grouped)
    app.after_request(_vary_on_language)
    app.after_request(_remember_site_language)

"""Request-wide wiring: blueprints, login loaders, input guards, template helpers, security headers."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Flask, g, request, session
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from forum import admin, api, auth, dashboard, escalations, ideas, moderation, notifications, privacy, questions, search
from forum import listening
from forum import health
from forum import pagecache, seo, site
from forum.admin import category_api, people_api, site_api, synonym_api
from forum.admin.site_views import theme_stylesheet
from forum.api import openapi
from forum.auth import api as auth_api
from forum.auth import services as auth_services
from forum.dashboard import api as dashboard_api
from forum.escalations import api as escalations_api
from forum.ideas import api as ideas_api
from forum.listening import alerts_api, notices_api
from forum.listening import api as listening_api
from forum.moderation import api as moderation_api
from forum.notifications import api as notifications_api
from forum.privacy import api as privacy_api
from forum.questions import api as questions_api
from forum.search import api as search_api
from forum.clock import utcnow
from forum.errors import Invalid
from forum.extensions import login_manager
from forum.i18n import _, _l, ngettext
from forum.js_strings import js_strings
from forum.links import absolute
from forum.markup import plain_text, stored_html
from forum.notifications import queries as notification_queries
from forum.pagination import page_numbers
from forum.policy import Policy
from forum.templating import register as register_template_helpers
from forum.timefmt import format_moment, local_time
from forum.validation import REFUSED_KEY, has_hostile_text, hostile_message, strip_hostile_text

BLUEPRINTS = (auth.bp, questions.bp, escalations.bp, moderation.bp, ideas.bp, search.bp, notifications.bp,
              privacy.bp, dashboard.bp, admin.bp, listening.bp, api.bp, health.bp, seo.bp)
# Each attaches its /api/v1 routes to api.bp when imported above, before the blueprint is registered; the OpenAPI
# document is assembled from them in this order (privacy's schemas extend and replace the ideas' ones it shows).
API_MODULES = (api.core, questions_api, escalations_api, moderation_api, ideas_api, search_api, notifications_api,
               privacy_api, auth_api, dashboard_api, category_api, people_api, site_api, synonym_api, alerts_api, notices_api,
               listening_api)


class _IdConverter(IntegerConverter):
    """`<int:...>` ids beyond a 32-bit column cannot exist: they become 0, which no row has, so the view answers
    its usual 404 instead of the database overflowing into a 500 (a router-level refusal gave 405s)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= 2**31 - 1 else 0


def register(app: Flask) -> None:
    app.url_map.converters["int"] = _IdConverter  # before the rules bind their converters
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    openapi.describe(app, API_MODULES)
    app.add_url_rule("/theme.css", "theme_css", theme_stylesheet)  # the accent colour (site settings)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to continue.")
    login_manager.localize_callback = str  # flash the text in the request's language, never the lazy object
    login_manager.login_message_category = "info"
    login_manager.user_loader(auth_services.load_session_user)
    login_manager.request_loader(_user_from_bearer)
    app.before_request(_refuse_nul_bytes)
    app.before_request(_prefetch_member_scopes)
    app.after_request(_security_headers)
    app.context_processor(_template_globals)
    app.jinja_env.filters["stored_html"] = stored_html
    app.jinja_env.globals["page_numbers"] = page_numbers
    app.jinja_env.globals["js_strings"] = js_strings  # base.html: the scripts' texts in the page's language
    register_template_helpers(app)
    app.jinja_env.filters["timeago"] = timeago
    app.jinja_env.filters["isodate"] = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""
    app.jinja_env.filters["localtime"] = local_time  # <time> in UTC, shown in the reader's zone (forum/timefmt.py)
    app.jinja_env.filters["moment"] = format_moment  # plain text (mail): the reader's language and zone
    app.extensions["site_language"] = lambda: site.settings().default_language  # i18n sits below the settings
    app.jinja_env.filters["plain_text"] = plain_text  # meta descriptions from the rendered HTML, words kept apart
    app.jinja_env.globals["absolute_url"] = absolute  # SITE_URL (or, in development, the request's host) + path


def _user_from_bearer(req):
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    user = auth_services.user_for_token(header[7:].strip())
    if user is not None:
        g.token_auth = True
    return user


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refuse_nul_bytes() -> None:
    """Hostile text (NUL, unpaired surrogates, Unicode non-characters: forum/validation.py) is stopped at the
    door, and never at the cost of what was typed. PostgreSQL rejects NUL and no encoder takes a lone surrogate,
    so either would be a 500 later.
    - Query strings (every method: GET filters reach SQL too) and paths: a 400 naming the parameter.
    - A JSON body (judged after decoding, so the six characters `\\u0000` in a code sample stay allowed):
      a 422 whose `fields` name each offending field, before anything is saved.
    - An HTML form: the offending characters are removed from request.form and the fields remembered; the
      service's field checks then refuse it (422), so the form comes back with the rest of the text and a
      message next to the field instead of a bare 400 page."""
    if has_hostile_text(request.path):
        raise BadRequest(_("The address contains characters that are not allowed (such as NUL)."))
    for key, value in request.args.items(multi=True):
        if has_hostile_text(key) or has_hostile_text(value):
            raise BadRequest(_("The query parameter “%(name)s” contains characters that are not allowed (NUL, an "
                               "unpaired surrogate or a Unicode non-character).", name=strip_hostile_text(key)))
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.mimetype in _FORM_TYPES:
        _clean_form()
        return
    raw = request.get_data(cache=True)
    if b"\x00" in raw:  # a raw NUL byte is not JSON either
        raise BadRequest(_("Text may not contain NUL characters."))
    fields = _hostile_json_fields(raw) if raw else {}
    if fields:
        raise Invalid(_("Some fields contain characters that are not allowed."), fields)


def _clean_form() -> None:
    refused: dict[str, str] = {}
    cleaned: MultiDict[str, str] = MultiDict()
    for key, value in request.form.items(multi=True):
        name, text = strip_hostile_text(key), strip_hostile_text(value)
        if name != key or text != value:
            refused.setdefault(name, hostile_message(name.replace("_", " ").capitalize() or _("A field")))
        cleaned.add(name, text)
    if refused:
        request.form = ImmutableMultiDict(cleaned)  # the view and its re-rendered form see the cleaned text
        g.setdefault(REFUSED_KEY, {}).update(refused)
        if request.path.startswith("/api/"):  # no form to come back to
            raise Invalid(_("Some fields contain characters that are not allowed."), refused)


def _hostile_json_fields(raw: bytes) -> dict[str, str]:
    """{"title": message, "tags[1]": message, ...} for each string (or key) holding hostile text."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return {}  # not JSON: the endpoint answers 400 for that itself
    found: dict[str, str] = {}
    stack: list[tuple[str, object]] = [("", document)]
    while stack:  # iterative: nesting depth cannot exhaust the Python stack here
        path, value = stack.pop()
        if isinstance(value, str):
            if has_hostile_text(value):
                found.setdefault(path or "body", hostile_message(_("The field “%(name)s”", name=path) if path
                                                                 else _("The body")))
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{strip_hostile_text(key)}" if path else strip_hostile_text(key)
                if has_hostile_text(key):
                    found.setdefault(child or "body", hostile_message(_("The name of field “%(name)s”", name=child)))
                stack.append((child, item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return found


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")
    return response


def _unread_count() -> int:
    if not current_user.is_authenticated:
        return 0
    if "unread_count" not in g:
        g.unread_count = notification_queries.unread_count(current_user)  # hidden content is not counted
    count: int = g.unread_count
    return count


def _prefetch_member_scopes() -> None:
    """A member's header (the bell) reads their notifications' versions: they ride along with the request's first
    version lookup instead of costing a statement of their own later (a round trip on PostgreSQL). The session's
    user id is only a hint: nothing is loaded for it, and a wrong one costs two unused versions."""
    member = str(session.get("_user_id") or "").split(":")[0]
    if member.isdigit():
        pagecache.prefetch(pagecache.notifications_scope(int(member)), pagecache.QUESTIONS, pagecache.IDEAS)


def _template_globals() -> dict:
    user = current_user._get_current_object()
    if user.is_authenticated:  # the header's bell: its versions come with the settings' lookup, not one of their own
        pagecache.prefetch(*notification_queries.count_scopes(user))
    return {"policy": Policy(user),  # the user, not the proxy: ~100 checks a page
            "unread_count": _unread_count, "now": utcnow(), "site": site.settings()}


def timeago(moment: datetime | None) -> str:
    """"3 hours ago" for lists; the exact time goes in the <time> element's title."""
    if moment is None:
        return ""
    seconds = max(0, int((utcnow() - moment).total_seconds()))
    for unit, size in (("year", 31_536_000), ("month", 2_592_000), ("day", 86_400), ("hour", 3_600),
                       ("minute", 60)):
        if seconds >= size:
            return _AGO[unit](seconds // size)
    return _("just now")


_AGO = {  # whole sentences per unit: languages inflect the unit and place "ago" differently
    "year": lambda n: ngettext("%(num)d year ago", "%(num)d years ago", n),
    "month": lambda n: ngettext("%(num)d month ago", "%(num)d months ago", n),
    "day": lambda n: ngettext("%(num)d day ago", "%(num)d days ago", n),
    "hour": lambda n: ngettext("%(num)d hour ago", "%(num)d hours ago", n),
    "minute": lambda n: ngettext("%(num)d minute ago", "%(num)d minutes ago", n),
}

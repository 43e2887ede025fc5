"""Request-wide wiring: blueprints, login loaders, input guards, template helpers, security headers."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Flask, g, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from forum import admin, api, auth, dashboard, escalations, ideas, moderation, notifications, privacy, questions, search
from forum import health
from forum import pagecache, site
from forum.admin.site_views import theme_stylesheet
from forum.auth import services as auth_services
from forum.clock import utcnow
from forum.extensions import login_manager
from forum.markup import stored_html
from forum.notifications import queries as notification_queries
from forum.pagination import page_numbers
from forum.policy import Policy
from forum.templating import register as register_template_helpers

BLUEPRINTS = (auth.bp, questions.bp, escalations.bp, moderation.bp, ideas.bp, search.bp, notifications.bp,
              privacy.bp, dashboard.bp, admin.bp, api.bp, health.bp)


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
    app.add_url_rule("/theme.css", "theme_css", theme_stylesheet)  # the accent colour (site settings)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(auth_services.load_session_user)
    login_manager.request_loader(_user_from_bearer)
    app.before_request(_refuse_nul_bytes)
    app.after_request(_security_headers)
    app.context_processor(_template_globals)
    app.jinja_env.filters["stored_html"] = stored_html
    app.jinja_env.globals["page_numbers"] = page_numbers
    register_template_helpers(app)
    app.jinja_env.filters["timeago"] = timeago
    app.jinja_env.filters["isodate"] = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


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
    """PostgreSQL rejects NUL in text; refuse it at the door with a clear 400 instead of a 500 later.
    Query strings count on every method (GET filters reach SQL too); every value of a repeated field counts;
    a JSON body is judged after decoding, so the six characters `\\u0000` in a code sample stay allowed."""
    pairs = list(request.args.items(multi=True))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        pairs += list(request.form.items(multi=True))
        raw = request.get_data(cache=True) if request.mimetype not in _FORM_TYPES else b""
        if b"\x00" in raw or (b"\\u0000" in raw and _json_has_nul(raw)):
            raise BadRequest("Text may not contain NUL characters.")
    if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in pairs):
        raise BadRequest("Text may not contain NUL characters.")


def _json_has_nul(raw: bytes) -> bool:
    try:
        stack = [json.loads(raw)]
    except (ValueError, RecursionError):
        return False  # not JSON: the endpoint answers 400 for that itself
    while stack:  # iterative: nesting depth cannot exhaust the Python stack here
        value = stack.pop()
        if isinstance(value, str) and "\x00" in value:
            return True
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


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
    return g.unread_count


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
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"

"""Template helpers for the busy pages: a url_for that builds each endpoint's URL shape once, and initials."""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app
from flask import url_for as flask_url_for
from flask.globals import _cv_request

from forum import content_language
from forum.staticfiles import hashed_filename

# Characters that every werkzeug builder (path segment, `path` converter, query string) writes unchanged, so a
# value made of them lands in the URL exactly as given: ids, slugs, usernames, tag names, static file names.
_verbatim = re.compile(r"[A-Za-z0-9_.~/-]+\Z").match
_SLOW = "slow"  # a shape the fast path cannot reproduce: flask.url_for builds it every time
_CACHE_KEY = "forum.url_shapes"


def url_for(endpoint: str, **values: Any) -> str:
    """flask.url_for for templates, at a fraction of the cost on the pages that build a hundred URLs (a thread's
    per-post actions, the question list's links).

    The first call for an endpoint with a given set of argument names and types builds the URL with sentinel
    values and keeps the result as a format string ("/posts/{0}/vote"); later calls fill it in. The shape is
    only trusted once it reproduced flask.url_for exactly for the first real values; anything it could not
    reproduce (a value werkzeug would quote, `_external` and the other options, a converter that rejects the
    sentinel, URL defaults, no request) goes to flask.url_for, always."""
    ctx = _cv_request.get(None)  # the request context itself: each public proxy costs a microsecond
    if endpoint == "static" and "filename" in values:  # the content-hashed name, cached immutable (staticfiles.py)
        app = ctx.app if ctx is not None else current_app
        values = {**values, "filename": hashed_filename(app, values["filename"])}
    if ctx is None or endpoint[:1] == ".":
        return flask_url_for(endpoint, **values)
    adapter = ctx.url_adapter
    if adapter is None:
        return flask_url_for(endpoint, **values)
    key: tuple = (endpoint, adapter.script_name, adapter.subdomain)
    args: list[str] = []
    for name, value in values.items():
        kind = type(value)
        if kind is int:
            args.append(str(value))
        elif kind is str and _verbatim(value):
            args.append(value)
        elif value is None:
            continue  # werkzeug drops None values, so the shape without them is the one built
        else:
            return flask_url_for(endpoint, **values)
        key += (name, kind)
    shapes: dict[tuple, str] = ctx.app.extensions.setdefault(_CACHE_KEY, {})
    shape = shapes.get(key)
    if shape is None:
        url = flask_url_for(endpoint, **values)
        shapes[key] = _learn_shape(ctx.app, endpoint, list(key[3::2]), list(key[4::2]), args, url)
        return url
    if shape is _SLOW:
        return flask_url_for(endpoint, **values)
    return shape.format(*args)


def _learn_shape(app: Flask, endpoint: str, names: list[str], kinds: list[type], args: list[str], url: str) -> str:
    """The URL with a numbered slot per argument, or _SLOW unless the shape reproduces both a second sentinel
    build (of other lengths: zero-padded numbers would not) and the real call."""
    if any(name.startswith("_") for name in names) or any(app.url_default_functions.values()):
        return _SLOW  # Flask's options, or url_defaults callbacks that may change any URL from call to call
    long, short = _sentinels(kinds, 8_100_000_001, "zq{}slotzq"), _sentinels(kinds, 3, "q{}")
    try:
        long_url, short_url = (flask_url_for(endpoint, **dict(zip(names, sample))) for sample in (long, short))
    except Exception:  # noqa: BLE001 - a converter that refuses the sentinel (`any(...)`): build it the slow way
        return _SLOW
    shape = _slotted(long_url, [str(value) for value in long])
    if shape is None or shape.format(*short) != short_url or shape.format(*args) != url:
        return _SLOW
    return shape


def _sentinels(kinds: list[type], first: int, text: str) -> list[Any]:
    return [first + i if kind is int else text.format(i) for i, kind in enumerate(kinds)]


def _slotted(url: str, sentinels: list[str]) -> str | None:
    """`url` as a format string with {i} where sentinel i stood; None unless each occurs exactly once."""
    shape = url.replace("{", "{{").replace("}", "}}")
    for i, sentinel in enumerate(sentinels):
        if shape.count(sentinel) != 1:
            return None
        shape = shape.replace(sentinel, f"{{{i}}}")
    return shape


def initials(user: Any) -> str:
    """Up to two letters for an avatar: the first letters of the first two name parts ("jane.doe" -> "JD"),
    else the name's first two letters; "?" for a deleted or missing account."""
    if user is None or user.is_deleted:
        return "?"
    parts: list[str] = user.username.replace(".", " ").replace("-", " ").replace("_", " ").split()
    if len(parts) > 1:
        return (parts[0][0] + parts[1][0]).upper()
    return parts[0][:2].upper() if parts else "?"


def _default_content_language() -> str:
    from flask_login import current_user
    return content_language.default_for(current_user)


def register(app: Flask) -> None:
    """Templates get the fast url_for in place of Flask's (Python code keeps Flask's), and user_initials()."""
    app.jinja_env.globals.update(url_for=url_for, user_initials=initials,
                                 content_languages=content_language.names,
                                 default_content_language=_default_content_language)

"""Visitors' pages cached whole, with an ETag so a repeat visit is answered 304 without a body.

Only a request with nothing personal in it is served from or stored into the cache: no logged-in user, no
bearer token, no flashed message waiting. A page whose rendering touched the session (a CSRF token, a flash)
is never stored, so nothing personal can reach another visitor. The key and the ETag carry the page's language
(negotiated from Accept-Language), and the answer says `Vary: Accept-Language`.
"""
from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable

from flask import Response, current_app, make_response, request, session
from flask_login import current_user

from forum.i18n import locale_code
from forum.pagecache.scopes import SITE
from forum.pagecache.store import cache_get, cache_set, prefetch, versioned_key

_READS = ("GET", "HEAD")


def visitor_page(scopes_for: Callable[..., Iterable[str]]) -> Callable:
    """Cache the decorated view's page for visitors under the versions of `scopes_for(**view_args)` and "site"."""
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            scopes = [*scopes_for(*args, **kwargs), SITE]
            if not _anonymous_request():  # a member's page reads these versions too: in its first lookup
                prefetch(*scopes)
                return view(*args, **kwargs)
            prefetch(*scopes)  # read with the site's default language, which the locale may fall back on
            # the page's language is part of what it shows: a Dutch browser never gets the English copy; so is the
            # host in development without SITE_URL, where absolute links use the request's host (forum/links.py)
            key = versioned_key(f"page:{build_id()}:{locale_code()}:{request.host}:{request.full_path}", scopes)
            etag = hashlib.sha1(key.encode()).hexdigest()
            if request.if_none_match.contains(etag):
                return _mark(Response(status=304), etag)
            stored = cache_get(key)
            if stored is not None:
                body, mimetype = stored
                return _mark(Response(body, mimetype=mimetype), etag)
            response = make_response(view(*args, **kwargs))
            if _storable(response):
                cache_set(key, (response.get_data(), response.mimetype))
                _mark(response, etag)
            return response
        return wrapper
    return decorate


def _anonymous_request() -> bool:
    if request.method not in _READS or not current_app.config.get("PAGE_CACHE_ENABLED", True):
        return False
    if "Authorization" in request.headers or "_flashes" in session or "_user_id" in session:
        return False
    return not current_user.is_authenticated


def _storable(response: Response) -> bool:
    return (response.status_code == 200 and not session.modified and "Set-Cookie" not in response.headers
            and not response.direct_passthrough)


def _mark(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"  # stored by browsers, revalidated with the ETag every time
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")  # a browser or proxy keeps one copy per language (forum/i18n.py)
    return response


@functools.cache
def _build_id_for(template_folder: str) -> str:
    """Templates change on deploy while versions do not: a new build never reads the old build's pages."""
    digest = hashlib.sha1()
    for root, _dirs, files in sorted(os.walk(template_folder)):
        for name in sorted(files):
            stat = os.stat(os.path.join(root, name))
            digest.update(f"{root}/{name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def build_id() -> str:
    return _build_id_for(os.path.join(current_app.root_path, current_app.template_folder or "templates"))

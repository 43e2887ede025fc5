"""Members' pages rendered once for every member who would see the same thing, with their own parts put back.

A member's thread page differs from another member's in a few places only: the header (their name, the bell),
the CSRF token in every form, and what the page says about them (my votes, my posts, whether I asked, watch or
already asked staff). The view works out that last part as a small tuple (`personal`), and the page rendered for
one member is stored without the first two: the header is cut out between markers and the token replaced by a
placeholder. The next member with the same tuple gets the stored page, their own header (stored for them alone,
under what it shows: `_header`), and their token. The key also carries the page's scope versions, so a write
makes every copy stale at once, as for visitors' pages (pages.py).

What the tuple must hold is the view's business; what this module guarantees is that nothing in the header or
the token is ever shared, and that a page is not shared while a flash message is waiting.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from flask import current_app, g, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from forum.i18n import locale_code
from forum.pagecache.pages import build_id
from forum.pagecache.scopes import SITE, notifications_scope
from forum.pagecache.store import cache_get, cache_set, prefetch, versioned_key

HEADER_START, HEADER_END = "<!--personal:header-->", "<!--/personal:header-->"
HEADER_SLOT = "<!--personal:header-slot-->"
TOKEN_SLOT = "\u2063csrf-token\u2063"  # invisible separators: a sequence no page, post or token contains


def shared_member_page(name: str, scopes: Iterable[str], personal: Hashable, render: Callable[[], str]) -> str:
    """The page `name` as this member sees it: stored under `personal` and the scopes' versions, or rendered."""
    if "_flashes" in session or not current_app.config.get("PAGE_CACHE_ENABLED", True):
        return render()
    digest = hashlib.sha1(repr(personal).encode()).hexdigest()
    scopes = [*scopes, SITE]
    # the header's bell and the page's scopes in one version lookup, made before the locale is chosen (choosing
    # it may read the site settings' version, which would otherwise take the prefetched scopes alone)
    prefetch(notifications_scope(current_user.id), *scopes)
    # language and time zone: the page's words and its server-written times differ between members who choose them
    # (and the host: without SITE_URL in development, absolute links follow the request's host, forum/links.py)
    key = versioned_key(f"member:{build_id()}:{locale_code()}:{current_user.time_zone or ''}:{request.host}:{name}:"
                        f"{digest}", scopes)
    token = generate_csrf()
    stored = cache_get(key)
    if stored is not None:
        return _fill(stored, token)
    g.shared_member_page = True  # base.html marks the header so that it can be cut out
    page = render()
    shareable = _strip(page, token)
    if shareable is not None and "_flashes" not in session:
        cache_set(key, shareable)
    return page.replace(HEADER_START, "").replace(HEADER_END, "")


def _strip(page: str, token: str) -> str | None:
    """The page without its header and token, or None when the markers are not where they must be."""
    start, end = page.find(HEADER_START), page.find(HEADER_END)
    if start < 0 or end < start or page.count(HEADER_START) != 1 or TOKEN_SLOT in page:
        return None
    shared = page[:start] + HEADER_SLOT + page[end + len(HEADER_END):]
    return shared.replace(token, TOKEN_SLOT)


def _fill(stored: str, token: str) -> str:
    return stored.replace(HEADER_SLOT, _header(token), 1).replace(TOKEN_SLOT, token)


def _header(token: str) -> str:
    """The member's header, token slotted, stored under everything it shows: rendering it was a fifth of a
    shared page's time. The key holds the values themselves, read from the context the template itself gets
    (the bell's count, the banners, the staff links the role opens, the community's name) and the member's
    name, not versions of them: a header is only reused where it would render the same."""
    context: dict[str, Any] = {}
    current_app.update_template_context(context)
    policy = context["policy"]
    banners = tuple((notice["id"], notice["text"], notice["url"])  # as the banner's template: none when not given
                    for notice in context.get("notice_banners", tuple)())
    staff_links = (policy.can_work_escalations(), policy.can_view_dashboard(), policy.can_listen(),
                   policy.can_work_alerts(), policy.can_moderate(), policy.can_edit_site_settings())
    shown = (current_user.id, current_user.username, context["unread_count"](), banners, staff_links,
             context["site"].community_name, url_for("static", filename="img/logo.svg"), _where(banners, staff_links))
    key = f"header:{build_id()}:{locale_code()}:" + hashlib.sha1(repr(shown).encode()).hexdigest()
    stored = cache_get(key)
    if isinstance(stored, str):
        return stored
    header = render_template("_partials/site_header.html")
    if TOKEN_SLOT not in header:
        header = header.replace(token, TOKEN_SLOT)
        cache_set(key, header)
    return header


def _where(banners: tuple, staff_links: tuple[bool, ...]) -> object:
    """What of the address the header shows: the section its current link marks (the endpoint and the first
    segment of the path: a member reading one thread after another reuses one header), the whole address where
    a banner's dismiss form returns to it or a staff link is marked by it, and the search box's words."""
    if banners or any(staff_links):
        return request.full_path
    return request.endpoint, request.path.split("/", 2)[1], request.args.get("q") if request.path == "/search" else None

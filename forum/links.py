"""The address every absolute link is built from (mail, feeds, exports, canonical and sitemap URLs).

SITE_URL when the operator set it (production refuses to start without it). In development, where SITE_URL is
left at its default, a page, feed or export built for a request uses the address that request came to, so links
work from another machine on the network or behind a tunnel; mail sent outside a request (the `send-mail`
command, the outbox thread) has no request to ask and uses SITE_URL's default, which the admin checklist flags.
"""
from __future__ import annotations

from flask import current_app, has_request_context, request

DEVELOPMENT_SITE_URL = "http://127.0.0.1:5000"  # config.py's default when SITE_URL is unset


def site_root() -> str:
    """The scheme and host (and any path prefix) to put before a site-relative path, without a trailing slash."""
    configured = (current_app.config.get("SITE_URL") or "").strip().rstrip("/")
    if configured and configured != DEVELOPMENT_SITE_URL:
        return configured
    if has_request_context():  # development without SITE_URL: the host this request was sent to
        return request.host_url.rstrip("/")
    return configured or DEVELOPMENT_SITE_URL


def absolute(path: str) -> str:
    """`path` ("/questions/3/slug") as a full URL."""
    return site_root() + (path if path.startswith("/") else f"/{path}")

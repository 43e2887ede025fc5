"""Where things live: site-relative paths of threads, ideas and profiles for code outside views, and the address
every absolute link is built from (mail, feeds, exports, canonical and sitemap URLs).

Paths come from the URL map, never from strings written by hand, so a moved route moves every link: `url_for`
inside a request, the same map bound to no request outside one (mail, commands, the outbox thread). Views and
templates keep calling `url_for` themselves; this module is for services, queries, feeds and search documents.

SITE_URL when the operator set it (production refuses to start without it). In development, where SITE_URL is
left at its default, a page, feed or export built for a request uses the address that request came to, so links
work from another machine on the network or behind a tunnel; mail sent outside a request (the `send-mail`
command, the outbox thread) has no request to ask and uses SITE_URL's default, which the admin checklist flags.
"""
from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request, url_for

from forum.models import Escalation, Idea, Thread

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


def path_for(endpoint: str, *, anchor: str | None = None, **values: Any) -> str:
    """The site-relative path of `endpoint` (values beyond the rule's become the query string, in the order given).

    Outside a request `url_for` needs SERVER_NAME, which this app does not set, so the map is bound to no host."""
    if has_request_context():
        return url_for(endpoint, _anchor=anchor, **values)
    path = current_app.url_map.bind("localhost", script_name="/").build(endpoint, values)
    return path + (f"#{anchor}" if anchor else "")


def thread_path(thread: Thread | int, slug: str | None = None, *, post_id: int | None = None,
                anchor: str | None = None) -> str:
    """A question's page (a Thread brings its slug; a bare id without one gets the short form, which redirects);
    with `post_id` scrolled to that post, or to any other `anchor`."""
    thread_id = thread
    if isinstance(thread, Thread):
        thread_id, slug = thread.id, thread.slug
    values: dict[str, Any] = {"thread_id": thread_id}
    if slug:
        values["slug"] = slug
    return path_for("questions.show", anchor=f"post-{post_id}" if post_id else anchor, **values)


def idea_path(idea: Idea | int, *, comment_id: int | None = None, status_change_id: int | None = None,
              anchor: str | None = None) -> str:
    """An idea's page; scrolled to a comment, a status note or any other `anchor` ("status-history")."""
    anchor = f"comment-{comment_id}" if comment_id else f"status-{status_change_id}" if status_change_id else anchor
    return path_for("ideas.show", anchor=anchor, idea_id=idea if isinstance(idea, int) else idea.id)


def escalation_subject_path(escalation: Escalation) -> str:
    """The page of the question or idea an escalation is about."""
    if escalation.thread is not None:  # no query when thread_id is None
        return thread_path(escalation.thread)
    assert escalation.idea_id is not None, "the CHECK constraint sets exactly one of thread_id and idea_id"
    return idea_path(escalation.idea_id)


def profile_path(username: str) -> str:
    """A member's public profile."""
    return path_for("auth.profile", username=username)


def questions_path(**filters: str) -> str:
    """The question list with `filters` as its query string (`category=slug`, `sort=newest`)."""
    return path_for("questions.index", **filters)


def ideas_path(**filters: str) -> str:
    """The idea board with `filters` as its query string."""
    return path_for("ideas.index", **filters)

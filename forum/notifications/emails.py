"""Compose an outbox row into a mail at send time: HTML and plain text, unsubscribe link and headers.

Composed when sent, not when queued, so a post hidden in between is never mailed, and the
templates are rendered from the Jinja environment directly (no request, no context processors).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

import sqlalchemy as sa
from flask import current_app

from forum.extensions import db
from forum.i18n import _, as_member, ngettext
from forum.links import site_root
from forum.models import Idea, Notification, OutboxMail, Post, Thread, User
from forum.notifications import kinds
from forum.notifications.tokens import make_unsubscribe_token
from forum.policy import Policy
from forum.site import settings as site_settings

DIGEST_MAX_ITEMS = 50
_GROUP_ORDER = {group.key: n for n, group in enumerate((*kinds.GROUPS, kinds.OTHER))}


@dataclass
class Message:
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = field(default_factory=dict)


def site_url() -> str:
    return site_root()  # SITE_URL; in development without it, the request's host when there is a request


def unsubscribe_url(user_id: int, scope: str) -> str:
    return f"{site_url()}/unsubscribe/{make_unsubscribe_token(user_id, scope)}"


def may_see(user: User, notification: Notification) -> bool:
    post = db.session.get(Post, notification.post_id) if notification.post_id else None
    thread = db.session.get(Thread, notification.thread_id) if notification.thread_id else None
    idea = db.session.get(Idea, notification.idea_id) if notification.idea_id else None
    return Policy(user).can_be_told_about(kind=notification.kind, post=post, thread=thread, idea=idea)


def compose(row: OutboxMail, *, html: bool = True) -> tuple[Message | None, str]:
    """The message for a row, or (None, why not): no address, already read, or no longer visible. `html=False`
    leaves the HTML part empty: a mail only written to the log (no MAIL_SERVER) shows its text, and rendering
    the other template cost the worker's requests CPU for nothing."""
    user = db.session.get(User, row.user_id)
    if user is None or user.is_deleted or not user.email:
        return None, "the member has no email address"
    with as_member(user):  # their language and time zone, not those of whoever's request sends the mail
        return _compose_for(row, user, html)


def _compose_for(row: OutboxMail, user: User, html: bool) -> tuple[Message | None, str]:
    if row.kind == "digest":
        return _digest(row, user, html)
    notification = row.notification
    if notification is None or notification.read_at is not None:
        return None, "already read on the site"
    if not may_see(user, notification):
        return None, "the content is no longer visible to the member"
    group = kinds.group_of(notification.kind)
    unsubscribe = unsubscribe_url(user.id, group.key)
    context = _context(user, unsubscribe, group_label=group.label, notification=notification,
                       link=site_url() + notification.url)
    subject = " ".join(notification.text.split())
    return _message(user, subject, "notification", context, unsubscribe, html), ""


def _digest(row: OutboxMail, user: User, html: bool) -> tuple[Message | None, str]:
    ids = (row.payload or {}).get("ids", [])[:500]
    found = db.session.scalars(sa.select(Notification).where(Notification.id.in_(ids), Notification.user_id == user.id)
                               .order_by(Notification.created_at, Notification.id))
    items = [n for n in found if n.read_at is None and may_see(user, n)]
    if not items:
        return None, "nothing left to tell: read on the site or no longer visible"
    shown = items[:DIGEST_MAX_ITEMS]
    ordered = sorted(shown, key=lambda n: _GROUP_ORDER[kinds.group_of(n.kind).key])  # stable: by time within a group
    sections = [(group_key, list(notes)) for group_key, notes in
                groupby(ordered, key=lambda n: kinds.group_of(n.kind).key)]
    unsubscribe = unsubscribe_url(user.id, "digest")
    context = _context(user, unsubscribe, group_label=_("daily digests"), count=len(items),
                       more=len(items) - len(shown),
                       sections=[(kinds.BY_KEY[key].label, notes) for key, notes in sections])
    subject = ngettext("Your daily summary: %(num)d new notification on %(site)s",
                       "Your daily summary: %(num)d new notifications on %(site)s", len(items),
                       site=site_settings().community_name)
    return _message(user, subject, "digest", context, unsubscribe, html), ""


def _context(user: User, unsubscribe: str, **extra: object) -> dict:
    return {"user": user, "site_url": site_url(), "site_name": site_settings().community_name,
            "unsubscribe_url": unsubscribe, "settings_url": f"{site_url()}/settings#notifications", **extra}


def _message(user: User, subject: str, template: str, context: dict, unsubscribe: str, html: bool) -> Message:
    env = current_app.jinja_env
    text = env.get_template(f"emails/{template}.txt").render(**context)
    markup = env.get_template(f"emails/{template}.html").render(**context) if html else ""
    headers = {"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
               "Auto-Submitted": "auto-generated"}
    assert user.email, "callers return early for a member without an address"
    return Message(to=user.email, subject=subject[:200], text=text, html=markup, headers=headers)

"""Load-or-404 through the Policy: the one place a thread, post, idea, comment or member is found by its address.

Every domain's views, API and services find what a URL names here, so a visitor who may not see a thing gets the
same 404 as one asking for a thing that never existed (a 403 would confirm it exists), from every route alike.
"""
from __future__ import annotations

import sqlalchemy as sa

from forum.errors import NotFound
from forum.extensions import db
from forum.i18n import _
from forum.models import Idea, IdeaComment, Post, Thread, User
from forum.policy import Policy


def get_thread(thread_id: int, actor: User | None) -> Thread:
    """The thread, or a 404; its asker still opens it after a moderator hid it (Policy.can_open_thread)."""
    thread = db.session.get(Thread, thread_id)
    if thread is None or not Policy(actor).can_open_thread(thread):
        raise NotFound(_("That question does not exist."))
    return thread


def get_post(post_id: int, actor: User | None) -> Post:
    post = db.session.get(Post, post_id)
    if post is None or not Policy(actor).can_view_post(post):
        raise NotFound(_("That post does not exist."))
    return post


def get_idea(idea_id: int, actor: User | None) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None or not Policy(actor).can_view_idea(idea):
        raise NotFound(_("That idea does not exist."))
    return idea


def get_comment(comment_id: int, actor: User | None) -> IdeaComment:
    """A visible comment on an idea the actor may see."""
    comment = db.session.get(IdeaComment, comment_id)
    if comment is None or comment.is_hidden:
        raise NotFound(_("That comment does not exist."))
    get_idea(comment.idea_id, actor)
    return comment


def find_member(username: object) -> User:
    """A member by username, ignoring case and surrounding spaces (profiles, moderation, admin, privacy, the
    escalation assignee). A deleted account is gone: its placeholder name finds nothing."""
    name = username.strip().lower() if isinstance(username, str) else ""
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == name,
                                                   User.is_deleted.is_(False))) if name else None
    if user is None:
        raise NotFound(_("No member by that name."))
    return user

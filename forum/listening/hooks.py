"""Matching after commit, like search indexing: new questions, answers, ideas and idea comments, posts a
moderator releases from the pending queue, and edits of any of them (a question's title, category or tags, a
post's, idea's or comment's text) are noted at flush, forgotten on rollback, and matched once the write has
committed, in an app context (and so a database session) of their own. An edit is matched like a new post, and
records only the watches that had not matched that post yet (forum/listening/matches.py). A failure is logged
and never reaches the member who posted.

The watches' version is read in the write's own transaction, just before it commits: when this process's
matcher is current and has no terms (a community that listens for nothing), nothing is opened after the
commit. That second session was a transaction of its own for one read on every post.
"""
from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import current_app, has_app_context

from forum import commit_batch
from forum.extensions import db
from forum.listening import matches, matching
from forum.models import Idea, IdeaComment, Post, Thread
from forum.session_events import attach_once

log = logging.getLogger(__name__)

PENDING = "listening_pending"
VERSION = "listening_watches_version"


def register() -> None:
    attach_once({"after_flush": _after_flush, "before_commit": _before_commit, "after_commit": _after_commit,
                 "after_soft_rollback": _after_soft_rollback})
    commit_batch.register()


def _released(obj, session) -> bool:
    """A held post or question (forum/trust.py) approved in this flush: it is public from now on."""
    if obj in session.new or "held_at" not in sa.inspect(obj).attrs:
        return False
    history = sa.inspect(obj).attrs.held_at.history
    return bool(history.deleted) and any(v is not None for v in history.deleted) and obj.held_at is None


# the columns whose change is an edit the watches read (what `matches._load_public` builds the text from)
EDITED = {Post: ("body_html",), Thread: ("title", "category_id", "tags"), Idea: ("title", "body_html"),
          IdeaComment: ("body_html",)}
KINDS = {Post: "post", Thread: "thread", Idea: "idea", IdeaComment: "idea_comment"}


def _edited(obj) -> bool:
    attrs = sa.inspect(obj).attrs
    return any(name in attrs and attrs[name].history.has_changes() for name in EDITED.get(type(obj), ()))


def _after_flush(session, _context) -> None:
    if not has_app_context():
        return
    try:
        pending = session.info.setdefault(PENDING, set())
        for obj in session.new:
            if isinstance(obj, Post):
                pending.add(("post", obj.id))
            elif isinstance(obj, Idea):
                pending.add(("idea", obj.id))
            elif isinstance(obj, IdeaComment):
                pending.add(("idea_comment", obj.id))
        for obj in session.dirty:
            kind = KINDS.get(type(obj))
            if kind is not None and (_edited(obj) or _released(obj, session)):
                pending.add((kind, obj.id))
    except Exception:
        log.exception("listening: could not note new posts for matching")


def _before_commit(session) -> None:
    if session.in_nested_transaction() or not has_app_context():
        return
    session.flush()  # what the commit would flush (its failure is the commit's): new posts are noted at flush
    if session.info.get(PENDING):  # a primary-key read, in the commit's statement of bookkeeping on PostgreSQL
        commit_batch.read(session, VERSION, matching.WATCHES_VERSION)


def _after_commit(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release: the posts are not committed yet (SQLAlchemy fires after_commit for it)
    items = session.info.pop(PENDING, None)
    version = session.info.pop(VERSION, None)
    if not items or not has_app_context():
        return
    if version is not None and matching.matches_nothing(version):
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    try:
        # a fresh app context is a fresh scoped session: the committing one may run no SQL in after_commit
        with app.app_context():
            try:
                matches.record_matches(items)
            except Exception:
                db.session.rollback()
                raise
    except Exception:
        log.exception("listening: matching new posts failed (the posts are saved; nothing was matched)")


def _after_soft_rollback(session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(PENDING, None)
        session.info.pop(VERSION, None)

"""The links between ideas and the questions that asked for them, kept in step with the idea's own changes.

Helpers that add to the caller's transaction and never commit: ideas.services calls them when an idea's status
changes or it is merged, ideas.requests when a question is linked (issue 16).
"""
from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.models import IdeaQuestion
from forum.pagecache import thread_scope, touch


def linked_thread_ids(idea_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(IdeaQuestion.thread_id).where(IdeaQuestion.idea_id == idea_id)))


def already_linked(thread_ids: list[int]) -> set[int]:
    """Of these questions, those that already carry their demand to an idea (each carries it once: linking one
    again is a 409, so the staff link picker leaves them out)."""
    if not thread_ids:
        return set()
    return set(db.session.scalars(sa.select(IdeaQuestion.thread_id).where(IdeaQuestion.thread_id.in_(thread_ids))))


def after_status_change(idea_id: int) -> None:
    """A linked question shows its idea's status and note: their pages change with it (in the caller's
    transaction; the people carried from the questions vote for or follow the idea, so they are told with them)."""
    touch(db.session, *(thread_scope(thread_id) for thread_id in linked_thread_ids(idea_id)))


def after_merge(source_id: int, target_id: int) -> None:
    """The duplicate's questions now count for the idea it was merged into (in the caller's transaction)."""
    moved = linked_thread_ids(source_id)
    if moved:
        db.session.execute(sa.update(IdeaQuestion).where(IdeaQuestion.idea_id == source_id)
                           .values(idea_id=target_id))
        touch(db.session, *(thread_scope(thread_id) for thread_id in moved))

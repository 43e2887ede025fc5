"""Keeps the index in step with the database: ids collected at flush, queued in the write's own transaction
(forum/search/queue.py), indexed in batches outside the request. A rolled-back write queues nothing.

Listeners attach once to Flask-SQLAlchemy's Session class (tests build many apps); the queue rows go to the
session's own database, so each app's drainer indexes into its own index.
"""
from __future__ import annotations

import logging
from typing import cast

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import ORMExecuteState

from forum.models import Category, Idea, IdeaComment, Post, Thread
from forum.search import queue
from forum import commit_batch
from forum.session_events import attach_once

log = logging.getLogger(__name__)

THREADS, IDEAS, CATEGORIES = "search_threads", "search_ideas", "search_categories"
# Columns whose change alters a document; counters, scores and view counts do not.
THREAD_FIELDS = {"title", "slug", "category_id", "status", "accepted_post_id", "is_hidden", "tags"}
POST_FIELDS = {"body_html", "is_hidden", "thread_id", "position"}
IDEA_FIELDS = {"title", "body_html", "category_id", "status", "merged_into_id", "is_hidden"}
COMMENT_FIELDS = {"body_html", "is_hidden", "idea_id"}


def register() -> None:
    """Attach the listeners, once per process however many apps are built."""
    attach_once({"after_flush": _after_flush, "do_orm_execute": _do_orm_execute, "before_commit": _before_commit,
                 "after_soft_rollback": _after_soft_rollback})
    commit_batch.register()


def mark_thread(session, thread_id: int) -> None:
    """For code that changes a thread without the ORM noticing (raw SQL): reindex it at commit."""
    session.info.setdefault(THREADS, set()).add(thread_id)


def _active(session) -> bool:
    return has_app_context() and "search" in current_app.extensions and not session.info.get("search_off")


def _changed(obj, fields: set[str], session) -> bool:
    if obj in session.new or obj in session.deleted:
        return True
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields if name in state.attrs)


def _after_flush(session, _context) -> None:
    if not _active(session):
        return
    try:
        threads, ideas = session.info.setdefault(THREADS, set()), session.info.setdefault(IDEAS, set())
        for obj in (*session.new, *session.dirty, *session.deleted):
            if isinstance(obj, Thread) and _changed(obj, THREAD_FIELDS, session):
                threads.add(obj.id)
            elif isinstance(obj, Post) and _changed(obj, POST_FIELDS, session):
                threads.add(obj.thread_id)
                old = sa.inspect(obj).attrs.thread_id.history.deleted  # moved to another thread
                threads.update(i for i in old if i is not None)
            elif isinstance(obj, Idea) and _changed(obj, IDEA_FIELDS, session):
                ideas.add(obj.id)
            elif isinstance(obj, IdeaComment) and _changed(obj, COMMENT_FIELDS, session):
                ideas.add(obj.idea_id)
            elif isinstance(obj, Category) and obj not in session.new and _changed(obj, {"slug", "name"}, session):
                session.info.setdefault(CATEGORIES, set()).add(obj.id)  # every document in it says its name
    except Exception:
        log.exception("search: could not collect changed objects")


def _do_orm_execute(state: ORMExecuteState) -> None:
    """Bulk UPDATE/DELETE on threads, posts or ideas: note which rows they touch (before they run)."""
    if not (state.is_update or state.is_delete) or not _active(state.session):
        return
    try:
        entity = state.bind_mapper.class_ if state.bind_mapper is not None else None
        statement = cast("sa.Update | sa.Delete", state.statement)  # is_update or is_delete, checked above
        if entity not in (Thread, Post, Idea, IdeaComment):
            return
        values = {getattr(col, "key", str(col)) for col in getattr(statement, "_values", None) or {}}
        relevant = {Thread: THREAD_FIELDS, Post: POST_FIELDS, Idea: IDEA_FIELDS, IdeaComment: COMMENT_FIELDS}[entity]
        if state.is_update and not values & relevant:
            return  # counters, scores, activity times
        column = {Thread: Thread.id, Post: Post.thread_id, Idea: Idea.id, IdeaComment: IdeaComment.idea_id}[entity]
        select = sa.select(column)
        if statement.whereclause is not None:
            select = select.where(statement.whereclause)
        ids = set(state.session.execute(select).scalars())
        key = THREADS if entity in (Thread, Post) else IDEAS
        state.session.info.setdefault(key, set()).update(ids)
    except Exception:
        log.exception("search: could not read the rows a bulk statement changes")


def _before_commit(session) -> None:
    """Queue the changed documents in this transaction: a few cheap INSERTs that commit or vanish with it.

    Building documents and writing the index happen later, in batches (queue.drain): Whoosh's commit,
    merge and delete-by-term were most of the time it took to post an answer.
    """
    if session.in_nested_transaction() or not _active(session):
        return  # a savepoint's release is not the commit
    session.flush()  # the commit's own flush, early: its changes must be collected, and its errors (an
    # IntegrityError a service retries on) must reach the caller exactly as the commit would raise them
    threads, ideas = session.info.pop(THREADS, set()), session.info.pop(IDEAS, set())
    categories = session.info.pop(CATEGORIES, set())
    # Not caught: the rows are part of the write (a missing table is a deployment error `flask db upgrade` fixes).
    if categories:
        queue.enqueue_categories(session, categories)
    if threads or ideas:
        queue.enqueue(session, threads, ideas)  # with the commit's other bookkeeping (forum/commit_batch.py)


def _after_soft_rollback(session, previous_transaction) -> None:
    """Nothing from a rolled-back transaction reaches the index (a savepoint's rollback keeps the rest)."""
    if not previous_transaction.nested:
        for key in (THREADS, IDEAS, CATEGORIES):
            session.info.pop(key, None)

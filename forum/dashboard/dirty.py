"""Keeps the rollups honest: every write that changes a figure marks the days it changes, in its own transaction.

A day's figures depend on more than the rows dated that day: answering a question asked last week changes last
week's answered share, moving a thread changes its category on every day one of its answers, flags or
escalations happened. So the listeners map each changed row to all the days it counts on (old and new values)
and insert one DashboardDirtyDay per day; the dashboard computes marked days from the source tables until
`flask forum refresh-stats` stores them again. ORM flushes are read in `before_flush` (deleted rows and the
old values are still there); bulk UPDATE/DELETE/INSERT ... SELECT statements in `do_orm_execute`, before they
run; the markers are inserted in `before_commit`, one statement a transaction. Listeners attach once to
Flask-SQLAlchemy's Session class (tests build many apps).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm.util import identity_key

from forum import commit_batch
from forum.clock import utcnow
from forum.dashboard.sql import day_of
from forum.models import (
    AuditEntry,
    DashboardDirtyDay,
    Escalation,
    Flag,
    Idea,
    IdeaStatusChange,
    IdeaVote,
    Post,
    Thread,
)
from forum.session_events import attach_once, ids_named

MARKED = "dashboard_marked_days"
# Columns whose change can alter a figure; counters, scores, titles and activity times cannot.
FIELDS: dict[type, set[str]] = {
    Thread: {"created_at", "is_hidden", "category_id", "first_answer_at", "accepted_post_id", "solved_at"},
    Post: {"created_at", "is_hidden", "is_staff_reply", "author_id", "position", "thread_id"},
    Escalation: {"created_at", "resolved_at", "first_staff_reply_at", "due_at", "thread_id", "idea_id"},
    Flag: {"created_at", "handled_at", "post_id"},
    AuditEntry: {"created_at", "action", "target_id"},
    Idea: {"created_at", "is_hidden", "category_id"},
    IdeaVote: {"created_at", "idea_id"},
    IdeaStatusChange: {"created_at", "idea_id"},
}
# Changes that move a row's other rows to another category (or out of the figures) on their own days.
SPREADING = {Thread: {"category_id"}, Idea: {"category_id", "is_hidden"}}

_DIRTY = cast(sa.Table, DashboardDirtyDay.__table__)  # a mapped class's table (typed as any FromClause)


def register() -> None:
    attach_once({"before_flush": _before_flush, "do_orm_execute": _do_orm_execute, "before_commit": _insert_marks,
                 "after_soft_rollback": _after_soft_rollback})
    commit_batch.register()


def _days(values: Iterable[Any]) -> set[date]:
    return {value.date() if isinstance(value, datetime) else value for value in values if value is not None}


def _history(obj: Any, name: str) -> list[Any]:
    """The attribute's current value and, when changed in this flush, its old one."""
    attr = sa.inspect(obj).attrs[name]
    history = attr.history
    return [*history.added, *history.unchanged, *history.deleted] if history.has_changes() else [attr.value]


def _changed(obj: Any, names: set[str]) -> set[str]:
    state = sa.inspect(obj)
    return {name for name in names if state.attrs[name].history.has_changes()}


def _select_days(connection: sa.Connection, *queries: sa.Select) -> set[date]:
    found: set[date] = set()
    for query in queries:
        found |= {date.fromisoformat(day) for day in connection.execute(query).scalars() if day}
    return found


def _distinct_days(column: Any, *where: Any) -> sa.Select:
    return sa.select(day_of(column)).where(*where).distinct()


def _thread_rows_days(connection: sa.Connection, thread_ids: set[int]) -> set[date]:
    """Every day a thread's answers, flags, hides and escalations count on (for a move or a delete)."""
    if not thread_ids:
        return set()
    posts = sa.select(Post.id).where(Post.thread_id.in_(thread_ids))
    return _select_days(
        connection, _distinct_days(Thread.created_at, Thread.id.in_(thread_ids)),
        _distinct_days(Post.created_at, Post.thread_id.in_(thread_ids)),
        _distinct_days(Flag.created_at, Flag.post_id.in_(posts)),
        _distinct_days(AuditEntry.created_at, AuditEntry.target_id.in_(posts)),
        _distinct_days(Escalation.created_at, Escalation.thread_id.in_(thread_ids)),
        _distinct_days(Escalation.resolved_at, Escalation.thread_id.in_(thread_ids)))


def _idea_rows_days(connection: sa.Connection, idea_ids: set[int]) -> set[date]:
    if not idea_ids:
        return set()
    return _select_days(
        connection, _distinct_days(Idea.created_at, Idea.id.in_(idea_ids)),
        _distinct_days(IdeaVote.created_at, IdeaVote.idea_id.in_(idea_ids)),
        _distinct_days(IdeaStatusChange.created_at, IdeaStatusChange.idea_id.in_(idea_ids)),
        _distinct_days(Escalation.created_at, Escalation.idea_id.in_(idea_ids)),
        _distinct_days(Escalation.resolved_at, Escalation.idea_id.in_(idea_ids)))


def _post_days(connection: sa.Connection, post_ids: set[int]) -> set[date]:
    """An accepted answer moving counts on the day each answer was written."""
    ids = {post_id for post_id in post_ids if post_id is not None}
    return _select_days(connection, _distinct_days(Post.created_at, Post.id.in_(ids))) if ids else set()


def _created_days(connection: sa.Connection, entity: type[Thread | Idea], ids: set[int],
                  session: Any = None) -> set[date]:
    """The days these threads or ideas were created on; those already in the session (an answer's thread
    usually is) cost no statement."""
    days, unknown = set(), set()
    for row_id in ids:
        if row_id is None:
            continue
        loaded = session.identity_map.get(identity_key(entity, row_id)) if session is not None else None
        if loaded is not None and "created_at" in loaded.__dict__:
            days.add(loaded.created_at.date())
        else:
            unknown.add(row_id)
    if not unknown:
        return days
    return days | _select_days(connection, _distinct_days(entity.created_at, entity.id.in_(unknown)))


def _object_days(session: Any, obj: Any, connection: sa.Connection) -> set[date]:
    kind = type(obj)
    new, deleted = obj in session.new, obj in session.deleted
    names = FIELDS[kind] if new or deleted else _changed(obj, FIELDS[kind])
    if not names:
        return set()
    today = utcnow().date()
    days = _days(_history(obj, "created_at")) or {today}
    if kind is Escalation:
        days |= _days(_history(obj, "resolved_at"))
    if kind is Thread:
        if deleted or names & SPREADING[Thread]:
            days |= _thread_rows_days(connection, {obj.id} if obj.id else set())
        if "accepted_post_id" in names:
            days |= _post_days(connection, set(_history(obj, "accepted_post_id")))
    elif kind is Post:
        threads = set(_history(obj, "thread_id"))
        if obj.thread_id is None and "thread" in sa.inspect(obj).dict and obj.thread is not None:
            days |= _days([obj.thread.created_at]) or {today}  # a new question's own post
        days |= _created_days(connection, Thread, threads, session)
        if deleted:
            days |= _select_days(connection, _distinct_days(Flag.created_at, Flag.post_id == obj.id),
                                 _distinct_days(AuditEntry.created_at, AuditEntry.target_id == obj.id))
    elif kind is Idea and not new and (deleted or names & SPREADING[Idea]):
        days |= _idea_rows_days(connection, {obj.id})
    return days


def _mark(session: Any, days: set[date]) -> None:
    """Remembered until the transaction commits, then inserted in one statement (`_insert_marks`)."""
    session.info.setdefault(MARKED, set()).update(days)


def _insert_marks(session: Any) -> None:
    """One marker per day per transaction (append-only: no row for concurrent writers to wait on), written last,
    after the final flush, so a transaction of several flushes still costs one INSERT, itself part of the
    commit's one statement of bookkeeping (forum/commit_batch.py)."""
    if session.in_nested_transaction():  # a savepoint's release is not the commit
        return
    session.flush()
    days = session.info.pop(MARKED, None)
    if days:
        commit_batch.add(session, _DIRTY, [{"day": day} for day in sorted(days)])


def _before_flush(session: Any, _context: Any, _instances: Any) -> None:
    objects = [obj for obj in (*session.new, *session.dirty, *session.deleted) if type(obj) in FIELDS]
    if not objects:
        return
    connection = session.connection()
    days: set[date] = set()
    for obj in objects:
        days |= _object_days(session, obj, connection)
    _mark(session, days)


def _statement_days(state: ORMExecuteState, entity: type[Any]) -> set[date]:
    """The days a bulk statement's rows count on, read before it runs."""
    statement, connection = state.statement, state.session.connection()
    if state.is_insert:
        select = getattr(statement, "select", None)
        names = [getattr(col, "key", str(col)) for col in (getattr(statement, "_select_names", None) or [])]
        if select is not None and "created_at" in names:
            chosen = select.subquery()
            return _select_days(connection, sa.select(day_of(list(chosen.c)[names.index("created_at")])).distinct())
        return {utcnow().date()}
    values = {getattr(col, "key", str(col)) for col in getattr(statement, "_values", None) or {}}
    if state.is_update and values and not values & FIELDS[entity]:
        return set()  # counters, scores, activity times
    whereclause = cast("sa.Update | sa.Delete", statement).whereclause  # not an insert: returned above
    where = [whereclause] if whereclause is not None else []
    if state.is_update and entity in (Thread, Idea) and not values & (SPREADING[entity] | {"accepted_post_id"}):
        named = ids_named(whereclause, entity.id)  # e.g. a first answer: its thread's day, usually loaded
        if named is not None:
            return _created_days(connection, entity, named, state.session)
        return _select_days(connection, _distinct_days(entity.created_at, *where))
    ids = sa.select(entity.id).where(*where)
    found = set(connection.execute(ids).scalars())
    if not found:
        return set()
    days = _select_days(connection, _distinct_days(entity.created_at, entity.id.in_(found)))
    if entity is Thread:
        days |= _thread_rows_days(connection, found)
    elif entity is Idea:
        days |= _idea_rows_days(connection, found)
    elif entity is Post:
        days |= _created_days(connection, Thread, set(connection.execute(
            sa.select(Post.thread_id).where(Post.id.in_(found))).scalars()))
    elif entity is Escalation:
        days |= _select_days(connection, _distinct_days(Escalation.resolved_at, Escalation.id.in_(found)))
    return days


def _do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    entity = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if entity not in FIELDS:
        return
    _mark(state.session, _statement_days(state, entity))


def _after_soft_rollback(session: Any, previous_transaction: Any) -> None:
    if not previous_transaction.nested:
        session.info.pop(MARKED, None)

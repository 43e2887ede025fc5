"""Which cached scopes a transaction changes, and the bump of their versions inside that same transaction.

Scopes are collected at flush (ORM objects) and before bulk statements run (`UPDATE posts SET score = ...`),
then bumped in `before_commit`, after everything else the transaction wrote: the version rows are the last
locks a write takes, always in sorted order, so two writers cannot deadlock on them. Listeners attach once to
Flask-SQLAlchemy's Session class, like the search hooks.
"""
from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from typing import cast

import sqlalchemy as sa
from flask import g, has_app_context
from sqlalchemy.orm import ORMExecuteState

from forum import commit_batch
from forum.models import (
    AuditEntry,
    Category,
    Escalation,
    Flag,
    Idea,
    IdeaComment,
    IdeaStatusChange,
    IdeaVote,
    Notice,
    Notification,
    PageVersion,
    Post,
    SiteSettings,
    Tag,
    Thread,
    User,
    Vote,
)
from forum.session_events import attach_once, ids_named

log = logging.getLogger(__name__)

PENDING = "pagecache_scopes"
REQUEST_VERSIONS = "pagecache_versions"  # g: the versions this GET request read (store.py)
QUESTIONS, IDEAS, SITE = "questions", "ideas", "site"
# the site settings (forum/site.py): every page shows them, so every GET request reads this version (store.py)
SETTINGS = "settings"
# known-issue notices (forum/listening/notices.py): the banners' memo; SITE moves with it, for the cached pages
NOTICES = "notices"
# staff lists' totals (memo): the escalation queue, the audit log, the flag queue (never a cached page)
ESCALATIONS, AUDIT, FLAGS = "escalations", "audit", "flags"
# Columns no cached page shows, or shows only where a bounded staleness is fine (reputation in bylines
# elsewhere, view counts): a change to these alone keeps every page version.
QUIET_COLUMNS = {
    Thread: {"view_count"},
    User: {"reputation", "last_seen_at", "password_hash", "session_version", "email", "suspended_until",
           "suspension_reason", "email_confirmed_at"},
}

_VERSIONS = cast(sa.Table, PageVersion.__table__)  # a mapped class's table (typed as any FromClause)
_BUMP = commit_batch.Upsert("scope", {"version": _VERSIONS.c.version + sa.literal_column("1")})

def register() -> None:
    """Attach the listeners, once per process however many apps are built."""
    attach_once({"after_flush": _after_flush, "do_orm_execute": _do_orm_execute, "before_commit": _before_commit,
                 "after_soft_rollback": _after_soft_rollback})
    commit_batch.register()


def touch(session, *scopes: str) -> None:
    """For writes the ORM does not see (raw SQL): these scopes' pages are stale when the transaction commits."""
    session.info.setdefault(PENDING, set()).update(scopes)


def thread_scope(thread_id: int) -> str:
    return f"thread:{thread_id}"


def idea_scope(idea_id: int) -> str:
    return f"idea:{idea_id}"


def notifications_scope(user_id: int) -> str:
    """One member's notifications (their list's totals and the bell's count)."""
    return f"notifications:{user_id}"


def current(session, scopes: Iterable[str]) -> tuple[int, ...]:
    """The scopes' versions in the order given (0 for a scope never bumped), in one primary-key lookup.
    This is the one statement a cached page costs, so it is the driver's own SQL, written once per dialect and
    number of scopes: a text() statement's compiling and parameter processing were 38 us of a cached page of
    935 (in process)."""
    wanted = list(scopes)
    connection = session.connection()
    rows = connection.exec_driver_sql(_versions_sql(connection.dialect.paramstyle, len(wanted)), tuple(wanted))
    found = dict(rows.all())
    return tuple(found.get(scope, 0) for scope in wanted)


_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # sqlite3; psycopg


@functools.cache
def _versions_sql(paramstyle: str, count: int) -> str:
    marks = ", ".join([_PLACEHOLDERS[paramstyle]] * count)
    return f"SELECT scope, version FROM page_versions WHERE scope IN ({marks})"


def _changed_columns(obj, session) -> set[str] | None:
    """None for a new or deleted object (everything changed), else the names of changed attributes."""
    if obj in session.new or obj in session.deleted:
        return None
    state = sa.inspect(obj)
    return {attr.key for attr in state.attrs if attr.history.has_changes()}


def _scopes_of(obj, session) -> set[str]:
    if isinstance(obj, Post):  # deleting a post deletes its flags with it (ON DELETE CASCADE)
        return {thread_scope(obj.thread_id), QUESTIONS} | ({FLAGS} if obj in session.deleted else set())
    if isinstance(obj, Thread):
        return {thread_scope(obj.id), QUESTIONS}
    if isinstance(obj, Vote):
        post = session.get(Post, obj.post_id)
        return {thread_scope(post.thread_id), QUESTIONS} if post is not None else {QUESTIONS}
    if isinstance(obj, Idea):
        return {idea_scope(obj.id), IDEAS}
    if isinstance(obj, (IdeaVote, IdeaComment, IdeaStatusChange)):
        return {idea_scope(obj.idea_id), IDEAS}
    if isinstance(obj, Escalation):
        return ({thread_scope(obj.thread_id), QUESTIONS} if obj.thread_id else set()) | (
            {idea_scope(obj.idea_id), IDEAS} if obj.idea_id else set()) | {ESCALATIONS}
    if isinstance(obj, (AuditEntry, Flag)):
        return {AUDIT if isinstance(obj, AuditEntry) else FLAGS}
    if isinstance(obj, Notification):
        return {notifications_scope(obj.user_id)}
    if isinstance(obj, (Category, Tag, User)):
        return {SITE}
    if isinstance(obj, SiteSettings):  # the name, colour and copy are on every page
        return {SITE, SETTINGS}
    if isinstance(obj, Notice):  # known-issue banners are on every page (dismissals are not: per member)
        return {SITE, NOTICES}
    return set()


def _after_flush(session, _context) -> None:
    try:
        pending = session.info.setdefault(PENDING, set())
        for obj in (*session.new, *session.dirty, *session.deleted):
            changed = _changed_columns(obj, session)
            quiet = QUIET_COLUMNS.get(type(obj), set())
            if changed is not None and not (changed - quiet):
                continue
            pending.update(_scopes_of(obj, session))
            if isinstance(obj, Post):  # moved to another thread: the old one changes too
                old = sa.inspect(obj).attrs.thread_id.history.deleted
                pending.update(thread_scope(i) for i in old if i is not None)
    except Exception:  # a failure here must never fail the write; the pages' timeout bounds the staleness
        log.exception("pagecache: could not collect changed scopes")


_BULK = {Thread: (Thread.id, thread_scope, QUESTIONS), Post: (Post.thread_id, thread_scope, QUESTIONS),
         Idea: (Idea.id, idea_scope, IDEAS), IdeaComment: (IdeaComment.idea_id, idea_scope, IDEAS),
         IdeaVote: (IdeaVote.idea_id, idea_scope, IDEAS)}


_STAFF_LISTS = {Escalation: ESCALATIONS, AuditEntry: AUDIT, Flag: FLAGS}


def _do_orm_execute(state: ORMExecuteState) -> None:
    """Bulk UPDATE/DELETE: note which scopes the rows belong to, before the statement changes them."""
    if not (state.is_update or state.is_delete):
        return
    try:
        entity = state.bind_mapper.class_ if state.bind_mapper is not None else None
        statement = cast("sa.Update | sa.Delete", state.statement)  # is_update or is_delete, checked above
        values = {getattr(col, "key", str(col)) for col in getattr(statement, "_values", None) or {}}
        if state.is_update and values and entity is not None and not (values - QUIET_COLUMNS.get(entity, set())):
            return
        pending = state.session.info.setdefault(PENDING, set())
        if entity is User or entity is Vote:
            pending.add(SITE if entity is User else QUESTIONS)
            return
        if entity in _STAFF_LISTS:
            pending.add(_STAFF_LISTS[entity])
            return
        if entity is Notification:  # read marks, an erased member's: whose lists change
            select = sa.select(Notification.user_id).distinct()
            if statement.whereclause is not None:
                select = select.where(statement.whereclause)
            pending.update(notifications_scope(i) for i in state.session.execute(select).scalars())
            return
        if entity not in _BULK:
            return
        column, scope, list_scope = _BULK[entity]
        named = ids_named(statement.whereclause, column)  # one row by its key: no SELECT to find it
        if named is None:
            select = sa.select(column).distinct()
            if statement.whereclause is not None:
                select = select.where(statement.whereclause)
            named = set(state.session.execute(select).scalars())
        pending.update(scope(i) for i in named if i is not None)
        pending.add(list_scope)
    except Exception:
        log.exception("pagecache: could not read the rows a bulk statement changes")


def _before_commit(session) -> None:
    if session.in_nested_transaction():
        return
    session.flush()  # the scopes of what is still pending
    scopes = session.info.pop(PENDING, None)
    if not scopes:
        return
    # with the commit's other bookkeeping, in one statement on PostgreSQL (forum/commit_batch.py)
    commit_batch.add(session, _VERSIONS, [{"scope": scope, "version": 1} for scope in sorted(scopes)], _BUMP)
    if has_app_context():  # versions a request already read are stale now (forum/pagecache/store.py)
        g.pop(REQUEST_VERSIONS, None)


def _after_soft_rollback(session, previous_transaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(PENDING, None)

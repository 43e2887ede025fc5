"""The commit's bookkeeping rows (search queue, dashboard days, page versions) written last and, on PostgreSQL, in
one statement (forum/commit_batch.py)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_sqlalchemy.session import Session

from forum import commit_batch
from forum.extensions import db
from forum.listening import matching
from forum.models import DashboardDirtyDay, PageVersion, SearchQueueEntry
from forum.pagecache import thread_scope
from forum.questions import services as questions
from forum.session_events import attach_once
from tests.conftest import count_queries
from tests.factories import make_thread, make_user

BOOKKEEPING = ("search_queue", "dashboard_dirty_days", "page_versions")


def _counts() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(SearchQueueEntry)),
            db.session.scalar(sa.select(sa.func.count()).select_from(DashboardDirtyDay)))


def test_posting_writes_the_queue_the_days_and_the_versions_in_one_statement_on_postgresql(ctx):
    thread = make_thread(make_user())
    db.session.commit()
    version = db.session.get(PageVersion, thread_scope(thread.id)).version
    answerer = make_user()
    queued, days = _counts()
    db.session.rollback()
    with count_queries(db.engine) as statements:
        questions.post_answer(actor=answerer, thread=thread, body="Re-pair the hub after the update.")
    writes = [text for text in statements if text.lstrip().upper().startswith(("INSERT", "WITH"))
              and any(f"INSERT INTO {table}" in text for table in BOOKKEEPING)]
    if db.engine.dialect.name == "postgresql":  # the listening hooks' read of the watches' version with them
        assert len(writes) == 1 and all(f"INSERT INTO {table}" in writes[0] for table in BOOKKEEPING), writes
        assert "page_versions.scope = 'watches'" in writes[0]
        assert not any(text.startswith("SELECT scope, version FROM page_versions") for text in statements)
    else:  # in process, no round trip: one executemany each
        assert len(writes) == 3, writes
    db.session.expire_all()
    assert db.session.get(PageVersion, thread_scope(thread.id)).version == version + 1
    assert _counts() == (queued + 1, days + 1)  # the answer's thread, one day marker for the transaction


def test_a_rolled_back_transaction_writes_none_of_its_rows(ctx):
    thread = make_thread(make_user())
    db.session.commit()
    before = _counts()
    commit_batch.add(db.session(), SearchQueueEntry.__table__,
                     [{"kind": "thread", "object_id": thread.id, "queued_at": thread.created_at}])
    db.session.rollback()
    db.session.commit()  # a later commit of the same session does not find the discarded rows
    assert _counts() == before


def test_a_listener_attached_later_still_adds_its_rows_before_they_are_written(ctx):
    """SQLAlchemy runs a class's listeners in the order they were attached: the writer stays last."""
    thread = make_thread(make_user())
    db.session.commit()
    before = _counts()

    def late(session) -> None:
        if session.info.pop("late_listener_armed", False):
            commit_batch.add(session, SearchQueueEntry.__table__,
                             [{"kind": "thread", "object_id": thread.id, "queued_at": thread.created_at}])

    attach_once({"before_commit": late})
    try:
        db.session.info["late_listener_armed"] = True
        db.session.commit()
    finally:
        sa.event.remove(Session, "before_commit", late)
    assert _counts() == (before[0] + 1, before[1])
    assert commit_batch.PENDING not in db.session.info


def test_a_read_sees_the_transactions_earlier_writes_with_or_without_rows_to_write(ctx):
    db.session.add(PageVersion(scope=matching.WATCHES, version=41))
    db.session.flush()
    commit_batch.read(db.session(), "watches_read", matching.WATCHES_VERSION)
    db.session.commit()
    assert db.session.info.pop("watches_read") == 41
    thread = make_thread(make_user())
    db.session.commit()
    commit_batch.add(db.session(), SearchQueueEntry.__table__,
                     [{"kind": "thread", "object_id": thread.id, "queued_at": thread.created_at}])
    commit_batch.read(db.session(), "watches_read", matching.WATCHES_VERSION)
    db.session.commit()
    assert db.session.info.pop("watches_read") == 41

"""The search queue: rows written in the write's own transaction, drained in batches, never lost to a crash."""
from __future__ import annotations

import time

import pytest
import sqlalchemy as sa

from forum import create_app
from forum.extensions import db
from forum.models import Post, SearchQueueEntry, Thread
from forum.search import queue, service
from tests.factories import make_category, make_thread, make_user
from tests.search.conftest import found


def _rows(kind: str | None = None) -> list[tuple[str, int]]:
    """The queue as another connection sees it: only what has committed (deferred: the session may hold the lock)."""
    with queue.connect() as conn:
        rows = conn.execute(sa.select(SearchQueueEntry.kind, SearchQueueEntry.object_id)
                            .order_by(SearchQueueEntry.id)).all()
    return [tuple(row) for row in rows if kind is None or row[0] == kind]


def _bulk_threads(count: int, word: str) -> list[int]:
    """`count` threads in one transaction through the ORM (the hooks see them), without the services' cost."""
    author, category = make_user(), make_category()
    threads = [Thread(title=f"Bulk {word} question {n}", slug=f"bulk-{n}", category_id=category.id,
                      author_id=author.id) for n in range(count)]
    db.session.add_all(threads)
    db.session.flush()
    ids = [t.id for t in threads]
    db.session.add_all(Post(thread_id=i, author_id=author.id, body_md=word, body_html=f"<p>{word} body</p>")
                       for i in ids)
    db.session.commit()
    return ids


def _drain() -> int:
    """Out of a request a session read holds SQLite's write lock (BEGIN IMMEDIATE), which a drain's delete
    needs: end it first, as a request or command does before any drain."""
    db.session.commit()
    return service.drain_pending()


def test_a_write_queues_its_document_in_the_same_transaction(ctx):
    author, category = make_user(), make_category()
    seen_at_commit = []
    sa.event.listen(db.session(), "after_commit", lambda session: seen_at_commit.append(_rows("thread")))
    thread = Thread(title="Queued in the same transaction", slug="q", category_id=category.id, author_id=author.id)
    db.session.add(thread)
    db.session.flush()
    db.session.add(Post(thread_id=thread.id, author_id=author.id, body_md="x", body_html="<p>x</p>"))
    db.session.flush()
    assert _rows("thread") == []  # not before the commit
    db.session.commit()
    assert seen_at_commit == [[("thread", thread.id)]]  # committed with the write, before anything drained it
    assert _rows("thread") == [("thread", thread.id)]


def test_a_rollback_queues_nothing(ctx):
    author, category = make_user(), make_category()
    before = _rows()
    thread = Thread(title="Rolled back", slug="r", category_id=category.id, author_id=author.id)
    db.session.add(thread)
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # a later, empty commit must not carry the rolled-back ids
    assert _rows() == before


def test_votes_and_views_queue_nothing(ctx):
    from forum.questions import services as questions
    from tests.factories import make_answer
    answer = make_answer(make_thread())
    voter = make_user()
    _drain()
    questions.vote_post(actor=voter, post=answer, value=1)
    assert _rows() == []


def test_a_crash_after_commit_is_repaired_by_the_next_search(app_config, backend):
    """Commit, then the process dies before any drain: a new process's first search indexes the rows."""
    first = create_app(app_config)
    with first.app_context():
        if backend == "sqlite":
            db.create_all()
        thread = make_thread(title="Porch sensor forgets its schedule after an outage")
        thread_id = thread.id
        assert _rows("thread") == [("thread", thread_id)]
        db.session.remove()
        db.engine.dispose()  # the "crash": no drain ran in this process
    second = create_app(app_config)
    with second.app_context():
        assert found("porch schedule") == [("question", thread_id)]
        assert _rows() == []
        db.session.remove()
        db.engine.dispose()


def test_the_background_drainer_indexes_on_start_and_every_interval(app, monkeypatch, request):
    with app.app_context():
        thread_id = make_thread(title="Attic fan ignores the humidity trigger").id
    app.config["SEARCH_DRAIN_INTERVAL"] = 0.05
    queue.start_drainer(app)
    drainer = app.extensions["search_drainer"]
    request.addfinalizer(drainer.stop)  # else it keeps polling the test database after the test
    queue.start_drainer(app)
    assert app.extensions["search_drainer"] is drainer and drainer.daemon  # once per process
    with app.app_context():
        deadline = time.monotonic() + 20
        while _rows() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _rows() == []
        later = make_thread(title="Cellar pump hums after the walrus update").id
        db.session.commit()  # out of a request, reading `.id` took SQLite's write lock, which the drainer needs
        while _rows() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _rows() == []
        monkeypatch.setattr(queue, "catch_up", lambda: None)  # prove the thread did it, not the search
        assert found("attic humidity") == [("question", thread_id)]
        assert found("cellar walrus") == [("question", later)]
    drainer.stop()
    assert not drainer.is_alive()


def test_one_drain_indexes_many_in_batches(ctx, monkeypatch):
    ids = _bulk_threads(queue.BATCH * 2 + 37, "heron")
    assert len(_rows("thread")) == len(ids)
    batches = []
    backend = service.get_backend()
    original = backend.apply
    monkeypatch.setattr(backend, "apply", lambda conn, docs: (batches.append(len(docs)), original(conn, docs)))
    assert _drain() == len(ids)
    assert batches == [queue.BATCH, queue.BATCH, 37]  # one index write per batch, not per document
    assert _rows() == []
    assert {f"q:{i}" for i in ids} <= set(backend.digests())
    assert service.search("heron", viewer=None).total >= 500  # Whoosh counts up to 500, PostgreSQL exactly


def test_duplicate_rows_build_one_document(ctx, monkeypatch):
    thread = make_thread(title="Skylight motor squeaks")
    for title in ("Skylight motor squeaks loudly", "Skylight motor squeaks like a gull"):
        db.session.get(Thread, thread.id).title = title
        db.session.commit()
    assert _rows("thread") == [("thread", thread.id)] * 3
    written = []
    backend = service.get_backend()
    original = backend.apply
    monkeypatch.setattr(backend, "apply", lambda conn, docs: (written.append(sorted(docs)), original(conn, docs)))
    _drain()
    assert written == [[f"q:{thread.id}"]]
    assert found("gull") == [("question", thread.id)]


def test_a_drainer_without_the_lock_leaves_the_rows(ctx):
    thread_id = make_thread(title="Gate opener reverses halfway").id
    backend = service.get_backend()
    with queue.connect() as conn, backend.exclusive(conn, wait=0) as held:
        assert held
        db.session.commit()
        assert queue.drain(wait=0) == 0  # another worker is draining: leave the rows to it
        assert _rows("thread") == [("thread", thread_id)]
    assert queue.drain(wait=0) == 1
    assert _rows() == [] and found("gate opener") == [("question", thread_id)]


def test_a_row_queued_while_a_drain_writes_survives_it(ctx, monkeypatch):
    """The drainer deletes the ids it read, not "everything up to now": a write during its batch is kept."""
    first = make_thread(title="Shutter remote loses pairing").id
    second = make_thread(title="Doorbell chime plays twice")
    db.session.commit()
    _drain()
    backend = service.get_backend()
    original = backend.apply

    def apply_while_someone_writes(conn, docs):
        original(conn, docs)
        other = db.session.get(Thread, second.id)
        other.title = "Doorbell chime plays the kingfisher tune twice"
        db.session.commit()

    db.session.get(Thread, first).title = "Shutter remote loses pairing with the osprey hub"
    db.session.commit()
    monkeypatch.setattr(backend, "apply", apply_while_someone_writes)
    assert _drain() == 1
    monkeypatch.undo()
    assert _rows("thread") == [("thread", second.id)]
    assert found("kingfisher") == [("question", second.id)]  # the next reader's drain picks it up


def test_reindex_takes_the_queue_with_it(app):
    with app.app_context():
        make_thread(title="Leak detector chirps at midnight")
        assert _rows()
    result = app.test_cli_runner().invoke(args=["forum", "reindex"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _rows() == []


def test_reindex_pending_command(app):
    with app.app_context():
        thread_id = make_thread(title="Radiator valve clicks all night").id
        queued = len(_rows())
    result = app.test_cli_runner().invoke(args=["forum", "reindex", "--pending"])
    assert result.exit_code == 0, result.output
    assert f"Indexed {queued} of {queued} queued document" in result.output
    with app.app_context():
        assert _rows() == []
        assert found("radiator valve") == [("question", thread_id)]


@pytest.mark.parametrize("kind", ["thread", "idea"])
def test_a_renamed_category_queues_every_document_in_it(ctx, kind):
    from tests.factories import make_idea
    made = make_thread(category="gadgets") if kind == "thread" else make_idea(category="gadgets")
    _drain()
    category = make_category("gadgets")
    category.name = "Gizmos and gadgets"
    db.session.commit()
    assert (kind, made.id) in _rows(kind)


@pytest.mark.config(SEARCH_DRAIN_INTERVAL=0.05)
def test_the_first_request_starts_the_drainer(app, client, request):
    """Lazily, in the serving process (a thread started before gunicorn forks would not exist in the workers)."""
    assert "search_drainer" not in app.extensions
    client.get("/healthz")
    drainer = app.extensions["search_drainer"]
    request.addfinalizer(drainer.stop)
    assert drainer.is_alive()
    client.get("/healthz")
    assert app.extensions["search_drainer"] is drainer


def test_a_drain_ends_its_reads_without_a_rollback(ctx):
    """A drain's reads end with COMMIT, the same for the database: psycopg forgets every statement it prepared on
    a connection that rolls back, and the drainer runs every second in every worker, on the requests' pool."""
    _bulk_threads(3, "drained")
    rollbacks: list[object] = []

    def rolled_back(conn) -> None:
        rollbacks.append(conn)

    sa.event.listen(db.engine, "rollback", rolled_back)
    try:
        assert _drain() >= 3
        assert _drain() == 0  # and with nothing queued
    finally:
        sa.event.remove(db.engine, "rollback", rolled_back)
    assert rollbacks == []


def test_a_busy_workers_drainer_leaves_rounds_to_the_idle_ones_but_never_more_than_a_few(app, monkeypatch):
    """While its worker serves a request the drainer skips the round (an idle worker's drainer takes it, and no
    indexing competes with the request for the GIL); after BUSY_ROUNDS skipped rounds it drains anyway, so a
    lone worker under constant load still keeps its index in step."""
    drainer = queue.Drainer(app, interval=1.0)
    monkeypatch.setattr(queue.workload, "busy", lambda: True)
    rounds = [drainer.takes_round() for _ in range(2 * (queue.BUSY_ROUNDS + 1))]
    assert rounds == ([False] * queue.BUSY_ROUNDS + [True]) * 2
    monkeypatch.setattr(queue.workload, "busy", lambda: False)
    assert [drainer.takes_round() for _ in range(3)] == [True, True, True]


def test_a_request_counts_as_the_workers_work_from_its_first_hook_to_its_teardown(app, client):
    from forum import workload
    seen: list[bool] = []
    app.add_url_rule("/_busy_probe", "busy_probe", lambda: (seen.append(workload.busy()), "ok")[1])
    assert not workload.busy()
    assert client.get("/_busy_probe").status_code == 200
    assert client.get("/no-such-page-at-all").status_code == 404  # a request that ends in an error still ends
    assert seen == [True] and not workload.busy()

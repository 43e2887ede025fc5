"""Races on PostgreSQL with real concurrent connections (issue 17, item 5): each thread has its own app context,
session and connection, and all start together at a barrier. SQLite serialises writers (BEGIN IMMEDIATE), so
these run on PostgreSQL only (TEST_DATABASE_URL)."""
from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Notification, OutboxMail, Post, Thread, User
from forum.moderation import services as moderation
from forum.moderation.services import AUTO_HIDE_FLAGS
from forum.questions import services as questions
from tests.factories import make_answer, make_thread, make_user

FLAGGERS, ANSWERERS = 20, 50
# One connection per racing thread (as one per gunicorn worker), plus room for after-commit work.
pytestmark = pytest.mark.config(SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "pool_size": ANSWERERS + 5,
                                                           "max_overflow": 10})


@pytest.fixture(autouse=True)
def _postgres_only(backend):
    if backend != "postgres":
        pytest.skip("the race needs PostgreSQL's concurrent writers; SQLite serialises them")


def _all_at_once(app, user_ids: list[int], action: Callable[[User], None]) -> list[str]:
    """Run `action(user)` in one thread per user, released together; returns the unexpected errors."""
    barrier, failures = threading.Barrier(len(user_ids)), []

    def worker(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                db.session.rollback()  # wait outside any transaction, as a request would
                barrier.wait(timeout=30)
                action(user)
            except Exception as error:  # noqa: BLE001 - reported by the test
                failures.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def test_concurrent_flags_hide_a_post_exactly_once(app, ctx):
    post = make_answer(make_thread())
    post_id, author_id = post.id, post.author_id
    flagger_ids = [make_user().id for _ in range(FLAGGERS)]
    db.session.rollback()

    def flag(user: User) -> None:
        moderation.flag_post(actor=user, post=db.session.get(Post, post_id), reason="spam")

    failures = _all_at_once(app, flagger_ids, flag)
    # a flagger who reads the post after it was hidden is told it cannot be flagged: that is the rule
    assert all("cannot be flagged" in failure for failure in failures), failures
    db.session.expire_all()
    assert db.session.get(Post, post_id).is_hidden
    hides = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "post.auto_hide", AuditEntry.target_id == post_id))
    notices = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == author_id, Notification.kind == "post_hidden"))
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail).where(
        OutboxMail.user_id == author_id, OutboxMail.kind == "post_hidden"))
    print(f"{FLAGGERS} concurrent flags (threshold {AUTO_HIDE_FLAGS}) -> {hides} hide(s), {notices} notice(s), "
          f"{mails} mail(s)")
    # moderation news is mailed at once by default (forum/notifications/kinds.py) and the author has an address
    assert (hides, notices, mails) == (1, 1, 1)


def test_concurrent_answers_get_distinct_positions(app, ctx):
    thread = make_thread()
    thread_id = thread.id
    answerer_ids = [make_user().id for _ in range(ANSWERERS)]
    db.session.rollback()

    def answer(user: User) -> None:
        questions.post_answer(actor=user, thread=db.session.get(Thread, thread_id),
                              body=f"Answer from {user.username}: restart the router.")

    assert _all_at_once(app, answerer_ids, answer) == []
    db.session.expire_all()
    positions = list(db.session.scalars(sa.select(Post.position).where(Post.thread_id == thread_id,
                                                                        Post.position > 0)))
    print(f"{ANSWERERS} concurrent answers -> {len(set(positions))} distinct positions")
    assert sorted(positions) == list(range(1, ANSWERERS + 1))
    assert db.session.get(Thread, thread_id).answer_count == ANSWERERS
    db.session.remove()
    runner = app.test_cli_runner()
    runner.invoke(args=["forum", "reindex", "--pending"])  # what the workers do every second
    result = runner.invoke(args=["forum", "reindex", "--check"])
    assert result.exit_code == 0, result.output  # 17 positions for 52 answers made the thread "stale"


def test_duplicate_positions_are_refused_by_the_database(app, ctx):
    """The last guard: even a writer that skips the service cannot give two answers one position."""
    thread = make_thread()
    first = make_answer(thread)
    duplicate = Post(thread_id=thread.id, author_id=first.author_id, position=first.position, body_md="x",
                     body_html="<p>x</p>")
    db.session.add(duplicate)
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()

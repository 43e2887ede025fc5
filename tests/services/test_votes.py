"""Votes: values, changes, withdrawal, self-votes, scores, reputation and concurrency on each backend."""
from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.errors import Conflict, Invalid, PermissionDenied
from forum.extensions import db
from forum.models import Post, ReputationEvent, Role, Thread, User, Vote
from forum.questions import services
from tests.factories import make_answer, make_thread, make_user


def _rep(user_id: int) -> int:
    return db.session.scalar(sa.select(User.reputation).where(User.id == user_id))


def _score(post_id: int) -> int:
    return db.session.scalar(sa.select(Post.score).where(Post.id == post_id))


def _events(user_id: int) -> list[tuple[int, str]]:
    return [tuple(row) for row in db.session.execute(
        sa.select(ReputationEvent.delta, ReputationEvent.reason).where(ReputationEvent.user_id == user_id)
        .order_by(ReputationEvent.id))]


def _give_rep(user: User, amount: int) -> None:
    db.session.execute(sa.update(User).where(User.id == user.id).values(reputation=amount))
    db.session.commit()


def test_answer_upvote_then_change_then_withdraw(ctx):
    author, voter = make_user(), make_user()
    answer = make_answer(make_thread(), author)
    _give_rep(author, 100)
    assert services.vote_post(actor=voter, post=answer, value=1) == (1, 1)
    assert (_score(answer.id), _rep(author.id)) == (1, 110)
    assert services.vote_post(actor=voter, post=answer, value=-1) == (-1, -1)
    assert (_score(answer.id), _rep(author.id)) == (-1, 98)
    assert services.vote_post(actor=voter, post=answer, value=0) == (0, 0)
    assert (_score(answer.id), _rep(author.id)) == (0, 100)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote)) == 0
    assert _events(author.id) == [(10, "vote"), (-12, "vote"), (2, "vote")]
    assert _rep(voter.id) == 1  # voting itself costs and earns nothing


def test_question_upvote_is_worth_five_and_moves_thread_score(ctx):
    asker = make_user()
    thread = make_thread(asker)
    services.vote_post(actor=make_user(), post=thread.question, value=1)
    services.vote_post(actor=make_user(), post=thread.question, value=1)
    db.session.expire_all()
    assert _rep(asker.id) == 11
    assert db.session.get(Thread, thread.id).score == 2 == _score(thread.question.id)
    services.vote_post(actor=make_user(), post=thread.question, value=-1)
    db.session.expire_all()
    assert _rep(asker.id) == 9 and db.session.get(Thread, thread.id).score == 1


def test_answer_votes_do_not_move_the_thread_score(ctx):
    thread = make_thread()
    answer = make_answer(thread)
    services.vote_post(actor=make_user(), post=answer, value=1)
    assert db.session.get(Thread, thread.id).score == 0 and _score(answer.id) == 1


def test_repeating_the_same_vote_changes_nothing(ctx):
    author, voter = make_user(), make_user()
    answer = make_answer(make_thread(), author)
    services.vote_post(actor=voter, post=answer, value=1)
    assert services.vote_post(actor=voter, post=answer, value=1) == (1, 1)
    assert services.vote_post(actor=make_user(), post=answer, value=0) == (1, 0)  # withdrawing nothing
    assert (_score(answer.id), _rep(author.id)) == (1, 11)
    assert len(_events(author.id)) == 1


def test_reputation_never_below_one(ctx):
    author = make_user()
    answer = make_answer(make_thread(), author)
    for _ in range(3):
        services.vote_post(actor=make_user(), post=answer, value=-1)
    assert _rep(author.id) == 1 and _score(answer.id) == -3
    _give_rep(author, 2)
    services.vote_post(actor=make_user(), post=answer, value=-1)
    assert _rep(author.id) == 1


def test_accepted_answer_adds_fifteen_on_top_of_votes(ctx):
    asker, author = make_user(), make_user()
    thread = make_thread(asker)
    answer = make_answer(thread, author)
    services.vote_post(actor=asker, post=answer, value=1)
    services.accept_answer(actor=asker, answer=answer)
    assert _rep(author.id) == 1 + 10 + 15
    assert _events(author.id) == [(10, "vote"), (15, "accepted")]


@pytest.mark.parametrize("value", [2, -2, "1", 0.5, None, True, False, "up", [1]])
def test_bad_vote_values(ctx, value):
    answer = make_answer(make_thread())
    with pytest.raises(Invalid) as error:
        services.vote_post(actor=make_user(), post=answer, value=value)
    assert "value" in error.value.fields
    assert _score(answer.id) == 0


@pytest.mark.parametrize("who, allowed", [
    ("visitor", False), ("author", False), ("suspended", False), ("member", True), ("staff", True),
    ("moderator", True), ("admin", True)])
def test_who_can_vote(ctx, who, allowed):
    author = make_user()
    answer = make_answer(make_thread(), author)
    if who == "visitor":
        actor = None
    elif who == "author":
        actor = author
    else:
        actor = make_user(role=Role.MEMBER if who in ("member", "suspended") else who)
        if who == "suspended":
            actor.suspended_until = clock.utcnow() + timedelta(days=1)
            db.session.commit()
    if allowed:
        assert services.vote_post(actor=actor, post=answer, value=1) == (1, 1)
    else:
        with pytest.raises(PermissionDenied) as error:
            services.vote_post(actor=actor, post=answer, value=1)
        if who == "author":
            assert "own post" in error.value.message
        assert _score(answer.id) == 0 and _rep(author.id) == 1


def test_score_moves_in_sql_not_from_a_stale_python_value(ctx):
    """Another process voted after this session loaded the post: its increment must survive ours."""
    author, voter = make_user(), make_user()
    answer = make_answer(make_thread(), author)
    post = db.session.get(Post, answer.id)
    post_id, author_id = post.id, author.id
    db.session.commit()  # release SQLite's write lock for the other connection
    with db.engine.begin() as conn:  # the other process, on its own connection
        conn.execute(sa.update(Post).where(Post.id == post_id).values(score=Post.score + 5))
        conn.execute(sa.update(User).where(User.id == author_id).values(reputation=User.reputation + 50))
    # this session still believes the old values, as a request that loaded them a moment earlier would
    db.session.refresh(post)
    db.session.refresh(author)
    db.session.refresh(voter)
    sa.orm.attributes.set_committed_value(post, "score", 0)
    sa.orm.attributes.set_committed_value(author, "reputation", 1)
    assert services.vote_post(actor=voter, post=post, value=1) == (6, 1)
    assert _rep(author_id) == 61


def test_unique_vote_per_user_and_post(ctx):
    answer = make_answer(make_thread())
    voter = make_user()
    services.vote_post(actor=voter, post=answer, value=1)
    db.session.add(Vote(user_id=voter.id, post_id=answer.id, value=1))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


# -- concurrency -------------------------------------------------------------------------------

VOTERS = 12


def _run_parallel(app, jobs) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                job()
            except BaseException as error:  # noqa: BLE001 - reported by the test
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def _setup(app, is_question: bool):
    with app.app_context():
        author = make_user()
        thread = make_thread(author)
        post = thread.question if is_question else make_answer(thread, author)
        voters = [make_user().id for _ in range(VOTERS)]
        return author.id, post.id, thread.id, voters


def _vote_job(user_id: int, post_id: int, value: int):
    def job():
        services.vote_post(actor=db.session.get(User, user_id), post=db.session.get(Post, post_id), value=value)
    return job


@pytest.mark.parametrize("is_question", [False, True])
def test_concurrent_upvotes_all_count(app, is_question):
    author_id, post_id, thread_id, voters = _setup(app, is_question)
    errors = _run_parallel(app, [_vote_job(uid, post_id, 1) for uid in voters])
    assert errors == []
    with app.app_context():
        per_vote = 5 if is_question else 10
        assert _score(post_id) == VOTERS
        assert _rep(author_id) == 1 + per_vote * VOTERS
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.post_id == post_id)) == VOTERS
        assert sum(delta for delta, _ in _events(author_id)) == per_vote * VOTERS
        if is_question:
            assert db.session.get(Thread, thread_id).score == VOTERS


def test_concurrent_mixed_votes_and_changes(app):
    """Half upvote, half downvote, then everyone flips at once: every change counts exactly."""
    author_id, post_id, _thread_id, voters = _setup(app, False)
    with app.app_context():
        _give_rep(db.session.get(User, author_id), 1000)
    ups, downs = voters[: VOTERS // 2], voters[VOTERS // 2:]
    assert _run_parallel(app, [_vote_job(u, post_id, 1) for u in ups] + [_vote_job(u, post_id, -1) for u in downs]) == []
    with app.app_context():
        assert _score(post_id) == 0
        assert _rep(author_id) == 1000 + 10 * len(ups) - 2 * len(downs)
    assert _run_parallel(app, [_vote_job(u, post_id, -1) for u in ups] + [_vote_job(u, post_id, 0) for u in downs]) == []
    with app.app_context():
        assert _score(post_id) == -len(ups)
        assert _rep(author_id) == 1000 - 2 * len(ups)


def test_double_click_from_one_user_counts_once(app):
    author_id, post_id, _thread_id, voters = _setup(app, False)
    errors = _run_parallel(app, [_vote_job(voters[0], post_id, 1) for _ in range(6)])
    assert errors == []
    with app.app_context():
        assert _score(post_id) == 1 and _rep(author_id) == 11


def test_concurrent_answers_all_counted(app):
    with app.app_context():
        thread_id = make_thread().id
        people = [make_user().id for _ in range(VOTERS)]

    def answer(user_id):
        def job():
            services.post_answer(actor=db.session.get(User, user_id), thread=db.session.get(Thread, thread_id),
                                 body=f"Answer from {user_id}")
        return job

    assert _run_parallel(app, [answer(uid) for uid in people]) == []
    with app.app_context():
        assert db.session.get(Thread, thread_id).answer_count == VOTERS
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Post)
                                 .where(Post.thread_id == thread_id, Post.position > 0)) == VOTERS


def test_concurrent_acceptance_leaves_one_answer_and_exact_reputation(app):
    """Staff and the asker accept different answers at once: one wins, and only its author keeps +15."""
    with app.app_context():
        asker = make_user()
        thread = make_thread(asker)
        answers = [make_answer(thread) for _ in range(6)]
        staff = [make_user(role=Role.STAFF).id for _ in range(5)]
        deciders = [asker.id, *staff]
        pairs = [(deciders[i], answers[i].id) for i in range(6)]
        thread_id, author_ids = thread.id, [a.author_id for a in answers]

    def accept(user_id, post_id):
        def job():
            with contextlib.suppress(Conflict):
                services.accept_answer(actor=db.session.get(User, user_id), answer=db.session.get(Post, post_id))
        return job

    assert _run_parallel(app, [accept(u, p) for u, p in pairs]) == []
    with app.app_context():
        thread = db.session.get(Thread, thread_id)
        winner = db.session.get(Post, thread.accepted_post_id)
        assert thread.status == "solved" and winner is not None
        reps = {uid: _rep(uid) for uid in author_ids}
        assert reps[winner.author_id] == 16
        assert all(rep == 1 for uid, rep in reps.items() if uid != winner.author_id)
        net = db.session.execute(sa.select(ReputationEvent.user_id, sa.func.sum(ReputationEvent.delta))
                                 .group_by(ReputationEvent.user_id)).all()
        assert {uid: total for uid, total in net if total} == {winner.author_id: 15}


def test_reputation_events_record_what_the_floor_let_through(ctx):
    """Summed per member, the events equal the reputation above the starting 1, even at the floor."""
    author = make_user("floored")
    answer = make_answer(make_thread(), author=author)
    voters = [make_user() for _ in range(3)]
    for voter in voters:
        services.vote_post(actor=voter, post=answer, value=-1)
    services.vote_post(actor=voters[0], post=answer, value=1)
    db.session.expire_all()
    total = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(ReputationEvent.delta), 0))
                              .where(ReputationEvent.user_id == author.id))
    assert db.session.get(User, author.id).reputation == 1 + total > 1

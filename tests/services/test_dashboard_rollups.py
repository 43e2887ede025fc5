"""The dashboard read from daily rollups equals a scan of the source tables, before and after `refresh-stats`,
after writes of every kind (marked days), as time passes (SLA deadlines), on SQLite and PostgreSQL; and it runs
the same handful of statements whatever the size of the data."""
from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.dashboard import read, rollups, stats
from forum.dashboard.period import parse_period
from forum.extensions import db
from forum.models import (AuditEntry, Category, DashboardDay, DashboardDirtyDay, Escalation, Flag, Idea,
                          IdeaStatusChange, IdeaVote, Post, Role, Thread, User)
from tests.conftest import count_queries, login_as
from tests.factories import make_user
from tests.services import dashboard_data
from tests.services.dashboard_data import NOW, _answer, _thread

PERIODS = ({"days": "7"}, {"days": "30"}, {"days": "90"}, {"days": "14"}, {"days": "7", "category": "general"},
           {"days": "30", "category": "other"}, {"days": "14", "category": "other"},
           {"since": "2026-02-01", "until": "2026-03-04"}, {"since": "2026-03-02", "until": "2026-03-10"})


def seed(rng: random.Random, questions: int, days: int = 60) -> None:
    """Random community activity over `days` days before NOW, through the ORM with explicit times."""
    categories = list(db.session.scalars(sa.select(Category)))
    users = list(db.session.scalars(sa.select(User)))
    staff = [user for user in users if user.is_staff]

    def moment():
        return NOW - timedelta(seconds=rng.randrange(days * 86400))

    for n in range(questions):
        asked = moment()
        thread = _thread(rng.choice(users), asked, category=rng.choice(categories), title=f"R{n} question",
                         hidden=rng.random() < .05)
        when = asked
        for _ in range(rng.choice((0, 0, 1, 2, 3))):
            when = when + timedelta(seconds=rng.randrange(1, 3 * 86400))
            if when >= NOW:
                break
            _answer(thread, rng.choice(users), when, accept=thread.accepted_post_id is None and rng.random() < .3,
                    hidden=rng.random() < .05)
        if rng.random() < .3:
            created = asked + timedelta(hours=rng.randrange(1, 48))
            if created < NOW:
                reply = created + timedelta(hours=rng.randrange(1, 60)) if rng.random() < .7 else None
                reply = reply if reply and reply < NOW else None
                db.session.add(Escalation(thread_id=thread.id, requested_by_id=thread.author_id, reason="help",
                                          status="resolved" if reply else "open", created_at=created,
                                          due_at=created + timedelta(hours=24), first_staff_reply_at=reply,
                                          resolved_at=reply and reply + timedelta(hours=1)))
        if rng.random() < .2:
            created = asked + timedelta(hours=rng.randrange(0, 30))
            if created < NOW:
                db.session.add(Flag(post_id=thread.posts[0].id, reporter_id=users[0].id, reason="spam",
                                    created_at=created, handled_at=created + timedelta(hours=2)
                                    if rng.random() < .6 else None))
                db.session.add(AuditEntry(actor_id=staff[0].id, action=rng.choice(("post.hide", "thread.lock")),
                                          target_type="post", target_id=thread.posts[0].id, created_at=created))
    for n in range(questions // 4):
        idea = Idea(title=f"Idea {n}", body_md="x", body_html="x", category_id=rng.choice(categories).id,
                    author_id=rng.choice(users).id, created_at=moment(), is_hidden=rng.random() < .1)
        db.session.add(idea)
        db.session.flush()
        voters = rng.sample(users, rng.randrange(0, len(users)))
        for user in voters:
            db.session.add(IdeaVote(idea_id=idea.id, user_id=user.id, created_at=moment()))
        idea.vote_count = len(voters)
        if rng.random() < .4:
            db.session.add(IdeaStatusChange(idea_id=idea.id, from_status="new", to_status="planned",
                                            actor_id=staff[0].id, created_at=moment()))
        if rng.random() < .2:
            created = moment()
            db.session.add(Escalation(idea_id=idea.id, requested_by_id=idea.author_id, reason="private",
                                      created_at=created, due_at=created + timedelta(hours=30)))
    db.session.commit()


@pytest.fixture
def seeded(ctx):
    ids = dashboard_data.build()
    seed(random.Random(21), 60)
    clock.freeze(NOW)
    return ids


def assert_same(now=NOW):
    for args in PERIODS:
        period = parse_period(args, now)
        assert read.dashboard(period, now) == stats.scan_dashboard(period, now), args


def test_live_rolled_up_and_marked_days_all_equal_a_scan(seeded):
    assert_same()                                     # nothing rolled up: every day from the source tables
    done = rollups.refresh_stats()
    assert done["days"] >= 60 and db.session.scalar(sa.select(sa.func.count()).select_from(DashboardDirtyDay)) == 0
    assert_same()                                     # every day from the rollups
    later = NOW + timedelta(hours=30)                 # escalations fall due: "decided" follows the clock
    assert_same(later)


def test_refresh_only_marked_days_keeps_the_rest(seeded):
    rollups.refresh_stats()
    old_day = NOW.date() - timedelta(days=20)
    stamp = db.session.scalar(sa.select(DashboardDay.computed_at).where(DashboardDay.day == old_day))
    clock.freeze(NOW + timedelta(minutes=5))
    rollups.refresh_stats()
    assert db.session.scalar(sa.select(DashboardDay.computed_at).where(
        DashboardDay.day == old_day)) == stamp                                   # past days are left alone
    clock.freeze(NOW)


def _writes(ids):
    """One write of each kind that changes a figure, through the services where one exists."""
    from forum.escalations import services as escalations
    from forum.ideas import services as ideas
    from forum.moderation import services as moderation
    from forum.questions import services as questions
    staff, moderator = db.session.get(User, ids["s1"]), make_user("mod2", role=Role.MODERATOR)
    member = db.session.get(User, ids["m2"])
    q3 = db.session.get(Thread, ids["q3"])
    yield "answer last week's question", {}, lambda: questions.post_answer(
        actor=staff, thread=db.session.get(Thread, ids["q7"]), body="Staff answer to an old question.")
    yield "accept an old answer", {}, lambda: questions.accept_answer(
        actor=db.session.get(User, q3.author_id), answer=db.session.scalars(
            sa.select(Post).where(Post.thread_id == q3.id, Post.position == 1)).one())
    yield "move a thread", {"category": "general"}, lambda: moderation.move_thread(
        actor=moderator, thread=q3, category="other")
    yield "hide an answer", {}, lambda: moderation.hide_post(actor=moderator, post=db.session.scalars(
        sa.select(Post).where(Post.thread_id == ids["q3"], Post.position == 1)).one())
    yield "hide a thread", {}, lambda: moderation.hide_thread(actor=moderator, thread=db.session.get(Thread, ids["q6"]))
    yield "withdraw an idea vote", {}, lambda: ideas.vote_idea(actor=member, idea=db.session.get(Idea, ids["i1"]),
                                                           value=0)
    yield "vote on an idea", {}, lambda: ideas.vote_idea(actor=moderator, idea=db.session.get(Idea, ids["i2"]), value=1)
    yield "set an idea's status", {}, lambda: ideas.set_idea_status(actor=staff, idea=db.session.get(Idea, ids["i2"]),
                                                                status="planned", note="Soon.")
    yield "resolve an escalation", {}, lambda: escalations.resolve_escalation(
        actor=staff, escalation=db.session.scalars(sa.select(Escalation).where(
            Escalation.thread_id == ids["q7"])).one(), note="Answered.")
    yield "hide an idea", {}, lambda: _orm_hide_idea(ids["i1"])


def _orm_hide_idea(idea_id):
    db.session.get(Idea, idea_id).is_hidden = True
    db.session.commit()


def test_a_write_shows_on_the_next_read(seeded):
    rollups.refresh_stats()
    for label, args, write in _writes(seeded):
        before = read.dashboard(parse_period({"days": "30", **args}, NOW), NOW)
        clock.freeze(NOW - timedelta(minutes=1))      # written before the read: nothing is dated after now
        write()
        clock.freeze(NOW)
        assert_same()
        assert read.dashboard(parse_period({"days": "30", **args}, NOW), NOW) != before, label
        rollups.refresh_stats()                       # and once stored, still the same
        assert_same()


def test_a_bulk_statement_marks_the_days_it_changes(seeded):
    rollups.refresh_stats()
    db.session.execute(sa.update(Thread).where(Thread.id == seeded["q3"]).values(first_answer_at=None))
    db.session.execute(sa.delete(IdeaVote).where(IdeaVote.idea_id == seeded["i1"]))
    db.session.commit()
    assert_same()


def test_a_transactions_marked_days_are_inserted_once_at_commit(seeded):
    """Issue 21: every statement of a write is a round trip on PostgreSQL. A thread already loaded names its own
    day (no SELECT), and the days of every flush and bulk statement go in one INSERT when the transaction
    commits."""
    rollups.refresh_stats()
    thread = db.session.get(Thread, seeded["q3"])
    with count_queries(db.engine) as statements:
        db.session.execute(sa.update(Thread).where(Thread.id == thread.id).values(first_answer_at=None))
        db.session.flush()
        db.session.get(Idea, seeded["i1"]).is_hidden = True
        db.session.flush()
        db.session.commit()
    marks = [text for text in statements if "INSERT INTO dashboard_dirty_days" in text]  # alone, or on
    assert len(marks) == 1, statements  # PostgreSQL with the commit's other bookkeeping (forum/commit_batch.py)
    assert not [text for text in statements if "created_at" in text and text.startswith("SELECT DISTINCT")
                and "FROM threads" in text], statements
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(DashboardDirtyDay.day)))) >= 2
    assert_same()


def test_a_rolled_back_write_marks_nothing(seeded):
    rollups.refresh_stats()
    db.session.get(Thread, seeded["q3"]).is_hidden = True
    db.session.flush()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DashboardDirtyDay)) == 0


def _statements(period_args):
    with count_queries(db.engine) as statements:
        read.dashboard(parse_period(period_args, NOW), NOW)
    return len(statements)


def test_statements_do_not_grow_with_the_data(ctx):
    dashboard_data.build()
    rollups.refresh_stats()
    small = [_statements({"days": days}) for days in ("7", "90")] + [_statements({"days": "30",
                                                                                   "category": "general"})]
    seed(random.Random(5), 200, days=120)
    clock.freeze(NOW)
    rollups.refresh_stats()
    large = [_statements({"days": days}) for days in ("7", "90")] + [_statements({"days": "30",
                                                                                   "category": "general"})]
    assert small == large and max(large) <= 6       # 5, and the category's lookup
    make_user("late")                                 # a write today: today is computed live, same statements
    _thread(db.session.get(User, 1), NOW - timedelta(minutes=5), category=db.session.get(Category, 1),
            title="late question")
    db.session.commit()
    assert _statements({"days": "7"}) == large[0]


def test_the_page_runs_a_handful_of_statements(app, client):
    with app.app_context():
        ids = dashboard_data.build_with_viewers()
        rollups.refresh_stats()
        engine = db.engine
    login_as(client, ids["staff"])
    client.get("/staff/dashboard?days=7")
    with count_queries(engine) as statements:
        assert client.get("/staff/dashboard?days=30").status_code == 200
    assert len(statements) <= 9, statements           # the dashboard's 5, the user, the category list, versions
    with count_queries(engine) as again:
        assert client.get("/staff/dashboard?days=30").status_code == 200
    assert len(again) <= 4, again                     # the figures are kept until a write or the next minute


def test_kept_figures_follow_a_write_at_once(app, client):
    with app.app_context():
        ids = dashboard_data.build_with_viewers()
        rollups.refresh_stats()
    clock.freeze(NOW)
    login_as(client, ids["staff"])
    before = client.get("/api/v1/stats?days=7").get_json()["figures"]["questions_asked"]["value"]
    with app.app_context():
        _thread(db.session.get(User, ids["staff"]), NOW - timedelta(minutes=5),
                category=db.session.get(Category, 1), title="a question asked just now")
        db.session.commit()
    after = client.get("/api/v1/stats?days=7").get_json()["figures"]["questions_asked"]["value"]
    assert after == before + 1


def test_refresh_stats_command(app):
    with app.app_context():
        dashboard_data.build()
        clock.freeze(NOW)
    result = app.test_cli_runner().invoke(args=["forum", "refresh-stats"])
    assert result.exit_code == 0 and "Rolled up" in result.output
    with app.app_context():
        rolled = db.session.scalar(sa.select(sa.func.count()).select_from(DashboardDay).where(
            DashboardDay.category_id == rollups.NO_CATEGORY))
        assert rolled == (NOW.date() - dashboard_data.at(20, month=2).date()).days + 1   # the oldest question on
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DashboardDirtyDay)) == 0
    again = app.test_cli_runner().invoke(args=["forum", "refresh-stats"])
    assert "Rolled up 2 days" in again.output        # today and yesterday only
    full = app.test_cli_runner().invoke(args=["forum", "refresh-stats", "--all"])
    assert f"Rolled up {rolled} days" in full.output


def test_percentiles_match_percentile_cont():
    from forum.dashboard.read import percentile
    assert percentile([], .5) is None
    assert [percentile(sorted(values), .5) for values in ([5], [1, 2], [10, 20, 30, 40], [3, 1, 2, 100, 7, 7])] == [
        5, 1.5, 25, 5]
    assert round(percentile([1, 2, 3, 7, 7, 100], .9), 6) == 53.5

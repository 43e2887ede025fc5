"""Pinned threads first on the home page and every question list (issue 18), read from an index in that order."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum.clock import utcnow
from forum.extensions import db
from forum.models import Role, Thread, User
from forum.moderation.services import pin_thread
from forum.questions.queries import ListFilters, list_questions
from tests.conftest import login_as
from tests.factories import make_answer, make_thread, make_user


@pytest.fixture
def forum(app):
    """Twelve questions; the oldest, least active, lowest scored one is pinned: it would be buried at row 12."""
    with app.app_context():
        moderator = make_user("mod", role=Role.MODERATOR)
        threads = [make_thread(title=f"Question number {n} about the hub", tags=["hub"]) for n in range(12)]
        long_ago = utcnow() - timedelta(days=30)
        for n, thread in enumerate(threads):
            thread.created_at = thread.last_activity_at = long_ago + timedelta(hours=n)
            thread.score = n
        db.session.commit()
        known_issue = threads[0]
        pin_thread(actor=moderator, thread=known_issue)
        make_answer(threads[5])  # answered: not on the unanswered list
        return {"pinned": known_issue.id, "moderator": moderator.id}


@pytest.mark.parametrize("args", [{}, {"sort": "newest"}, {"sort": "top"}, {"status": "unsolved"}, {"tag": "hub"},
                                  {"category": "general"}, {"sort": "top", "page": "1", "per_page": "5"}])
def test_pinned_thread_comes_first(ctx, forum, args):
    for viewer in (None, db.session.get(Thread, forum["pinned"]).author):
        page = list_questions(ListFilters.from_args(args), viewer)
        assert page.items[0].id == forum["pinned"], (args, [t.id for t in page.items])
        assert [t.id for t in page.items].count(forum["pinned"]) == 1


def test_pinned_first_for_moderators_too(ctx, forum):
    moderator = db.session.get(User, forum["moderator"])
    assert list_questions(ListFilters.from_args({}), moderator).items[0].id == forum["pinned"]


def test_the_last_page_is_still_the_oldest_unpinned(ctx, forum):
    """Pages read from the far end (past the middle) reverse the order: the pinned row must not move there."""
    page = list_questions(ListFilters.from_args({"page": "3", "per_page": "5"}), None)
    assert forum["pinned"] not in [t.id for t in page.items]
    assert [t.title for t in page.items] == ["Question number 2 about the hub", "Question number 1 about the hub"]


def test_unanswered_keeps_its_own_order(ctx, forum):
    """The unanswered list is a queue for helpers: oldest-waiting order by creation, pinned or not."""
    page = list_questions(ListFilters.from_args({"sort": "unanswered"}), None)
    assert page.items[0].id != forum["pinned"]


def test_home_page_shows_the_pinned_thread_first(client, forum):
    page = client.get("/").get_data(as_text=True)
    rows = re.findall(r'<li class="q-row[^"]*"', page)
    assert "q-row--pinned" in rows[0] and all("q-row--pinned" not in row for row in rows[1:])


def test_the_page_order_is_read_from_an_index(app, client, forum, backend):
    """No sort step: the ids of a page come in index order for visitors and moderators (at a million threads a
    sort of every visible row would be the cost of the page)."""
    if backend != "sqlite":
        pytest.skip("SQLite's EXPLAIN QUERY PLAN names the sort step; test_query_plans covers PostgreSQL")
    with app.app_context():
        engine = db.engine
    for user_id in (None, forum["moderator"]):
        if user_id:
            login_as(client, user_id)
        for args in ("", "?sort=newest", "?sort=top"):
            statements: list[tuple[str, tuple]] = []
            # removed again within this iteration, so it reads this iteration's list
            listener = lambda conn, cursor, statement, parameters, *rest: statements.append((statement, parameters))  # noqa: B023
            sa.event.listen(engine, "before_cursor_execute", listener)
            try:
                assert client.get(f"/questions{args}").status_code == 200
            finally:
                sa.event.remove(engine, "before_cursor_execute", listener)
            ids = [(s, p) for s, p in statements if re.match(r"\s*SELECT threads\.id\s+FROM threads", s)
                   and "ORDER BY threads.is_pinned" in s]
            assert ids, (args, [s for s, _ in statements])
            with engine.connect() as conn:
                for statement, parameters in ids:
                    plan = " | ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                                                             parameters))
                    assert "TEMP B-TREE" not in plan and "USING" in plan, (args, user_id, plan)


@pytest.mark.parametrize("reader", ["nl", "en"])
def test_pinned_first_for_a_reader_whose_language_comes_first(ctx, forum, reader):
    """The reader's language leads the list (issue 20), but a pinned known issue in another language still leads
    it: pinned threads are a run of their own ahead of both languages, on page 1 only."""
    dutch = [make_thread(title=f"Vraag nummer {n} over de hub") for n in range(3)]
    for thread in dutch:
        thread.language = "nl"
    db.session.commit()
    if reader == "en":  # the pinned one in the other language: Dutch
        db.session.get(Thread, forum["pinned"]).language = "nl"
        db.session.commit()
    for args in ({}, {"sort": "newest"}, {"sort": "top"}, {"tag": "hub"}):
        filters = ListFilters.from_args({**args, "per_page": "5"})
        filters.prefer = reader
        first = list_questions(filters, None)
        assert first.items[0].id == forum["pinned"], (reader, args, [t.title for t in first.items])
        rest = [t.id for n in range(2, 5) for t in list_questions(
            ListFilters(**{**filters.__dict__, "page": n}), None).items]
        assert forum["pinned"] not in rest
    everything = ListFilters.from_args({"per_page": "100"})
    everything.prefer = reader
    ids = [t.id for t in list_questions(everything, None).items]
    assert ids[0] == forum["pinned"] and len(ids) == len(set(ids)) == 15
    unanswered = ListFilters.from_args({"sort": "unanswered"})
    unanswered.prefer = reader
    assert list_questions(unanswered, None).items[0].id != forum["pinned"]  # its own order, as without languages


def test_a_dutch_reader_sees_the_english_known_issue_first_on_the_home_page(app, client, forum):
    with app.app_context():
        thread = make_thread(title="Vraag over de hub die nieuw is")
        thread.language = "nl"
        db.session.commit()
    page = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    rows = re.findall(r'<li class="q-row[^"]*"', page)
    assert "q-row--pinned" in rows[0]

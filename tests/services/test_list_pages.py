"""Question and idea lists read past their middle from the far end, and count once per change: the pages must
still join up to exactly the whole list, in order, ties included, and the totals must follow every write."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum import clock
from forum.extensions import db
from forum.ideas import services as ideas
from forum.models import Post, Role, Thread, User
from forum.moderation import services as moderation
from forum.questions import services as questions
from tests.factories import make_answer, make_idea, make_thread, make_user

QUESTION_QUERIES = ["sort=active", "sort=newest", "sort=top", "sort=unanswered", "category=other",
                    "category=other&sort=top", "tag=wifi", "status=unsolved"]
IDEA_QUERIES = ["sort=top", "sort=new", "sort=trending", "category=other&sort=trending", "status=new"]


def _all_pages(client, url: str, per_page: int) -> tuple[list[int], int]:
    ids, page, total = [], 1, None
    while True:
        body = client.get(f"{url}&per_page={per_page}&page={page}").get_json()
        assert body["page"] == page and body["per_page"] == per_page
        total = body["total"] if total is None else total
        ids += [item["id"] for item in body["items"]]
        if page * per_page >= total:
            return ids, total
        page += 1


def _build_questions(app) -> None:
    """45 questions, many sharing a timestamp and a score, so only the id breaks their ties."""
    with app.app_context():
        _make_questions()


def _make_questions() -> None:
    moment = datetime(2026, 10, 1, 12, 0)
    author = make_user()
    for number in range(45):
        clock.freeze(moment + timedelta(minutes=number // 6))
        thread = make_thread(author, category="other" if number % 3 == 0 else "general",
                             tags=["wifi"] if number % 2 else [])
        if number % 4 == 0:
            make_answer(thread, make_user())
    clock.freeze(None)


@pytest.mark.parametrize("per_page", [7, 20])
def test_question_pages_join_up_to_the_whole_list(app, client, per_page):
    _build_questions(app)
    for query in QUESTION_QUERIES:
        whole = client.get(f"/api/v1/questions?{query}&per_page=100").get_json()
        paged, total = _all_pages(client, f"/api/v1/questions?{query}", per_page)
        assert total == whole["total"] == len(whole["items"]), query
        assert paged == [item["id"] for item in whole["items"]], query


def test_question_list_total_follows_writes(app, client):
    def total(query: str = "") -> int:
        return client.get(f"/api/v1/questions?{query}").get_json()["total"]

    with app.app_context():
        author_id = make_user().id
        thread_ids = [make_thread(db.session.get(User, author_id)).id for _ in range(3)]
    assert total() == 3 and total("sort=unanswered") == 3
    with app.app_context():
        make_thread(db.session.get(User, author_id))
    assert total() == 4
    with app.app_context():
        answer_id = make_answer(db.session.get(Thread, thread_ids[0]), make_user()).id
    assert total("sort=unanswered") == 3 and total("status=solved") == 0
    with app.app_context():
        questions.accept_answer(actor=db.session.get(User, author_id), answer=db.session.get(Post, answer_id))
    assert total("status=solved") == 1 and total("status=unsolved") == 3
    with app.app_context():
        moderation.hide_thread(actor=make_user(role=Role.MODERATOR), thread=db.session.get(Thread, thread_ids[1]))
    assert total() == 3


def test_the_html_list_shows_the_excerpt_and_the_last_page(app, client):
    with app.app_context():
        author = make_user()
        make_thread(author, title="Where is the reset button?",
                    body="It is *under* the hub.\n\nPress it for ten seconds " + "and wait " * 40)
        for _ in range(25):
            make_thread(author)
    first = client.get("/questions?sort=newest").get_data(as_text=True)
    last = client.get("/questions?sort=newest&page=2").get_data(as_text=True)
    assert "Where is the reset button?" not in first and "Where is the reset button?" in last
    assert "It is under the hub. Press it for ten seconds and wait" in last  # paragraphs apart, tags gone
    assert "<em>" not in last.split("Where is the reset button?")[1].split("</li>")[0]


def _build_ideas(app) -> int:
    """30 ideas; some voted on this week (trending), some long ago, several with equal votes and times.
    Returns the id of the one that must lead the trending list."""
    with app.app_context():
        return _make_ideas()


def _make_ideas() -> int:
    long_ago = datetime(2026, 1, 5, 9, 0)
    voters = [make_user() for _ in range(4)]
    made = []
    for number in range(30):
        clock.freeze(long_ago + timedelta(hours=number // 5))
        made.append(make_idea(category="other" if number % 3 == 0 else "general"))
    for number, idea in enumerate(made):
        if number % 4 == 0:
            clock.freeze(long_ago + timedelta(days=3))
            ideas.vote_idea(actor=voters[0], idea=idea, value=1)
        if number % 5 == 0:
            clock.freeze(None)  # votes "now": these ideas trend
            for voter in voters[: 1 + number % 3]:
                ideas.vote_idea(actor=voter, idea=idea, value=1)
    clock.freeze(None)
    # number 5 has three votes this week; 20 has three in all but one of them is old
    return made[5].id


@pytest.mark.parametrize("per_page", [4, 20])
def test_idea_pages_join_up_to_the_whole_list(app, client, per_page):
    leader = _build_ideas(app)
    for query in IDEA_QUERIES:
        whole = client.get(f"/api/v1/ideas?{query}&per_page=100").get_json()
        paged, total = _all_pages(client, f"/api/v1/ideas?{query}", per_page)
        assert total == whole["total"] == len(whole["items"]), query
        assert paged == [item["id"] for item in whole["items"]], query
    trending = client.get("/api/v1/ideas?sort=trending&per_page=100").get_json()["items"]
    assert trending[0]["id"] == leader


def test_the_idea_board_shows_the_excerpt_and_loads_no_body(app, client):
    from tests.conftest import count_queries, login_as
    with app.app_context():
        author = make_user()
        author_id = author.id
        make_idea(author, title="Night mode for the app", body="A *dark* theme.\n\nFor late " + "reading " * 40)
    html = client.get("/ideas?sort=new").get_data(as_text=True)
    row = html.split(">Night mode for the app</a>")[1].split("</li>")[0]
    assert "A dark theme. For late reading" in row and "<em>" not in row  # paragraphs apart, tags gone
    login_as(client, author_id)  # a member's page is never served from the page cache: its statements run
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        assert "A dark theme. For late reading" in client.get("/ideas?sort=new").get_data(as_text=True)
    board = [s for s in statements if "FROM ideas" in s and "ideas.title" in s]
    assert board and not [s for s in board if "body_html" in s]


@pytest.mark.parametrize("current, last, shown", [
    (1, 1, [1]), (1, 3, [1, 2, 3]), (1, 9, [1, 2, 3, None, 9]), (5, 9, [1, None, 3, 4, 5, 6, 7, None, 9]),
    (4, 9, [1, 2, 3, 4, 5, 6, None, 9]), (9, 9, [1, None, 7, 8, 9]), (2500, 5000, [1, None, 2498, 2499, 2500, 2501,
                                                                                   2502, None, 5000])])
def test_page_links_show_the_ends_and_a_window_around_the_current_page(current, last, shown):
    from forum.pagination import page_numbers
    assert page_numbers(current, last) == shown

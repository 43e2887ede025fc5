"""Idea pages: board, submit form, no-JS and JS voting, comments, staff status and merge forms, roadmap,
top participants, similar ideas and the staff export page."""
from __future__ import annotations

import csv
import html
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.demo import SITE as DEMO_SITE
from forum.extensions import db
from forum.ideas import services
from forum.models import Idea, IdeaComment, IdeaVote, Role, User
from tests.conftest import login_as
from tests.factories import make_category, make_idea, make_user, set_site

WHO = ("visitor", "member", "author", "suspended", "staff", "moderator", "admin")


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def data(app):
    """Ids only: the client runs without an app context."""
    with app.app_context():
        make_category("app", "App & Account")
        author = make_user("author")
        idea = make_idea(author, title="Dark mode for the mobile app", category="app")
        suspended = make_user("suspended")
        suspended.suspended_until = clock.utcnow() + timedelta(days=3)
        db.session.commit()
        return {"idea": idea.id, "visitor": None, "author": author.id, "member": make_user("member").id,
                "suspended": suspended.id, "staff": make_user("staff", role=Role.STAFF).id,
                "moderator": make_user("moderator", role=Role.MODERATOR).id,
                "admin": make_user("admin", role=Role.ADMIN).id}


def _as(client, data, who):
    if data[who] is not None:
        login_as(client, data[who])


def _idea(app, idea_id) -> Idea:
    with app.app_context():
        idea = db.session.get(Idea, idea_id)
        db.session.expunge(idea)
        return idea


# -- board and pages ------------------------------------------------------------------------------------------

def test_board_lists_ideas_with_status_badges_sorts_and_filters(app, client, data):
    with app.app_context():
        other = make_idea(title="Battery level on the home screen").id
        services.set_idea_status(actor=db.session.get(User, data["staff"]),
                                 idea=db.session.get(Idea, other), status="planned", note="Next quarter.")
    page = _text(client.get("/ideas"))
    assert "Dark mode for the mobile app" in page and "Battery level on the home screen" in page
    assert 'class="idea-status idea-status--planned' in page
    assert 'href="/ideas/roadmap"' in page and 'href="/ideas/top-participants"' in page
    planned = _text(client.get("/ideas?status=planned"))
    assert "Battery level" in planned and "Dark mode" not in planned
    assert "Battery level" not in _text(client.get("/ideas?category=app"))
    for sort in ("top", "trending", "new", "nonsense"):
        assert client.get(f"/ideas?sort={sort}").status_code == 200


def test_idea_page_shows_body_history_and_no_staff_forms_for_members(client, data):
    login_as(client, data["member"])
    page = _text(client.get(f"/ideas/{data['idea']}"))
    assert "Dark mode for the mobile app" in page and "Status history" in page
    assert "Staff: update status" not in page and "Staff: merge" not in page
    assert client.get("/ideas/999999").status_code == 404


def test_staff_sees_status_and_merge_forms(client, data):
    login_as(client, data["staff"])
    page = _text(client.get(f"/ideas/{data['idea']}"))
    assert "Staff: update status" in page and "Staff: merge duplicate" in page


def test_roadmap_and_top_participants_render(client, data):
    assert "Roadmap" in _text(client.get("/ideas/roadmap"))
    page = _text(client.get("/ideas/top-participants"))
    assert "Idea contributors" in page and "Top answerers" in page and "author" in page
    assert client.get("/ideas/top-participants?month=garbage").status_code == 200


def test_similar_ideas_json(client, data):
    body = client.get("/ideas/similar?q=dark+mode+please").get_json()
    assert body["items"] == [{"id": data["idea"], "title": "Dark mode for the mobile app",
                              "url": f"/ideas/{data['idea']}", "status": "new", "vote_count": 0}]
    assert client.get("/ideas/similar?q=").get_json() == {"items": []}


# -- submitting -----------------------------------------------------------------------------------------------

def test_submit_form_creates_idea_and_redirects(app, client, data):
    login_as(client, data["member"])
    assert client.get("/ideas/new").status_code == 200
    response = client.post("/ideas/new", data={"title": "Widgets for the home screen", "body": "Like *this*",
                                               "category": "app"})
    assert response.status_code == 302
    with app.app_context():
        idea = db.session.scalar(sa.select(Idea).where(Idea.title == "Widgets for the home screen"))
        assert response.headers["Location"].endswith(f"/ideas/{idea.id}")
        assert "<em>this</em>" in idea.body_html


def test_submit_form_keeps_input_and_shows_errors(client, data):
    login_as(client, data["member"])
    response = client.post("/ideas/new", data={"title": "Short", "body": "My long <description>", "category": ""})
    assert response.status_code == 422
    page = _text(response)
    assert "at least 10 characters" in page and "Choose a category" in page
    assert 'value="Short"' in page and "My long <description>" in page


def test_visitor_is_sent_to_login(client, data):
    response = client.get("/ideas/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post(f"/ideas/{data['idea']}/vote", data={"value": "1"}).status_code == 302


# -- voting ---------------------------------------------------------------------------------------------------

def test_vote_without_javascript_redirects_back(app, client, data):
    login_as(client, data["member"])
    response = client.post(f"/ideas/{data['idea']}/vote", data={"value": "1", "next": "/ideas?sort=new"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/ideas?sort=new")
    assert _idea(app, data["idea"]).vote_count == 1
    page = _text(client.get(f"/ideas/{data['idea']}"))
    assert 'aria-pressed="true"' in page and 'name="value" value="0"' in page  # the next click withdraws


def test_vote_refuses_offsite_next(client, data):
    login_as(client, data["member"])
    response = client.post(f"/ideas/{data['idea']}/vote", data={"value": "1", "next": "//evil.example"})
    assert response.headers["Location"].endswith(f"/ideas/{data['idea']}")


def test_vote_with_javascript_answers_json(app, client, data):
    login_as(client, data["member"])
    headers = {"Accept": "application/json"}
    assert client.post(f"/ideas/{data['idea']}/vote", data={"value": "1"}, headers=headers).get_json() == {
        "vote_count": 1, "my_vote": 1}
    assert client.post(f"/ideas/{data['idea']}/vote", data={"value": "1"}, headers=headers).get_json() == {
        "vote_count": 1, "my_vote": 1}
    assert client.post(f"/ideas/{data['idea']}/vote", data={"value": "0"}, headers=headers).get_json() == {
        "vote_count": 0, "my_vote": 0}
    bad = client.post(f"/ideas/{data['idea']}/vote", data={"value": "5"}, headers=headers)
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("who, allowed", [("member", True), ("author", True), ("suspended", False),
                                          ("staff", True), ("moderator", True), ("admin", True)])
def test_who_can_vote(app, client, data, who, allowed):
    _as(client, data, who)
    response = client.post(f"/ideas/{data['idea']}/vote", data={"value": "1"}, headers={"Accept": "application/json"})
    assert response.status_code == (200 if allowed else 403)
    assert _idea(app, data["idea"]).vote_count == (1 if allowed else 0)


# -- comments -------------------------------------------------------------------------------------------------

def test_comment_posts_and_errors_keep_the_text(app, client, data):
    login_as(client, data["member"])
    response = client.post(f"/ideas/{data['idea']}/comments", data={"body": "Yes, **please**"})
    assert response.status_code == 302 and "#comment-" in response.headers["Location"]
    assert "<strong>please</strong>" in _text(client.get(f"/ideas/{data['idea']}"))
    bad = client.post(f"/ideas/{data['idea']}/comments", data={"body": "x"})
    assert bad.status_code == 422 and "at least 2 characters" in _text(bad)


def test_staff_pins_official_comment_and_members_cannot(app, client, data):
    with app.app_context():
        staff = db.session.get(User, data["staff"])
        comment_id = services.comment_on_idea(actor=staff, idea=db.session.get(Idea, data["idea"]),
                                              body="Official word").id
    login_as(client, data["member"])
    assert client.post(f"/ideas/comments/{comment_id}/pin", data={"pinned": "1"}).status_code == 403
    login_as(client, data["staff"])
    assert client.post(f"/ideas/comments/{comment_id}/pin", data={"pinned": "1"}).status_code == 302
    with app.app_context():
        assert db.session.get(IdeaComment, comment_id).is_pinned
    page = _text(client.get(f"/ideas/{data['idea']}"))
    assert "Official response" in page and "Pinned" in page and "Unpin" in page


# -- status and merge -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, allowed", [("visitor", False), ("member", False), ("author", False),
                                          ("suspended", False), ("staff", True), ("moderator", True),
                                          ("admin", True)])
def test_who_can_set_status(app, client, data, who, allowed):
    _as(client, data, who)
    response = client.post(f"/ideas/{data['idea']}/status", data={"status": "planned", "note": "Next quarter"})
    if who == "visitor":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == (302 if allowed else 403)
    assert _idea(app, data["idea"]).status == ("planned" if allowed else "new")


def test_status_form_errors_come_back_with_the_input(app, client, data):
    login_as(client, data["staff"])
    response = client.post(f"/ideas/{data['idea']}/status", data={"status": "declined", "note": ""})
    assert response.status_code == 422 and "Explain the decision to move it to declined" in _text(response)
    response = client.post(f"/ideas/{data['idea']}/status", data={"status": "teleported", "note": "kept text"})
    assert response.status_code == 422 and "kept text" in _text(response)
    assert _idea(app, data["idea"]).status == "new"


def test_status_change_shows_in_history(app, client, data):
    with app.app_context():
        set_site(company_name=DEMO_SITE["company_name"])
    login_as(client, data["staff"])
    client.post(f"/ideas/{data['idea']}/status", data={"status": "under_review", "note": "Looking at it"})
    page = _text(client.get(f"/ideas/{data['idea']}"))
    assert "Looking at it" in page and f"Response from the {DEMO_SITE['company_name']} team" in page


def test_merge_form(app, client, data):
    with app.app_context():
        target = make_idea(title="Night theme for all screens").id
    login_as(client, data["member"])
    assert client.post(f"/ideas/{data['idea']}/merge", data={"into": str(target), "note": "Same."}).status_code == 403
    login_as(client, data["staff"])
    itself = client.post(f"/ideas/{data['idea']}/merge", data={"into": str(data["idea"]), "note": "Same."})
    assert itself.status_code == 422 and "cannot be merged into itself" in _text(itself)
    response = client.post(f"/ideas/{data['idea']}/merge", data={"into": str(target), "note": "Same."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ideas/{target}")
    assert "was merged into" in _text(client.get(f"/ideas/{data['idea']}"))
    again = client.post(f"/ideas/{data['idea']}/merge", data={"into": str(target), "note": "Same."})
    assert again.status_code == 409 and "already merged" in _text(again)


# -- export page ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, allowed", [("member", False), ("author", False), ("suspended", False),
                                          ("staff", True), ("moderator", True), ("admin", True)])
def test_who_can_export(client, data, who, allowed):
    _as(client, data, who)
    assert client.get("/staff/ideas/export").status_code == (200 if allowed else 403)
    assert client.get("/staff/ideas/export/download?format=csv").status_code == (200 if allowed else 403)


def test_visitor_export_goes_to_login(client, data):
    assert "/login" in client.get("/staff/ideas/export/download").headers["Location"]


def test_export_download_csv(app, client, data):
    with app.app_context():
        member = db.session.get(User, data["member"])
        services.vote_idea(actor=member, idea=db.session.get(Idea, data["idea"]), value=1)
    login_as(client, data["staff"])
    response = client.get("/staff/ideas/export/download?format=csv&status=new&category=app&limit=5")
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.is_streamed
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(row["id"], row["votes"]) for row in rows] == [(str(data["idea"]), "1")]


def test_export_download_bad_filters_show_the_form(client, data):
    login_as(client, data["staff"])
    response = client.get("/staff/ideas/export/download?format=csv&status=bogus&since=2026-99-01")
    assert response.status_code == 422
    page = _text(response)
    assert "Unknown status" in page and "YYYY-MM-DD" in page
    login_as(client, data["member"])
    assert client.get("/staff/ideas/export/download?status=bogus").status_code == 403


def test_vote_count_on_db_matches_rows(app, client, data):
    for who in ("member", "staff", "admin"):
        login_as(client, data[who])
        client.post(f"/ideas/{data['idea']}/vote", data={"value": "1"})
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count()).where(IdeaVote.idea_id == data["idea"]))
    assert rows == _idea(app, data["idea"]).vote_count == 3


def test_roadmap_columns_are_bounded_and_link_to_the_rest(app, client):
    from forum.ideas.queries import ROADMAP_LIMIT
    with app.app_context():
        staff, author = make_user(role=Role.STAFF), make_user()
        for n in range(ROADMAP_LIMIT + 3):
            services.set_idea_status(actor=staff, idea=make_idea(author, title=f"Planned idea number {n}"),
                                     status="planned", note="Next quarter.")
    page = client.get("/ideas/roadmap").get_data(as_text=True)
    assert page.count('class="roadmap__card"') == ROADMAP_LIMIT
    assert f"See all {ROADMAP_LIMIT + 3} planned ideas" in page
    assert "/ideas?status=planned&amp;sort=top" in page
    listed = client.get("/ideas?status=planned&sort=top").get_data(as_text=True)
    assert f"Planned idea number {ROADMAP_LIMIT + 2}" in listed

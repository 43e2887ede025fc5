"""Following ideas like threads (issue 16, item 3): the Watch / Watching button on the idea page and the board,
the settings list of everything followed with one-click unfollow, and voting that follows unless turned off."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from forum import lookup
from forum.extensions import db
from forum.ideas import services as ideas
from forum.models import Notification, Role, Subscription
from tests.conftest import login_as
from tests.factories import make_idea, make_thread, make_user


def _watching(app, user_id: int, idea_id: int) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(Subscription.id).where(
            Subscription.user_id == user_id, Subscription.idea_id == idea_id)) is not None


@pytest.fixture
def data(app):
    with app.app_context():
        author, member, staff = make_user("author"), make_user("member"), make_user("staff1", role=Role.STAFF)
        idea = make_idea(author, title="Dark mode for the app", category="app-and-account")
        other = make_idea(author, title="Export thermostat history to CSV", category="app-and-account")
        thread = make_thread(author, title="Hub drops offline every night")
        return {"author": author.id, "member": member.id, "staff": staff.id, "idea": idea.id, "other": other.id,
                "thread": thread.id}


def test_the_idea_page_has_a_watch_button_that_works_without_javascript(client, app, data):
    login_as(client, data["member"])
    page = client.get(f"/ideas/{data['idea']}").get_data(as_text=True)
    assert f'action="/ideas/{data["idea"]}/watch"' in page and 'aria-pressed="false"' in page
    response = client.post(f"/ideas/{data['idea']}/watch")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/ideas/{data['idea']}")
    assert _watching(app, data["member"], data["idea"])
    page = client.get(f"/ideas/{data['idea']}").get_data(as_text=True)
    assert f'action="/ideas/{data["idea"]}/unwatch"' in page and "Watching" in page
    client.post(f"/ideas/{data['idea']}/unwatch")
    assert not _watching(app, data["member"], data["idea"])


def test_with_javascript_the_button_answers_json(client, app, data):
    login_as(client, data["member"])
    response = client.post(f"/ideas/{data['idea']}/watch", headers={"Accept": "application/json"})
    assert response.get_json() == {"watching": True}
    response = client.post(f"/ideas/{data['idea']}/unwatch", headers={"Accept": "application/json"})
    assert response.get_json() == {"watching": False}


def test_the_board_shows_each_ideas_watch_state(client, app, data):
    with app.app_context():
        from forum.models import User
        ideas_member = db.session.get(User, data["member"])
        from forum.notifications import services
        services.start_watching(actor=ideas_member, idea=lookup.get_idea(data["other"], ideas_member))
    login_as(client, data["member"])
    page = client.get("/ideas?sort=new").get_data(as_text=True)
    assert f'action="/ideas/{data["other"]}/unwatch"' in page
    assert f'action="/ideas/{data["idea"]}/watch"' in page
    assert len(re.findall(r"js/watch[.\w]*\.js", page)) == 1  # one script for every button on the page


def test_visitors_see_no_watch_button_and_cannot_watch(client, data):
    assert "/watch" not in client.get(f"/ideas/{data['idea']}").get_data(as_text=True)
    response = client.post(f"/ideas/{data['idea']}/watch")
    assert response.status_code in (302, 401)


def test_watching_a_missing_idea_is_a_404(client, data):
    login_as(client, data["member"])
    assert client.post("/ideas/999999/watch").status_code == 404


def test_voting_follows_unless_turned_off(ctx, data):
    from forum.models import User
    member = db.session.get(User, data["member"])
    ideas.vote_idea(actor=member, idea=lookup.get_idea(data["idea"], member), value=1)
    assert db.session.scalar(sa.select(Subscription.id).where(Subscription.user_id == member.id,
                                                              Subscription.idea_id == data["idea"]))
    from forum.notifications import services
    services.set_follow_on_vote(actor=member, follow=False)
    member = db.session.get(User, data["member"])
    ideas.vote_idea(actor=member, idea=lookup.get_idea(data["other"], member), value=1)
    assert db.session.scalar(sa.select(Subscription.id).where(Subscription.user_id == member.id,
                                                              Subscription.idea_id == data["other"])) is None
    staff = db.session.get(User, data["staff"])
    ideas.set_idea_status(actor=staff, idea=lookup.get_idea(data["other"], staff), status="under_review",
                          note="Looking into it.")
    told = set(db.session.scalars(sa.select(Notification.user_id).where(Notification.idea_id == data["other"],
                                                                        Notification.kind == "idea_status")))
    assert member.id not in told and data["author"] in told


def test_a_voter_who_stops_watching_hears_no_more(ctx, data):
    from forum.models import User
    from forum.notifications import services
    member = db.session.get(User, data["member"])
    idea = lookup.get_idea(data["idea"], member)
    ideas.vote_idea(actor=member, idea=idea, value=1)
    services.stop_watching(actor=member, idea=idea)
    staff = db.session.get(User, data["staff"])
    ideas.set_idea_status(actor=staff, idea=lookup.get_idea(data["idea"], staff), status="under_review", note="Soon.")
    assert not db.session.scalar(sa.select(Notification.id).where(Notification.user_id == member.id,
                                                                  Notification.kind == "idea_status"))


def test_the_settings_list_every_followed_thread_and_idea_with_unfollow(client, app, data):
    login_as(client, data["author"])  # the author follows their two ideas and their question
    settings = client.get("/settings").get_data(as_text=True)
    assert "Dark mode for the app" in settings and "Hub drops offline every night" in settings
    page = client.get("/settings/following").get_data(as_text=True)
    assert page.count("Unfollow") == 3 and "3 questions and ideas" in page
    response = client.post(f"/ideas/{data['idea']}/unwatch", data={"next": "/settings/following"})
    assert response.headers["Location"].endswith("/settings/following")
    response = client.post(f"/questions/{data['thread']}/unwatch", data={"next": "//evil.example/x"})
    assert "evil" not in response.headers["Location"]
    page = client.get("/settings/following").get_data(as_text=True)
    assert page.count("Unfollow") == 1 and "Dark mode for the app" not in page


def test_the_followed_list_pages(client, app, data):
    with app.app_context():
        from forum.models import User
        member = db.session.get(User, data["member"])
        for n in range(25):
            idea = make_idea(title=f"A request about lighting number {n:02d}", category="app-and-account")
            db.session.add(Subscription(user_id=member.id, idea_id=idea.id))
        db.session.commit()
    login_as(client, data["member"])
    first = client.get("/settings/following").get_data(as_text=True)
    assert first.count("Unfollow") == 20 and "number 24" in first and "number 00" not in first
    second = client.get("/settings/following?page=2").get_data(as_text=True)
    assert second.count("Unfollow") == 5 and "number 00" in second
    settings = client.get("/settings").get_data(as_text=True)
    assert "See all 25" in settings


def test_the_follow_on_vote_choice_is_saved_from_the_form(client, app, data):
    login_as(client, data["member"])
    response = client.post("/settings/following", data={"follow_voted_ideas": "0"})
    assert response.status_code == 302
    with app.app_context():
        from forum.models import User
        assert db.session.get(User, data["member"]).follow_voted_ideas is False
    client.post("/settings/following", data={"follow_voted_ideas": ["0", "1"]})
    with app.app_context():
        from forum.models import User
        assert db.session.get(User, data["member"]).follow_voted_ideas is True


def test_the_api_lists_what_you_follow_and_sets_the_choice(client, app, data):
    login_as(client, data["author"])
    body = client.get("/api/v1/me/following").get_json()
    assert body["total"] == 3 and {item["type"] for item in body["items"]} == {"question", "idea"}
    assert client.get("/api/v1/me/follow-settings").get_json() == {"follow_voted_ideas": True}
    bad = client.patch("/api/v1/me/follow-settings", json={"follow_voted_ideas": "nope"})
    assert bad.status_code == 422 and "follow_voted_ideas" in bad.get_json()["error"]["fields"]
    ok = client.patch("/api/v1/me/follow-settings", json={"follow_voted_ideas": False})
    assert ok.get_json() == {"follow_voted_ideas": False}
    assert client.get("/api/v1/me/following?per_page=1").get_json()["per_page"] == 1


def test_visitors_cannot_read_or_change_following(client, data):
    assert client.get("/api/v1/me/following").status_code == 401
    assert client.patch("/api/v1/me/follow-settings", json={"follow_voted_ideas": False}).status_code == 401
    assert client.get("/settings/following").status_code in (302, 401)

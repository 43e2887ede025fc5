"""Notification pages: the centre, read marks, watch buttons, email settings, unsubscribe links, feeds."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import feedparser
import pytest
import sqlalchemy as sa

from forum import clock
from forum.extensions import db
from forum.models import Delivery, Idea, IdeaStatusChange, Notification, Role
from forum.notifications import queries, services, tokens
from tests.conftest import login_as, wait_for_delivery
from tests.factories import make_answer, make_category, make_thread, make_user


def bell(html: str) -> int:
    return int(re.search(r'data-unread="(\d+)"', html).group(1))


@pytest.fixture
def answered(app):
    """An asker with three answers from three members, the middle one read."""
    with app.app_context():
        asker = make_user("asker")
        thread = make_thread(asker, title="Motion sensor misses people at night")
        clock.freeze(datetime(2026, 5, 1, 9, 0))
        first = make_answer(thread, make_user("first"))
        clock.freeze(datetime(2026, 5, 1, 10, 0))
        make_answer(thread, make_user("second"))
        clock.freeze(datetime(2026, 5, 1, 11, 0))
        make_answer(thread, make_user("third"))
        clock.freeze(None)
        ids = list(db.session.scalars(sa.select(Notification.id).where(Notification.user_id == asker.id)
                                      .order_by(Notification.id)))
        services.mark_notification_read(actor=asker, notification_id=ids[1])
        return {"asker": asker.id, "thread": thread.id, "first_post": first.id, "ids": ids}


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.location


def test_centre_lists_newest_first_with_deep_links_and_unread_marks(client, answered):
    login_as(client, answered["asker"])
    html = client.get("/notifications").get_data(as_text=True)
    texts = re.findall(r"(first|second|third) answered your question", html)
    assert list(dict.fromkeys(texts)) == ["third", "second", "first"]
    assert f'href="/questions/{answered["thread"]}/' in html and f'#post-{answered["first_post"]}"' in html
    assert html.count("notif--unread") == 2 and bell(html) == 2
    assert "2 unread" in html


def test_mark_one_and_all_read(client, answered):
    login_as(client, answered["asker"])
    response = client.post(f"/notifications/{answered['ids'][0]}/read")
    assert response.status_code == 302
    assert bell(client.get("/notifications").get_data(as_text=True)) == 1
    response = client.post(f"/notifications/{answered['ids'][2]}/read", headers={"Accept": "application/json"})
    assert response.get_json() == {"unread_count": 0}
    client.post("/notifications/read")
    html = client.get("/notifications").get_data(as_text=True)
    assert bell(html) == 0 and "all caught up" in html


def test_someone_elses_notification_is_404(app, client, answered):
    with app.app_context():
        other = make_user().id
    login_as(client, other)
    assert client.post(f"/notifications/{answered['ids'][0]}/read").status_code == 404


def test_pagination(app, client):
    with app.app_context():
        asker = make_user()
        for n in range(35):
            services.notify(user_id=asker.id, kind="answer", text=f"note number {n}", url="/")
        db.session.commit()
        asker_id = asker.id
    login_as(client, asker_id)
    first = client.get("/notifications").get_data(as_text=True)
    second = client.get("/notifications?page=2").get_data(as_text=True)
    assert "note number 34" in first and "note number 4<" not in first
    assert "note number 4<" in second and "note number 0<" in second and "Page 2 of 2" in second
    assert client.get("/notifications?page=abc").status_code == 200


# -- watching --------------------------------------------------------------------------------------
ROLES = {"member": Role.MEMBER, "staff": Role.STAFF, "moderator": Role.MODERATOR, "admin": Role.ADMIN}


@pytest.mark.parametrize("who, status", [("visitor", 302), ("member", 302), ("author", 302), ("suspended", 302),
                                         ("staff", 302), ("moderator", 302), ("admin", 302)])
def test_who_can_watch_a_thread(app, client, who, status):
    with app.app_context():
        author = make_user()
        thread = make_thread(author)
        user = author if who == "author" else make_user(role=ROLES.get(who, Role.MEMBER))
        if who == "suspended":
            user.suspended_until = clock.utcnow() + timedelta(days=3)
            db.session.commit()
        thread_id, user_id = thread.id, user.id
    if who != "visitor":
        login_as(client, user_id)
    response = client.post(f"/questions/{thread_id}/watch")
    assert response.status_code == status
    with app.app_context():
        watching = services.thread_watcher_ids(thread_id)
    assert (user_id in watching) is (who != "visitor")
    if who == "visitor":
        assert "/login" in response.location
    else:
        page = client.get(f"/questions/{thread_id}", follow_redirects=True).get_data(as_text=True)
        assert "/unwatch" in page and "Watching" in page
        client.post(f"/questions/{thread_id}/unwatch")
        with app.app_context():
            assert user_id not in services.thread_watcher_ids(thread_id)


@pytest.mark.parametrize("who, status", [("member", 404), ("author", 404), ("moderator", 302)])
def test_hidden_threads_can_only_be_watched_by_those_who_see_them(app, client, who, status):
    with app.app_context():
        author = make_user()
        thread = make_thread(author)
        thread.is_hidden = True
        db.session.commit()
        user_id = author.id if who == "author" else make_user(role=ROLES[who]).id
        thread_id = thread.id
    login_as(client, user_id)
    assert client.post(f"/questions/{thread_id}/watch").status_code == status


def test_watching_an_idea(app, client):
    with app.app_context():
        make_category()
        author, member = make_user(), make_user()
        idea = Idea(title="Dark mode for the app", body_md="Please", body_html="<p>Please</p>", author=author,
                    category_id=make_category().id)
        db.session.add(idea)
        db.session.commit()
        idea_id, member_id = idea.id, member.id
    login_as(client, member_id)
    assert client.post(f"/ideas/{idea_id}/watch").status_code == 302
    with app.app_context():
        assert member_id in services.idea_watcher_ids(idea_id)
    client.post(f"/ideas/{idea_id}/unwatch")
    with app.app_context():
        assert member_id not in services.idea_watcher_ids(idea_id)


# -- email settings --------------------------------------------------------------------------------
def test_settings_show_and_save_email_choices(app, client):
    with app.app_context():
        user_id = make_user().id
    login_as(client, user_id)
    html = client.get("/settings").get_data(as_text=True)
    assert 'id="notifications"' in html and 'name="answers" value="immediately" checked' in html
    response = client.post("/settings/notifications", data={"answers": "never", "watched": "immediately"})
    assert response.status_code == 302
    html = client.get("/settings").get_data(as_text=True)
    assert 'name="answers" value="never" checked' in html and 'name="watched" value="immediately" checked' in html


def test_bad_email_choice_comes_back_with_a_message(app, client):
    with app.app_context():
        user_id = make_user().id
    login_as(client, user_id)
    response = client.post("/settings/notifications", data={"answers": "hourly", "mentions": "never"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose immediately, daily digest or never." in html and 'id="pref-answers-error"' in html
    assert 'name="mentions" value="never" checked' in html  # the user's other choice is kept
    with app.app_context():
        assert queries.preferences_of(user_id)["mentions"] == Delivery.IMMEDIATELY


# -- unsubscribe -----------------------------------------------------------------------------------
def test_unsubscribe_link_confirms_on_get_and_stops_on_post(app, client):
    with app.app_context():
        user = make_user("reader")
        token, user_id = tokens.make_unsubscribe_token(user.id, "mentions"), user.id
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and "Stop these emails?" in page.get_data(as_text=True)
    with app.app_context():
        assert queries.preferences_of(user_id)["mentions"] == Delivery.IMMEDIATELY  # GET changed nothing
    done = client.post(f"/unsubscribe/{token}")
    assert done.status_code == 200 and "unsubscribed" in done.get_data(as_text=True)
    with app.app_context():
        assert queries.preferences_of(user_id)["mentions"] == Delivery.NEVER


@pytest.mark.parametrize("token", ["nonsense", "a.b.c", "x" * 300])
def test_malformed_unsubscribe_links_get_a_clear_400(client, token):
    response = client.get(f"/unsubscribe/{token}")
    assert response.status_code == 400
    assert "unsubscribe link doesn’t work" in response.get_data(as_text=True)
    assert client.post(f"/unsubscribe/{token}").status_code == 400


def test_expired_unsubscribe_link_gets_a_clear_400(app, client):
    with app.app_context():
        clock.freeze(datetime(2026, 1, 1))
        token = tokens.make_unsubscribe_token(make_user().id, "answers")
    clock.freeze(datetime(2026, 6, 1))
    response = client.post(f"/unsubscribe/{token}")
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


# -- feeds -----------------------------------------------------------------------------------------
def test_questions_feed_is_valid_atom_without_hidden_content(app, client):
    with app.app_context():
        make_category("wifi", "Wi-Fi")
        shown = make_thread(title="Router channel keeps changing", category="wifi", body="Body with **bold**")
        make_thread(title="A question in general about hubs")
        hidden = make_thread(title="Secret spam question here", category="wifi")
        hidden.is_hidden = True
        make_thread(title="Question whose post was hidden").question.is_hidden = True
        db.session.commit()
        shown_id = shown.id
    response = client.get("/feeds/questions.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo and feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    assert titles == ["A question in general about hubs", "Router channel keeps changing"]
    entry = feed.entries[1]
    assert entry.link == f"http://localhost/questions/{shown_id}/router-channel-keeps-changing"
    assert entry.published_parsed and entry.updated_parsed and "<strong>bold</strong>" in entry.content[0].value
    wifi = feedparser.parse(client.get("/feeds/questions.atom?category=wifi").data)
    assert [entry.title for entry in wifi.entries] == ["Router channel keeps changing"]
    assert "Wi-Fi" in wifi.feed.title
    assert client.get("/feeds/questions.atom?category=nope").status_code == 404


def test_ideas_feed_has_new_ideas_and_status_changes(app, client):
    with app.app_context():
        category = make_category()
        author, staff = make_user(), make_user(role=Role.STAFF)
        idea = Idea(title="Geofencing for scenes", body_md="x", body_html="<p>Leave home, lights off</p>",
                    author=author, category_id=category.id, created_at=datetime(2026, 4, 1))
        secret = Idea(title="Hidden idea", body_md="x", body_html="<p>x</p>", author=author,
                      category_id=category.id, is_hidden=True)
        db.session.add_all([idea, secret])
        db.session.flush()
        db.session.add_all([IdeaStatusChange(idea_id=idea.id, from_status="new", to_status="planned",
                                             note="Coming this summer", actor_id=staff.id, created_at=datetime(2026, 4, 2)),
                            IdeaStatusChange(idea_id=secret.id, from_status="new", to_status="planned", note="",
                                             actor_id=staff.id)])
        db.session.commit()
    feed = feedparser.parse(client.get("/feeds/ideas.atom").data)
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == ["Planned: Geofencing for scenes", "New idea: Geofencing for scenes"]
    assert feed.entries[0].summary == "Coming this summer"


def test_pages_advertise_the_feeds(client):
    html = client.get("/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in html and 'href="/feeds/questions.atom"' in html
    assert 'href="/feeds/ideas.atom"' in html


# -- mail after commit, from a request -------------------------------------------------------------
def test_answering_through_the_site_mails_the_asker_after_the_response(app, client):
    with app.app_context():
        asker = make_user("mailme")
        thread_id = make_thread(asker).id
        answerer_id = make_user().id
    login_as(client, answerer_id)
    assert client.post(f"/questions/{thread_id}/answers", data={"body": "Reset the hub"}).status_code == 302
    wait_for_delivery()
    mails = app.extensions["mailman"].outbox
    assert [mail.to for mail in mails] == [["mailme@example.com"]]

"""Known-issue notices: the banner on every page (cached ones too), dismissal per member that never leaks,
the ask form's hint, publish and resolve (staff only), resolution told once to askers and thread followers."""
from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.listening import notices
from forum.models import Notice, NoticeDismissal, Notification, Role, Subscription
from tests.conftest import login_as
from tests.factories import make_thread, make_user


@pytest.fixture
def data(app):
    with app.app_context():
        staff, alice, bob, asker = (make_user(role=Role.STAFF), make_user("alice"), make_user("bob"),
                                    make_user("asker"))
        updates = make_thread(staff, title="Hub firmware 4.2: hubs going offline", body="Updates here.")
        make_thread(asker, title="My hub keeps going offline since last night", body="It blinks red.")
        make_thread(title="How do I rename a sensor in the app?", body="Where is the setting?")
        return {"staff": staff.id, "alice": alice.id, "bob": bob.id, "asker": asker.id, "thread": updates.id}


def _as(client, user_id):
    """A fresh browser for each person: logging out ends every session of an account (issue 17)."""
    other = client.application.test_client()
    if user_id is not None:
        login_as(other, user_id)
    return other


def _publish(client, data, **extra):
    body = {"text": "Hubs go offline after firmware 4.2; a fix is on its way.", "thread_id": data["thread"],
            "terms": ["offline", "firmware 4.2"], **extra}
    return _as(client, data["staff"]).post("/api/v1/notices", json=body)


def _banner_ids(page: str) -> list[str]:
    return [part.split('"')[0] for part in page.split('data-notice-id="')[1:]]


def test_staff_publish_and_the_banner_shows_on_every_page_even_cached_ones(client, data):
    before = client.get("/questions")  # a visitor's page, cached before the notice exists
    assert before.status_code == 200 and "data-notice-id" not in before.get_data(as_text=True)
    response = _publish(client, data)
    assert response.status_code == 201
    notice = response.get_json()
    assert notice["url"] == f"/questions/{data['thread']}" and notice["terms"] == ["offline", "firmware 4.2"]
    for path in ("/questions", "/", f"/questions/{data['thread']}", "/ideas"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert _banner_ids(page) == [str(notice["id"])], path
        assert "Hubs go offline after firmware 4.2" in html.unescape(page)
    alice = _as(client, data["alice"])
    page = alice.get(f"/questions/{data['thread']}", follow_redirects=True).get_data(as_text=True)
    assert _banner_ids(page) == [str(notice["id"])]
    assert client.get("/api/v1/notices").get_json()["items"][0]["id"] == notice["id"]


def test_resolving_takes_the_banner_down_from_cached_pages(client, data):
    notice = _publish(client, data).get_json()
    assert _banner_ids(client.get("/questions").get_data(as_text=True)) == [str(notice["id"])]
    assert _as(client, data["staff"]).post(f"/api/v1/notices/{notice['id']}/resolve", json={}).status_code == 200
    assert "data-notice-id" not in client.get("/questions").get_data(as_text=True)
    assert client.get("/api/v1/notices").get_json()["items"] == []


def test_one_members_dismissal_never_reaches_another(client, data):
    notice = _publish(client, data).get_json()
    alice, bob = _as(client, data["alice"]), _as(client, data["bob"])
    assert alice.post(f"/api/v1/notices/{notice['id']}/dismiss", json={}).status_code == 200
    assert alice.get("/api/v1/notices").get_json()["items"][0]["dismissed"] is True
    bob_page = bob.get(f"/questions/{data['thread']}", follow_redirects=True).get_data(as_text=True)
    alice_page = alice.get(f"/questions/{data['thread']}", follow_redirects=True).get_data(as_text=True)
    assert bob.get("/api/v1/notices").get_json()["items"][0]["dismissed"] is False
    # the thread page is shared between members, its header (with the banners) is each member's own
    assert _banner_ids(alice_page) == [] and _banner_ids(bob_page) == [str(notice["id"])]
    assert _banner_ids(bob.get(f"/questions/{data['thread']}", follow_redirects=True).get_data(as_text=True)) == [
        str(notice["id"])]
    assert client.get("/api/v1/notices").get_json()["items"][0]["dismissed"] is False  # visitors: localStorage
    assert _banner_ids(client.get("/questions").get_data(as_text=True)) == [str(notice["id"])]
    with client.application.app_context():
        assert db.session.scalars(sa.select(NoticeDismissal.user_id)).all() == [data["alice"]]
    # twice is fine, and a visitor cannot dismiss on the server
    assert alice.post(f"/api/v1/notices/{notice['id']}/dismiss", json={}).status_code == 200
    assert alice.post("/api/v1/notices/9999/dismiss", json={}).status_code == 404
    assert client.post(f"/api/v1/notices/{notice['id']}/dismiss", json={}).status_code == 401


def test_the_ask_form_hint_matches_word_forms_and_phrases(client, data):
    notice = _publish(client, data).get_json()
    client = _as(client, data["alice"])
    ask = client.get("/questions/ask").get_data(as_text=True)
    assert "data-notice-hint" in ask and "js/notices" in ask
    hits = client.get("/api/v1/notices?q=Hub+went+OFFLINE+this+morning").get_json()["items"]
    assert [n["id"] for n in hits] == [notice["id"]] and hits[0]["url"] == f"/questions/{data['thread']}"
    assert client.get("/api/v1/notices?q=after+Firmware+4.2+update").get_json()["total"] == 1
    assert client.get("/api/v1/notices?q=firmware+update+4.1").get_json()["total"] == 0  # the phrase, in order
    assert client.get("/api/v1/notices?q=How+to+rename+a+sensor").get_json()["total"] == 0


def test_resolving_tells_askers_and_thread_followers_once(client, data):
    with client.application.app_context():
        db.session.add(Subscription(user_id=data["bob"], thread_id=data["thread"]))
        db.session.commit()
    notice = _publish(client, data).get_json()
    staff = _as(client, data["staff"])
    assert staff.post(f"/staff/notices/{notice['id']}/resolve").status_code == 302
    assert staff.post(f"/api/v1/notices/{notice['id']}/resolve", json={}).status_code == 409  # once
    with client.application.app_context():
        told = sorted(db.session.scalars(sa.select(Notification.user_id).where(
            Notification.kind == "notice_resolved")))
        assert told == sorted([data["bob"], data["asker"]])  # not the staff author, not alice (no match)
        assert db.session.get(Notice, notice["id"]).resolved_at is not None


def test_bad_input_is_a_422_with_field_messages_and_the_form_keeps_it(client, data):
    login_as(client, data["staff"])
    bad = client.post("/api/v1/notices", json={"text": "x", "thread_id": 99999, "terms": "not-a-list" * 20})
    assert bad.status_code == 422
    assert set(bad.get_json()["error"]["fields"]) >= {"text", "thread_id"}
    page = client.post("/staff/notices", data={"text": "Hubs offline", "thread_id": "abc", "terms": "offline"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and 'value="Hubs offline"' in text and "visible question" in text
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notice)) == 0


def test_members_cannot_publish_or_resolve(client, data):
    notice = _publish(client, data).get_json()
    login_as(client, data["alice"])
    assert client.post("/api/v1/notices", json={"text": "Fake notice text", "thread_id": data["thread"]}
                       ).status_code == 403
    assert client.post(f"/api/v1/notices/{notice['id']}/resolve", json={}).status_code == 403
    assert client.post(f"/staff/notices/{notice['id']}/resolve").status_code == 403
    with client.application.app_context():
        assert db.session.get(Notice, notice["id"]).resolved_at is None


def test_publishing_from_an_alert_keeps_the_link(ctx):
    staff = make_user(role=Role.STAFF)
    thread = make_thread(staff, title="Known issue: app crashes on start", body="Updates here.")
    notice = notices.publish_notice(actor=staff, text="The app crashes on start on Android 15.", thread_id=thread.id,
                                    terms="crash, android 15")
    assert notice.terms == ["crash", "android 15"] and notice.alert_id is None
    assert [n["id"] for n in notices.matching("App crashing after update")] == [notice.id]


def test_the_banner_costs_no_statement_once_read(client, data):
    from tests.conftest import count_queries
    _publish(client, data)
    alice = _as(client, data["alice"])
    alice.get("/questions")  # reads the banners once, for every request and worker until a notice changes
    with client.application.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        page = alice.get("/questions?sort=newest").get_data(as_text=True)
    assert "data-notice-id" in page
    assert not [s for s in statements if "FROM notices" in s or "notice_dismissals" in s]


def test_a_member_dismisses_without_javascript_and_comes_back_to_the_page(client, data):
    notice = _publish(client, data).get_json()
    alice, bob = _as(client, data["alice"]), _as(client, data["bob"])
    page = alice.get("/questions?sort=newest").get_data(as_text=True)
    assert f'action="/notices/{notice["id"]}/dismiss"' in page and 'name="next" value="/questions?sort=newest"' in page
    response = alice.post(f"/notices/{notice['id']}/dismiss", data={"next": "/questions?sort=newest"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/questions?sort=newest")
    for path in ("/questions?sort=newest", "/", f"/questions/{data['thread']}"):
        assert _banner_ids(alice.get(path, follow_redirects=True).get_data(as_text=True)) == [], path
        assert _banner_ids(bob.get(path, follow_redirects=True).get_data(as_text=True)) == [str(notice["id"])], path
    # visitors' cached pages are the same for every visitor: no form (no token), the script's button only
    visitor = client.get("/questions?sort=newest").get_data(as_text=True)
    assert _banner_ids(visitor) == [str(notice["id"])] and "/dismiss" not in visitor
    assert "data-notice-dismiss=" in visitor


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example", ""])
def test_the_dismiss_form_never_leaves_the_site(client, data, target):
    notice = _publish(client, data).get_json()
    alice = _as(client, data["alice"])
    response = alice.post(f"/notices/{notice['id']}/dismiss", data={"next": target})
    assert response.status_code == 302 and response.headers["Location"] in ("/questions", "http://localhost/questions")


def test_dismissing_a_missing_notice_is_a_404_and_visitors_are_sent_to_log_in(client, data):
    notice = _publish(client, data).get_json()
    assert _as(client, data["alice"]).post("/notices/9999/dismiss").status_code == 404
    response = client.post(f"/notices/{notice['id']}/dismiss")
    assert response.status_code in (302, 401) and "/login" in response.headers.get("Location", "/login")
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(NoticeDismissal)) == 0


def test_the_ask_form_shows_the_hint_without_javascript(client, data):
    notice = _publish(client, data).get_json()
    alice = _as(client, data["alice"])
    hint = f'data-notice-hint-item="{notice["id"]}"'
    assert hint not in alice.get("/questions/ask").get_data(as_text=True)
    linked = alice.get("/questions/ask?title=My+hub+went+offline").get_data(as_text=True)
    assert hint in linked and 'value="My hub went offline"' in linked and "follow the updates here" in linked
    failed = alice.post("/questions/ask", data={"title": "Hubs offline again today", "body": "", "category": ""})
    page = failed.get_data(as_text=True)
    assert failed.status_code == 422 and hint in page and 'value="Hubs offline again today"' in page
    other = alice.post("/questions/ask", data={"title": "How do I rename a sensor?", "body": ""})
    assert other.status_code == 422 and hint not in other.get_data(as_text=True)

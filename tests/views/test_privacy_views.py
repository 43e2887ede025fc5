"""Privacy pages: profile visibility per viewer, the warning with its three choices, export, deletion."""
from __future__ import annotations

import io
import re
import zipfile

import pytest
import sqlalchemy as sa

from forum.escalations import services as escalations
from forum.extensions import db
from forum.models import AuditEntry, Escalation, Post, Role, User
from forum.privacy import services
from tests.conftest import login_as
from tests.factories import PASSWORD, make_answer, make_thread, make_user

VIEWERS = ("visitor", "member", "owner", "suspended", "staff", "moderator", "admin")


@pytest.fixture
def people(app):
    with app.app_context():
        owner = make_user("owner", email="owner.secret@example.org")
        owner.bio = "Smart-home tinkerer in Leeds."
        db.session.commit()
        thread = make_thread(owner, title="Thermostat schedule keeps resetting")
        make_answer(thread, owner, body="Update: it happened again.")
        ids = {"owner": owner.id, "thread": thread.id, "visitor": None}
        for name, role in (("member", Role.MEMBER), ("suspended", Role.MEMBER), ("staff", Role.STAFF),
                           ("moderator", Role.MODERATOR), ("admin", Role.ADMIN)):
            ids[name] = make_user(name, role=role).id
        from datetime import timedelta

        from forum.clock import utcnow
        db.session.get(User, ids["suspended"]).suspended_until = utcnow() + timedelta(days=2)
        db.session.commit()
    return ids


def _set_visibility(app, user_id, value):
    with app.app_context():
        user = db.session.get(User, user_id)
        user.profile_visibility = value
        db.session.commit()


EXPECTED = {"public": "1111111", "members": "0111111", "private": "0010001"}


@pytest.mark.parametrize("visibility", list(EXPECTED))
@pytest.mark.parametrize("index, viewer", list(enumerate(VIEWERS)))
def test_profile_shows_what_visibility_allows(app, client, people, visibility, index, viewer):
    _set_visibility(app, people["owner"], visibility)
    if people[viewer]:
        login_as(client, people[viewer])
    page = client.get("/users/owner").get_data(as_text=True)
    assert "owner" in page  # the name (and avatar) always show
    full = EXPECTED[visibility][index] == "1"
    assert ("Smart-home tinkerer in Leeds." in page) is full
    assert ("Thermostat schedule keeps resetting" in page) is full
    assert ("Member since" in page) is full
    assert ("owner.secret@example.org" in page) is (viewer == "owner")
    assert ("Show email address" in page) is (viewer == "admin")


@pytest.mark.parametrize("viewer, status", [("visitor", 302), ("member", 403), ("owner", 403), ("staff", 403),
                                            ("moderator", 403), ("admin", 200)])
def test_only_an_admin_looks_up_an_email_and_each_look_is_audited(app, client, people, viewer, status):
    if people[viewer]:
        login_as(client, people[viewer])
    response = client.post("/users/owner/email")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert ("owner.secret@example.org" in page) is (status == 200)
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user.email_view")).all()
        assert [(e.actor_id, e.target_id) for e in entries] == ([(people["admin"], people["owner"])]
                                                                if status == 200 else [])
    if status == 200:
        assert response.headers["Cache-Control"] == "no-store"
        assert "recorded in the audit log" in page


def test_a_private_profile_does_not_read_the_activity(app, client, people):
    from tests.conftest import count_queries
    _set_visibility(app, people["owner"], "private")
    login_as(client, people["member"])
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as private_queries:
        client.get("/users/owner")
    _set_visibility(app, people["owner"], "public")
    with count_queries(engine) as public_queries:
        client.get("/users/owner")
    # the activity is the member's questions, answers and their counts: statements on threads and posts (a
    # count of the reader's own notifications for the bell is memoized, so it shows only in the first request)
    def activity(queries: list[str]) -> list[str]:
        return [q for q in queries if re.search(r"\bFROM (threads|posts)\b", q)]
    assert activity(private_queries) == [] and len(activity(public_queries)) >= 3


def test_email_never_appears_in_a_thread_page(app, client, people):
    login_as(client, people["staff"])
    page = client.get(f"/questions/{people['thread']}", follow_redirects=True).get_data(as_text=True)
    assert "Thermostat schedule" in page and "owner.secret@example.org" not in page


def test_settings_privacy_saves_visibility(app, client, people):
    login_as(client, people["owner"])
    assert "Who can see your profile" in client.get("/settings/privacy").get_data(as_text=True)
    response = client.post("/settings/privacy", data={"profile_visibility": "private"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, people["owner"]).profile_visibility == "private"


@pytest.mark.parametrize("value", ["", "secret", "PUBLIC"])
def test_settings_privacy_refuses_bad_values(app, client, people, value):
    login_as(client, people["owner"])
    response = client.post("/settings/privacy", data={"profile_visibility": value})
    assert response.status_code == 422
    assert "Choose public, members or private." in response.get_data(as_text=True)


def test_settings_link_to_privacy(app, client, people):
    login_as(client, people["owner"])
    assert 'href="/settings/privacy"' in client.get("/settings").get_data(as_text=True)


def test_privacy_pages_need_login(client):
    for path in ("/settings/privacy", "/settings/export", "/settings/export/download", "/settings/delete"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.config(PII_PATTERNS='[{"name": "order number", "pattern": "BW-\\\\d{7}"}]')
def test_privacy_page_describes_the_patterns_in_force(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert "Order numbers" in page and "What staff see" in page and "/settings/delete" in page
    assert "does not store your IP address" in page and "each look is recorded" in page


# -- the warning -------------------------------------------------------------------------------------------
def test_answer_with_phone_number_shows_the_three_choices(app, client, people):
    login_as(client, people["member"])
    body = "Ring me on (555) 123-4567 and I will walk you through it."
    response = client.post(f"/questions/{people['thread']}/answers", data={"body": body})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This looks like personal information" in page and "(555) 123-4567" in page
    assert "Edit my text" in page and "Post anyway" in page and "Send privately" in page
    assert 'name="confirm_public" value="1"' in page and 'name="private_to_staff" value="1"' in page
    assert page.count(body) >= 3  # kept in the form and in both hidden resubmits
    response = client.post(f"/questions/{people['thread']}/answers", data={"body": body, "confirm_public": "1"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Post.body_md).order_by(Post.id.desc()).limit(1)) == body


def test_ask_sent_privately_posts_redacted_and_tells_the_author(app, client, people):
    login_as(client, people["member"])
    form = {"title": "Refund to card 4111 1111 1111 1111", "body": "Please refund, mail me at me@home.example",
            "category": "general", "tags": "", "private_to_staff": "1"}
    response = client.post("/questions/ask", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Refund to card [removed]" in page and "me@home.example" not in page
    assert "sent privately to staff" in page
    with app.app_context():
        note = db.session.scalar(sa.select(Escalation.private_note))
        assert "4111 1111 1111 1111" in note and "me@home.example" in note


def test_edit_with_email_shows_the_warning(app, client, people):
    login_as(client, people["owner"])
    with app.app_context():
        post_id = db.session.scalar(sa.select(Post.id).where(Post.thread_id == people["thread"], Post.position == 0))
    response = client.post(f"/posts/{post_id}/edit", data={"title": "Thermostat schedule keeps resetting",
                                                             "body": "Contact owner.secret@example.org"})
    assert response.status_code == 422 and "This looks like personal information" in response.get_data(as_text=True)


def test_ask_form_loads_the_hint_script(client, people):
    login_as(client, people["member"])
    page = client.get("/questions/ask").get_data(as_text=True)
    assert "/static/js/pii." in page and "data-pii-check" in page and 'data-pii-hint-for="body"' in page


# -- export and deletion -----------------------------------------------------------------------------------
def test_export_downloads_a_zip(client, people):
    login_as(client, people["owner"])
    assert "Download my data" in client.get("/settings/export").get_data(as_text=True)
    response = client.get("/settings/export/download")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert b"owner.secret@example.org" in zipfile.ZipFile(io.BytesIO(response.data)).read("profile.json")


def test_delete_with_wrong_password_keeps_the_account(app, client, people):
    login_as(client, people["owner"])
    response = client.post("/settings/delete", data={"password": "nope-nope-nope"})
    assert response.status_code == 422 and "That is not your password." in response.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get(User, people["owner"]).is_deleted


def test_delete_logs_out_and_posts_stay_as_deleted_user(app, client, people):
    login_as(client, people["owner"])
    response = client.post("/settings/delete", data={"password": PASSWORD}, follow_redirects=True)
    assert response.status_code == 200 and "Your account is deleted" in response.get_data(as_text=True)
    assert client.get("/settings").status_code == 302  # the session ended
    page = client.get(f"/questions/{people['thread']}", follow_redirects=True).get_data(as_text=True)
    assert f"deleted user {people['owner']}" in page and "Thermostat schedule" in page
    assert client.get("/users/owner").status_code == 404


@pytest.mark.parametrize("viewer, status", [("member", 403), ("staff", 403), ("moderator", 403), ("admin", 302)])
def test_only_admins_delete_from_the_profile(app, client, people, viewer, status):
    login_as(client, people[viewer])
    page = client.get("/users/owner").get_data(as_text=True)
    assert ("Admin: delete this account" in page) is (viewer == "admin")
    response = client.post("/users/owner/delete", data={"note": "asked by phone"})
    assert response.status_code == status
    with app.app_context():
        assert db.session.get(User, people["owner"]).is_deleted is (viewer == "admin")
        assert bool(db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == "user.delete"))) \
            is (viewer == "admin")


# -- staff's private view ----------------------------------------------------------------------------------
@pytest.mark.parametrize("viewer, status", [("visitor", 302), ("member", 403), ("owner", 403), ("staff", 200),
                                            ("moderator", 403), ("admin", 200)])
def test_private_details_only_for_the_assignee(app, client, people, viewer, status):
    with app.app_context():
        from forum.questions import services as questions
        thread = db.session.get(__import__("forum.models", fromlist=["Thread"]).Thread, people["thread"])
        questions.post_answer(actor=db.session.get(User, people["owner"]), thread=thread,
                              body="My number is +1 202 555 0143", private_to_staff=True)
        escalation = db.session.scalar(sa.select(Escalation))
        escalations.assign_escalation(actor=db.session.get(User, people["staff"]), escalation=escalation)
        escalation_id = escalation.id
    if people[viewer]:
        login_as(client, people[viewer])
    response = client.get(f"/staff/escalations/{escalation_id}/private")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert ("+1 202 555 0143" in page) is (status == 200)
    assert ("owner.secret@example.org" in page) is (status == 200)
    with app.app_context():
        views = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "escalation.private_view"))
        assert views == (1 if status == 200 else 0)


def test_queue_never_shows_the_private_note(app, client, people):
    with app.app_context():
        from forum.models import Thread
        from forum.questions import services as questions
        questions.post_answer(actor=db.session.get(User, people["owner"]),
                              thread=db.session.get(Thread, people["thread"]),
                              body="My number is +1 202 555 0143", private_to_staff=True)
    login_as(client, people["staff"])
    page = client.get("/staff/escalations").get_data(as_text=True)
    assert "sent personal details privately" in page and "555 0143" not in page
    assert "owner.secret@example.org" not in page
    assert services  # the module under test is importable alongside the views


def test_idea_form_offers_all_three_choices(client, people):
    login_as(client, people["member"])
    response = client.post("/ideas/new", data={"title": "Let support call me on 555-123-4567",
                                               "body": "A call-back button would help.", "category": "general"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "This looks like personal information" in page
    assert "Post anyway" in page and "Send privately" in page
    assert 'value="Let support call me on 555-123-4567"' in page  # the author's text is kept


def test_idea_sent_privately_from_the_form_reaches_the_queue(app, client, people):
    login_as(client, people["member"])
    response = client.post("/ideas/new", data={"title": "Let support call me on 555-123-4567",
                                               "body": "A call-back button would help.", "category": "general",
                                               "private_to_staff": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "sent privately to staff" in page
    assert "Let support call me on [removed]" in page and "555-123-4567" not in page
    with app.app_context():
        escalation = db.session.scalar(sa.select(Escalation))
        idea_id, escalation_id = escalation.idea_id, escalation.id
        assert escalation.thread_id is None and "555-123-4567" in escalation.private_note
    login_as(client, people["staff"])
    queue = client.get("/staff/escalations").get_data(as_text=True)
    assert f'href="/ideas/{idea_id}"' in queue and "badge--idea" in queue and "555-123-4567" not in queue
    client.post(f"/staff/escalations/{escalation_id}/assign", data={})
    details = client.get(f"/staff/escalations/{escalation_id}/private").get_data(as_text=True)
    assert "On the idea" in details and "555-123-4567" in details


def test_idea_comment_sent_privately_from_the_form(app, client, people):
    from tests.factories import make_idea
    with app.app_context():
        idea_id = make_idea(db.session.get(User, people["owner"])).id
    login_as(client, people["member"])
    data = {"body": "Mail me at member.home@example.org and I will test it."}
    response = client.post(f"/ideas/{idea_id}/comments", data=data)
    assert response.status_code == 422 and "Send privately" in response.get_data(as_text=True)
    response = client.post(f"/ideas/{idea_id}/comments", data=data | {"private_to_staff": "1"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Mail me at [removed] and I will test it." in page and "member.home@example.org" not in page
    with app.app_context():
        note = db.session.scalar(sa.select(Escalation.private_note).where(Escalation.idea_id == idea_id))
    assert "member.home@example.org" in note
"""Browser-facing pages of escalations and moderation: who sees what, forms keep input on errors."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum import clock
from forum.demo import SITE as DEMO_SITE
from forum.extensions import db
from forum.models import AuditEntry, Escalation, Flag, Post, Role, Thread, User
from forum.moderation import services as moderation
from tests.conftest import login_as
from tests.factories import make_answer, make_escalation, make_thread, make_user, set_site

T0 = datetime(2026, 3, 2, 9, 0, 0)
# Mail goes out from a thread after the response; its SQLite write lock races the next request's view-count
# UPDATE ("database is locked", seen with any answer, reported). These tests are about pages, so cron sends mail.
pytestmark = pytest.mark.config(MAIL_DELIVERY="cron")
ROLES = {"member": Role.MEMBER, "staff": Role.STAFF, "moderator": Role.MODERATOR, "admin": Role.ADMIN}


@pytest.fixture
def world(app):
    with app.app_context():
        clock.freeze(T0)
        people = {name: make_user(name, role=role) for name, role in ROLES.items()}
        people["asker"] = make_user("asker")
        people["suspended"] = make_user("suspended")
        thread = make_thread(people["asker"], title="Doorbell chime stopped working")
        answer = make_answer(thread, make_user("answerer"), body="Check the **transformer** voltage.")
        moderation.suspend_user(actor=people["moderator"], user=people["suspended"], days=2, reason="Rude replies")
        ids = {name: user.id for name, user in people.items()}
        ids.update(thread=thread.id, answer=answer.id, slug=thread.slug)
    return ids


def as_(client, ids, who):
    if who != "visitor":
        # a suspension ends every session (issue 17): a suspended member reads after logging in again
        with client.application.app_context():
            version = db.session.get(User, ids[who]).session_version
        login_as(client, ids[who], version)
    return client


@pytest.mark.parametrize("who, status", [("visitor", 302), ("member", 403), ("asker", 403), ("suspended", 403),
                                         ("staff", 200), ("moderator", 200), ("admin", 200)])
def test_who_sees_the_escalation_queue(client, world, who, status):
    response = as_(client, world, who).get("/staff/escalations")
    assert response.status_code == status


@pytest.mark.parametrize("who, status", [("visitor", 302), ("member", 403), ("suspended", 403), ("staff", 403),
                                         ("moderator", 200), ("admin", 200)])
def test_who_sees_the_flag_queue_and_audit_log(client, world, who, status):
    client = as_(client, world, who)
    assert client.get("/mod/flags").status_code == status
    assert client.get("/mod/audit").status_code == status


def test_queue_shows_breached_rows_first_with_sla_clock(client, app, world):
    with app.app_context():
        thread = db.session.get(Thread, world["thread"])
        make_escalation(thread, reason="Chime silent since Monday")
    clock.freeze(T0 + timedelta(hours=30))
    html = as_(client, world, "staff").get("/staff/escalations").get_data(as_text=True)
    assert "Doorbell chime stopped working" in html and "Chime silent since Monday" in html
    assert "SLA breached" in html and "Overdue by 6 h" in html and "waiting 1 day 6 h" in html
    assert "past their SLA" in html


def test_asker_escalates_from_the_thread_page(client, app, world):
    with app.app_context():
        set_site(company_name=DEMO_SITE["company_name"])
    client = as_(client, world, "asker")
    page = client.get(f"/questions/{world['thread']}/{world['slug']}").get_data(as_text=True)
    assert "Ask staff for help" in page and "Moderator tools" not in page
    bad = client.post(f"/questions/{world['thread']}/escalate", data={"reason": "hm"})
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "at least 5 characters" in text and "hm</textarea>" in text
    done = client.post(f"/questions/{world['thread']}/escalate", data={"reason": "Chime is silent"})
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert f"Escalated to {DEMO_SITE['company_name']} staff" in page and "Staff have been asked to help" in page


def test_staff_assign_reply_and_resolve_in_the_browser_flow(client, app, world):
    with app.app_context():
        set_site(company_name=DEMO_SITE["company_name"])
        esc = make_escalation(db.session.get(Thread, world["thread"])).id
    staff = as_(client, world, "staff")
    assert staff.post(f"/staff/escalations/{esc}/assign", data={}).status_code == 302
    bad = staff.post(f"/staff/escalations/{esc}/assign", data={"assignee": "member"})
    assert bad.status_code == 422 and "member is not on staff" in bad.get_data(as_text=True)
    clock.freeze(T0 + timedelta(hours=2))
    posted = staff.post(f"/questions/{world['thread']}/answers", data={"body": "Staff: replace the chime kit."})
    assert posted.status_code == 302, posted.get_data(as_text=True)[-3000:]
    page = staff.get(f"/questions/{world['thread']}/{world['slug']}").get_data(as_text=True)
    assert "Answered by" in page and "11:00 UTC" in page and f"Reply from {DEMO_SITE['company_name']} staff" in page
    assert staff.post(f"/staff/escalations/{esc}/resolve", data={"note": "Kit replaced"}).status_code == 302
    assert staff.post(f"/staff/escalations/{esc}/resolve", data={"note": "again"}).status_code == 409
    with app.app_context():
        escalation = db.session.get(Escalation, esc)
        assert escalation.status == "resolved" and escalation.resolution_note == "Kit replaced"


def test_member_flags_with_the_form(client, app, world):
    client = as_(client, world, "member")
    page = client.get(f"/questions/{world['thread']}/{world['slug']}").get_data(as_text=True)
    assert f'action="/posts/{world["answer"]}/flags"' in page
    bad = client.post(f"/posts/{world['answer']}/flags", data={"reason": "other", "note": ""})
    assert bad.status_code == 422 and "a note is needed for “something else”" in bad.get_data(as_text=True)
    assert client.post(f"/posts/{world['answer']}/flags", data={"reason": "spam"}).status_code == 302
    assert client.post(f"/posts/{world['answer']}/flags", data={"reason": "spam"}).status_code == 409
    with app.app_context():
        assert db.session.query(Flag).count() == 1


def test_moderator_hides_from_the_queue_and_the_author_sees_why(client, app, world):
    with app.app_context():
        moderation.flag_post(actor=db.session.get(type(db.session.get(Post, world["answer"]).author), world["member"]),
                             post=db.session.get(Post, world["answer"]), reason="spam")
    mod = as_(client, world, "moderator")
    queue = mod.get("/mod/flags").get_data(as_text=True)
    assert "Check the <strong>transformer</strong> voltage." in queue and "Spam × 1" in queue
    response = mod.post(f"/mod/posts/{world['answer']}/hide", data={"note": "Selling chimes", "next": "/mod/flags"})
    assert response.status_code == 302 and response.headers["Location"] == "/mod/flags"
    audit = mod.get("/mod/audit?action=post").get_data(as_text=True)
    assert "post.hide" in audit and "Selling chimes" in audit
    author = app.test_client()
    with app.app_context():
        author_id = db.session.get(Post, world["answer"]).author_id
    login_as(author, author_id)
    page = author.get(f"/questions/{world['thread']}/{world['slug']}").get_data(as_text=True)
    assert "Hidden: Selling chimes" in page
    reader = as_(app.test_client(), world, "member").get(f"/questions/{world['thread']}/{world['slug']}")
    assert "transformer" not in reader.get_data(as_text=True)


def test_moderator_thread_tools_and_duplicates(client, app, world):
    with app.app_context():
        other = make_thread(title="Doorbell does not ring anymore").id
    mod = as_(client, world, "moderator")
    page = mod.get(f"/questions/{world['thread']}/{world['slug']}").get_data(as_text=True)
    assert "Moderator tools" in page
    assert mod.post(f"/mod/threads/{world['thread']}/lock", data={}).status_code == 302
    assert mod.post(f"/mod/threads/{world['thread']}/lock", data={}).status_code == 409
    bad = mod.post(f"/mod/threads/{other}/duplicate", data={"of": "abc"})
    assert bad.status_code == 422 and "number of the original question" in bad.get_data(as_text=True)
    assert mod.post(f"/mod/threads/{other}/duplicate", data={"of": str(world["thread"])}).status_code == 302
    original = mod.get(f"/questions/{world['thread']}/{world['slug']}").get_data(as_text=True)
    assert "closed as duplicate of this one" in original and "Doorbell does not ring anymore" in original
    assert mod.get(f"/mod/threads/{world['thread']}/move").status_code == 200
    assert mod.post(f"/mod/threads/{world['thread']}/move", data={"category": "nope"}).status_code == 422


def test_suspend_form(client, app, world):
    mod = as_(client, world, "moderator")
    assert mod.get("/mod/users/member/suspend").status_code == 200
    bad = mod.post("/mod/users/member/suspend", data={"days": "0", "reason": "Spam"})
    assert bad.status_code == 422 and "from 1 to 3650" in bad.get_data(as_text=True)
    assert mod.post("/mod/users/member/suspend", data={"days": "3", "reason": "Spam"}).status_code == 302
    assert mod.get("/mod/users/staff/suspend").status_code == 403
    refused = as_(app.test_client(), world, "member").post(f"/questions/{world['thread']}/answers", data={"body": "hi there"})
    assert refused.status_code == 403 and "Spam" in refused.get_data(as_text=True)


def test_audit_page_filters_and_bad_date(client, app, world):
    mod = as_(client, world, "moderator")
    page = mod.get("/mod/audit?actor=moderator").get_data(as_text=True)
    assert "user.suspend" in page and "Rude replies" in page
    # issue 18: the readable name, the raw code as the filter's value and as a link to only this action
    assert "Suspended a member" in page and '<option value="user.suspend">Suspended a member</option>' in page
    assert 'href="/mod/audit?action=user.suspend"' in page
    assert "Rude replies" not in mod.get("/mod/audit?actor=system").get_data(as_text=True)
    bad = mod.get("/mod/audit?since=soon")
    assert bad.status_code == 422 and "Use a date like" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(AuditEntry).count() == 1


def test_nav_links_follow_the_role(client, world):
    member = as_(client, world, "member").get("/").get_data(as_text=True)
    assert "/staff/escalations" not in member and "/mod/flags" not in member
    staff = as_(client.application.test_client(), world, "staff").get("/").get_data(as_text=True)
    assert "/staff/escalations" in staff and "/mod/flags" not in staff
    mod = as_(client.application.test_client(), world, "moderator").get("/").get_data(as_text=True)
    assert "/staff/escalations" in mod and "/mod/flags" in mod and "/mod/audit" in mod

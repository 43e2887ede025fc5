"""Issue 18 item 4: escalations tell the whole story (resolved on the thread, the auto-escalated asker told,
"Take over", the first staff reply confirmed, the Breached tab and ?status=breached), and item 3's refused
escalation that keeps its reason."""
from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.auth.services import create_token
from forum.escalations import services as escalations
from forum.extensions import db
from forum.models import Escalation, Notification, Role
from tests.conftest import login_as
from tests.factories import make_escalation, make_thread, make_user

T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def world(app):
    """Two open escalations (one past its SLA), a staff pair, the asker and a bystander."""
    with app.app_context():
        clock.freeze(T0)
        asker, sam, priya = make_user("asker"), make_user("sam", role=Role.STAFF), make_user("priya", role=Role.STAFF)
        bystander = make_user("bystander")
        late = make_thread(asker, title="Thermostat offline since the update")
        late_esc = make_escalation(late, reason="Support chat could not help me")
        clock.freeze(T0 + timedelta(hours=20))
        fresh = make_thread(asker, title="Camera stream freezes at dusk")
        fresh_esc = make_escalation(fresh, reason="Nobody else has this camera")
        clock.freeze(T0 + timedelta(hours=30))  # the first is 6 h past its 24 h SLA, the second is not
        ids = {"asker": asker.id, "sam": sam.id, "priya": priya.id, "bystander": bystander.id,
               "late": late.id, "late_slug": late.slug, "late_esc": late_esc.id, "fresh": fresh.id,
               "fresh_esc": fresh_esc.id, "token": create_token(user=sam, name="t"),
               "member_token": create_token(user=bystander, name="t")}
    yield ids
    clock.freeze(None)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_api_status_breached_lists_only_the_late_ones(client, world):
    response = client.get("/api/v1/escalations?status=breached", headers={"Authorization": f"Bearer {world['token']}"})
    assert response.status_code == 200
    body = response.get_json()
    assert [item["id"] for item in body["items"]] == [world["late_esc"]] and body["total"] == 1
    assert body["items"][0]["breached"] is True


@pytest.mark.parametrize("status", ["breachd", "closed", "ALL"])
def test_api_refuses_an_unknown_status_with_422(client, world, status):
    response = client.get(f"/api/v1/escalations?status={status}",
                          headers={"Authorization": f"Bearer {world['token']}"})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and "breached" in error["fields"]["status"]


def test_member_cannot_list_breached(client, world):
    response = client.get("/api/v1/escalations?status=breached",
                          headers={"Authorization": f"Bearer {world['member_token']}"})
    assert response.status_code == 403


def test_openapi_names_the_statuses(client):
    document = client.get("/api/v1/openapi.json").get_json()
    [param] = [p for p in document["paths"]["/escalations"]["get"]["parameters"] if p["name"] == "status"]
    assert "breached" in param["schema"]["enum"] and "mine" in param["schema"]["enum"]
    assert "resolved_by" in document["components"]["schemas"]["Escalation"]["properties"]


def test_queue_has_a_breached_tab(client, world):
    login_as(client, world["sam"])
    page = _text(client.get("/staff/escalations?status=breached"))
    assert 'aria-current="page">Breached <span class="tabs__count">1</span>' in page
    assert "Thermostat offline since the update" in page and "Camera stream freezes at dusk" not in page


def test_a_case_a_colleague_holds_offers_take_over_not_assign_to_me(client, app, world):
    with app.app_context():
        escalations.assign_escalation(actor=_user(world["priya"]),
                                      escalation=db.session.get(Escalation, world["late_esc"]))
    login_as(client, world["sam"])
    page = _text(client.get("/staff/escalations"))
    start = page.index(f'id="escalation-{world["late_esc"]}"')  # due first, so listed first
    row = page[start:page.index(f'id="escalation-{world["fresh_esc"]}"')]
    assert "Take over" in row and "Assign to me" not in row
    assert 'class="btn btn--secondary btn--small btn--block" type="submit">Take over' in row
    assert "Take this case over from priya?" in row
    assert client.post(f"/staff/escalations/{world['late_esc']}/assign").status_code == 302
    with app.app_context():
        told = db.session.scalars(sa.select(Notification.text).where(Notification.user_id == world["priya"])).all()
        assert any("sam took over the escalation" in text for text in told)


def _user(user_id):
    from forum.models import User
    return db.session.get(User, user_id)


def test_resolving_shows_resolved_with_who_and_when_on_the_thread(client, app, world):
    with app.app_context():
        escalations.resolve_escalation(actor=_user(world["priya"]),
                                       escalation=db.session.get(Escalation, world["late_esc"]), note="Replaced")
    login_as(client, world["bystander"])
    page = _text(client.get(f"/questions/{world['late']}/{world['late_slug']}"))
    notice = page[page.index("data-escalation-notice"):]
    notice = notice[:notice.index("</div>")]
    resolved = notice[notice.index("data-escalation-resolved"):]
    assert "Resolved</strong> by" in resolved and ">priya</a>" in resolved
    assert 'datetime="2026-03-03T15:00:00Z"' in resolved and "3 Mar 2026, 15:00 UTC" in resolved


def test_staff_reply_confirmation_says_the_first_reply_was_recorded(client, app, world):
    login_as(client, world["sam"])
    response = client.post(f"/questions/{world['fresh']}/answers", data={"body": "Staff here: firmware 2.3 fixes it."},
                           follow_redirects=True)
    text = _text(response)
    assert "recorded as the escalation's first staff reply" in text and "before the SLA ran out" in text
    with app.app_context():
        clock.freeze(T0 + timedelta(hours=31))
    second = client.post(f"/questions/{world['fresh']}/answers", data={"body": "And one more detail for you."},
                         follow_redirects=True)
    assert "first staff reply" not in _text(second) and "Your answer is posted" in _text(second)


def test_the_asker_of_an_auto_escalated_question_is_told(app):
    with app.app_context():
        clock.freeze(T0)
        asker = make_user("quiet")
        thread = make_thread(asker, title="Siren chirps every hour")
        clock.freeze(T0 + timedelta(days=5))
        assert escalations.escalate_overdue_questions() == 1
        told = db.session.scalars(sa.select(Notification).where(Notification.user_id == asker.id)).all()
        assert [n.kind for n in told] == ["escalation_opened"]
        assert "Siren chirps every hour" in told[0].text and "went to staff" in told[0].text
        assert told[0].url == f"/questions/{thread.id}/{thread.slug}"
        clock.freeze(None)


def test_the_auto_escalated_asker_hears_of_the_staff_answer_and_the_resolution(app):
    from forum.questions import services as questions
    with app.app_context():
        clock.freeze(T0)
        asker, sam = make_user("quiet"), make_user("sam", role=Role.STAFF)
        thread = make_thread(asker, title="Siren chirps every hour")
        clock.freeze(T0 + timedelta(days=5))
        escalations.escalate_overdue_questions()
        questions.post_answer(actor=sam, thread=thread, body="Replace the siren's backup battery.")
        escalations.resolve_escalation(actor=sam, escalation=db.session.scalar(sa.select(Escalation)))
        kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == asker.id)
                                   .order_by(Notification.id)).all()
        assert kinds == ["escalation_opened", "escalation_answered", "answer", "escalation_resolved"]
        clock.freeze(None)


def test_the_escalate_page_does_not_open_for_someone_who_cannot_send_it(client, world, app):
    with app.app_context():
        clock.freeze(T0 + timedelta(hours=21))  # the fresh question is an hour old: only its asker may escalate
    login_as(client, world["bystander"])
    response = client.get(f"/questions/{world['fresh']}/escalate")
    text = _text(response)
    assert response.status_code == 403
    assert "Only the asker can ask staff for help" in text and 'name="reason"' not in text


def test_a_refused_escalation_keeps_the_reason_typed(client, world, app):
    with app.app_context():
        clock.freeze(T0 + timedelta(hours=21))
    login_as(client, world["bystander"])
    response = client.post(f"/questions/{world['fresh']}/escalate",
                           data={"reason": "My camera freezes too, every evening at dusk."})
    text = _text(response)
    assert response.status_code == 403
    assert "My camera freezes too, every evening at dusk.</textarea>" in text
    assert "You cannot ask staff for help here" in text


def test_a_short_reason_says_what_to_write(client, world):
    login_as(client, world["asker"])
    response = client.post(f"/questions/{world['late']}/escalate", data={"reason": "hm"})
    assert response.status_code == 422
    assert "Tell staff what you need from them and what you tried: at least 5 characters (it has 2)." in _text(response)

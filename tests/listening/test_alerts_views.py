"""Spike alert pages and API: staff only (members 403, visitors to the login page or 401), the list by state,
the alert page's chart with its table and posts, acknowledge and resolve (once), following a tag."""
from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.extensions import db
from forum.listening import alerts
from forum.models import AlertState, Role, SpikeAlert, TagFollower
from tests.conftest import login_as
from tests.factories import make_thread, make_user

NOW = datetime(2026, 11, 30, 14, 30)


@pytest.fixture
def data(app):
    with app.app_context():
        staff, member = make_user(role=Role.STAFF), make_user()
        for n in range(6):
            clock.freeze(NOW - timedelta(minutes=3 + n))
            make_thread(None, tags=["wifi"], title=f"Wifi drops again, report {n}", body=f"Dropped {n} times today.")
        clock.freeze(NOW)
        [alert] = alerts.detect_spikes().opened
        return {"staff": staff.id, "member": member.id, "alert": alert.id}


PAGES = ["/staff/alerts", "/staff/alerts?state=open", "/staff/alerts/{alert}", "/staff/notices"]
POSTS = ["/staff/alerts/{alert}/acknowledge", "/staff/alerts/{alert}/resolve", "/staff/alerts/tags",
         "/staff/notices"]
API_GETS = ["/api/v1/staff/alerts"]
API_POSTS = ["/api/v1/staff/alerts/{alert}/acknowledge", "/api/v1/staff/alerts/{alert}/resolve", "/api/v1/notices",
             "/api/v1/notices/1/resolve"]


@pytest.mark.parametrize("path", PAGES + POSTS)
def test_visitor_cannot_open_alert_pages(client, data, path):
    url = path.format(**data)
    response = client.post(url) if path in POSTS and not path.endswith("notices") or url.endswith("/tags") \
        else client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("path", PAGES)
def test_member_cannot_see_alert_pages(client, data, path):
    login_as(client, data["member"])
    assert client.get(path.format(**data)).status_code == 403


@pytest.mark.parametrize("path", POSTS)
def test_member_cannot_change_alerts(client, data, path):
    login_as(client, data["member"])
    response = client.post(path.format(**data), data={"tag": "wifi", "text": "Known problem here", "thread_id": "1"})
    assert response.status_code == 403
    with client.application.app_context():
        assert db.session.get(SpikeAlert, data["alert"]).state == AlertState.OPEN


@pytest.mark.parametrize("path", API_GETS + API_POSTS)
def test_api_refuses_visitors_401_and_members_403(client, data, path):
    url = path.format(**data)
    call = client.get if path in API_GETS else client.post
    assert call(url, json={}).status_code == 401
    login_as(client, data["member"])
    assert call(url, json={"text": "Known problem here", "thread_id": 1}).status_code == 403


def test_staff_see_the_list_and_the_alert_page_with_chart_table_and_posts(client, data):
    login_as(client, data["staff"])
    listing = html.unescape(client.get("/staff/alerts").get_data(as_text=True))
    assert f'/staff/alerts/{data["alert"]}' in listing and "#wifi" in listing and ">Alerts</a>" in listing
    assert "#wifi" not in client.get("/staff/alerts?state=resolved").get_data(as_text=True)
    page = html.unescape(client.get(f"/staff/alerts/{data['alert']}").get_data(as_text=True))
    assert '<svg class="chart__svg"' in page and 'role="img"' in page
    assert "<title>30 Nov 14:00: 6 posts</title>" in page  # the burst's hour, drawn
    assert page.count("<tr><th scope=\"row\">") == 48  # the table: one row per hour
    assert page.count("Wifi drops again") == 6
    assert "Acknowledge" in page and "Resolve" in page and "Publish a known-issue notice" in page


def test_staff_acknowledge_then_resolve_and_the_api_agrees(client, data):
    login_as(client, data["staff"])
    clock.freeze(NOW + timedelta(minutes=12))
    response = client.post(f"/staff/alerts/{data['alert']}/acknowledge")
    assert response.status_code == 302
    listed = client.get("/api/v1/staff/alerts?state=acknowledged").get_json()
    assert [a["id"] for a in listed["items"]] == [data["alert"]] and listed["total"] == 1
    assert listed["items"][0]["acknowledged_at"] == "2026-11-30T14:42:00Z"
    resolved = client.post(f"/api/v1/staff/alerts/{data['alert']}/resolve", json={})
    assert resolved.status_code == 200 and resolved.get_json()["state"] == "resolved"
    assert client.post(f"/api/v1/staff/alerts/{data['alert']}/resolve", json={}).status_code == 409
    assert client.post(f"/api/v1/staff/alerts/{data['alert']}/acknowledge", json={}).status_code == 409
    assert client.get("/api/v1/staff/alerts?state=open").get_json()["total"] == 0
    bad = client.get("/api/v1/staff/alerts?state=closed")
    assert bad.status_code == 422 and "state" in bad.get_json()["error"]["fields"]
    assert client.get("/api/v1/staff/alerts/99/resolve").status_code == 405
    assert client.post("/api/v1/staff/alerts/99999/resolve", json={}).status_code == 404


def test_staff_follow_and_unfollow_a_tag(client, data):
    login_as(client, data["staff"])
    assert client.post("/staff/alerts/tags", data={"tag": "wifi"}).status_code == 302
    with client.application.app_context():
        assert db.session.scalar(sa.select(TagFollower.user_id)) == data["staff"]
    assert "#wifi" in client.get("/staff/alerts").get_data(as_text=True)
    missing = client.post("/staff/alerts/tags", data={"tag": "no-such-tag"})
    assert missing.status_code == 422 and "No tag has that name." in missing.get_data(as_text=True)
    assert 'value="no-such-tag"' in missing.get_data(as_text=True)  # the input is kept
    client.post("/staff/alerts/tags", data={"tag": "wifi", "action": "unfollow"})
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TagFollower)) == 0


def test_the_api_gives_one_alert_with_its_hours_and_posts_like_its_page(client, data):
    """The alert page's twin: 48 hourly counts (the burst's in the newest) and the matching posts, newest first."""
    clock.freeze(NOW)
    login_as(client, data["staff"])
    alert = client.get(f"/api/v1/staff/alerts/{data['alert']}").get_json()
    assert alert["id"] == data["alert"] and alert["name"] == "#wifi" and alert["state"] == "open"
    assert len(alert["hours"]) == 48 and alert["hours"][-1]["count"] == 6 and sum(h["count"] for h in alert["hours"]) == 6
    assert alert["hours"][-1]["start"] == "2026-11-30T14:00:00Z"
    assert [p["title"] for p in alert["posts"]][:2] == ["Wifi drops again, report 0", "Wifi drops again, report 1"]
    assert all(p["kind"] == "question" and p["question_id"] and p["url"].startswith("/questions/")
               for p in alert["posts"])
    assert client.get("/api/v1/staff/alerts/99999").status_code == 404


def test_staff_follow_and_unfollow_a_tag_through_the_api(client, data):
    login_as(client, data["staff"])
    assert client.get("/api/v1/staff/alerts/tags").get_json() == {"items": []}
    followed = client.post("/api/v1/staff/alerts/tags/WiFi", json={})
    assert followed.status_code == 200 and followed.get_json() == {"tag": "wifi", "following": True}
    assert client.post("/api/v1/staff/alerts/tags/wifi", json={}).status_code == 200  # idempotent
    assert client.get("/api/v1/staff/alerts/tags").get_json() == {"items": ["wifi"]}
    missing = client.post("/api/v1/staff/alerts/tags/no-such-tag", json={})
    assert missing.status_code == 404 and missing.get_json()["error"]["message"] == "No tag has that name."
    assert client.delete("/api/v1/staff/alerts/tags/wifi").get_json() == {"tag": "wifi", "following": False}
    with client.application.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(TagFollower)) == 0

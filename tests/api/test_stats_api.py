"""GET /api/v1/stats: staff only (403 for members and visitors alike), the same figures as the page, 422s."""
from __future__ import annotations

import pytest

from forum.extensions import db
from forum.models import Role
from tests.conftest import login_as
from tests.services import dashboard_data
from tests.services.dashboard_data import WHO


@pytest.fixture
def data(app):
    with app.app_context():
        # a suspended staff member reads nothing either
        return dashboard_data.build_with_viewers(suspended_role=Role.STAFF)


def _get(client, data, who, query=""):
    if data[who] is not None:
        login_as(client, data[who])
    return client.get(f"/api/v1/stats{query}")


@pytest.mark.parametrize("who", WHO)
def test_who_can_read_stats(client, data, who):
    response = _get(client, data, who, "?days=7")
    if who in ("staff", "moderator", "admin"):
        assert response.status_code == 200
        assert response.get_json()["figures"]["questions_asked"]["value"] == 8
    elif who == "visitor":  # issue 17: 401 like every other protected operation
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    else:
        assert response.status_code == 403
        assert response.get_json() == {"error": {"code": "forbidden",
                                                 "message": "Only staff can see the community dashboard."}}


@pytest.mark.parametrize("who, status", [("member", 403), ("staff", 200)])
def test_bearer_tokens(client, data, app, who, status):
    with app.app_context():
        from forum.auth.services import create_token
        from forum.models import User
        secret = create_token(user=db.session.get(User, data[who]), name="script")
    response = client.get("/api/v1/stats?days=90", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == status


def test_stats_figures(client, data):
    body = _get(client, data, "staff", "?days=7").get_json()
    assert body["period"]["since"] == "2026-03-04T00:00:00Z" and body["period"]["until"] == "2026-03-10T12:00:00Z"
    assert body["period"]["days"] == 7 and body["previous_period"]["until"] == "2026-03-04T00:00:00Z"
    figures = body["figures"]
    assert figures["questions_asked"] == {"value": 8, "previous": 1, "change": 7, "unit": "count"}
    assert figures["answered_share"]["value"] == 0.625 and figures["solved_share"]["value"] == 0.375
    assert (figures["first_answer_median_seconds"]["value"], figures["first_answer_p90_seconds"]["value"]) \
        == (7200, 60480)
    assert (figures["accepted_answer_median_seconds"]["value"], figures["accepted_answer_p90_seconds"]["value"]) \
        == (7200, 70560)
    assert figures["first_answers_by_members_share"]["value"] == 0.8
    assert body["first_answers"] == {"members": 4, "staff": 1, "total": 5}
    assert figures["escalations_within_sla_share"]["value"] == 0.5 and body["escalations_breached_now"] == 1
    assert figures["escalation_first_reply_median_seconds"]["value"] == 64800
    assert (figures["flags_raised"]["value"], figures["flag_handling_median_seconds"]["value"],
            figures["posts_hidden"]["value"]) == (3, 9000, 2)
    assert (figures["ideas_submitted"]["value"], figures["idea_votes_cast"]["value"],
            figures["idea_status_changes"]["value"]) == (1, 4, 1)
    assert [b["count"] for b in body["backlog"]["buckets"]] == [1, 1, 1, 1]
    assert [idea["votes_gained"] for idea in body["top_ideas"]] == [3, 1]
    assert body["top_answerers"]["staff"] == [{"username": "sven", "answers": 2, "accepted": 1}]
    assert len(body["daily"]) == 7 and body["daily"][1]["first_answer_median_seconds"] == 4500


def test_custom_dates_and_category(client, data):
    body = _get(client, data, "staff", "?since=2026-03-05&until=2026-03-06&category=general").get_json()
    assert body["period"] == {"since": "2026-03-05T00:00:00Z", "until": "2026-03-07T00:00:00Z", "days": None,
                              "first_day": "2026-03-05", "last_day": "2026-03-06", "category": "general",
                              "label": "05 Mar 2026 – 06 Mar 2026"}
    assert body["figures"]["questions_asked"]["value"] == 3          # Q1, Q2, Q3 (Q8 hidden, Q9 other)


@pytest.mark.parametrize("query, field", [
    ("?since=2026-03-09&until=2026-03-01", "until"), ("?since=2026-03-01&until=2999-01-01", "until"),
    ("?since=0001-01-01&until=0001-01-02", "since"), ("?since=yesterday", "since"), ("?days=-1", "days"),
    ("?days=1e9", "days"), ("?category=%3Cscript%3E", "category"),
])
def test_bad_input_is_a_422_naming_the_field(client, data, query, field):
    response = _get(client, data, "staff", query)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


def test_openapi_describes_stats(client, data):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/stats"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["days", "since", "until", "category"]
    assert "Stats" in document["components"]["schemas"]

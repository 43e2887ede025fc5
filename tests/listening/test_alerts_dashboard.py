"""The dashboard's listening figures: matches per day, matched post to first staff reply, alerts and the time
each took to acknowledge; within the page's statement budget (tests/services/test_dashboard_rollups.py)."""
from __future__ import annotations

import html
from datetime import datetime, timedelta

from forum import clock
from forum.dashboard import listening
from forum.dashboard.period import parse_period
from forum.extensions import db
from forum.listening import alerts
from forum.models import Match, Role, SpikeAlert, Watch
from tests.conftest import login_as
from tests.factories import make_answer, make_thread, make_user

NOW = datetime(2026, 11, 30, 14, 30)


def _build():
    staff = make_user(role=Role.STAFF)
    watch = Watch(name="Crashes")
    db.session.add(watch)
    db.session.commit()
    for n, (days_ago, reply_after) in enumerate([(1, 2), (1, 4), (3, None), (40, 1)]):
        posted = NOW - timedelta(days=days_ago)
        clock.freeze(posted)
        thread = make_thread(title=f"The app crashes when I open it, case {n}", body=f"Crash number {n}.")
        db.session.add(Match(watch_id=watch.id, kind="question", source_id=thread.question.id,
                             post_id=thread.question.id, thread_id=thread.id, title=thread.title, posted_at=posted,
                             created_at=posted))
        db.session.commit()
        if reply_after:
            clock.freeze(posted + timedelta(hours=reply_after))
            make_answer(thread, staff, body=f"We are on it, case {n}.")
    alert = SpikeAlert(subject_key=f"watch:{watch.id}", watch_id=watch.id, subject_name="Crashes",
                       opened_at=NOW - timedelta(days=1), last_spike_at=NOW - timedelta(days=1), peak_count=7,
                       hour_count=7)
    db.session.add(alert)
    db.session.commit()
    clock.freeze(NOW - timedelta(days=1) + timedelta(minutes=25))
    alerts.acknowledge_alert(actor=staff, alert_id=alert.id)
    clock.freeze(NOW)
    return staff.id


def test_the_figures_of_a_period(ctx):
    _build()
    figures = listening.compute(parse_period({"days": "7"}, NOW))
    assert figures.matches == 3 and figures.replied == 2  # the 40-day-old match is outside the period
    assert figures.median_reply_seconds == 3 * 3600  # replies after 2 h and 4 h
    assert sum(day["matches"] for day in figures.per_day) == 3
    assert {d["date"]: d["matches"] for d in figures.per_day}["2026-11-29"] == 2
    [alert] = figures.alerts
    assert alert["name"] == "Crashes" and alert["ack_seconds"] == 25 * 60


def test_the_page_shows_them(app, client):
    with app.app_context():
        staff_id = _build()
    login_as(client, staff_id)
    page = html.unescape(client.get("/staff/dashboard?days=7").get_data(as_text=True))
    assert 'id="h-listening"' in page and "Posts matched by watches" in page
    assert "3.0 h" in page and "25 min" in page and "2 of 3 answered by staff" in page


def test_the_stats_api_gives_them_too(app, client):
    with app.app_context():
        staff_id = _build()
    login_as(client, staff_id)
    heard = client.get("/api/v1/stats?days=7").get_json()["listening"]
    assert heard["matches"] == 3 and heard["replied"] == 2 and heard["median_reply_seconds"] == 3 * 3600
    [alert] = heard["alerts"]
    assert alert["name"] == "Crashes" and alert["ack_seconds"] == 25 * 60 and alert["opened_at"].endswith("Z")

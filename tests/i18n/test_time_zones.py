"""Issue 20 (f): times in a member's time zone, across the daylight-saving changes of Europe/Amsterdam (the
last Sundays of March and October, at 01:00 UTC); visitors keep UTC; the staff dashboard's days follow the
staff member's date."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from forum import clock
from forum.dashboard.period import parse_period
from forum.extensions import db
from forum.i18n import as_member
from forum.models import User
from forum.timefmt import format_moment, local_time
from tests.conftest import login_as
from tests.factories import make_thread, make_user


class Member:
    language, time_zone = "en", "Europe/Amsterdam"


@pytest.mark.parametrize("moment, expected", [
    (datetime(2026, 3, 29, 0, 30), "29 Mar 2026, 01:30 CET"),    # before the spring change
    (datetime(2026, 3, 29, 1, 30), "29 Mar 2026, 03:30 CEST"),   # an hour later by the clock on the wall: two
    (datetime(2026, 10, 25, 0, 30), "25 Oct 2026, 02:30 CEST"),  # before the autumn change
    (datetime(2026, 10, 25, 1, 30), "25 Oct 2026, 02:30 CET"),   # 02:30 again, an hour later
    (datetime(2026, 12, 6, 23, 30), "7 Dec 2026, 00:30 CET"),    # a different date than in UTC
])
def test_a_members_times_are_in_their_zone_across_daylight_saving(app, moment, expected):
    with app.test_request_context("/"), as_member(Member()):
        assert format_moment(moment) == expected


def test_without_a_zone_times_are_utc_and_a_page_says_which_clock(app):
    class NoZone:
        language, time_zone = None, None

    with app.test_request_context("/"):
        assert format_moment(datetime(2026, 3, 29, 1, 30)) == "29 Mar 2026, 01:30 UTC"
        with as_member(NoZone()):
            assert format_moment(datetime(2026, 3, 29, 1, 30), "short") == "29 Mar, 01:30 UTC"
        html = str(local_time(datetime(2026, 3, 29, 1, 30), "datetime", label="asked"))
        assert 'datetime="2026-03-29T01:30:00Z"' in html and ">asked 29 Mar 2026, 01:30 UTC</time>" in html


def test_dutch_dates_use_dutch_month_names(app):
    class Dutch:
        language, time_zone = "nl", "Europe/Amsterdam"

    with app.test_request_context("/"), as_member(Dutch()):
        assert format_moment(datetime(2026, 10, 25, 1, 30), "month") == "oktober 2026"


def test_a_members_pages_show_their_zone_and_visitors_utc(app, client):
    with app.app_context():
        clock.freeze(datetime(2026, 3, 29, 1, 30))
        member = make_user("eva")
        member.time_zone = "Europe/Amsterdam"
        db.session.commit()
        thread = make_thread(member, title="Lights flicker after the clocks changed")
        path, member_id = f"/questions/{thread.id}/{thread.slug}", member.id
    visitor = client.get(path).get_data(as_text=True)
    assert "29 Mar 2026, 01:30 UTC" in visitor and "data-time-zone" not in visitor
    login_as(client, member_id)
    page = client.get(path).get_data(as_text=True)
    assert "29 Mar 2026, 03:30 CEST" in page and 'data-time-zone="Europe/Amsterdam"' in page


def test_the_dashboards_today_is_the_staff_members_date(app):
    """At 23:30 UTC on 6 December it is already 7 December in Tokyo and still 6 December in New York; the
    figures are per UTC day, so the period's last day is that date's UTC day, never one after now's."""
    now = datetime(2026, 12, 6, 23, 30)
    with app.test_request_context("/"):
        with as_member(type("Tokyo", (), {"language": "en", "time_zone": "Asia/Tokyo"})()):
            tokyo = parse_period({"days": "7"}, now)
        with as_member(type("NewYork", (), {"language": "en", "time_zone": "America/New_York"})()):
            new_york = parse_period({"days": "7"}, now)
    assert (tokyo.first_day.isoformat(), tokyo.last_day.isoformat(), tokyo.until) == ("2026-11-30", "2026-12-06", now)
    assert (new_york.first_day.isoformat(), new_york.last_day.isoformat()) == ("2026-11-30", "2026-12-06")
    early = datetime(2026, 12, 7, 2, 0)  # 21:00 on 6 December in New York: their today is still the 6th
    with app.test_request_context("/"), as_member(type("NY", (), {"language": "en", "time_zone": "America/New_York"})()):
        late = parse_period({"days": "7"}, early)
    assert (late.first_day.isoformat(), late.last_day.isoformat()) == ("2026-11-30", "2026-12-06")
    assert late.until == datetime(2026, 12, 7) and late.until - late.since == timedelta(days=7)
    with app.test_request_context("/"):
        utc = parse_period({"days": "7"}, early)
    assert (utc.first_day.isoformat(), utc.last_day.isoformat(), utc.until) == ("2026-12-01", "2026-12-07", early)


def test_a_digest_mail_shows_times_in_the_members_zone(app):
    from forum.notifications import emails
    from forum.notifications.services import notify
    from forum.models import OutboxMail

    with app.app_context():
        clock.freeze(datetime(2026, 10, 25, 1, 30))
        member = make_user("henk")
        member.time_zone = "Europe/Amsterdam"
        db.session.commit()
        notify(user_id=member.id, kind="mention", text="Someone mentioned you", url="/questions/1")
        db.session.commit()
        note_id = db.session.scalar(db.select(db.func.max(db.text("id"))).select_from(db.text("notifications")))
        row = OutboxMail(user_id=member.id, kind="digest", payload={"ids": [note_id]},
                         next_attempt_at=clock.utcnow())
        db.session.add(row)
        db.session.commit()
        message, _why = emails.compose(row)
        assert message is not None and "25 Oct 2026, 02:30 CET" in message.html
        assert db.session.get(User, member.id).time_zone == "Europe/Amsterdam"

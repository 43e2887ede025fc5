"""Spike detection with a controlled clock: a quiet week then a burst opens one alert, a continuing burst opens
no second, a resolved alert does not reopen for its burst, ordinary noise opens none, two runs at once open one."""
from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.extensions import db
from forum.listening import alerts
from forum.models import (AlertState, Match, Notification, NotificationPreference, OutboxMail, Role, SpikeAlert, Tag,
                          TagFollower, Watch, WatchFollower)
from tests.factories import make_thread, make_user

NOW = datetime(2026, 11, 30, 14, 30)
_seq = itertools.count(1)


def _post(at: datetime, tag: str = "wifi", author=None) -> None:
    clock.freeze(at)
    make_thread(author, tags=[tag], title=f"Trouble with {tag}, report {next(_seq)}")


def _quiet_week(tag: str = "wifi", per_day: int = 1) -> None:
    """`per_day` posts in the same hour on each of the previous seven days, and some at other hours."""
    for day in range(1, 8):
        for n in range(per_day):
            _post(NOW - timedelta(days=day, minutes=20 + n), tag)
        _post(NOW - timedelta(days=day, hours=5), tag)


def _burst(count: int, *, end: datetime = NOW, tag: str = "wifi") -> None:
    for n in range(count):
        _post(end - timedelta(minutes=2 + n), tag)


def _follow_tag(user, name: str = "wifi") -> None:
    tag = db.session.scalar(sa.select(Tag).where(Tag.name == name))
    db.session.add(TagFollower(tag_id=tag.id, user_id=user.id))
    db.session.commit()


def _alerts() -> list[SpikeAlert]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(SpikeAlert).order_by(SpikeAlert.id)))


def _detect(at: datetime) -> alerts.SpikeRun:
    clock.freeze(at)
    return alerts.detect_spikes()


def test_quiet_week_then_a_burst_opens_one_alert_and_tells_staff_followers_at_once(ctx):
    staff, member = make_user(role=Role.STAFF), make_user()
    _quiet_week()
    _follow_tag(staff)
    _follow_tag(member)  # a member following a tag (say, before a demotion) is never told of a spike
    # the staff member chose the daily digest for "other" kinds: a spike still comes by mail at once
    db.session.add(NotificationPreference(user_id=staff.id, kind="other", delivery="daily"))
    db.session.commit()
    _burst(6)
    run = _detect(NOW)
    [alert] = _alerts()
    assert [a.id for a in run.opened] == [alert.id]
    assert (alert.subject_key, alert.subject_name, alert.state) == (f"tag:{alert.tag_id}", "#wifi", AlertState.OPEN)
    assert alert.hour_count == 6 and alert.baseline == pytest.approx(1.0)
    told = db.session.scalars(sa.select(Notification).where(Notification.kind == "spike_alert")).all()
    assert [(n.user_id, n.url) for n in told] == [(staff.id, f"/staff/alerts/{alert.id}")]
    assert "6 posts on #wifi" in told[0].text
    mails = db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "spike_alert")).all()
    assert [m.user_id for m in mails] == [staff.id] and told[0].mailed_at is not None


def test_a_continuing_burst_updates_its_alert_and_opens_no_second(ctx):
    staff = make_user(role=Role.STAFF)
    _quiet_week()
    _follow_tag(staff)
    _burst(6)
    _detect(NOW)
    _burst(4, end=NOW + timedelta(minutes=10))
    run = _detect(NOW + timedelta(minutes=10))
    [alert] = _alerts()
    assert run.opened == [] and [a.id for a in run.updated] == [alert.id]
    assert alert.hour_count == 10 and alert.peak_count == 10 and alert.last_spike_at == NOW + timedelta(minutes=10)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.kind == "spike_alert")) == 1  # told once


def test_a_resolved_alert_does_not_reopen_for_the_same_burst_but_a_later_burst_opens_a_new_one(ctx):
    staff = make_user(role=Role.STAFF)
    _quiet_week()
    _burst(6)
    _detect(NOW)
    [alert] = _alerts()
    clock.freeze(NOW + timedelta(minutes=5))
    alerts.resolve_alert(actor=staff, alert_id=alert.id)
    _burst(3, end=NOW + timedelta(minutes=20))
    _detect(NOW + timedelta(minutes=20))
    [again] = _alerts()
    assert again.state == AlertState.RESOLVED and again.peak_count == 9
    # quiet for hours, then a new burst the next afternoon: a new alert
    later = NOW + timedelta(hours=6)
    assert _detect(later).opened == []
    _burst(7, end=later)
    run = _detect(later)
    assert len(run.opened) == 1 and len(_alerts()) == 2


def test_ordinary_noise_opens_none(ctx):
    _quiet_week(per_day=4)  # a busy tag: about four posts in this hour every day
    _burst(7)  # a busier hour than usual, but under 3x its baseline
    assert _detect(NOW).opened == [] and _alerts() == []
    _quiet_week(tag="mesh", per_day=0)
    _burst(4, tag="mesh")  # 3x nothing, but under the minimum of 5
    assert _detect(NOW).opened == [] and _alerts() == []


@pytest.mark.config(SPIKE_MIN_POSTS=3, SPIKE_FACTOR=2.0)
def test_the_minimum_and_the_factor_are_settings(ctx):
    _burst(3)
    assert len(_detect(NOW).opened) == 1


def test_hidden_posts_and_staff_replies_do_not_count(ctx):
    from forum.models import Post
    _burst(6)
    db.session.execute(sa.update(Post).where(Post.id.in_(sa.select(Post.id).order_by(Post.id).limit(2)))
                       .values(is_hidden=True))
    db.session.commit()
    assert _detect(NOW).opened == []


def _watch_with_matches(count: int, at: datetime) -> Watch:
    watch = Watch(name="Crashes")
    db.session.add(watch)
    db.session.flush()
    for n in range(count):
        thread = make_thread(title=f"The app crashes on start, case {n}")
        db.session.add(Match(watch_id=watch.id, kind="question", source_id=thread.question.id + 10_000,
                             post_id=thread.question.id, thread_id=thread.id, title=thread.title, excerpt="crashes",
                             terms=["crash"], posted_at=at - timedelta(minutes=n + 1)))
    db.session.commit()
    return watch


def test_a_watch_spikes_on_its_matches_and_tells_its_staff_followers(ctx):
    staff, other_staff = make_user(role=Role.STAFF), make_user(role=Role.STAFF)
    watch = _watch_with_matches(5, NOW)
    db.session.add(WatchFollower(watch_id=watch.id, user_id=staff.id))
    db.session.commit()
    run = _detect(NOW)
    alert = next(a for a in run.opened if a.watch_id == watch.id)
    assert alert.subject_name == "Crashes" and alert.hour_count == 5
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "spike_alert")).all()
    assert told == [staff.id] and other_staff.id not in told


def test_two_runs_at_once_open_one_alert(app):
    with app.app_context():
        make_user(role=Role.STAFF)
        _quiet_week()
        _burst(6)
        clock.freeze(NOW)
    barrier, errors = threading.Barrier(2), []

    def run() -> None:
        try:
            with app.app_context():
                barrier.wait()
                alerts.detect_spikes(now=NOW)
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    workers = [threading.Thread(target=run) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert errors == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SpikeAlert)) == 1
        db.session.remove()


def test_the_command_reports_what_it_opened(app):
    with app.app_context():
        _burst(6)
        clock.freeze(NOW)
    result = app.test_cli_runner().invoke(args=["forum", "detect-spikes"])
    assert result.exit_code == 0, result.output
    assert "Opened alert 1: #wifi, 6 posts in the last hour (baseline 0.0)." in result.output
    assert "1 alerts opened, 0 continuing" in result.output
    again = app.test_cli_runner().invoke(args=["forum", "detect-spikes"])
    assert "0 alerts opened, 1 continuing" in again.output

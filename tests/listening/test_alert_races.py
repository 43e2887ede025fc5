"""Acknowledge and resolve are conditional UPDATEs (… WHERE state IN the states it may move from): staff acting at
once never take an alert back from resolved to acknowledged, and resolve it once. The interleavings need two real
concurrent connections, which SQLite serialises (BEGIN IMMEDIATE): those run on PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.errors import Conflict
from forum.extensions import db
from forum.listening import alerts
from forum.models import AlertState, Role, SpikeAlert, User
from tests.factories import make_user

NOW = datetime(2026, 11, 30, 14, 30)
STAFF = 8
pytestmark = pytest.mark.config(SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "pool_size": STAFF + 4,
                                                           "max_overflow": 4})


def _alert() -> int:
    clock.freeze(NOW)
    alert = SpikeAlert(subject_key="tag:1", subject_name="#wifi", opened_at=NOW - timedelta(minutes=5),
                       last_spike_at=NOW, hour_count=9, peak_count=9, baseline=1.0, state=AlertState.OPEN)
    db.session.add(alert)
    db.session.commit()
    return alert.id


def _state(alert_id: int) -> tuple:
    db.session.expire_all()
    alert = db.session.get(SpikeAlert, alert_id)
    return alert.state, alert.acknowledged_by_id, alert.resolved_by_id


def test_acknowledge_and_resolve_move_only_forward(ctx):
    alert_id, (first, second) = _alert(), (make_user(role=Role.STAFF), make_user(role=Role.STAFF))
    assert alerts.acknowledge_alert(actor=first, alert_id=alert_id).state == AlertState.ACKNOWLEDGED
    alerts.acknowledge_alert(actor=second, alert_id=alert_id)  # again: nothing changes, and no error
    assert _state(alert_id) == (AlertState.ACKNOWLEDGED, first.id, None)
    assert alerts.resolve_alert(actor=second, alert_id=alert_id).state == AlertState.RESOLVED
    assert _state(alert_id) == (AlertState.RESOLVED, first.id, second.id)  # the first look is kept
    for move in (alerts.acknowledge_alert, alerts.resolve_alert):
        with pytest.raises(Conflict):
            move(actor=first, alert_id=alert_id)
    assert _state(alert_id) == (AlertState.RESOLVED, first.id, second.id)


def test_resolving_an_alert_nobody_acknowledged_acknowledges_it(ctx):
    alert_id, staff = _alert(), make_user(role=Role.STAFF)
    alerts.resolve_alert(actor=staff, alert_id=alert_id)
    alert = db.session.get(SpikeAlert, alert_id)
    assert (alert.state, alert.acknowledged_by_id, alert.acknowledged_at, alert.resolved_at) == (
        AlertState.RESOLVED, staff.id, NOW, NOW)


@pytest.fixture
def postgres(backend):
    if backend != "postgres":
        pytest.skip("two concurrent writers need PostgreSQL; SQLite serialises them")


def test_an_acknowledge_read_before_a_resolve_does_not_undo_it(app, ctx, postgres, monkeypatch):
    """Sam reads the open alert; Ana resolves it on her own connection and commits; Sam's acknowledge then
    writes. Read-then-write-back would leave it acknowledged; the conditional UPDATE sees it resolved."""
    alert_id = _alert()
    sam, ana = make_user(role=Role.STAFF), make_user(role=Role.STAFF)
    sam_id, ana_id = sam.id, ana.id
    read = alerts.get_alert

    def read_then_ana_resolves(*, actor, alert_id):
        alert = read(actor=actor, alert_id=alert_id)
        assert alert.state == AlertState.OPEN  # Sam's copy, in Sam's open transaction
        with app.app_context():  # Ana: another session, another connection
            monkeypatch.setattr(alerts, "get_alert", read)
            alerts.resolve_alert(actor=db.session.get(User, ana_id), alert_id=alert_id)
            db.session.remove()
        return alert

    monkeypatch.setattr(alerts, "get_alert", read_then_ana_resolves)
    with pytest.raises(Conflict):
        alerts.acknowledge_alert(actor=db.session.get(User, sam_id), alert_id=alert_id)
    assert _state(alert_id) == (AlertState.RESOLVED, ana_id, ana_id)


def test_staff_resolving_at_once_resolve_it_once(app, ctx, postgres):
    alert_id = _alert()
    staff_ids = [make_user(role=Role.STAFF).id for _ in range(STAFF)]
    db.session.rollback()
    barrier, outcomes, lock = threading.Barrier(STAFF), [], threading.Lock()

    def worker(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                db.session.rollback()
                barrier.wait(timeout=30)
                move = alerts.resolve_alert if user_id % 2 else alerts.acknowledge_alert
                move(actor=user, alert_id=alert_id)
                result = "ok"
            except Conflict:
                result = "conflict"
            except Exception as error:  # noqa: BLE001 - reported by the test
                result = repr(error)
            finally:
                db.session.remove()
            with lock:
                outcomes.append((user_id, result))

    threads = [threading.Thread(target=worker, args=(user_id,)) for user_id in staff_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    resolvers = [user_id for user_id, result in outcomes if user_id % 2 and result == "ok"]
    assert all(result in ("ok", "conflict") for _, result in outcomes), outcomes
    assert len(resolvers) == 1, outcomes  # one resolve wins; the others were told it is already resolved
    state, acknowledged_by, resolved_by = _state(alert_id)
    assert (state, resolved_by) == (AlertState.RESOLVED, resolvers[0])
    assert acknowledged_by in staff_ids
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SpikeAlert)) == 1

"""The escalation queue, the audit log, the flag queue, a member's notifications and profile counts read a page
from the index that serves it (past the middle from the far end) and count once per change: the pages must
still join up to exactly the whole list, in order, ties included, and the totals must follow every write."""
from __future__ import annotations

from datetime import datetime, timedelta

from forum import clock
from forum.audit import record_audit
from forum.escalations import services as escalations
from forum.extensions import db
from forum.models import AuditEntry, Escalation, Flag, Notification, Post, Role, Thread, User
from forum.moderation import services as moderation
from forum.notifications import services as notifications
from tests.conftest import login_as
from tests.factories import make_answer, make_escalation, make_flag, make_thread, make_user

MOMENT = datetime(2026, 10, 1, 12, 0)


def _pages(client, url: str, per_page: int) -> tuple[list[int], int]:
    """Every page of an API list joined up, with the total the first page gave."""
    ids, page, total = [], 1, None
    separator = "&" if "?" in url else "?"
    while True:
        body = client.get(f"{url}{separator}per_page={per_page}&page={page}").get_json()
        assert body["page"] == page and body["per_page"] == per_page, (url, body)
        total = body["total"] if total is None else total
        ids += [item["id"] for item in body["items"]]
        if page * per_page >= total:
            return ids, total
        page += 1


def _whole(client, url: str, key: str = "id") -> list:
    separator = "&" if "?" in url else "?"
    body = client.get(f"{url}{separator}per_page=100").get_json()
    assert body["total"] == len(body["items"]), url
    return [item[key] for item in body["items"]]


def _joins_up(client, url: str, expected: list, per_page: int = 3, key: str = "id") -> None:
    assert _whole(client, url, key) == expected, url
    paged, total = _pages(client, url, per_page) if key == "id" else (None, None)
    if paged is not None:
        assert paged == expected and total == len(expected), url


def test_escalation_queue_pages_join_up_and_totals_follow_writes(app, client):
    with app.app_context():
        staff = make_user(role=Role.STAFF)
        staff_id, asker = staff.id, make_user()
        made = []
        for number in range(14):
            clock.freeze(MOMENT + timedelta(minutes=number // 4))  # four at a time: the same due time
            made.append(make_escalation(make_thread(asker)))
        for number, escalation in enumerate(made):
            clock.freeze(MOMENT + timedelta(hours=2, minutes=number // 3))
            if number % 3:
                escalations.assign_escalation(actor=staff, escalation=escalation)
            if number % 3 == 2:
                escalations.resolve_escalation(actor=staff, escalation=escalation, note="Done.")
        clock.freeze(None)
        rows = db.session.scalars(db.select(Escalation)).all()
        by_due = sorted(rows, key=lambda e: (e.due_at, e.id))
        expected = {
            "active": [e.id for e in by_due if e.status != "resolved"],
            "open": [e.id for e in by_due if e.status == "open"],
            "assigned": [e.id for e in by_due if e.status == "assigned"],
            "mine": [e.id for e in by_due if e.status == "assigned" and e.assignee_id == staff_id],
            "resolved": [e.id for e in sorted(rows, key=lambda e: (e.resolved_at or MOMENT, e.id), reverse=True)
                         if e.status == "resolved"],
        }
        first_open = expected["open"][0]
    login_as(client, staff_id)
    for status, ids in expected.items():
        assert ids, status
        _joins_up(client, f"/api/v1/escalations?status={status}", ids)
    assert client.get("/staff/escalations?status=resolved&page=999").status_code == 200  # the last page shown
    with app.app_context():
        escalations.resolve_escalation(actor=db.session.get(User, staff_id),
                                       escalation=db.session.get(Escalation, first_open), note="Fixed.")
    assert _pages(client, "/api/v1/escalations?status=resolved", 4)[1] == len(expected["resolved"]) + 1
    assert _pages(client, "/api/v1/escalations?status=open", 4)[1] == len(expected["open"]) - 1
    with app.app_context():  # the tabs' counts followed too
        from forum.escalations.queries import counts
        assert counts()["resolved"] == len(expected["resolved"]) + 1
        assert counts()["open"] == len(expected["open"]) - 1


def test_audit_log_pages_join_up_and_totals_follow_writes(app, client):
    with app.app_context():
        moderator = make_user(role=Role.MODERATOR)
        moderator_id, name = moderator.id, moderator.username
        actions = ["post.hide", "post.restore", "thread.move", "user.suspend"]
        for number in range(17):
            clock.freeze(MOMENT + timedelta(minutes=number // 5))
            record_audit(actor=moderator if number % 4 else None, action=actions[number % 4], target_type="post",
                         target_id=number)
            db.session.commit()
        clock.freeze(None)
        rows = sorted(db.session.scalars(db.select(AuditEntry)).all(), key=lambda e: (e.created_at, e.id),
                      reverse=True)
        expected = {
            "": [e.id for e in rows],
            "action=post": [e.id for e in rows if e.action.startswith("post.")],
            "action=post.hide": [e.id for e in rows if e.action == "post.hide"],
            f"actor={name}": [e.id for e in rows if e.actor_id == moderator_id],
            "actor=system": [e.id for e in rows if e.actor_id is None],
            "since=2026-10-01T12:02:00Z": [e.id for e in rows if e.created_at >= MOMENT + timedelta(minutes=2)],
        }
    login_as(client, moderator_id)
    for query, ids in expected.items():
        assert ids, query
        _joins_up(client, f"/api/v1/mod/audit?{query}", ids)
    with app.app_context():
        record_audit(actor=db.session.get(User, moderator_id), action="post.hide", target_type="post", target_id=99)
        db.session.commit()
    assert _pages(client, "/api/v1/mod/audit?action=post", 5)[1] == len(expected["action=post"]) + 1
    assert _pages(client, "/api/v1/mod/audit", 5)[1] == len(expected[""]) + 1
    assert "post.hide" in client.get("/mod/audit").get_data(as_text=True)


def test_flag_queue_pages_join_up_and_totals_follow_writes(app, client):
    with app.app_context():
        moderator_id = make_user(role=Role.MODERATOR).id
        thread = make_thread()
        posts = [make_answer(thread) for _ in range(7)]
        reporters = [make_user() for _ in range(3)]
        for number, post in enumerate(posts):
            for reporter in reporters[: 1 + number % 3]:
                clock.freeze(MOMENT + timedelta(minutes=(7 - number) // 2))  # later posts flagged first, ties
                make_flag(post, reporter)
        clock.freeze(None)
        oldest = {}
        for flag in db.session.scalars(db.select(Flag)).all():
            oldest[flag.post_id] = min(oldest.get(flag.post_id, flag.created_at), flag.created_at)
        expected = sorted(oldest, key=lambda post_id: (oldest[post_id], post_id))
        some_flag = db.session.scalar(db.select(Flag.id).where(Flag.post_id == expected[0]).limit(1))
    login_as(client, moderator_id)
    body = client.get("/api/v1/mod/flags?per_page=100").get_json()
    assert body["total"] == len(expected) == len(body["items"])
    assert [item["post_id"] for item in body["items"]] == expected
    paged = []
    for page in range(1, 5):
        items = client.get(f"/api/v1/mod/flags?per_page=2&page={page}").get_json()["items"]
        paged += [item["post_id"] for item in items]
    assert paged == expected
    with app.app_context():
        moderation.dismiss_flag(actor=db.session.get(User, moderator_id), flag=db.session.get(Flag, some_flag),
                                whole_post=True)
    assert client.get("/api/v1/mod/flags").get_json()["total"] == len(expected) - 1
    with app.app_context():
        make_flag(db.session.get(Post, expected[0]), make_user())
    assert client.get("/api/v1/mod/flags").get_json()["total"] == len(expected)


def test_notification_pages_join_up_and_totals_follow_writes(app, client):
    with app.app_context():
        asker = make_user()
        asker_id = asker.id
        thread = make_thread(asker)
        thread_id = thread.id
        for number in range(11):
            clock.freeze(MOMENT + timedelta(minutes=number // 4))
            make_answer(thread)
        clock.freeze(None)
        rows = sorted(db.session.scalars(db.select(Notification).where(Notification.user_id == asker_id)).all(),
                      key=lambda n: (n.created_at, n.id), reverse=True)
        expected = [n.id for n in rows]
        answer_id = db.session.scalar(db.select(Notification.post_id).where(Notification.id == expected[0]))
    assert len(expected) == 11
    login_as(client, asker_id)
    _joins_up(client, "/api/v1/notifications", expected, per_page=4)
    _joins_up(client, "/api/v1/notifications?unread=1", expected, per_page=4)
    assert client.get("/api/v1/notifications").get_json()["unread_count"] == 11
    with app.app_context():
        notifications.mark_notifications_read(actor=db.session.get(User, asker_id), ids=expected[:3])
    assert client.get("/api/v1/notifications?unread=1").get_json()["total"] == 8
    assert client.get("/api/v1/notifications").get_json()["unread_count"] == 8
    with app.app_context():  # an answer hidden after the fact drops out of the asker's list
        moderation.hide_post(actor=make_user(role=Role.MODERATOR), post=db.session.get(Post, answer_id))
    body = client.get("/api/v1/notifications").get_json()
    assert body["total"] == 10 and expected[0] not in [item["id"] for item in body["items"]]
    with app.app_context():
        make_answer(db.session.get(Thread, thread_id))
    assert client.get("/api/v1/notifications").get_json()["total"] == 11


def test_profile_counts_follow_writes(app, client):
    with app.app_context():
        member = make_user()
        member_id, name = member.id, member.username
        thread_id = make_thread(member).id
    login_as(client, member_id)

    def counts() -> list[str]:
        html = client.get(f"/users/{name}").get_data(as_text=True)
        return [html.split(f"<dt>{label}</dt><dd>")[1].split("</dd>")[0] for label in ("Questions", "Answers")]

    assert counts() == ["1", "0"]
    with app.app_context():
        make_answer(db.session.get(Thread, thread_id), db.session.get(User, member_id))
        make_thread(db.session.get(User, member_id))
    assert counts() == ["2", "1"]

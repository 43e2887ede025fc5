"""No GET writes (issue 21, DESIGN §4): every GET rule of the URL map, as visitor, member, staff and admin, runs no
INSERT, UPDATE or DELETE. The rules come from the URL map, so a new page is covered without editing this test;
a new URL argument needs a sample value in `_arguments` (the test says which)."""
from __future__ import annotations

import re
from itertools import product

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from forum.auth.services import _reset_fingerprint, _reset_serializer
from forum.escalations.services import assign_escalation
from forum.extensions import db
from forum.models import Role
from forum.notifications.tokens import make_unsubscribe_token
from tests.conftest import login_as
from tests.factories import make_answer, make_escalation, make_flag, make_idea, make_thread, make_user

ROLES = ("visitor", "member", "staff", "admin")
_WRITE = re.compile(r"^\s*(?:WITH\b.*?\)\s*)?(INSERT|UPDATE|DELETE|REPLACE|MERGE|UPSERT)\b", re.IGNORECASE | re.DOTALL)

# Deliberate writes on GET, each with its reason; the test checks they write only what is listed here.
EXCEPTIONS = {
    # DESIGN/privacy: "every look is audited". Reading an escalation's private note and the requester's email
    # is itself the audited event, and the audit row must be durable at once (a buffered audit entry could be
    # lost with a worker). Staff-only, `Cache-Control: no-store`, never served to visitors or cached. The
    # dashboard's listener marks the audit row's day for its rollups in the same transaction (forum/dashboard/dirty.py),
    # and the audit log's version moves so its memoized totals follow (forum/pagecache/scopes.py).
    "privacy.private_details": {"INSERT INTO audit_entries", "INSERT INTO dashboard_dirty_days",
                                "INSERT INTO page_versions"},
    "api.private_details": {"INSERT INTO audit_entries", "INSERT INTO dashboard_dirty_days",
                            "INSERT INTO page_versions"},
}


@pytest.fixture
def seeded(app: Flask) -> dict:
    """One of everything a GET page can show: a thread with an answer, a flag, an idea, an escalation assigned to
    the staff member, a notification for the asker; ids and tokens only."""
    with app.app_context():
        member, answerer = make_user("asker"), make_user("answerer")
        staff, admin = make_user("staffer", role=Role.STAFF), make_user("boss", role=Role.ADMIN)
        from forum.listening.watches import create_watch
        watch = create_watch(actor=staff, name="Routers", terms=["router", "wi-fi"])  # the thread below matches
        thread = make_thread(member, title="Router keeps dropping the Wi-Fi", tags=["wifi"])
        answer = make_answer(thread, answerer, body="Update the firmware, then restart it.")
        make_flag(answer, member)
        escalation = make_escalation(thread)
        assign_escalation(actor=staff, escalation=escalation)
        idea = make_idea(member)
        alert_id = _spike_alert_and_notice(thread)
        return {"users": {"member": member.id, "staff": staff.id, "admin": admin.id}, "alert_id": alert_id,
                "watch_id": watch.id, "thread_id": thread.id, "slug": thread.slug, "post_id": thread.question.id, "idea_id": idea.id,
                "escalation_id": escalation.id, "username": member.username,
                "unsubscribe": make_unsubscribe_token(member.id, "digest"),
                "reset": _reset_serializer().dumps({"uid": member.id, "fp": _reset_fingerprint(member)})}


def _spike_alert_and_notice(thread) -> int:
    """An open spike alert on the thread's tag, and a known-issue notice: its banner is on every page."""
    from forum.models import Notice, SpikeAlert
    alert = SpikeAlert(subject_key=f"tag:{thread.tags[0].id}", tag_id=thread.tags[0].id, subject_name="#wifi",
                       hour_count=6, peak_count=6)
    db.session.add(alert)
    db.session.flush()
    db.session.add(Notice(text="Wi-Fi drops after the update", thread_id=thread.id, terms=["wifi"], alert_id=alert.id))
    db.session.commit()
    return alert.id


def _arguments(rule: Rule, seeded: dict) -> list[dict]:
    """Sample values for a rule's arguments: every choice of an `any(...)` argument, one value otherwise."""
    from forum.dashboard import csv as dashboard_csv
    samples = {"thread_id": seeded["thread_id"], "slug": seeded["slug"], "post_id": seeded["post_id"],
               "idea_id": seeded["idea_id"], "escalation_id": seeded["escalation_id"], "alert_id": seeded["alert_id"],
               "watch_id": seeded["watch_id"],
               "username": seeded["username"], "table": next(iter(dashboard_csv.TABLES)),
               "filename": "css/forum.css",
               "token": seeded["unsubscribe"] if rule.endpoint.startswith("notifications.") else seeded["reset"]}
    choices = {}
    for name in sorted(rule.arguments):
        items = getattr(rule._converters.get(name), "items", None)
        if items:
            choices[name] = sorted(items)
        elif name in samples:
            choices[name] = [samples[name]]
        else:
            pytest.fail(f"{rule.rule}: add a sample value for <{name}> to _arguments")
    return [dict(zip(choices, values)) for values in product(*choices.values())]


def _get_urls(app: Flask, seeded: dict) -> list[tuple[str, str]]:
    urls = []
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods:
                continue
            for values in _arguments(rule, seeded):
                urls.append((rule.endpoint, adapter.build(rule.endpoint, values)))
    return urls


def _writes(engine: sa.Engine):
    """Collects (endpoint, statement) for every data-changing statement the engine runs."""
    seen: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        compiled_write = context is not None and (context.isinsert or context.isupdate or context.isdelete)
        if compiled_write or _WRITE.match(statement):
            seen.append(" ".join(statement.split())[:160])

    sa.event.listen(engine, "before_cursor_execute", before)
    return seen, lambda: sa.event.remove(engine, "before_cursor_execute", before)


@pytest.mark.parametrize("role", ROLES)
def test_no_get_page_writes(app, seeded, role):
    with app.app_context():
        engine = db.engine
    urls = _get_urls(app, seeded)
    assert len(urls) >= 50, "the URL map lost its pages?"
    client = app.test_client()
    if role != "visitor":
        login_as(client, seeded["users"][role])
    failures, answered = [], set()
    seen, stop = _writes(engine)
    try:
        for endpoint, url in urls:
            del seen[:]
            response = client.get(url)
            response.close()  # streamed downloads run their queries while the body is read
            assert response.status_code < 500, f"{role} GET {url}: {response.status_code}"
            answered.add(response.status_code)
            allowed = EXCEPTIONS.get(endpoint, set())
            unexpected = [s for s in seen if not any(s.startswith(prefix) for prefix in allowed)]
            if unexpected:
                failures.append(f"{role} GET {url} ({endpoint}):\n    " + "\n    ".join(unexpected))
    finally:
        stop()
    assert not failures, "writes on GET:\n" + "\n".join(failures)
    assert 200 in answered


def test_private_details_exception_is_still_audited(app, seeded):
    """The one listed exception does write, and only its audit row: otherwise EXCEPTIONS is stale."""
    with app.app_context():
        engine = db.engine
    client = app.test_client()
    login_as(client, seeded["users"]["staff"])
    seen, stop = _writes(engine)
    try:
        response = client.get(f"/staff/escalations/{seeded['escalation_id']}/private")
    finally:
        stop()
    assert response.status_code == 200
    assert any(s.startswith("INSERT INTO audit_entries") for s in seen), seen
    allowed = EXCEPTIONS["privacy.private_details"]
    assert all(any(s.startswith(prefix) for prefix in allowed) for s in seen), seen


def test_every_listed_exception_keeps_its_transaction(app):
    """On PostgreSQL a GET reads in autocommit (forum/database.py) unless its view is marked `writes_on_get`:
    each exception here must be, so its rows commit together; and no unlisted view may be."""
    marked = {endpoint for endpoint, view in app.view_functions.items() if getattr(view, "writes_on_get", False)}
    assert marked == set(EXCEPTIONS)


def test_a_thread_view_buffers_its_count_without_sql(app, seeded):
    from forum import viewcounts
    url = f"/questions/{seeded['thread_id']}/{seeded['slug']}"
    with app.app_context():
        engine = db.engine
    visitor = app.test_client()
    seen, stop = _writes(engine)
    try:
        for _ in range(3):
            response = visitor.get(url)
            assert response.status_code == 200 and "Set-Cookie" not in response.headers
        etag = response.headers["ETag"].strip('"')
        assert visitor.get(url, headers={"If-None-Match": f'"{etag}"'}).status_code == 304  # a repeat visit
    finally:
        stop()
    assert seen == []
    with app.app_context():
        assert viewcounts.flush() == 4  # the cached pages and the 304 count as views too

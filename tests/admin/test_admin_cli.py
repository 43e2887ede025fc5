"""`flask forum create-category` and `flask forum set-role`: the first-run path without SQL."""
from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Category, Role, User
from tests.conftest import login_as
from tests.factories import PASSWORD, make_user


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=["forum", *args])


def test_fresh_database_to_first_question(app, client):
    """create-user, create-category, then the admin's member can ask: no SQL prompt needed."""
    created = _run(app, "create-user", "boss", "boss@example.com", "--password", PASSWORD, "--role", "admin")
    assert created.exit_code == 0
    result = _run(app, "create-category", "general", "General questions", "--description", "Anything at all")
    assert result.exit_code == 0, result.output
    assert "Created category General questions (general), position 1." in result.output
    result = _run(app, "create-category", "billing", "Billing")
    assert "position 2" in result.output
    with app.app_context():
        rows = db.session.execute(sa.select(Category.slug, Category.description).order_by(Category.position)).all()
        assert rows == [("general", "Anything at all"), ("billing", "")]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "category.create")) == 2
    assert _run(app, "create-user", "casey", "casey@example.com", "--password", PASSWORD).exit_code == 0
    with app.app_context():
        casey_id = db.session.scalar(sa.select(User.id).where(User.username == "casey"))
    login_as(client, casey_id)
    assert 'value="general"' in client.get("/questions/ask").get_data(as_text=True)
    response = client.post("/questions/ask", data={"title": "How do I pair a second hub?", "body": "Step by step?",
                                                   "category": "general"})
    assert response.status_code == 302


def test_create_category_refuses_bad_input_clearly(app):
    assert _run(app, "create-category", "general", "General").exit_code == 0
    for args, words in ((["General!", "Name"], "lowercase letters"), (["general", "Other"], "already uses"),
                        (["other", "G"], "at least 2")):
        result = _run(app, "create-category", *args)
        assert result.exit_code != 0 and words in result.output, result.output
        assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Category)) == 1


def test_set_role_promotes_and_audits(app):
    with app.app_context():
        make_user("casey")
    result = _run(app, "set-role", "Casey", "staff")
    assert result.exit_code == 0 and "casey is now staff (was member)." in result.output
    assert "already staff" in _run(app, "set-role", "casey", "staff").output
    with app.app_context():
        assert db.session.scalar(sa.select(User.role).where(User.username == "casey")) == Role.STAFF
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.role"))
        assert entry.actor_id is None and entry.note == "member → staff (command line)"


def test_set_role_refuses_unknown_people_roles_and_the_last_admin(app):
    with app.app_context():
        make_user("boss", role=Role.ADMIN)
    result = _run(app, "set-role", "nobody", "staff")
    assert result.exit_code != 0 and "No member by that name" in result.output
    result = _run(app, "set-role", "boss", "overlord")
    assert result.exit_code != 0 and "overlord" in result.output
    result = _run(app, "set-role", "boss", "member")
    assert result.exit_code != 0 and "last admin" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.role).where(User.username == "boss")) == Role.ADMIN

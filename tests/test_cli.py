"""`flask forum ...`: create-user, create-token (used against the API) and seed-demo."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Flask

from forum.extensions import db
from forum.models import AuditEntry, Category, Post, Role, SearchSynonym, Thread, User, Vote
from tests.factories import PASSWORD


def _run(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["forum", *args])


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# -- create-user -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF, Role.MODERATOR, Role.ADMIN])
def test_create_user_with_role(app, role):
    result = _run(app, "create-user", "Casey", "Casey@Example.com", "--password", PASSWORD, "--role", role)
    assert result.exit_code == 0, result.output
    assert f"Created {role} Casey" in result.output
    with app.app_context():
        user = db.session.scalars(sa.select(User)).one()
        assert (user.username, user.email, user.role) == ("Casey", "casey@example.com", role)
        assert user.password_hash.startswith("$argon2id$")


def test_create_user_default_role_is_member(app):
    assert _run(app, "create-user", "defaulty", "d@example.com", "--password", PASSWORD).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(User.role)) == Role.MEMBER


@pytest.mark.parametrize("args, message", [
    (["bob", "bob@example.com", "--password", PASSWORD, "--role", "overlord"], "overlord"),
    (["bob", "not-an-email", "--password", PASSWORD], "valid email"),
    (["bob", "bob@example.com", "--password", "short"], "at least 8"),
    (["b", "bob@example.com", "--password", PASSWORD], "3 to 30"),
    (["bob", "bob@example.com"], "--password"),
])
def test_create_user_refuses_bad_input_clearly(app, args, message):
    result = _run(app, "create-user", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert _count(User) == 0


def test_create_user_refuses_duplicates(app):
    assert _run(app, "create-user", "dupe", "dupe@example.com", "--password", PASSWORD).exit_code == 0
    result = _run(app, "create-user", "DUPE", "other@example.com", "--password", PASSWORD)
    assert result.exit_code != 0 and "taken" in result.output
    result = _run(app, "create-user", "other", "DUPE@example.com", "--password", PASSWORD)
    assert result.exit_code != 0 and "already exists" in result.output


# -- create-token ------------------------------------------------------------------------------

def test_create_token_prints_a_working_bearer_token(app):
    _run(app, "create-user", "apiuser", "api@example.com", "--password", PASSWORD, "--role", "staff")
    result = _run(app, "create-token", "APIUSER")
    assert result.exit_code == 0, result.output
    token = result.output.split()[-1]
    assert len(token) > 30
    client = app.test_client()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["username"] == "apiuser" and response.get_json()["role"] == "staff"
    second = _run(app, "create-token", "apiuser", "--name", "laptop").output.split()[-1]
    assert second != token
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {second}"}).status_code == 200


def test_create_token_for_unknown_user_fails_clearly(app):
    result = _run(app, "create-token", "ghost")
    assert result.exit_code != 0 and "No user named 'ghost'" in result.output


# -- seed-demo ---------------------------------------------------------------------------------

def test_seed_demo_builds_a_living_forum_once(app):
    result = _run(app, "seed-demo")
    assert result.exit_code == 0, result.output
    with app.app_context():
        roles = dict(db.session.execute(sa.select(User.role, sa.func.count()).group_by(User.role)).all())
        assert roles.get(Role.MEMBER, 0) >= 10
        assert roles.get(Role.STAFF, 0) >= 1 and roles.get(Role.MODERATOR, 0) >= 1 and roles.get(Role.ADMIN, 0) >= 1
        assert _count(Category) >= 4
        questions = _count(Thread)
        assert 25 <= questions <= 60
        assert _count(Post, Post.position > 0) >= questions
        assert _count(Vote) >= 30
        assert _count(Thread, Thread.accepted_post_id.is_not(None)) >= 5
        assert _count(Thread, Thread.status == "solved") == _count(Thread, Thread.accepted_post_id.is_not(None))
        assert _count(Thread, Thread.answer_count == 0) >= 1  # some wait for an answer, as on a real forum
        assert db.session.scalar(sa.select(sa.func.max(User.reputation))) > 1
        from forum.models import Escalation
        assert _count(Escalation, Escalation.idea_id.is_not(None), Escalation.private_note.is_not(None)) == 1
        # cached counters agree with the rows they count
        for thread in db.session.scalars(sa.select(Thread)):
            assert thread.answer_count == _count(Post, Post.thread_id == thread.id, Post.position > 0)
        for post in db.session.scalars(sa.select(Post).where(Post.score != 0).limit(20)):
            assert post.score == db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Vote.value), 0))
                                                   .where(Vote.post_id == post.id))
        admin = db.session.scalar(sa.select(User.username).where(User.role == Role.ADMIN))
        totals = (_count(User), questions, _count(Post), _count(Vote))
    assert admin in result.output and "password" in result.output.lower()
    demo_password = result.output.split("password for all: ")[1].split(")")[0]
    client = app.test_client()
    assert client.post("/login", data={"login": admin, "password": demo_password}).status_code == 302

    again = _run(app, "seed-demo")
    assert again.exit_code == 0 and "already has data" in again.output
    with app.app_context():
        assert (_count(User), _count(Thread), _count(Post), _count(Vote)) == totals


def test_demo_pages_render(app):
    _run(app, "seed-demo")
    client = app.test_client()
    assert client.get("/").status_code == 200
    with app.app_context():
        threads = db.session.execute(sa.select(Thread.id, Thread.slug).order_by(Thread.id)).all()
    for thread_id, slug in threads[:10]:
        assert client.get(f"/questions/{thread_id}/{slug}").status_code == 200
    assert client.get("/api/v1/questions?per_page=100").get_json()["total"] == len(threads)
    with app.app_context():
        staff_id = db.session.scalar(sa.select(User.id).where(User.role == Role.STAFF).limit(1))
    from tests.conftest import login_as
    login_as(client, staff_id)
    queue = client.get("/staff/escalations")
    assert queue.status_code == 200 and "badge--idea" in queue.get_data(as_text=True)


def test_the_demo_audit_log_opens_on_its_moderation_history(app):
    """Seeding the demo's synonym groups is nobody's action: the log (/mod/audit) opens on its moderation history."""
    from forum.demo import _COMMUNITY
    from tests.conftest import login_as
    _run(app, "seed-demo")
    with app.app_context():
        moderator_id = db.session.scalar(sa.select(User.id).where(User.role == Role.MODERATOR).limit(1))
    client = app.test_client()
    login_as(client, moderator_id)
    actions = [entry["action"] for entry in client.get("/api/v1/mod/audit").get_json()["items"]]
    assert actions and "synonym.create" not in actions
    assert actions[0] == "thread.pin"  # the demo's last moderation step
    assert "Added a search synonym group" not in client.get("/mod/audit").get_data(as_text=True)
    with app.app_context():  # the groups are there all the same
        assert _count(SearchSynonym) == len(_COMMUNITY["synonyms"])
        assert _count(AuditEntry, AuditEntry.target_type == "synonym") == 0

"""0011: accounts already there count as confirmed; the migration steps back to 0010 and forward again."""
from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from forum.extensions import db


def _empty_database() -> None:
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_existing_accounts_count_as_confirmed_and_0011_steps_back(app, backend):
    with app.app_context():
        _empty_database()
        upgrade(revision="0010")
        users = sa.table("users", *(sa.column(name) for name in ("id", "username", "email", "role", "reputation",
                                                                  "bio", "profile_visibility", "created_at",
                                                                  "session_version", "is_deleted")))
        with db.engine.begin() as conn:
            conn.execute(sa.insert(users).values(id=1, username="ann", email="ann@example.com", role="member",
                                                 reputation=1, bio="", profile_visibility="public",
                                                 created_at=sa.func.now(), session_version=1, is_deleted=False))
        upgrade(revision="0011")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT email_confirmed_at FROM users WHERE id = 1")).scalar() is not None
        inspector = db.inspect(db.engine)
        assert "user_sessions" in inspector.get_table_names()
        assert {"held_at"} <= {c["name"] for c in inspector.get_columns("posts")}
        downgrade(revision="0010")
        inspector = db.inspect(db.engine)
        assert "user_sessions" not in inspector.get_table_names()
        assert "email_confirmed_at" not in {c["name"] for c in inspector.get_columns("users")}
        upgrade(revision="0011")
        assert "held_at" in {c["name"] for c in db.inspect(db.engine).get_columns("threads")}
        upgrade()  # back to head: later tests in this worker share the schema (0012's unique positions)

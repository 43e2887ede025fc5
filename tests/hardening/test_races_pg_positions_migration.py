"""Migration 0012 (issue 17): threads whose answers share a position (left by the race on PostgreSQL) are
renumbered in their existing order, then (thread_id, position) becomes unique. Runs on every backend."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from forum.extensions import db
from forum.models import Category, Post, User
from tests.test_migrations import _empty_database, _schema_differences


def test_race_guards_migration_renumbers_duplicate_positions(app, backend):
    start = datetime(2026, 1, 1)
    with app.app_context():
        _empty_database()
        upgrade(revision="0011")
        with db.engine.begin() as conn:
            conn.execute(sa.insert(User.__table__).values(id=1, username="ann", email="ann@example.com"))
            conn.execute(sa.insert(Category.__table__).values(id=1, slug="general", name="General", description=""))
            # the table as it was at 0011: the model's later columns do not exist yet
            threads = sa.Table("threads", sa.MetaData(), autoload_with=conn)
            for thread_id in (1, 2):
                conn.execute(sa.insert(threads).values(id=thread_id, title=f"Hub {thread_id}",
                                                                slug=f"hub-{thread_id}", category_id=1, author_id=1,
                                                       status="open", is_pinned=False, is_locked=False,
                                                       is_hidden=False, created_at=start, last_activity_at=start,
                                                       answer_count=0, score=0, view_count=0))
            # thread 1: the race's leftovers (1, 1, 2, 2, 2); thread 2: clean, with a gap that stays
            rows = [(1, 0), (1, 1), (1, 1), (1, 2), (1, 2), (1, 2), (2, 0), (2, 1), (2, 3)]
            for post_id, (thread_id, position) in enumerate(rows, start=1):
                conn.execute(sa.insert(Post.__table__).values(
                    id=post_id, thread_id=thread_id, author_id=1, position=position, body_md="x",
                    body_html="<p>x</p>", created_at=start + timedelta(minutes=post_id)))
        upgrade()
        positions = dict(db.session.execute(sa.select(Post.id, Post.position).order_by(Post.id)).all())
        db.session.remove()  # SQLite: the next connection's BEGIN IMMEDIATE must not wait for this one
        assert positions == {1: 0, 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 7: 0, 8: 1, 9: 3}
        assert _schema_differences() == []
        downgrade(revision="0011")
        upgrade()
        assert _schema_differences() == []

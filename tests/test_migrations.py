"""The migrations build the schema the models describe, from an empty database, on each backend."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from forum.extensions import db


def _empty_database() -> None:
    db.drop_all()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def _schema_differences() -> list:
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), db.metadata)


def test_upgrade_from_empty_matches_models(app, backend):
    with app.app_context():
        _empty_database()
        upgrade()
        assert _schema_differences() == []
        assert "users" in db.inspect(db.engine).get_table_names()


def test_idea_escalations_migration_downgrades_and_upgrades_again(app, backend):
    """0002 is the first change on a landed schema: it must also step back to 0001 and forward again."""
    with app.app_context():
        _empty_database()
        upgrade()
        downgrade(revision="0001")
        columns = {column["name"] for column in db.inspect(db.engine).get_columns("escalations")}
        assert "idea_id" not in columns
        upgrade()
        assert _schema_differences() == []


def test_size_indexes_migration_gives_existing_questions_their_excerpt(app, backend):
    """0003 adds posts.excerpt and ideas.excerpt (the text the question and idea lists show) and fills them for
    the questions and ideas already there."""
    import sqlalchemy as sa

    from forum.models import Idea, Post, User
    with app.app_context():
        _empty_database()
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            conn.execute(sa.insert(User.__table__).values(id=1, username="ann", email="ann@example.com"))
            # a lightweight table: the model's later columns (and their defaults) do not exist at 0002
            categories = sa.table("categories", *(sa.column(name) for name in
                                                  ("id", "slug", "name", "description", "position")))
            conn.execute(sa.insert(categories).values(id=1, slug="general", name="General", description="",
                                                      position=0))
            threads = sa.table("threads", *(sa.column(name) for name in
                                            ("id", "title", "slug", "category_id", "author_id", "status",
                                             "is_pinned", "is_locked", "is_hidden", "created_at",
                                             "last_activity_at", "answer_count", "score", "view_count")))
            conn.execute(sa.insert(threads).values(id=1, title="Hub offline", slug="hub-offline", category_id=1,
                                                   author_id=1, status="open", is_pinned=False, is_locked=False,
                                                   is_hidden=False, created_at=sa.func.now(),
                                                   last_activity_at=sa.func.now(), answer_count=0, score=0,
                                                   view_count=0))
            conn.execute(sa.insert(Post.__table__).values(
                id=1, thread_id=1, author_id=1, position=0, body_md="x",
                body_html="<p>The hub &amp; the <em>router</em></p><p>" + "go offline " * 40 + "</p>"))
            ideas = sa.table("ideas", *(sa.column(name) for name in
                                        ("id", "title", "body_md", "body_html", "category_id", "author_id", "status",
                                         "vote_count", "comment_count", "is_hidden", "created_at",
                                         "last_activity_at")))
            conn.execute(sa.insert(ideas).values(
                id=1, title="Night mode", body_md="x", body_html="<p>A <strong>dark</strong> theme</p><p>please</p>",
                category_id=1, author_id=1, status="new", vote_count=0, comment_count=0, is_hidden=False,
                created_at=sa.func.now(), last_activity_at=sa.func.now()))
        upgrade()
        assert db.session.scalar(sa.select(Idea.excerpt).where(Idea.id == 1)) == "A dark theme please"
        excerpt = db.session.scalar(sa.select(Post.excerpt).where(Post.id == 1))
        assert excerpt.startswith("The hub & the router go offline")
        assert 180 < len(excerpt) <= 300

"""0014 (issue 16) steps back to 0013 and forward again, on each backend, and ends where the models are."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade

from forum.extensions import db
from tests.test_migrations import _empty_database, _schema_differences


def test_idea_questions_migration_downgrades_and_upgrades_again(app, backend):
    with app.app_context():
        _empty_database()
        upgrade()
        downgrade(revision="0013")
        inspector = db.inspect(db.engine)
        assert "idea_questions" not in inspector.get_table_names()
        assert "source_thread_id" not in {column["name"] for column in inspector.get_columns("idea_votes")}
        assert "source_thread_id" not in {column["name"] for column in inspector.get_columns("subscriptions")}
        upgrade()
        assert _schema_differences() == []

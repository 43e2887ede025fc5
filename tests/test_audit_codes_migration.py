"""Migration 0018 moves the audit codes written before issue 18 into the one `<what>.<verb>` scheme, and back."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from forum.extensions import db
from forum.moderation.audit import ACTION_NAMES

OLD = ["idea_status", "idea_merge", "idea_comment_pin", "idea_comment_unpin", "question_to_idea",
       "idea_link_question", "thread.lock"]
NEW = ["idea.status", "idea.merge", "idea_comment.pin", "idea_comment.unpin", "thread.to_idea",
       "idea.link_question", "thread.lock"]
AUDIT = sa.table("audit_entries", *(sa.column(name) for name in
                                    ("id", "action", "target_type", "target_id", "target_label", "note", "created_at")))


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AUDIT.c.action).order_by(AUDIT.c.id)))


def test_old_audit_codes_are_renamed_and_every_one_has_a_name(app, backend):
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade(revision="0017")
        with db.engine.begin() as conn:
            conn.execute(sa.insert(AUDIT), [{"id": i + 1, "action": code, "target_type": "idea", "target_id": 1,
                                             "target_label": "", "note": "", "created_at": datetime(2026, 1, 1)}
                                            for i, code in enumerate(OLD)])
        upgrade(revision="0018")
        assert _actions() == NEW
        assert all(code in ACTION_NAMES for code in NEW)
        db.session.rollback()
        downgrade(revision="0017")
        assert _actions() == OLD
        db.session.rollback()
        upgrade()  # the tests after this one expect the schema at head

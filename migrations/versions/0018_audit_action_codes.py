"""Audit action codes in one scheme, `<what>.<verb>` (issue 18): the idea codes written before it
(idea_status, idea_merge, idea_comment_pin, idea_comment_unpin, question_to_idea, idea_link_question) become
idea.status, idea.merge, idea_comment.pin, idea_comment.unpin, thread.to_idea and idea.link_question, so the log's
filter groups them by what was acted on, like every other family.

Revision ID: 0018
Revises: 0017
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

RENAMED = {"idea_status": "idea.status", "idea_merge": "idea.merge",
           "idea_comment_pin": "idea_comment.pin", "idea_comment_unpin": "idea_comment.unpin",
           "question_to_idea": "thread.to_idea", "idea_link_question": "idea.link_question"}

_audit = sa.table("audit_entries", sa.column("action", sa.String))


def _rename(pairs: dict[str, str]) -> None:
    for old, new in pairs.items():
        op.execute(_audit.update().where(_audit.c.action == old).values(action=new))


def upgrade() -> None:
    _rename(RENAMED)


def downgrade() -> None:
    _rename({new: old for old, new in RENAMED.items()})

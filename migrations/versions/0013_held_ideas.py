"""Ideas and idea comments held for a moderator like posts (issue 17).

ideas.held_at and idea_comments.held_at (a new account's link-heavy idea or comment waiting in the pending
queue), plus ideas.hidden_reason and idea_comments.hidden_reason (what its author is told while it is hidden).

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("ideas", "idea_comments"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("held_at", sa.DateTime(), nullable=True))
            batch.add_column(sa.Column("hidden_reason", sa.Text(), nullable=True))
            batch.create_index(f"ix_{table}_held_at", ["held_at"])


def downgrade():
    for table in ("idea_comments", "ideas"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_held_at")
            batch.drop_column("hidden_reason")
            batch.drop_column("held_at")

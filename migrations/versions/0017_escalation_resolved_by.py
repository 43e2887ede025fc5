"""Who resolved an escalation, so the thread can say "Resolved by <staff> <when>"; why a moderator hid a thread, so
its author sees the reason instead of a 404 (issue 18).

Earlier resolved rows are filled from the assignee, whom resolving set when nobody held the case.

Revision ID: 0017
Revises: 0016
"""
import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalations") as batch:
        batch.add_column(sa.Column("resolved_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_escalations_resolved_by_id_users", "users", ["resolved_by_id"], ["id"],
                                 ondelete="SET NULL")
    op.execute("UPDATE escalations SET resolved_by_id = assignee_id WHERE status = 'resolved'")
    with op.batch_alter_table("threads") as batch:
        batch.add_column(sa.Column("hidden_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("threads") as batch:
        batch.drop_column("hidden_reason")
    with op.batch_alter_table("escalations") as batch:
        batch.drop_constraint("fk_escalations_resolved_by_id_users", type_="foreignkey")
        batch.drop_column("resolved_by_id")

"""Escalations on ideas: personal details an idea's author sends privately to staff.

thread_id becomes nullable, idea_id is added, and a CHECK keeps exactly one of them set.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idea_id", sa.Integer(), nullable=True))
        batch_op.alter_column("thread_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f("ix_escalations_idea_id"), ["idea_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_escalations_idea_id_ideas"), "ideas", ["idea_id"], ["id"],
                                    ondelete="CASCADE")
        batch_op.create_check_constraint(op.f("ck_escalations_one_subject"), "(thread_id IS NULL) <> (idea_id IS NULL)")


def downgrade():
    # Idea escalations have no thread to fall back to: they go with the column.
    op.execute("DELETE FROM escalations WHERE thread_id IS NULL")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_escalations_one_subject"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_escalations_idea_id_ideas"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_escalations_idea_id"))
        batch_op.alter_column("thread_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("idea_id")

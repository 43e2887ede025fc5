"""Questions asked as feature requests, linked to the ideas that carry their demand (issue 16).

idea_questions holds one row per question whose demand went to an idea: `converted` (the question became the
idea and takes no new answers) or `linked` (staff linked it to an existing idea). idea_votes.source_thread_id and
subscriptions.source_thread_id mark the votes and follows carried from a question, so the export can say how
much of an idea's demand was asked as questions.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idea_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('converted', 'linked')", name=op.f("ck_idea_questions_kind")),
        sa.ForeignKeyConstraint(["idea_id"], ["ideas.id"], name=op.f("fk_idea_questions_idea_id_ideas"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["linked_by_id"], ["users.id"], name=op.f("fk_idea_questions_linked_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_idea_questions_thread_id_threads"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idea_questions")),
        sa.UniqueConstraint("thread_id", name=op.f("uq_idea_questions_thread_id")),
    )
    op.create_index("ix_idea_questions_idea", "idea_questions", ["idea_id", "linked_at", "id"])
    op.create_index(op.f("ix_idea_questions_linked_by_id"), "idea_questions", ["linked_by_id"])
    for table in ("idea_votes", "subscriptions"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("source_thread_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(f"fk_{table}_source_thread_id_threads", "threads", ["source_thread_id"],
                                        ["id"], ondelete="SET NULL")
            batch_op.create_index(f"ix_{table}_source_thread_id", ["source_thread_id"])
    op.create_index("ix_idea_votes_idea_source", "idea_votes", ["idea_id", "source_thread_id"])


def downgrade() -> None:
    op.drop_index("ix_idea_votes_idea_source", table_name="idea_votes")
    for table in ("subscriptions", "idea_votes"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_source_thread_id")
            batch_op.drop_constraint(f"fk_{table}_source_thread_id_threads", type_="foreignkey")
            batch_op.drop_column("source_thread_id")
    op.drop_index(op.f("ix_idea_questions_linked_by_id"), table_name="idea_questions")
    op.drop_index("ix_idea_questions_idea", table_name="idea_questions")
    op.drop_table("idea_questions")

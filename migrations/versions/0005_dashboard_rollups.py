"""Daily rollups of the dashboard's figures, kept in step by the writes and refreshed by a command.

After upgrading, run `flask forum refresh-stats` once to roll up the history (until then the dashboard
computes every day from the source tables, as before), then every few minutes from cron.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_COUNTS = ("asked", "answered", "solved", "first_known", "first_staff")
_LATER_COUNTS = ("escalations_opened", "escalations_met")
_TAIL_COUNTS = ("escalations_resolved", "flags_raised")
_LAST_COUNTS = ("posts_hidden", "ideas_submitted", "idea_votes", "idea_status_changes")


def _ints(names):
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def _texts(names):
    return [sa.Column(name, sa.Text(), nullable=False) for name in names]


def upgrade():
    op.create_table(
        "dashboard_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        *_ints(_COUNTS), *_texts(["first_seconds"]),
        *_ints(["accepted_staff"]), *_texts(["accepted_seconds"]),
        *_ints(_LATER_COUNTS), *_texts(["escalation_unmet_due", "escalation_reply_seconds"]),
        *_ints(_TAIL_COUNTS), *_texts(["flag_handling_seconds"]),
        *_ints(_LAST_COUNTS),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("day", "category_id", name=op.f("pk_dashboard_days")),
    )
    op.create_table(
        "dashboard_answerer_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("author_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("is_staff", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "category_id", "author_id", "is_staff",
                                name=op.f("pk_dashboard_answerer_days")),
    )
    op.create_table(
        "dashboard_answerer_windows",
        sa.Column("days", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("author_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("is_staff", sa.Boolean(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("days", "category_id", "author_id", "is_staff",
                                name=op.f("pk_dashboard_answerer_windows")),
    )
    op.create_table(
        "dashboard_idea_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("idea_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "idea_id", name=op.f("pk_dashboard_idea_days")),
    )
    op.create_table(
        "dashboard_dirty_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dashboard_dirty_days")),
    )
    with op.batch_alter_table("dashboard_dirty_days") as batch_op:
        batch_op.create_index(batch_op.f("ix_dashboard_dirty_days_day"), ["day"], unique=False)


def downgrade():
    with op.batch_alter_table("dashboard_dirty_days") as batch_op:
        batch_op.drop_index(batch_op.f("ix_dashboard_dirty_days_day"))
    op.drop_table("dashboard_dirty_days")
    op.drop_table("dashboard_idea_days")
    op.drop_table("dashboard_answerer_windows")
    op.drop_table("dashboard_answerer_days")
    op.drop_table("dashboard_days")

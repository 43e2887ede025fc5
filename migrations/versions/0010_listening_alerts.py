"""Listening: spike alerts and known-issue notices (issue 15).

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_watch_matches_posted_watch", "watch_matches", ["posted_at", "watch_id"])
    op.create_table(
        "tag_followers",
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_tag_followers_tag_id_tags"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_tag_followers_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tag_id", "user_id", name=op.f("pk_tag_followers")),
    )
    op.create_index(op.f("ix_tag_followers_user_id"), "tag_followers", ["user_id"])
    op.create_table(
        "spike_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("watch_id", sa.Integer(), nullable=True),
        sa.Column("tag_id", sa.Integer(), nullable=True),
        sa.Column("subject_name", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("last_spike_at", sa.DateTime(), nullable=False),
        sa.Column("hour_count", sa.Integer(), nullable=False),
        sa.Column("peak_count", sa.Integer(), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["watch_id"], ["watches.id"], name=op.f("fk_spike_alerts_watch_id_watches"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name=op.f("fk_spike_alerts_tag_id_tags"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["acknowledged_by_id"], ["users.id"],
                                name=op.f("fk_spike_alerts_acknowledged_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"], name=op.f("fk_spike_alerts_resolved_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spike_alerts")),
    )
    op.create_index(op.f("ix_spike_alerts_watch_id"), "spike_alerts", ["watch_id"])
    op.create_index(op.f("ix_spike_alerts_tag_id"), "spike_alerts", ["tag_id"])
    op.create_index("ix_spike_alerts_subject_last", "spike_alerts", ["subject_key", "last_spike_at"])
    op.create_index("ix_spike_alerts_state_opened", "spike_alerts", ["state", "opened_at", "id"])
    op.create_index("ix_spike_alerts_opened", "spike_alerts", ["opened_at", "id"])
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["thread_id"], ["threads.id"], name=op.f("fk_notices_thread_id_threads"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["alert_id"], ["spike_alerts.id"], name=op.f("fk_notices_alert_id_spike_alerts"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_notices_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["resolved_by_id"], ["users.id"], name=op.f("fk_notices_resolved_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
    )
    op.create_index(op.f("ix_notices_thread_id"), "notices", ["thread_id"])
    op.create_index(op.f("ix_notices_alert_id"), "notices", ["alert_id"])
    op.create_index("ix_notices_active", "notices", ["resolved_at", "created_at", "id"])
    op.create_table(
        "notice_dismissals",
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], name=op.f("fk_notice_dismissals_notice_id_notices"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notice_dismissals_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("notice_id", "user_id", name=op.f("pk_notice_dismissals")),
    )
    op.create_index(op.f("ix_notice_dismissals_user_id"), "notice_dismissals", ["user_id"])


def downgrade():
    op.drop_table("notice_dismissals")
    op.drop_table("notices")
    op.drop_table("spike_alerts")
    op.drop_table("tag_followers")
    op.drop_index("ix_watch_matches_posted_watch", table_name="watch_matches")

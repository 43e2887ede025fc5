"""Indexes for every access path a page or API list takes, so cost does not grow with size.

Each list order is read from an index with the id breaking ties (visible rows first in the key, so a page and
its count walk index entries only); a thread's duplicates, an idea's merged duplicates, a member's
notifications and idea comments, and the last days' idea votes get their own; so do the staff lists (the
escalation queue, the audit log, the flag queue). posts.excerpt and ideas.excerpt hold the text the question
and idea lists show, so a list loads no body; existing questions and ideas get theirs here.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op
from markupsafe import Markup

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

EXCERPT_LENGTH = 300  # forum.models.threads.EXCERPT_LENGTH when this was written
BATCH = 2000

INDEXES = [
    ("threads", "ix_threads_duplicate_of", ["duplicate_of_id"]),
    ("threads", "ix_threads_visible_activity", ["is_hidden", "last_activity_at", "id"]),
    ("threads", "ix_threads_visible_created", ["is_hidden", "created_at", "id"]),
    ("threads", "ix_threads_visible_score", ["is_hidden", "score", "created_at", "id"]),
    ("threads", "ix_threads_category_activity_list", ["category_id", "is_pinned", "last_activity_at", "id",
                                                      "is_hidden"]),
    ("threads", "ix_threads_category_created_list", ["category_id", "is_pinned", "created_at", "id", "is_hidden"]),
    ("threads", "ix_threads_category_score_list", ["category_id", "is_pinned", "score", "created_at", "id",
                                                   "is_hidden"]),
    ("threads", "ix_threads_score_list", ["score", "created_at", "id"]),
    ("threads", "ix_threads_author_created", ["author_id", "created_at"]),
    ("ideas", "ix_ideas_merged_into", ["merged_into_id"]),
    ("ideas", "ix_ideas_visible_status", ["is_hidden", "status", "category_id"]),
    ("ideas", "ix_ideas_votes_list", ["vote_count", "created_at", "id"]),
    ("ideas", "ix_ideas_status_votes", ["status", "vote_count", "created_at", "id"]),
    ("ideas", "ix_ideas_status_created", ["status", "created_at", "id"]),
    ("ideas", "ix_ideas_status_changed", ["status", "status_changed_at", "id"]),
    ("ideas", "ix_ideas_category_votes", ["category_id", "vote_count", "created_at", "id"]),
    ("ideas", "ix_ideas_category_created", ["category_id", "created_at", "id"]),
    ("idea_votes", "ix_idea_votes_time_idea", ["created_at", "idea_id"]),
    ("idea_comments", "ix_idea_comments_author", ["author_id"]),
    ("notifications", "ix_notifications_user_created", ["user_id", "created_at", "id"]),
    ("users", "ix_users_role", ["role"]),
    ("escalations", "ix_escalations_status_due", ["status", "due_at", "id"]),
    ("escalations", "ix_escalations_status_resolved", ["status", "resolved_at", "id"]),
    ("escalations", "ix_escalations_assignee_queue", ["assignee_id", "status", "due_at", "id"]),
    ("audit_entries", "ix_audit_entries_created_list", ["created_at", "id"]),
    ("audit_entries", "ix_audit_entries_actor_list", ["actor_id", "created_at", "id"]),
    ("audit_entries", "ix_audit_entries_action_list", ["action", "created_at", "id"]),
    ("escalations", "ix_escalations_requested_by", ["requested_by_id"]),
    ("escalations", "ix_escalations_resolved_at", ["resolved_at"]),
    ("flags", "ix_flags_queue", ["status", "post_id", "created_at"]),
    ("flags", "ix_flags_reporter", ["reporter_id"]),
]


def upgrade():
    for table in ("posts", "ideas"):
        op.add_column(table, sa.Column("excerpt", sa.String(length=EXCERPT_LENGTH), nullable=True))
    _fill_excerpts("posts", lambda posts: posts.c.position == 0)
    _fill_excerpts("ideas", lambda ideas: sa.true())
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for table, name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    for table in ("ideas", "posts"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("excerpt")


def _fill_excerpts(name, which):
    """The excerpts of a table's rows, in batches by id (of posts only questions: the lists show no answer's
    text; an answer gets its excerpt when next written)."""
    conn = op.get_bind()
    table = sa.table(name, sa.column("id", sa.Integer), sa.column("position", sa.Integer),
                     sa.column("body_html", sa.Text), sa.column("excerpt", sa.String))
    last = 0
    while True:
        rows = conn.execute(sa.select(table.c.id, table.c.body_html)
                            .where(which(table), table.c.id > last).order_by(table.c.id).limit(BATCH)).all()
        if not rows:
            return
        conn.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                     .values(excerpt=sa.bindparam("text")),
                     [{"row_id": row.id, "text": _excerpt(row.body_html)}
                      for row in rows])
        last = rows[-1].id


def _excerpt(body_html):
    """forum.models.threads.excerpt_of as it was written (a migration keeps its own copy)."""
    return Markup((body_html or "").replace("><", "> <")).striptags()[:EXCERPT_LENGTH]

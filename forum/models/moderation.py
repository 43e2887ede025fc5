"""Moderation: flags raised on posts, and the append-only audit log of staff and moderator actions."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import Model
from forum.models.threads import Post
from forum.models.users import User


class FlagReason:
    SPAM, OFFENSIVE, OFF_TOPIC, DUPLICATE, OTHER = "spam", "offensive", "off_topic", "duplicate", "other"
    ALL = (SPAM, OFFENSIVE, OFF_TOPIC, DUPLICATE, OTHER)
    AUTO_HIDE = (SPAM, OFFENSIVE)  # three open flags of these from different members hide the post


class FlagStatus(StrEnum):
    """A flag waits (open) until a moderator hides the post (upheld) or lets it stand (dismissed)."""
    OPEN, UPHELD, DISMISSED = "open", "upheld", "dismissed"


class Flag(Model):
    __tablename__ = "flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=FlagStatus.OPEN, index=True)
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    handled_at: Mapped[datetime | None]

    post: Mapped[Post] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])

    # One open flag per member per post, enforced by the database even under concurrent requests.
    __table_args__ = (sa.Index("uq_flags_open_per_reporter", "post_id", "reporter_id", unique=True,
                               sqlite_where=sa.text("status = 'open'"),
                               postgresql_where=sa.text("status = 'open'")),
                      # the queue groups the open flags by post from this index alone (0003)
                      sa.Index("ix_flags_queue", "status", "post_id", "created_at"),
                      sa.Index("ix_flags_reporter", "reporter_id"))  # a member's data export and erasure


class AuditEntry(Model):
    """Append-only: the application never updates or deletes a row here."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    target_type: Mapped[str] = mapped_column(sa.String(20))  # post | thread | user | escalation | idea | flag
    target_id: Mapped[int | None]
    target_label: Mapped[str] = mapped_column(sa.String(200), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    actor: Mapped[User | None] = relationship()

    # the log newest first, whole or by actor or action, each read from an index (0003)
    __table_args__ = (sa.Index("ix_audit_entries_created_list", "created_at", "id"),
                      sa.Index("ix_audit_entries_actor_list", "actor_id", "created_at", "id"),
                      sa.Index("ix_audit_entries_action_list", "action", "created_at", "id"))

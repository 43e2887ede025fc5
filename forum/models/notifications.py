"""What people watch and what they are told."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import Model
from forum.i18n import _l
from forum.models.users import User


class Subscription(Model):
    """A watch on a thread or an idea (exactly one of the two)."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"))
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # An idea's follower carried from a question's watchers (issue 16, 0014); None when they followed it here
    source_thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id", ondelete="SET NULL"),
                                                         index=True)

    # a thread's (an idea's) watchers come from the index alone (0021): posting an answer reads them
    __table_args__ = (sa.UniqueConstraint("user_id", "thread_id", "idea_id"),
                      sa.Index("ix_subscriptions_thread_id_user_id", "thread_id", "user_id"),
                      sa.Index("ix_subscriptions_idea_id_user_id", "idea_id", "user_id"))


class Notification(Model):
    """One thing a user is told; `text` and `url` are fixed at creation so a list needs no joins."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.String(300))
    url: Mapped[str] = mapped_column(sa.String(300))
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"))
    post_id: Mapped[int | None] = mapped_column(sa.ForeignKey("posts.id", ondelete="CASCADE"))
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # Set once its email is settled: queued at once, put in a digest, or not wanted. NULL = waiting for a digest.
    mailed_at: Mapped[datetime | None]

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    # Notices about the reader's own post (a moderator hid it): shown even though the post is hidden from others.
    NOTICE_KINDS = ("post_hidden", "suspended", "unsuspended")

    __table_args__ = (
        sa.Index("ix_notifications_user_unread", "user_id", "read_at", "created_at"),
        sa.Index("ix_notifications_user_created", "user_id", "created_at", "id"),  # the member's list (0003)
        # The digest run reads only the few rows still waiting for one.
        sa.Index("ix_notifications_awaiting_digest", "user_id", "created_at",
                 sqlite_where=sa.text("mailed_at IS NULL"), postgresql_where=sa.text("mailed_at IS NULL")),
    )


class Delivery:
    """How a kind of notification also comes by email."""

    IMMEDIATELY, DAILY, NEVER = "immediately", "daily", "never"
    ALL = (IMMEDIATELY, DAILY, NEVER)
    LABELS: ClassVar[dict[str, str]] = {IMMEDIATELY: _l("Immediately"), DAILY: _l("Daily digest"),
                                         NEVER: _l("Never")}


class NotificationPreference(Model):
    """One member's email choice for one group of notification kinds; no row means the group's default."""

    __tablename__ = "notification_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    delivery: Mapped[str] = mapped_column(sa.String(16))

    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)


class OutboxStatus:
    PENDING, SENDING, SENT, FAILED, SKIPPED = "pending", "sending", "sent", "failed", "skipped"


class OutboxMail(Model):
    """A mail queued in the transaction that caused it and sent after commit; rendered when sent.

    One row per notification (`notification_id` unique) or per member and day for a digest
    (`digest_key` unique with the user), so no retry or second cron run sends anything twice.
    """

    __tablename__ = "outbox_mails"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # a notification kind, or "digest"
    notification_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("notifications.id", ondelete="CASCADE"), unique=True)
    digest_key: Mapped[str | None] = mapped_column(sa.String(20))  # the UTC day, e.g. "2026-11-22"
    payload: Mapped[dict | None] = mapped_column(sa.JSON)  # a digest's {"ids": [notification ids]}
    status: Mapped[str] = mapped_column(sa.String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]

    notification: Mapped[Notification | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("user_id", "digest_key"),
                      sa.Index("ix_outbox_mails_due", "status", "next_attempt_at"))

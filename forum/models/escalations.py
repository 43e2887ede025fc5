"""Escalations: a question the community could not solve, on a staff SLA clock.

Most belong to a question thread. An idea or idea comment whose author sent personal details privately to
staff opens one on the idea instead, so exactly one of thread_id and idea_id is set (a CHECK constraint).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import Model
from forum.models.ideas import Idea
from forum.models.threads import Thread
from forum.models.users import User


class EscalationStatus:
    OPEN, ASSIGNED, RESOLVED = "open", "assigned", "resolved"


class Escalation(Model):
    __tablename__ = "escalations"
    __table_args__ = (
        sa.CheckConstraint("(thread_id IS NULL) <> (idea_id IS NULL)", name="one_subject"),
        # the staff queue's orders, each read from an index with the id breaking ties (0003)
        sa.Index("ix_escalations_status_due", "status", "due_at", "id"),
        sa.Index("ix_escalations_status_resolved", "status", "resolved_at", "id"),
        sa.Index("ix_escalations_assignee_queue", "assignee_id", "status", "due_at", "id"),
        sa.Index("ix_escalations_requested_by", "requested_by_id"),  # a member's data export and erasure
        sa.Index("ix_escalations_resolved_at", "resolved_at"),  # the dashboard's days of resolved escalations
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int | None] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(sa.String(16), default="member")  # member | moderator | auto
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    private_note: Mapped[str | None] = mapped_column(sa.Text)  # only assigned staff read it (privacy issue)
    status: Mapped[str] = mapped_column(sa.String(16), default=EscalationStatus.OPEN, index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    assigned_at: Mapped[datetime | None]
    first_staff_reply_at: Mapped[datetime | None]
    first_staff_reply_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))  # 0017
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)
    request_count: Mapped[int] = mapped_column(default=1)  # later requests join the open escalation

    thread: Mapped[Thread | None] = relationship()
    idea: Mapped[Idea | None] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    first_staff_reply_by: Mapped[User | None] = relationship(foreign_keys=[first_staff_reply_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def subject(self) -> Thread | Idea:
        """The question or idea this escalation is about; both have an id and a title."""
        subject = self.thread if self.thread_id is not None else self.idea
        assert subject is not None, "the CHECK constraint sets exactly one of thread_id and idea_id"
        return subject

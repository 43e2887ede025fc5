"""Escalations: a question the community could not solve, on a staff SLA clock."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import db
from forum.models.threads import Thread
from forum.models.users import User


class EscalationStatus:
    OPEN, ASSIGNED, RESOLVED = "open", "assigned", "resolved"


class Escalation(db.Model):
    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True)
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
    resolution_note: Mapped[str | None] = mapped_column(sa.Text)
    request_count: Mapped[int] = mapped_column(default=1)  # later requests join the open escalation

    thread: Mapped[Thread] = relationship()
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    first_staff_reply_by: Mapped[User | None] = relationship(foreign_keys=[first_staff_reply_by_id])

"""Listening, the alerts half: spike alerts on watches and tags, the staff who follow a tag, known-issue notices.

A spike alert is one burst of posts on one subject (a watch or a tag): a burst that continues updates its alert,
and an alert staff resolved stays resolved while its burst lasts (forum/listening/alerts.py). A notice is a
short plain-text banner shown to everyone until staff resolve it; who dismissed it is kept per member.
"""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.clock import utcnow
from forum.extensions import Model
from forum.i18n import _l
from forum.models.listening import Match, Watch
from forum.models.threads import Tag, Thread
from forum.models.users import User

# The spike detector counts a watch's matches per hour across all watches at once: read by time first
# (the listening model's own indexes lead with the watch, which would walk every watch's entries).
sa.Index("ix_watch_matches_posted_watch", Match.posted_at, Match.watch_id)


class TagFollower(Model):
    """A staff member told at once when a tag spikes (watches have their own followers)."""

    __tablename__ = "tag_followers"

    tag_id: Mapped[int] = mapped_column(sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tag: Mapped[Tag] = relationship()


class AlertState:
    OPEN, ACKNOWLEDGED, RESOLVED = "open", "acknowledged", "resolved"
    ALL = (OPEN, ACKNOWLEDGED, RESOLVED)
    LABELS: ClassVar[dict[str, str]] = {OPEN: _l("Open"), ACKNOWLEDGED: _l("Acknowledged"),
                                         RESOLVED: _l("Resolved")}


class SpikeAlert(Model):
    """One burst on one subject. `subject_key` ("watch:3", "tag:7") names it whatever the subject's kind, so
    the detector finds the subject's current burst with one indexed lookup."""

    __tablename__ = "spike_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_key: Mapped[str] = mapped_column(sa.String(40))
    watch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("watches.id", ondelete="CASCADE"), index=True)
    tag_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tags.id", ondelete="CASCADE"), index=True)
    subject_name: Mapped[str] = mapped_column(sa.String(80))  # kept: the list needs no join to name it
    state: Mapped[str] = mapped_column(sa.String(16), default=AlertState.OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_spike_at: Mapped[datetime] = mapped_column(default=utcnow)  # the latest run that saw the burst
    hour_count: Mapped[int] = mapped_column(default=0)  # posts in the hour before the latest run
    peak_count: Mapped[int] = mapped_column(default=0)
    baseline: Mapped[float] = mapped_column(sa.Float, default=0.0)  # the same hour's daily average, last 7 days
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    watch: Mapped[Watch | None] = relationship()
    tag: Mapped[Tag | None] = relationship()
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    __table_args__ = (
        sa.Index("ix_spike_alerts_subject_last", "subject_key", "last_spike_at"),
        sa.Index("ix_spike_alerts_state_opened", "state", "opened_at", "id"),
        sa.Index("ix_spike_alerts_opened", "opened_at", "id"),
    )


class Notice(Model):
    """A known issue: a short text, the thread where updates are posted, and terms that a new question's
    title is compared with on the ask form. Active until resolved."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(200))
    thread_id: Mapped[int] = mapped_column(sa.ForeignKey("threads.id", ondelete="CASCADE"), index=True)
    terms: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    alert_id: Mapped[int | None] = mapped_column(sa.ForeignKey("spike_alerts.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    thread: Mapped[Thread] = relationship()
    alert: Mapped[SpikeAlert | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (sa.Index("ix_notices_active", "resolved_at", "created_at", "id"),)

    @property
    def is_active(self) -> bool:
        return self.resolved_at is None


class NoticeDismissal(Model):
    """A member closed a notice's banner: it stays closed for them on every device (visitors: localStorage)."""

    __tablename__ = "notice_dismissals"

    notice_id: Mapped[int] = mapped_column(sa.ForeignKey("notices.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

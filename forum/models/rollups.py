"""Daily rollups of the staff dashboard's figures, and the markers of the days a write has changed since.

Derived data only (no foreign keys): `flask forum refresh-stats` can drop and rebuild any day from the source
tables. Category 0 is the day's total over every category (with what belongs to none, such as a flag whose
post is gone), and its row existing is what says the day is rolled up. Durations are stored as sorted whole
seconds per day, packed (see forum.dashboard.rollups for why samples rather than histogram buckets).
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.clock import utcnow
from forum.extensions import Model


class DashboardDay(Model):
    """One UTC day and one category: questions by the day asked, escalations by the day opened (and resolved),
    flags, hides and idea activity by the day they happened."""

    __tablename__ = "dashboard_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    category_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    asked: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)
    solved: Mapped[int] = mapped_column(default=0)
    first_known: Mapped[int] = mapped_column(default=0)       # first answers whose author's badge is known
    first_staff: Mapped[int] = mapped_column(default=0)
    first_seconds: Mapped[str] = mapped_column(sa.Text, default="")
    accepted_staff: Mapped[int] = mapped_column(default=0)
    accepted_seconds: Mapped[str] = mapped_column(sa.Text, default="")
    escalations_opened: Mapped[int] = mapped_column(default=0)
    escalations_met: Mapped[int] = mapped_column(default=0)
    escalation_unmet_due: Mapped[str] = mapped_column(sa.Text, default="")  # epoch microseconds: decided once past
    escalation_reply_seconds: Mapped[str] = mapped_column(sa.Text, default="")
    escalations_resolved: Mapped[int] = mapped_column(default=0)
    flags_raised: Mapped[int] = mapped_column(default=0)
    flag_handling_seconds: Mapped[str] = mapped_column(sa.Text, default="")
    posts_hidden: Mapped[int] = mapped_column(default=0)
    ideas_submitted: Mapped[int] = mapped_column(default=0)
    idea_votes: Mapped[int] = mapped_column(default=0)
    idea_status_changes: Mapped[int] = mapped_column(default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class DashboardAnswererDay(Model):
    """Answers written per day, category, author and staff badge, and how many of them are accepted now."""

    __tablename__ = "dashboard_answerer_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    category_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    author_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    is_staff: Mapped[bool] = mapped_column(primary_key=True)
    answers: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)


class DashboardIdeaDay(Model):
    """Votes cast per day on each idea; the idea's title, status, category and visibility are read live."""

    __tablename__ = "dashboard_idea_days"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    idea_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    votes: Mapped[int] = mapped_column(default=0)


class DashboardDirtyDay(Model):
    """A day whose rollups a write has changed: one row per write transaction and day, inserted in that
    transaction (append-only, so concurrent writers never wait on each other), deleted by the refresh that
    saw it. Until then the dashboard computes that day from the source tables."""

    __tablename__ = "dashboard_dirty_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, index=True)


class DashboardAnswererWindow(Model):
    """Answers per author over each preset period's complete days (the N - 1 days before `last_day` + 1),
    summed by `refresh-stats` from DashboardAnswererDay; category 0 holds all categories together.

    Why: with a thousand active answerers a day, ranking 90 days of per-day rows means grouping ~200k rows
    per view; one row per author (plus today's and any changed day's corrections) keeps it near 5k."""

    __tablename__ = "dashboard_answerer_windows"

    days: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    category_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    author_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    is_staff: Mapped[bool] = mapped_column(primary_key=True)
    last_day: Mapped[date] = mapped_column(sa.Date)
    answers: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)

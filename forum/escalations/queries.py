"""Read side of escalations: the staff queue, one escalation, SLA arithmetic."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum.clock import utcnow
from forum.errors import NotFound
from forum.extensions import db
from forum.models import Escalation, EscalationStatus, Role, User
from forum.pagination import Page, clamp
from forum.validation import parse_int

FILTERS = ("active", "open", "assigned", "resolved", "mine")
PER_PAGE = 25


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.lower()))


def sla_met_at(escalation: Escalation) -> datetime | None:
    """The SLA is met by the first staff reply in the thread or, failing that, by resolving it."""
    return escalation.first_staff_reply_at or escalation.resolved_at


def is_breached(escalation: Escalation, now: datetime | None = None) -> bool:
    """Late if staff replied (or resolved) after due_at, or if nothing happened and due_at has passed."""
    return (sla_met_at(escalation) or now or utcnow()) > escalation.due_at


@dataclass
class QueueFilters:
    status: str = "active"
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args: Any) -> QueueFilters:
        status = args.get("status") or "active"
        return cls(status=status if status in FILTERS else "active",
                   page=parse_int(args.get("page"), 1, maximum=100_000),
                   per_page=parse_int(args.get("per_page"), PER_PAGE, maximum=100))


def list_escalations(filters: QueueFilters, viewer: User) -> Page:
    """Sorted by due time (most urgent first); resolved ones by when they were resolved, newest first."""
    query = sa.select(Escalation)
    if filters.status == "active":
        query = query.where(Escalation.status.in_((EscalationStatus.OPEN, EscalationStatus.ASSIGNED)))
    elif filters.status == "mine":
        query = query.where(Escalation.assignee_id == viewer.id, Escalation.status == EscalationStatus.ASSIGNED)
    else:
        query = query.where(Escalation.status == filters.status)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = clamp(filters.page, total, filters.per_page)
    order = ([Escalation.resolved_at.desc()] if filters.status == "resolved" else [Escalation.due_at])
    rows = db.session.scalars(query.options(
        joinedload(Escalation.thread), joinedload(Escalation.idea), joinedload(Escalation.requested_by),
        joinedload(Escalation.assignee), joinedload(Escalation.first_staff_reply_by))
        .order_by(*order, Escalation.id).limit(filters.per_page).offset((page - 1) * filters.per_page)).all()
    return Page(items=list(rows), page=page, per_page=filters.per_page, total=total)


def counts() -> dict[str, int]:
    """How many escalations sit under each status, for the filter tabs."""
    rows = db.session.execute(sa.select(Escalation.status, sa.func.count()).group_by(Escalation.status))
    found = dict(rows.all())
    return {"open": found.get("open", 0), "assigned": found.get("assigned", 0),
            "resolved": found.get("resolved", 0)}


def breached_active_count(now: datetime | None = None) -> int:
    now = now or utcnow()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Escalation).where(
        Escalation.status.in_((EscalationStatus.OPEN, EscalationStatus.ASSIGNED)),
        Escalation.first_staff_reply_at.is_(None), Escalation.due_at < now)) or 0


def staff_members() -> list[User]:
    roles = [role for role in Role.ORDER if Role.rank(role) >= Role.rank(Role.STAFF)]
    return list(db.session.scalars(sa.select(User).where(User.role.in_(roles), User.is_deleted.is_(False))
                                   .order_by(sa.func.lower(User.username))))


def get_escalation(escalation_id: int) -> Escalation:
    escalation = db.session.get(Escalation, escalation_id)
    if escalation is None:
        raise NotFound("That escalation does not exist.")
    return escalation



def duration(delta: timedelta) -> str:
    """"45 min", "5 h 10 min", "2 days 3 h": precise enough for an SLA, short enough for a queue row."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} day{'s' if days != 1 else ''}" + (f" {hours} h" if hours else "")
    if hours:
        return f"{hours} h" + (f" {mins} min" if mins else "")
    return f"{mins} min"


SOON = timedelta(hours=4)


def sla_clock(escalation: Escalation, now: datetime | None = None) -> tuple[str, str]:
    """(state, words) for the queue's SLA column; state is met, late, breached, soon or ok."""
    now = now or utcnow()
    met = sla_met_at(escalation)
    if met is not None:
        if met <= escalation.due_at:
            return "met", f"Answered in {duration(met - escalation.created_at)}"
        return "late", f"Answered {duration(met - escalation.due_at)} late"
    if now > escalation.due_at:
        return "breached", f"Overdue by {duration(now - escalation.due_at)}"
    left = escalation.due_at - now
    return ("soon" if left <= SOON else "ok"), f"Due in {duration(left)}"

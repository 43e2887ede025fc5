"""Read side of escalations: the staff queue, one escalation, SLA arithmetic."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum import pagecache
from forum.clock import utcnow
from forum.errors import Invalid, NotFound
from forum.extensions import db
from forum.i18n import _
from forum.models import Escalation, EscalationStatus, Role, User
from forum.pagination import Page, clamp, count_rows, in_order, page_of_ids
from forum.timefmt import duration
from forum.validation import parse_int

FILTERS = ("active", "open", "assigned", "breached", "resolved", "mine")
PER_PAGE = 25
ACTIVE = (EscalationStatus.OPEN, EscalationStatus.ASSIGNED)


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
    def from_args(cls, args: Any, *, strict: bool = False) -> QueueFilters:
        """The page forgives an unknown status (the whole queue); the API (`strict`) refuses it with 422, so a
        script's typo is not read as "everything"."""
        status = args.get("status") or "active"
        if strict and status not in FILTERS:
            raise Invalid(_("Some fields need attention."),
                          {"status": _("Use one of: %(choices)s (or leave it out for %(default)s).",
                                       choices=", ".join(FILTERS), default=FILTERS[0])})
        return cls(status=status if status in FILTERS else "active",
                   page=parse_int(args.get("page"), 1, maximum=100_000),
                   per_page=parse_int(args.get("per_page"), PER_PAGE, maximum=100))


def list_escalations(filters: QueueFilters, viewer: User) -> Page:
    """Sorted by due time (most urgent first); resolved ones by when they were resolved, newest first.

    Resolved escalations pile up for years: the total is counted once per change to any escalation
    (pagecache.memo), a page's ids come from the index that serves its order (from the far end past the
    middle), then its rows."""
    ids, order = _queue_ids(filters, viewer)
    mine = f":{viewer.id}" if filters.status == "mine" else ""
    def count() -> int:
        return count_rows(ids)

    # the breached set grows with the clock, not only with writes: counted each time (two index ranges of the
    # waiting ones, as the summary's figure is)
    total = count() if filters.status == "breached" else \
        pagecache.memo(f"count:escalations:{filters.status}{mine}", [pagecache.ESCALATIONS], count)
    page = clamp(filters.page, total, filters.per_page)
    page_ids = page_of_ids(ids, order, page, total, filters.per_page)
    rows = db.session.scalars(sa.select(Escalation).where(Escalation.id.in_(page_ids)).options(
        joinedload(Escalation.thread), joinedload(Escalation.idea), joinedload(Escalation.requested_by),
        joinedload(Escalation.assignee), joinedload(Escalation.first_staff_reply_by))).all() if page_ids else []
    return Page(items=in_order(rows, page_ids), page=page, per_page=filters.per_page, total=total)


def _queue_ids(filters: QueueFilters, viewer: User) -> tuple[sa.Select, list[tuple[Any, bool]]]:
    """The ids a filter selects and the order to page them in. The active queue is the open and the assigned
    ones merged, each read in due order from its own range of the (status, due_at, id) index: a filter of both
    statuses had the planner walk every escalation ever raised by due time. The breached ones are the same two
    ranges cut at now (due_at < now), still waiting for a first staff reply."""
    if filters.status in ("active", "breached"):
        late = filters.status == "breached"
        now = utcnow()
        both = sa.union_all(*(sa.select(Escalation.id, Escalation.due_at).where(
            Escalation.status == status,
            *((Escalation.due_at < now, Escalation.first_staff_reply_at.is_(None)) if late else ()))
            for status in ACTIVE)).subquery()
        return sa.select(both.c.id), [(both.c.due_at, False), (both.c.id, False)]
    ids = sa.select(Escalation.id)
    if filters.status == "mine":
        ids = ids.where(Escalation.assignee_id == viewer.id, Escalation.status == EscalationStatus.ASSIGNED)
    else:
        ids = ids.where(Escalation.status == filters.status)
    if filters.status == "resolved":
        return ids, [(Escalation.resolved_at, True), (Escalation.id, True)]
    return ids, [(Escalation.due_at, False), (Escalation.id, False)]


def counts() -> dict[str, int]:
    """How many escalations sit under each status, for the filter tabs: counted once per change to any."""
    def count() -> dict[str, int]:
        found = dict(db.session.execute(sa.select(Escalation.status, sa.func.count())
                                        .group_by(Escalation.status)).tuples().all())
        return {status: found.get(status, 0) for status in ("open", "assigned", "resolved")}

    return pagecache.memo("escalation-counts", [pagecache.ESCALATIONS], count)


def breached_active_count(now: datetime | None = None) -> int:
    now = now or utcnow()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Escalation).where(
        Escalation.status.in_(ACTIVE), Escalation.first_staff_reply_at.is_(None), Escalation.due_at < now)) or 0


def staff_members() -> list[User]:
    roles = [role for role in Role.ORDER if Role.rank(role) >= Role.rank(Role.STAFF)]
    # one index lookup per role, sorted here: with `role IN (...)` and an ORDER BY lower(username), the planner
    # (which knows only that a role has a quarter of the accounts on average) walks every member
    ids = sa.union_all(*(sa.select(User.id).where(User.role == role) for role in roles))
    return sorted(db.session.scalars(sa.select(User).where(User.id.in_(ids), User.is_deleted.is_(False))),
                  key=lambda user: user.username.lower())


def first_reply_recorded(post: Any) -> Escalation | None:
    """The escalation whose SLA clock this staff answer stopped (hooks.record_staff_reply stamps the answer's
    own time and author), for the confirmation the author reads; None for any other answer."""
    if not getattr(post, "is_staff_reply", False):
        return None
    return db.session.scalar(sa.select(Escalation).where(
        Escalation.thread_id == post.thread_id, Escalation.first_staff_reply_by_id == post.author_id,
        Escalation.first_staff_reply_at == post.created_at).limit(1))


def get_escalation(escalation_id: int) -> Escalation:
    escalation = db.session.get(Escalation, escalation_id)
    if escalation is None:
        raise NotFound(_("That escalation does not exist."))
    return escalation



SOON = timedelta(hours=4)


def sla_clock(escalation: Escalation, now: datetime | None = None) -> tuple[str, str]:
    """(state, words) for the queue's SLA column; state is met, late, breached, soon or ok."""
    now = now or utcnow()
    met = sla_met_at(escalation)
    if met is not None:
        if met <= escalation.due_at:
            return "met", _("Answered in %(time)s", time=duration(met - escalation.created_at))
        return "late", _("Answered %(time)s late", time=duration(met - escalation.due_at))
    if now > escalation.due_at:
        return "breached", _("Overdue by %(time)s", time=duration(now - escalation.due_at))
    left = escalation.due_at - now
    return ("soon" if left <= SOON else "ok"), _("Due in %(time)s", time=duration(left))

"""Read side of moderation: the flag queue grouped per post, and the audit log."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum.errors import Invalid, NotFound
from forum.extensions import db
from forum.models import AuditEntry, Flag, Post, Thread, User
from forum.pagination import Page, clamp
from forum.validation import parse_int

PER_PAGE = 20


@dataclass
class FlaggedPost:
    post: Post
    flags: list[Flag]
    oldest_at: datetime

    @property
    def reasons(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for flag in self.flags:
            counts[flag.reason] = counts.get(flag.reason, 0) + 1
        return counts


def flag_queue(page: int = 1, per_page: int = PER_PAGE) -> Page:
    """Posts with open flags, the longest-waiting first, each with its open flags (three queries)."""
    grouped = (sa.select(Flag.post_id, sa.func.min(Flag.created_at).label("oldest"))
               .where(Flag.status == "open").group_by(Flag.post_id))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(grouped.subquery()))
    page = clamp(page, total, per_page)
    rows = db.session.execute(grouped.order_by(sa.text("oldest"), Flag.post_id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    post_ids = [row.post_id for row in rows]
    flags = db.session.scalars(
        sa.select(Flag).where(Flag.post_id.in_(post_ids), Flag.status == "open")
        .options(joinedload(Flag.reporter), joinedload(Flag.post).joinedload(Post.author),
                 joinedload(Flag.post).joinedload(Post.thread).joinedload(Thread.category))
        .order_by(Flag.created_at, Flag.id)).all() if post_ids else []
    by_post: dict[int, list[Flag]] = {}
    for flag in flags:
        by_post.setdefault(flag.post_id, []).append(flag)
    items = [FlaggedPost(post=by_post[row.post_id][0].post, flags=by_post[row.post_id], oldest_at=row.oldest)
             for row in rows if row.post_id in by_post]
    return Page(items=items, page=page, per_page=per_page, total=total)


def get_flag(flag_id: int) -> Flag:
    flag = db.session.get(Flag, flag_id)
    if flag is None:
        raise NotFound("That flag does not exist.")
    return flag


@dataclass
class AuditFilters:
    actor: str = ""
    action: str = ""
    since: str = ""
    page: int = 1
    per_page: int = 50
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args: Any) -> AuditFilters:
        return cls(actor=(args.get("actor") or "").strip()[:30], action=(args.get("action") or "").strip()[:40],
                   since=(args.get("since") or "").strip()[:40],
                   page=parse_int(args.get("page"), 1, maximum=100_000),
                   per_page=parse_int(args.get("per_page"), 50, maximum=100))

    def since_moment(self) -> datetime | None:
        """A date (YYYY-MM-DD) or an ISO 8601 time in UTC; anything else is a field error."""
        if not self.since:
            return None
        try:
            moment = datetime.fromisoformat(self.since.replace("Z", "+00:00"))
        except ValueError:
            raise Invalid("Some fields need attention.",
                          {"since": "Use a date like 2026-05-01 or a time like 2026-05-01T09:00:00Z."}) from None
        if moment.tzinfo is not None:
            moment = (moment - moment.utcoffset()).replace(tzinfo=None)
        return moment


def audit_log(filters: AuditFilters) -> Page:
    """Newest first. `actor` is a username ("system" for automatic actions); `action` matches exactly or
    by prefix ("post" finds post.hide and post.restore)."""
    query = sa.select(AuditEntry)
    if filters.actor.lower() == "system":
        query = query.where(AuditEntry.actor_id.is_(None))
    elif filters.actor:
        query = query.join(User, AuditEntry.actor_id == User.id).where(
            sa.func.lower(User.username) == filters.actor.lower())
    if filters.action:
        query = query.where(sa.or_(AuditEntry.action == filters.action,
                                   AuditEntry.action.startswith(filters.action.rstrip(".") + ".", autoescape=True)))
    since = filters.since_moment()
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    page = clamp(filters.page, total, filters.per_page)
    rows = db.session.scalars(query.options(joinedload(AuditEntry.actor))
                              .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
                              .limit(filters.per_page).offset((page - 1) * filters.per_page)).all()
    return Page(items=list(rows), page=page, per_page=filters.per_page, total=total)


def audit_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def target_url(entry: AuditEntry) -> str | None:
    """Where an audit entry's target lives, for the log's links."""
    if entry.target_id is None:
        return None
    if entry.target_type == "thread":
        return f"/questions/{entry.target_id}"
    if entry.target_type == "post":
        return f"/posts/{entry.target_id}/revisions"
    if entry.target_type == "user":
        return f"/users/{entry.target_label}" if entry.target_label else None
    if entry.target_type == "escalation":
        return "/staff/escalations?status=resolved"
    return None


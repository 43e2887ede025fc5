"""Read side of moderation: the flag queue grouped per post, and the audit log."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum import pagecache
from forum.errors import Invalid, NotFound
from forum.extensions import db
from forum.i18n import _
from forum.links import idea_path, path_for, profile_path, thread_path
from forum.models import AuditEntry, Flag, FlagStatus, Post, Thread, User
from forum.pagination import Page, clamp, count_rows, in_order, page_of_ids
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
    """Posts with open flags, the longest-waiting first, each with its open flags.

    The queue's order (post ids with their oldest open flag) is read from the open flags' index once per
    change to any flag (pagecache.memo), so every page, the last as the first, costs one query for its flags."""
    queue = pagecache.memo("flag-queue", [pagecache.FLAGS], _flag_queue_order)
    total = len(queue)
    page = clamp(page, total, per_page)
    rows = queue[(page - 1) * per_page:page * per_page]
    oldest = dict(rows)
    post_ids = list(oldest)
    # sorted here: an ORDER BY had SQLite walk every flag ever raised by time rather than look these posts up
    flags = sorted(db.session.scalars(
        sa.select(Flag).where(Flag.post_id.in_(post_ids), Flag.status == FlagStatus.OPEN)
        .options(joinedload(Flag.reporter), joinedload(Flag.post).joinedload(Post.author),
                 joinedload(Flag.post).joinedload(Post.thread).joinedload(Thread.category))).all(),
                   key=lambda flag: (flag.created_at, flag.id)) if post_ids else []
    by_post: dict[int, list[Flag]] = {}
    for flag in flags:
        by_post.setdefault(flag.post_id, []).append(flag)
    items = [FlaggedPost(post=by_post[post_id][0].post, flags=by_post[post_id], oldest_at=oldest[post_id])
             for post_id in post_ids if post_id in by_post]
    return Page(items=items, page=page, per_page=per_page, total=total)


def _flag_queue_order() -> list[tuple[int, datetime]]:
    """(post id, oldest open flag) for every post with open flags, the longest-waiting first: as long as
    the open queue, whatever the history of handled flags."""
    rows = db.session.execute(sa.select(Flag.post_id, sa.func.min(Flag.created_at).label("oldest"))
                              .where(Flag.status == FlagStatus.OPEN).group_by(Flag.post_id)).all()
    return sorted(((row.post_id, row.oldest) for row in rows), key=lambda row: (row[1], row[0]))


def get_flag(flag_id: int) -> Flag:
    flag = db.session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(_("That flag does not exist."))
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
            moment = datetime.fromisoformat(self.since)  # "Z" included, since Python 3.11
        except ValueError:
            raise Invalid(_("Some fields need attention."),
                          {"since": _("Use a date like 2026-05-01 or a time like 2026-05-01T09:00:00Z.")}) from None
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment


def audit_log(filters: AuditFilters) -> Page:
    """Newest first. `actor` is a username ("system" for automatic actions); `action` matches exactly or
    by prefix ("post" finds post.hide and post.restore).

    The log only grows: its total is counted once per new entry (pagecache.memo), a page's ids come from the
    index that serves the filter (from the far end past the middle), then its rows."""
    ids = sa.select(AuditEntry.id)
    if filters.actor.lower() == "system":
        ids = ids.where(AuditEntry.actor_id.is_(None))
    elif filters.actor:
        ids = ids.where(AuditEntry.actor_id == sa.select(User.id).where(
            sa.func.lower(User.username) == filters.actor.lower()).scalar_subquery())
    if filters.action:
        ids = ids.where(AuditEntry.action.in_(_matching_actions(filters.action)))
    since = filters.since_moment()
    if since is not None:
        ids = ids.where(AuditEntry.created_at >= since)
    key = f"count:audit:{filters.actor.lower()}:{filters.action}:{since.isoformat() if since else ''}"
    scopes = [pagecache.AUDIT, pagecache.SITE] if filters.actor else [pagecache.AUDIT]  # SITE: a renamed actor
    total = pagecache.memo(key, scopes, lambda: count_rows(ids))
    page = clamp(filters.page, total, filters.per_page)
    page_ids = page_of_ids(ids, [(AuditEntry.created_at, True), (AuditEntry.id, True)], page, total,
                           filters.per_page)
    rows = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.id.in_(page_ids))
                              .options(joinedload(AuditEntry.actor))).all() if page_ids else []
    return Page(items=in_order(rows, page_ids), page=page, per_page=filters.per_page, total=total)


def _matching_actions(action: str) -> list[str]:
    """The recorded actions a filter means, exactly or by prefix: a list of equalities, each of which reads
    its own range of the (action, created_at, id) index, where a LIKE would walk the whole log."""
    prefix = action.rstrip(".") + "."
    return [known for known in audit_actions() if known == action or known.startswith(prefix)]


def audit_actions() -> list[str]:
    """Every action ever recorded, read once per new entry rather than per view."""
    return pagecache.memo("audit-actions", [pagecache.AUDIT], lambda: list(db.session.scalars(
        sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action))))


def target_url(entry: AuditEntry) -> str | None:
    """Where an audit entry's target lives, for the log's links."""
    if entry.target_id is None:
        return None
    if entry.target_type == "thread":
        return thread_path(entry.target_id)
    if entry.target_type == "post":
        return path_for("questions.revisions", post_id=entry.target_id)
    if entry.target_type == "user":
        return profile_path(entry.target_label) if entry.target_label else None
    if entry.target_type == "escalation":
        return path_for("escalations.queue", status="resolved")
    if entry.target_type == "category":
        return path_for("admin.categories")
    if entry.target_type == "idea":
        return idea_path(entry.target_id)
    return None


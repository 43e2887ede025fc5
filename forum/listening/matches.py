"""Matches: recording what the watches found in newly public posts, the listening page's list, and the staff's
claim / handle. record_matches runs after the post's own commit (forum/listening/hooks.py), in a session of its
own, so a failure there never touches the post."""
from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import joinedload

from forum import pagecache
from forum.clock import utcnow
from forum.errors import Conflict, NotFound
from forum.extensions import db
from forum.i18n import _, _l
from forum.links import idea_path, path_for, thread_path
from forum.listening import matching
from forum.markup import plain_text
from forum.models import (Category, Idea, IdeaComment, Match, MatchKind, MatchState, Post, Role, Thread, User, Watch,
                          WatchFollower, thread_tags)
from forum.notifications.services import notify_all
from forum.pagination import Page, clamp, count_rows, in_order, page_of_ids
from forum.policy import Policy
from forum.validation import parse_int

log = logging.getLogger(__name__)

# a follower demoted to member hears nothing more
STAFF_ROLES = [role for role in Role.ORDER if Role.rank(role) >= Role.rank(Role.STAFF)]
LISTENING = "listening"  # memo scope: the listening page's totals, bumped by every match write
PER_PAGE = 25


# -- recording (after the post's commit) -----------------------------------------------------------------------
@dataclass
class Source:
    """A newly public post as the matcher sees it."""

    kind: str
    source_id: int
    text: str
    title: str
    body_text: str
    category_id: int | None
    tag_ids: list[int]
    author: User | None
    posted_at: datetime
    post_id: int | None = None
    thread_id: int | None = None
    idea_id: int | None = None
    idea_comment_id: int | None = None


def record_matches(items: Iterable[tuple[str, int]]) -> list[Match]:
    """Match each ("post" | "thread" | "idea" | "idea_comment", id) against every watch; write the matches and
    tell the watches' followers, in one commit. Hidden, held and staff-written content is never matched."""
    matcher = matching.current_matcher(db.session)
    if not matcher.index:
        return []
    made: list[Match] = []
    for kind, object_id in sorted(set(items)):
        source = _load_public(kind, object_id)
        if source is None:
            continue
        found = matcher.match(source.text, source.category_id, source.tag_ids)
        if found:
            made.extend(_write(source, found))
    if made:
        pagecache.touch(db.session, LISTENING)
        db.session.commit()
    else:
        db.session.rollback()
    return made


def _is_community(user: User | None) -> bool:
    """Staff replies are the company talking; listening is for what customers say."""
    return user is not None and not user.is_deleted and not user.is_staff


def _held(obj: Any) -> bool:
    return getattr(obj, "held_at", None) is not None  # waiting in the moderators' queue: not public yet


def _load_public(kind: str, object_id: int) -> Source | None:
    if kind == "thread":  # a held question approved: its question post
        post = db.session.scalar(sa.select(Post).where(Post.thread_id == object_id, Post.position == 0))
        return _post_source(post) if post is not None else None
    if kind == "post":
        return _post_source(db.session.get(Post, object_id))
    if kind == "idea":
        idea = db.session.get(Idea, object_id)
        if idea is None or idea.is_hidden or _held(idea) or idea.merged_into_id or not _is_community(idea.author):
            return None
        body = plain_text(idea.body_html)
        return Source(MatchKind.IDEA, idea.id, f"{idea.title}\n{body}", idea.title, body, idea.category_id, [],
                      idea.author, idea.created_at, idea_id=idea.id)
    if kind == "idea_comment":
        comment = db.session.get(IdeaComment, object_id)
        if comment is None or comment.is_hidden or comment.is_official or _held(comment):
            return None
        idea = db.session.get(Idea, comment.idea_id)
        if idea is None or idea.is_hidden or not _is_community(comment.author):
            return None
        body = plain_text(comment.body_html)
        return Source(MatchKind.IDEA_COMMENT, comment.id, body, idea.title, body, idea.category_id, [],
                      comment.author, comment.created_at, idea_id=idea.id, idea_comment_id=comment.id)
    return None


def _post_source(post: Post | None) -> Source | None:
    if post is None or post.is_hidden or _held(post) or post.is_staff_reply:
        return None
    thread = post.thread
    if thread is None or thread.is_hidden or _held(thread) or not _is_community(post.author):
        return None
    body = plain_text(post.body_html)
    tag_ids = list(db.session.scalars(sa.select(thread_tags.c.tag_id).where(thread_tags.c.thread_id == thread.id)))
    question = post.position == 0
    return Source(MatchKind.QUESTION if question else MatchKind.ANSWER, post.id,
                  f"{thread.title}\n{body}" if question else body, thread.title, body, thread.category_id,
                  tag_ids, post.author, post.created_at, post_id=post.id, thread_id=thread.id)


def _write(source: Source, found: dict[int, list[str]]) -> list[Match]:
    """A match and its followers' notifications per watch that has not matched this source before (an edit
    is matched again: only the watches it newly satisfies are written, and told)."""
    already = _already_matched(source, list(found))
    watches = {w.id: w for w in db.session.scalars(sa.select(Watch).where(Watch.id.in_(list(found))))}
    made = []
    for watch_id, terms in sorted(found.items()):
        watch = watches.get(watch_id)
        if watch is None or watch_id in already:
            continue
        match = Match(watch_id=watch_id, kind=source.kind, source_id=source.source_id, post_id=source.post_id,
                      thread_id=source.thread_id, idea_id=source.idea_id, idea_comment_id=source.idea_comment_id,
                      category_id=source.category_id, author_id=source.author.id if source.author else None,
                      title=source.title[:150], terms=terms, posted_at=source.posted_at,
                      excerpt=matching.excerpt_around(source.body_text or source.title, terms))
        try:  # two edits of one post committed at once: the unique (watch, kind, source) keeps the first
            with db.session.begin_nested():
                db.session.add(match)
        except sa.exc.IntegrityError:
            continue  # the other writer's match stands, and its followers were told by it
        made.append(match)
        followers = db.session.scalars(sa.select(WatchFollower.user_id).join(User, User.id == WatchFollower.user_id)
                                       .where(WatchFollower.watch_id == watch_id, User.role.in_(STAFF_ROLES)))
        notify_all(user_ids=list(followers), kind="watch_match", actor=None, thread_id=source.thread_id,
                   post_id=source.post_id, idea_id=source.idea_id, url=path_for("listening.index", watch=watch_id),
                   text=_l("Watch “%(watch)s” matched %(terms)s in “%(title)s”", watch=watch.name,
                           terms=", ".join(terms), title=source.title))
    return made


def _already_matched(source: Source, watch_ids: list[int]) -> set[int]:
    return set(db.session.scalars(sa.select(Match.watch_id).where(
        Match.kind == source.kind, Match.source_id == source.source_id, Match.watch_id.in_(watch_ids))))


def handle_on_staff_reply(*, thread_id: int | None = None, idea_id: int | None = None, staff: User,
                          now: datetime) -> None:
    """Called inside the staff reply's transaction: its thread's (or idea's) open matches become handled."""
    subject = Match.thread_id == thread_id if thread_id is not None else Match.idea_id == idea_id
    result = cast(CursorResult[Any], db.session.execute(  # an UPDATE's result has a rowcount
        sa.update(Match).where(subject, Match.state != MatchState.HANDLED).values(
            state=MatchState.HANDLED, handled_by_id=staff.id, handled_at=now).execution_options(
            synchronize_session=False)))
    if result.rowcount:
        pagecache.touch(db.session, LISTENING)


# -- staff use cases -------------------------------------------------------------------------------------------
def get_match(*, actor: User, match_id: int) -> Match:
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff work the listening page."))
    match = db.session.get(Match, match_id)
    if match is None:
        raise NotFound(_("No such match."))
    return match


def claim_match(*, actor: User, match: Match) -> Match:
    """"I'm on it": the match is the actor's; others see who. Claiming a handled match is a conflict."""
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff work the listening page."))
    if match.state == MatchState.HANDLED:
        raise Conflict(_("This match is already handled."))
    if match.state == MatchState.CLAIMED and match.claimed_by_id != actor.id:
        raise Conflict(_("%(name)s is already on it.", name=match.claimed_by.username) if match.claimed_by
                       else _("Someone is already on it."))
    match.state, match.claimed_by_id, match.claimed_at = MatchState.CLAIMED, actor.id, utcnow()
    pagecache.touch(db.session, LISTENING)
    db.session.commit()
    return match


def handle_match(*, actor: User, match: Match) -> Match:
    """Mark handled (idempotent): staff dealt with it, in the thread or elsewhere."""
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff work the listening page."))
    if match.state != MatchState.HANDLED:
        match.state, match.handled_by_id, match.handled_at = MatchState.HANDLED, actor.id, utcnow()
        pagecache.touch(db.session, LISTENING)
        db.session.commit()
    return match


# -- the list --------------------------------------------------------------------------------------------------
@dataclass
class MatchFilters:
    watch: int | None = None
    category: str = ""
    state: str = ""
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args: Any) -> MatchFilters:
        watch = parse_int(args.get("watch"), 0, minimum=0, maximum=2**31 - 1) or None
        state = args.get("state") or ""
        return cls(watch=watch, category=(args.get("category") or "").strip()[:60],
                   state=state if state in MatchState.ALL else "",
                   page=parse_int(args.get("page"), 1, maximum=100_000),
                   per_page=parse_int(args.get("per_page"), PER_PAGE, maximum=100))


def list_matches(*, actor: User, filters: MatchFilters) -> Page:
    """Newest first, each filter read from its (filter, created_at, id) index; the total counted once per
    change to any match (memo)."""
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff work the listening page."))
    ids = sa.select(Match.id)
    if filters.watch:
        ids = ids.where(Match.watch_id == filters.watch)
    if filters.state:
        ids = ids.where(Match.state == filters.state)
    if filters.category:
        category_id = db.session.scalar(sa.select(Category.id).where(Category.slug == filters.category))
        ids = ids.where(Match.category_id == (category_id or 0))
    key = f"count:matches:{filters.watch}:{filters.state}:{filters.category}"
    total = pagecache.memo(key, [LISTENING], lambda: count_rows(ids))
    page = clamp(filters.page, total, filters.per_page)
    page_ids = page_of_ids(ids, [(Match.created_at, True), (Match.id, True)], page, total, filters.per_page)
    rows = db.session.scalars(sa.select(Match).where(Match.id.in_(page_ids)).options(
        joinedload(Match.watch), joinedload(Match.author), joinedload(Match.claimed_by),
        joinedload(Match.handled_by), joinedload(Match.category))).all() if page_ids else []
    return Page(items=in_order(rows, page_ids), page=page, per_page=filters.per_page, total=total)


@dataclass
class Wait:
    """How long a matched post waited for a staff or accepted answer (or has waited so far)."""

    duration: timedelta
    answered: bool


def waits(matches: list[Match], now: datetime | None = None) -> dict[int, Wait]:
    """Per match: from the post to its thread's first staff reply or accepted answer (ideas: the first official
    comment or status change), in two statements for the page."""
    now = now or utcnow()
    thread_ids = {m.thread_id for m in matches if m.thread_id}
    idea_ids = {m.idea_id for m in matches if m.idea_id and not m.thread_id}
    answered: dict[tuple[str, int], datetime] = {}
    if thread_ids:
        staff = sa.select(Post.thread_id, sa.func.min(Post.created_at)).where(
            Post.thread_id.in_(thread_ids), Post.position > 0, Post.is_staff_reply.is_(True)).group_by(Post.thread_id)
        for thread_id, at in db.session.execute(staff):
            answered[("t", thread_id)] = at
        for thread_id, solved_at in db.session.execute(sa.select(Thread.id, Thread.solved_at).where(
                Thread.id.in_(thread_ids), Thread.solved_at.is_not(None))):
            answered[("t", thread_id)] = min(filter(None, (answered.get(("t", thread_id)), solved_at)))
    if idea_ids:
        official = sa.select(IdeaComment.idea_id, sa.func.min(IdeaComment.created_at)).where(
            IdeaComment.idea_id.in_(idea_ids), IdeaComment.is_official.is_(True)).group_by(IdeaComment.idea_id)
        for idea_id, at in db.session.execute(official):
            answered[("i", idea_id)] = at
    out = {}
    for m in matches:
        key = ("t", m.thread_id) if m.thread_id else ("i", m.idea_id or 0)
        at = answered.get(key)
        if at is not None and at >= m.posted_at:
            out[m.id] = Wait(at - m.posted_at, True)
        else:
            out[m.id] = Wait(max(now - m.posted_at, timedelta(0)), False)
    return out


def watches_for_filter() -> list[Watch]:
    return list(db.session.scalars(sa.select(Watch).order_by(Watch.name, Watch.id).limit(500)))


def categories_for_filter() -> list[Category]:
    return list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.name).limit(200)))


def source_url(match: Match) -> str:
    if match.thread_id:
        return thread_path(match.thread_id, post_id=match.post_id if match.kind == MatchKind.ANSWER else None)
    assert match.idea_id is not None, "a match is on a thread or an idea"
    return idea_path(match.idea_id, comment_id=match.idea_comment_id)


def hidden_since(matches: list[Match], viewer: User) -> set[int]:
    """Matches whose post (or its thread or idea) a moderator has hidden since: for a viewer who may not see hidden
    content, the row keeps its place but shows neither title nor excerpt. Four small id lookups for the page."""
    if not matches or Policy(viewer).can_view_hidden():
        return set()
    hidden: set[tuple[str, int]] = set()
    lookups = ((Post, "p", {m.post_id for m in matches if m.post_id}),
               (Thread, "t", {m.thread_id for m in matches if m.thread_id}),
               (Idea, "i", {m.idea_id for m in matches if m.idea_id}),
               (IdeaComment, "c", {m.idea_comment_id for m in matches if m.idea_comment_id}))
    for model, key, ids in lookups:
        if ids:
            hidden.update((key, i) for i in db.session.scalars(sa.select(model.id).where(
                model.id.in_(ids), model.is_hidden.is_(True))))
    return {m.id for m in matches if {("p", m.post_id), ("t", m.thread_id), ("i", m.idea_id),
                                      ("c", m.idea_comment_id)} & hidden}

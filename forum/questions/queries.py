"""Read side of questions: lists and thread pages in a fixed, small number of queries."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from forum import content_language, pagecache
from forum.extensions import db
from forum.models import (
    Category,
    Escalation,
    EscalationStatus,
    IdeaQuestion,
    Post,
    PostRevision,
    Role,
    Subscription,
    Tag,
    Thread,
    Vote,
    thread_tags,
)
from forum.pagination import Page, clamp, count_rows, in_order, slice_of_ids
from forum.pii import find_pii
from forum.pii_guard import company_patterns
from forum.policy import Policy
from forum.search import service as search
from forum.validation import parse_int

SORTS = ("active", "newest", "top", "unanswered")
STATUSES = ("solved", "unsolved")
PER_PAGE = 20


@dataclass
class ListFilters:
    """Query-string filters, cleaned: unknown values fall back rather than fail."""

    sort: str = "active"
    category: str | None = None
    tag: str | None = None
    status: str | None = None
    language: str | None = None   # only questions written in this language
    prefer: str | None = None     # the reader's language: its questions first, then the rest (HTML lists)
    page: int = 1
    per_page: int = PER_PAGE

    @classmethod
    def from_args(cls, args: Any, *, max_per_page: int = 100) -> ListFilters:
        sort = args.get("sort", "active")
        status = args.get("status") or None
        return cls(sort=sort if sort in SORTS else "active",
                   category=(args.get("category") or None), tag=(args.get("tag") or "").lower() or None,
                   status=status if status in STATUSES else None,
                   language=_offered_language(args.get("language")),
                   page=parse_int(args.get("page"), 1, maximum=100_000),
                   per_page=parse_int(args.get("per_page"), PER_PAGE, maximum=max_per_page))


ORDERS: dict[str, list[tuple[Any, bool]]] = {
    "active": [(Thread.last_activity_at, True)], "newest": [(Thread.created_at, True)],
    "top": [(Thread.score, True), (Thread.created_at, True)], "unanswered": [(Thread.created_at, True)]}


def list_questions(filters: ListFilters, viewer: Any, *, bodies: bool = False) -> Page:
    """One page of questions: the total is counted once per change to any question (pagecache.memo), the page's
    ids read from the index that serves its order (from the far end past the middle), then its 20 rows.

    The HTML list shows an excerpt and loads no body; the API (`bodies=True`) returns each question's HTML."""
    policy = Policy(viewer)
    see_hidden = policy.can_view_hidden()
    order = ORDERS[filters.sort]
    pinned_first = bool(filters.category) or filters.sort != "unanswered"
    if pinned_first:
        order = [(Thread.is_pinned, True), *order]  # pinned first: a known issue is never buried at row 8
    order = [*order, (Thread.id, True)]
    runs = _language_runs(filters, policy, see_hidden, pinned_first)
    counts = _counts(runs, filters, see_hidden)
    total = sum(counts)
    page = clamp(filters.page, total, filters.per_page)
    page_ids = _page_across(list(zip(runs, counts)), order, page, filters.per_page)
    question = selectinload(Thread.question)
    if not bodies:
        question = question.load_only(Post.id, Post.thread_id, Post.position, Post.is_hidden, Post.excerpt)
    rows = db.session.scalars(
        sa.select(Thread).where(Thread.id.in_(page_ids))
        .options(joinedload(Thread.author), joinedload(Thread.category), selectinload(Thread.tags), question)
    ).unique().all() if page_ids else []
    return Page(items=in_order(rows, page_ids), page=page, per_page=filters.per_page, total=total)


def tag_exists(name: str) -> bool:
    """Whether a ?tag= names a tag (by the unique name): a list filtered by one that does not is said back."""
    return db.session.scalar(sa.select(Tag.id).where(Tag.name == name[:60])) is not None


def _offered_language(value: object) -> str | None:
    return value if isinstance(value, str) and value in content_language.offered() else None


def _language_runs(filters: ListFilters, policy: Policy, see_hidden: bool, pinned_first: bool) -> list[sa.Select]:
    """The list as one run, or, for a reader whose language is one of several the community writes in, two:
    their language's questions, then the others'. Each run is an equality (or a short IN list) on the leading
    column of an ix_threads_language_* index, so either run reads like the plain list. Moderators, who see
    hidden threads too, get the plain list (those indexes serve visible threads).

    Where pinned threads lead the list, they are a run of their own ahead of both (any language, read from the
    ix_threads_visible_* index by is_pinned): a known issue written in English is not buried under every Dutch
    question for a Dutch reader."""
    ids = _filtered(sa.select(Thread.id), filters, policy)
    if filters.language or see_hidden or filters.prefer not in content_language.offered():
        return [ids]
    others = [code for code in content_language.offered() if code != filters.prefer]
    pinned: list[sa.Select] = []
    if pinned_first:
        pinned, ids = [ids.where(Thread.is_pinned == sa.true())], ids.where(Thread.is_pinned == sa.false())
    rest = ids.where(Thread.language == others[0]) if len(others) == 1 else ids.where(Thread.language.in_(others))
    return [*pinned, ids.where(Thread.language == filters.prefer), rest]


def _counts(runs: list[sa.Select], filters: ListFilters, see_hidden: bool) -> list[int]:
    """Each run's size, counted once per change to any question (one pagecache.memo), not per request."""
    first = f"{filters.prefer}:{len(runs)}" if len(runs) > 1 else "*"  # runs: [pinned,] reader's language, rest
    key = f"count:questions:{see_hidden}:{filters.category}:{filters.tag}:{filters.status}:" \
          f"{filters.sort == 'unanswered'}:{filters.language}:{first}"
    return list(pagecache.memo(key, [pagecache.QUESTIONS], lambda: [count_rows(ids) for ids in runs]))


def _page_across(runs: list[tuple[sa.Select, int]], order: list, page: int, per_page: int) -> list[int]:
    """One page's ids over runs shown one after the other; an empty run costs no statement."""
    start, end, offset, found = (page - 1) * per_page, page * per_page, 0, []
    for ids, count in runs:
        lo, hi = max(start - offset, 0), min(end - offset, count)
        if lo < hi:
            found += slice_of_ids(ids, order, lo, hi, count)
        offset += count
    return found


def _filtered(query: sa.Select, filters: ListFilters, policy: Policy) -> sa.Select:
    if filters.language:
        query = query.where(Thread.language == filters.language)
    query = query.where(policy.visible_threads())
    if filters.category:
        category = sa.select(Category.id).where(Category.slug == filters.category).scalar_subquery()
        query = query.where(Thread.category_id == category)
    if filters.tag:
        tag = sa.select(Tag.id).where(Tag.name == filters.tag).scalar_subquery()
        query = query.where(Thread.id.in_(sa.select(thread_tags.c.thread_id).where(thread_tags.c.tag_id == tag)))
    if filters.status == "solved":
        query = query.where(Thread.accepted_post_id.is_not(None))
    elif filters.status == "unsolved":
        query = query.where(Thread.accepted_post_id.is_(None))
    if filters.sort == "unanswered":
        query = query.where(Thread.answer_count == 0)
    return query


@dataclass
class ThreadPage:
    thread: Thread
    question: Post
    answers: list[Post]
    my_votes: dict[int, int] = field(default_factory=dict)
    escalation: Escalation | None = None  # the open one, else the latest resolved (escalation extras)
    duplicate_of: Thread | None = None  # the original this thread was closed as a duplicate of
    duplicates: list[Thread] = field(default_factory=list)  # threads closed as duplicates of this one
    idea_request: IdeaQuestion | None = None  # the idea this question asked for (issue 16), with `.idea` loaded


def thread_page(thread: Thread, viewer: Any, member: MemberView | None = None) -> ThreadPage:
    """The question, then the accepted answer, then answers by score and age; hidden ones only for those allowed.
    A member's votes come from `member` when the view has it already."""
    policy = Policy(viewer)
    thread, escalation, link = _thread_with_escalation(thread)
    posts = db.session.scalars(
        sa.select(Post).where(Post.thread_id == thread.id).options(joinedload(Post.author))
        .order_by(Post.position)).all()
    for post in posts:  # the page asks each post for its thread: hand it the one loaded, not 21 lookups
        set_committed_value(post, "thread", thread)
    visible = [post for post in posts if not post.is_hidden or policy.can_view_post(post)]
    question = next(post for post in posts if post.position == 0)
    answers = sorted((post for post in visible if post.position > 0),
                     key=lambda p: (p.id != thread.accepted_post_id, -p.score, p.created_at, p.id))
    original, duplicates = _duplicate_links(thread, policy)
    return ThreadPage(thread=thread, question=question, answers=answers,
                      my_votes=member.votes if member else my_votes(viewer, [post.id for post in visible]),
                      escalation=escalation, duplicate_of=original, duplicates=duplicates,
                      idea_request=link if link is not None and policy.can_view_idea(link.idea) else None)


def idea_request(thread_id: int, policy: Policy) -> IdeaQuestion | None:
    """The idea this question's demand went to (moved there, or linked by staff), by the unique thread_id; an
    idea hidden from the reader is left out. (The thread page reads it with the thread, in one statement.)"""
    link = db.session.scalar(sa.select(IdeaQuestion).where(IdeaQuestion.thread_id == thread_id)
                             .options(joinedload(IdeaQuestion.idea)))
    return link if link is not None and policy.can_view_idea(link.idea) else None


@dataclass(frozen=True)
class MemberView:
    """Everything on a thread page that depends on which active member reads it: the key of the page shared by
    the members who would see the same (forum/pagecache/members.py), and what the page would otherwise ask the
    database for again (my votes, watching)."""

    is_asker: bool
    may_ask_staff: bool  # the 24-hour rule for asking staff changes with the clock, not with a write
    asked_staff: bool
    watching: bool
    mine: tuple[tuple[int, bool, int | None], ...]  # (post id, written by me, my vote) where either applies

    @property
    def votes(self) -> dict[int, int]:
        return {post_id: value for post_id, _own, value in self.mine if value}


def member_view(thread: Thread, viewer: Any) -> MemberView | None:
    """What a member's thread page says about them alone, in one statement; None when the page is not shared:
    staff and above (their tools name people and queues), a suspended member (told until when), a visitor.

    The policy's answers that differ between two active members come from being the asker, being a post's
    author (hidden posts they may still see, no vote or flag on their own), their votes, watching the thread,
    having asked staff already, and the 24-hour rule for asking staff."""
    policy = Policy(viewer)
    if not policy.is_contributor or viewer.role != Role.MEMBER:  # an unconfirmed account: no vote or flag buttons
        return None
    rows = db.session.execute(_member_view_statement(), {"thread_id": thread.id, "viewer_id": viewer.id}).all()
    if any(row[5] for row in rows):  # a held question: only its author sees the thread, on a page of their own
        return None
    return MemberView(is_asker=thread.author_id == viewer.id, may_ask_staff=policy.can_escalate(thread),
                      asked_staff=any(bool(row[3]) for row in rows), watching=any(bool(row[4]) for row in rows),
                      mine=tuple((row[0], bool(row[1]), row[2]) for row in rows if row[1] or row[2]))


@functools.cache
def _member_view_statement() -> sa.Select:
    """Built once per process, bound per request: every member's thread page runs it, and building its
    seventeen comparisons anew cost more Python than the database spends answering it."""
    thread_id, viewer_id = sa.bindparam("thread_id", type_=sa.Integer), sa.bindparam("viewer_id", type_=sa.Integer)
    asked_staff = (sa.select(Escalation.id).where(Escalation.thread_id == thread_id,
                                                  Escalation.requested_by_id == viewer_id,
                                                  Escalation.status != EscalationStatus.RESOLVED).exists())
    watching = (sa.select(Subscription.id).where(Subscription.user_id == viewer_id,
                                                 Subscription.thread_id == thread_id).exists())
    # the question's row is always there, so the two flags always come back
    return (sa.select(Post.id, Post.author_id == viewer_id, Vote.value, asked_staff, watching,
                      sa.and_(Post.position == 0, Post.held_at.is_not(None)))
            .outerjoin(Vote, sa.and_(Vote.post_id == Post.id, Vote.user_id == viewer_id))
            .where(Post.thread_id == thread_id,
                   sa.or_(Post.position == 0, Post.author_id == viewer_id, Vote.value.is_not(None)))
            .order_by(Post.id))


def _thread_with_escalation(thread: Thread) -> tuple[Thread, Escalation | None, IdeaQuestion | None]:
    """One statement (re)loads the thread with its category, the escalation the page shows (the open one,
    else the latest resolved one) and the idea its demand went to (issue 16; thread_id is unique there); a second,
    by primary keys, its tags. (A joined load of the tags had SQLite
    build the whole thread_tags-tags join first: a second at a million posts.)"""
    identity = sa.inspect(thread).identity  # the thread may be expired by the view count's commit: no refresh
    thread_id = identity[0] if identity is not None else thread.id
    shown = (sa.select(Escalation.id).where(Escalation.thread_id == Thread.id)
             .order_by(Escalation.status == EscalationStatus.RESOLVED, Escalation.created_at.desc(),
                       Escalation.id.desc())
             .limit(1).correlate(Thread).scalar_subquery())
    row = db.session.execute(
        sa.select(Thread, Escalation, IdeaQuestion).outerjoin(Escalation, Escalation.id == shown)
        .outerjoin(IdeaQuestion, IdeaQuestion.thread_id == Thread.id).where(Thread.id == thread_id)
        .options(joinedload(Thread.category), selectinload(Thread.tags), joinedload(Escalation.assignee),
                 joinedload(Escalation.first_staff_reply_by), joinedload(Escalation.resolved_by),
                 joinedload(IdeaQuestion.idea))
        .execution_options(populate_existing=True)).unique().one()
    return row[0], row[1], row[2]


def _duplicate_links(thread: Thread, policy: Policy) -> tuple[Thread | None, list[Thread]]:
    """The original this thread duplicates and the threads that duplicate it, in one query: the ids come from
    two indexed lookups (an OR of the two had SQLite walk every thread), the rows by primary key."""
    ids = sa.union_all(sa.select(Thread.id).where(Thread.duplicate_of_id == thread.id),
                       sa.select(Thread.id).where(Thread.id == (thread.duplicate_of_id or -1)))
    related = db.session.scalars(sa.select(Thread).where(Thread.id.in_(ids)).order_by(Thread.created_at)).all()
    related = [other for other in related if policy.can_view_thread(other)]
    original = next((other for other in related if other.id == thread.duplicate_of_id), None)
    return original, [other for other in related if other.duplicate_of_id == thread.id]


def my_votes(viewer: Any, post_ids: list[int]) -> dict[int, int]:
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not post_ids:
        return {}
    rows = db.session.execute(sa.select(Vote.post_id, Vote.value).where(
        Vote.user_id == viewer.id, Vote.post_id.in_(post_ids)))
    return {post_id: value for post_id, value in rows}


def similar_titles(text: str, limit: int = 5) -> list[Thread]:
    """The best matches for a title being typed, from the search backend; hidden threads never appear."""
    ids = [hit.id for hit in search.similar(text, viewer=None, type="question", limit=limit)]
    found = {thread.id: thread for thread in db.session.scalars(
        sa.select(Thread).where(Thread.id.in_(ids), Policy.public_threads()))} if ids else {}
    return [found[thread_id] for thread_id in ids if thread_id in found]


def revisions(post: Post) -> list[PostRevision]:
    """Newest first; the first item is the current version."""
    return list(db.session.scalars(sa.select(PostRevision).where(PostRevision.post_id == post.id)
                                   .options(joinedload(PostRevision.editor))
                                   .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())))



def withheld_revisions(post: Post, history: list[PostRevision], viewer: Any) -> set[int]:
    """Earlier versions whose text this viewer may not read (they held personal data since edited out)."""
    policy = Policy(viewer)
    patterns = company_patterns()
    return {revision.id for revision in history[1:]
            if not policy.can_read_earlier_version(post, bool(find_pii(revision.body_md, patterns)))}

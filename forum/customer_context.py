"""Customer context (issue 15, item 5): what this community knows about a member, for staff, with limits.

Only what the member did here, in public: questions and answers (and how many were solved), earlier
escalations and how they ended, ideas they voted for. Nothing from outside the community, no email, no private
note (those follow Policy.can_read_private_note on the escalation itself). A private profile shows staff only
what an escalation needs (the member's questions and escalations), and nothing on the listening page or profile.
Every figure is read for a whole page of members at once, one grouped statement each, from author indexes,
and kept for a minute or until a write (_kept_counts).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from forum import pagecache
from forum.clock import utcnow
from forum.extensions import db
from forum.models import Escalation, Idea, IdeaVote, Post, Thread, User
from forum.policy import Policy

ESCALATION, LISTENING, PROFILE = "escalation", "listening", "profile"
RECENT = 5


@dataclass
class CustomerContext:
    member: User
    limited: bool = False         # a private profile outside an escalation: nothing is shown
    questions: int = 0
    solved: int = 0               # of their questions, with an accepted answer
    answers: int = 0
    accepted_answers: int = 0
    escalations: list[sa.Row] = field(default_factory=list)  # the latest few (SUMMARY_COLUMNS), newest first
    escalation_count: int = 0
    ideas_voted: int = 0
    recent_ideas: list[Idea] = field(default_factory=list)
    show_ideas: bool = True       # not on a private profile's escalation: the escalation does not need them

    def earlier_than(self, current_id: int | None) -> list[sa.Row]:
        """The latest escalations but the one the summary sits beside (the queue lists the others)."""
        return [row for row in self.escalations if row.id != current_id]


def contexts_for(*, actor: User, members: list[User | None], purpose: str) -> dict[int, CustomerContext]:
    """{member id: context} for the members staff may see it for (others, and staff accounts, are left out)."""
    policy = Policy(actor)
    wanted = {m.id: m for m in members if m is not None and policy.can_view_customer_context(m)}
    if not wanted:
        return {}
    out = {i: CustomerContext(member=m) for i, m in wanted.items()}
    for ctx in out.values():
        if ctx.member.profile_visibility == "private":
            ctx.limited = purpose != ESCALATION
            ctx.show_ideas = False
    ids = [i for i, ctx in out.items() if not ctx.limited]
    if not ids:
        return out
    counted = _kept_counts(ids, [i for i in ids if out[i].show_ideas])
    for member_id, (questions, solved, answers, accepted, escalations, ideas) in counted.items():
        ctx = out[member_id]
        ctx.questions, ctx.solved, ctx.answers, ctx.accepted_answers = questions, solved, answers, accepted
        ctx.escalation_count, ctx.ideas_voted = escalations, ideas
    for escalation in _latest_escalations(ids):
        if escalation.requested_by_id is not None:  # always: they were read by requester
            out[escalation.requested_by_id].escalations.append(escalation)
    return out


# What the summary shows of each earlier escalation: rows of these columns, not whole Escalation objects, whose
# loading cost more than the rest of a queue page's history at 1M posts (five a member, twenty members a page).
SUMMARY_COLUMNS = (Escalation.id, Escalation.requested_by_id, Escalation.thread_id, Escalation.idea_id,
                   Escalation.created_at, Escalation.status, Escalation.first_staff_reply_at,
                   Escalation.resolution_note)


def _latest_escalations(ids: list[int]) -> list[sa.Row]:
    """The latest RECENT escalations of each member, newest first, in one statement for the whole page (a
    member's escalations are few; the rank is taken over the requester index)."""
    rank = sa.func.row_number().over(partition_by=Escalation.requested_by_id,
                                     order_by=(Escalation.created_at.desc(), Escalation.id.desc())).label("rank")
    ranked = sa.select(Escalation.id, rank).where(Escalation.requested_by_id.in_(ids)).subquery()
    return list(db.session.execute(
        sa.select(*SUMMARY_COLUMNS).join(ranked, ranked.c.id == Escalation.id).where(ranked.c.rank <= RECENT)
        .order_by(Escalation.requested_by_id, Escalation.created_at.desc(), Escalation.id.desc())))


def _kept_counts(ids: list[int], idea_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """The members' counts, kept until a question, idea or escalation changes or the minute turns: a busy
    member's counts walk thousands of index entries, and the queue shows the same members request after
    request (a page at 1M posts would otherwise cost what their history does)."""
    key = f"standing:{utcnow():%Y-%m-%dT%H:%M}:{','.join(map(str, sorted(ids)))}:{','.join(map(str, sorted(idea_ids)))}"
    scopes = (pagecache.QUESTIONS, pagecache.IDEAS, pagecache.ESCALATIONS)
    return pagecache.memo(key, scopes, lambda: _count(ids, idea_ids), timeout=pagecache.MINUTE)


def _count(ids: list[int], idea_ids: list[int]) -> dict[int, tuple[int, ...]]:
    found = {i: [0, 0, 0, 0, 0, 0] for i in ids}
    for member_id, questions, solved in db.session.execute(
            sa.select(Thread.author_id, sa.func.count(), sa.func.count(Thread.accepted_post_id))
            .where(Thread.author_id.in_(ids), Policy.public_threads()).group_by(Thread.author_id)):
        found[member_id][0:2] = [questions, solved]
    for member_id, answers in db.session.execute(
            sa.select(Post.author_id, sa.func.count()).where(Post.author_id.in_(ids), Post.position > 0,
                                                             Policy.public_posts()).group_by(Post.author_id)):
        found[member_id][2] = answers
    for member_id, accepted in db.session.execute(
            sa.select(Post.author_id, sa.func.count()).join(Thread, Thread.accepted_post_id == Post.id)
            .where(Post.author_id.in_(ids)).group_by(Post.author_id)):
        found[member_id][3] = accepted
    for member_id, count in db.session.execute(
            sa.select(Escalation.requested_by_id, sa.func.count()).where(Escalation.requested_by_id.in_(ids))
            .group_by(Escalation.requested_by_id)):
        found[member_id][4] = count
    if idea_ids:
        for member_id, count in db.session.execute(
                sa.select(IdeaVote.user_id, sa.func.count()).where(IdeaVote.user_id.in_(idea_ids))
                .group_by(IdeaVote.user_id)):
            found[member_id][5] = count
    return {member_id: tuple(counts) for member_id, counts in found.items()}


def context_for(*, actor: User, member: User, purpose: str) -> CustomerContext | None:
    """One member's context, with the few ideas they voted for last (their profile as staff see it)."""
    found = contexts_for(actor=actor, members=[member], purpose=purpose).get(member.id)
    if found is not None and found.show_ideas and not found.limited and found.ideas_voted:
        found.recent_ideas = list(db.session.scalars(
            sa.select(Idea).join(IdeaVote, IdeaVote.idea_id == Idea.id)
            .where(IdeaVote.user_id == member.id, Policy.public_ideas())
            .order_by(IdeaVote.created_at.desc(), IdeaVote.id.desc()).limit(RECENT)))
    return found

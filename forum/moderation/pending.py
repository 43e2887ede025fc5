"""The pending queue: new accounts' questions, answers, ideas and idea comments held for a moderator
(forum/trust.py), listed, approved or rejected here.

A held item is hidden (so no list, search, feed or cached page shows it) and nobody was told about it; approving
publishes it as if it had just been posted (counts, activity, notifications; search and listening follow the
change of is_hidden/held_at), rejecting leaves it hidden with the moderator's reason for its author. Both are
audited. Each item is addressed by a key, `post-12`, `idea-3` or `comment-5`, in the page's and the API's
review routes (a bare number still means a post)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum import links
from forum.audit import record_audit
from forum.clock import utcnow
from forum.errors import Conflict, NotFound
from forum.extensions import db
from forum.i18n import _, _l
from forum.ideas import publishing as idea_publishing
from forum.markup import render_markdown
from forum.models import Idea, IdeaComment, Post, Thread, User
from forum.notifications.mentions import MentionResolver, notify_idea_mentions, notify_mentions
from forum.notifications.services import notify
from forum.policy import Policy
from forum.questions import publishing as question_publishing
from forum.validation import FieldErrors

PENDING_SHOWN = 50
Held = Post | Idea | IdeaComment
MODELS: dict[str, type[Post | Idea | IdeaComment]] = {"post": Post, "idea": Idea, "comment": IdeaComment}
KEY = re.compile(r"^(?:(post|idea|comment)-)?([0-9]{1,18})$")


@dataclass
class PendingItem:
    """One held thing as the queue shows it, whichever table it lives in."""

    key: str
    type: str  # question, answer, idea or idea_comment
    item: Held
    title: str
    url: str
    category: str

    @property
    def author(self) -> User:
        return self.item.author

    @property
    def body_html(self) -> str:
        return self.item.body_html

    @property
    def created_at(self) -> datetime:
        return self.item.created_at

    @property
    def held_at(self) -> datetime:
        assert self.item.held_at is not None, "only held items are listed"
        return self.item.held_at


def type_of(item: Held) -> str:
    if isinstance(item, Post):
        return "question" if item.is_question else "answer"
    return "idea" if isinstance(item, Idea) else "idea_comment"


def key_of(item: Held) -> str:
    kind = "post" if isinstance(item, Post) else "idea" if isinstance(item, Idea) else "comment"
    return f"{kind}-{item.id}"


def pending_items(limit: int = PENDING_SHOWN) -> list[PendingItem]:
    """The `limit` longest-waiting held items of every kind, oldest first: each table read on its held_at
    index and bounded, then merged."""
    posts = db.session.scalars(
        sa.select(Post).where(Post.held_at.is_not(None)).order_by(Post.held_at, Post.id).limit(limit)
        .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.category)))
    ideas = db.session.scalars(
        sa.select(Idea).where(Idea.held_at.is_not(None)).order_by(Idea.held_at, Idea.id).limit(limit)
        .options(joinedload(Idea.author), joinedload(Idea.category)))
    comments = list(db.session.scalars(
        sa.select(IdeaComment).where(IdeaComment.held_at.is_not(None))
        .order_by(IdeaComment.held_at, IdeaComment.id).limit(limit).options(joinedload(IdeaComment.author))))
    parents = {idea.id: idea for idea in db.session.scalars(
        sa.select(Idea).where(Idea.id.in_({c.idea_id for c in comments})).options(joinedload(Idea.category)))} \
        if comments else {}
    items = [_post_item(post) for post in posts] + [_idea_item(idea) for idea in ideas] + \
            [_comment_item(comment, parents[comment.idea_id]) for comment in comments]
    return sorted(items, key=lambda entry: (entry.held_at, entry.key))[:limit]


def pending_count() -> int:
    """Everything waiting, of every kind (one count per table, each from its held_at index)."""
    return sum(db.session.scalar(sa.select(sa.func.count()).select_from(model)
                                 .where(model.held_at.is_not(None))) or 0 for model in MODELS.values())


def _post_item(post: Post) -> PendingItem:
    return PendingItem(key_of(post), type_of(post), post, _label(post),
                       links.thread_path(post.thread, post_id=post.id), post.thread.category.name)


def _idea_item(idea: Idea) -> PendingItem:
    return PendingItem(key_of(idea), "idea", idea, _label(idea), links.idea_path(idea), idea.category.name)


def _comment_item(comment: IdeaComment, idea: Idea) -> PendingItem:
    return PendingItem(key_of(comment), "idea_comment", comment, _label(comment),
                       links.idea_path(idea, comment_id=comment.id), idea.category.name)


def find_held(key: str) -> Held:
    """The post, idea or comment a review route names (`post-12`, `idea-3`, `comment-5`, or a post's bare
    number); 404 when there is no such thing. Whether it is still waiting is the services' question (409)."""
    match = KEY.match(key or "")
    number = int(match.group(2)) if match else 0
    # ids past a 32-bit column cannot exist (and PostgreSQL would refuse the comparison): 404 like any other miss
    found = db.session.get(MODELS[match.group(1) or "post"], number) if match and 0 < number < 2**31 else None
    if not isinstance(found, (Post, Idea, IdeaComment)):  # None: not found (the type checker sees any model)
        raise NotFound(_("Nothing with that id is in the pending queue."))
    return found


def _moderator_on(actor: User, item: Held) -> None:
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_moderate())
    if item.held_at is None:
        raise Conflict(_("This post is not waiting for review (another moderator may have handled it)."))


def _label(item: Held) -> str:
    if isinstance(item, Post):
        return f"{'Question' if item.is_question else 'Answer'} on “{item.thread.title}”"
    if isinstance(item, Idea):
        return f"Idea “{item.title}”"
    return f"Comment on the idea “{db.session.get_one(Idea, item.idea_id).title}”"


def approve_held(*, actor: User, item: Held) -> Held:
    """Publish it now: visible, counted, dated, and the people who would have been told are told."""
    _moderator_on(actor, item)
    now = utcnow()
    item.is_hidden, item.hidden_reason, item.held_at = False, None, None
    if isinstance(item, Post):
        _publish_post(item, now)
        target, target_id = "post", item.id
        told = {"thread_id": item.thread_id, "post_id": item.id,
                "url": links.thread_path(item.thread, post_id=item.id),
                "text": _l("Your post on “%(title)s” was approved and is now public", title=item.thread.title)}
    elif isinstance(item, Idea):
        item.last_activity_at = now
        mentions = MentionResolver()  # the @names in a held idea are told now that it is public
        render_markdown(item.body_md, mention_resolver=mentions)
        notify_idea_mentions(actor=item.author, resolver=mentions, idea=item)
        target, target_id = "idea", item.id
        told = {"idea_id": item.id, "url": links.idea_path(item),
                "text": _l("Your idea “%(title)s” was approved and is now public", title=item.title)}
    else:
        idea = db.session.get_one(Idea, item.idea_id)
        idea_publishing.publish_comment(idea, item, item.author, now)  # as comment_on_idea does
        target, target_id = "idea", idea.id
        told = {"idea_id": idea.id, "url": links.idea_path(idea, comment_id=item.id),
                "text": _l("Your comment on “%(title)s” was approved and is now public", title=idea.title)}
    record_audit(actor=actor, action=f"{_action_prefix(item)}.approve", target_type=target, target_id=target_id,
                 label=_label(item), note="Held post approved")
    notify(user_id=item.author_id, kind="post_restored", actor=actor, **told)
    db.session.commit()
    return item


def _publish_post(post: Post, now: datetime) -> None:
    thread, author = post.thread, post.author
    if post.is_question:
        thread.is_hidden, thread.held_at, thread.last_activity_at = False, None, now
    else:
        db.session.execute(sa.update(Thread).where(Thread.id == thread.id).values(  # in SQL, as post_answer does
            answer_count=Thread.answer_count + 1, last_activity_at=now,
            first_answer_at=sa.func.coalesce(Thread.first_answer_at, now)))
        question_publishing.tell_about_answer(author, thread, post)
    mentions = MentionResolver()
    render_markdown(post.body_md, mention_resolver=mentions)
    notify_mentions(actor=author, resolver=mentions, thread=thread, post=post)


def _action_prefix(item: Held) -> str:
    return "post" if isinstance(item, Post) else "idea" if isinstance(item, Idea) else "idea_comment"


def reject_held(*, actor: User, item: Held, note: object = "") -> Held:
    """It stays hidden, with the moderator's reason for its author; the queue no longer lists it."""
    _moderator_on(actor, item)
    errors = FieldErrors()
    note = errors.text("note", note, label=_("Reason"), min_len=0, max_len=1000, multiline=True) \
        or "Not approved by a moderator."
    errors.check()
    item.hidden_reason, item.held_at = note, None
    if isinstance(item, Post) and item.is_question:
        item.thread.held_at = None  # the thread stays hidden; moderators can still restore it
    record_audit(actor=actor, action=f"{_action_prefix(item)}.reject",
                 target_type="post" if isinstance(item, Post) else "idea",
                 target_id=item.idea_id if isinstance(item, IdeaComment) else item.id, label=_label(item), note=note)
    db.session.commit()
    return item

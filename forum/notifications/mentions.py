"""@mentions: resolve the names in a post, an idea or an idea comment to members in one query, then tell the newly
mentioned ones. The same rules everywhere: nothing for hidden (or held) content, nobody told twice for one edit,
nobody who blocked mentions in their settings, and notify() skips the author and anyone who may not see it."""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from forum.extensions import db
from forum.i18n import _l
from forum.links import idea_path, profile_path, thread_path
from forum.markup import MAX_MENTIONS, extract_mentions
from forum.models import Idea, IdeaComment, NotificationPreference, Post, Thread, User
from forum.notifications.kinds import BLOCKED
from forum.notifications.services import notify


class MentionResolver:
    """Pass to render_markdown(mention_resolver=...): links existing members and remembers them."""

    def __init__(self) -> None:
        self.users: list[User] = []

    def __call__(self, names: list[str]) -> dict[str, str]:
        lowered = list(dict.fromkeys(name.lower() for name in names))[:MAX_MENTIONS]
        self.users = list(db.session.scalars(sa.select(User).where(
            sa.func.lower(User.username).in_(lowered), User.is_deleted.is_(False))))
        return {user.username.lower(): profile_path(user.username) for user in self.users}


def told(users: list[User]) -> list[User]:
    """The mentioned members to tell: at most MAX_MENTIONS, less those who blocked mentions in their settings."""
    users = users[:MAX_MENTIONS]
    if not users:
        return []
    blocking = set(db.session.scalars(sa.select(NotificationPreference.user_id).where(
        NotificationPreference.user_id.in_([user.id for user in users]), NotificationPreference.kind == "mentions",
        NotificationPreference.delivery == BLOCKED)))
    return [user for user in users if user.id not in blocking]


def previous_mentions(old_markdown: str) -> set[str]:
    """Lower-cased names already mentioned before an edit, so an edit only tells the new ones."""
    return {name.lower() for name in extract_mentions(old_markdown or "")}


def notify_mentions(*, actor: User, resolver: MentionResolver, thread: Thread, post: Post,
                    already: Iterable[str] = ()) -> None:
    """At most MAX_MENTIONS members per post, none who blocked mentions; unknown names were never resolved;
    notify() skips the author and anyone who may not see the post."""
    skip = set(already)
    for user in told(resolver.users):
        if user.username.lower() in skip:
            continue
        notify(user_id=user.id, kind="mention", actor=actor, thread_id=thread.id, post_id=post.id,
               url=thread_path(thread, post_id=post.id),
               text=_l("%(name)s mentioned you in a question on “%(title)s”", name=actor.username, title=thread.title)
               if post.is_question else
               _l("%(name)s mentioned you in an answer on “%(title)s”", name=actor.username, title=thread.title))


def notify_idea_mentions(*, actor: User, resolver: MentionResolver, idea: Idea, comment: IdeaComment | None = None,
                         already: Iterable[str] = ()) -> None:
    """As notify_mentions, for an idea's description or one of its comments. Hidden or held content tells
    nobody (a held one tells when a moderator approves it: forum/moderation/pending.py)."""
    if idea.is_hidden or (comment is not None and comment.is_hidden):
        return
    skip = set(already)
    url = idea_path(idea, comment_id=comment.id if comment is not None else None)
    for user in told(resolver.users):
        if user.username.lower() in skip:
            continue
        notify(user_id=user.id, kind="mention", actor=actor, idea_id=idea.id, url=url,
               text=_l("%(name)s mentioned you in a comment on the idea “%(title)s”", name=actor.username,
                       title=idea.title) if comment is not None else
               _l("%(name)s mentioned you in the idea “%(title)s”", name=actor.username, title=idea.title))

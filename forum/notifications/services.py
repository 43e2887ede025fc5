"""Telling people things: notifications, watches, read marks, email choices and unsubscribing.

notify(), watch_thread() and watch_idea() add rows in the caller's transaction and never commit;
the public use cases below commit once each.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, NamedTuple, TypeAlias

import sqlalchemy as sa
from flask_babel.speaklater import LazyString

from forum import pagecache
from forum.clock import utcnow
from forum.errors import NotFound
from forum.extensions import db
from forum.i18n import _, as_member, member_language, site_language
from forum.models import (
    Delivery,
    Idea,
    Notification,
    NotificationPreference,
    OutboxStatus,
    Post,
    Subscription,
    Thread,
    User,
)
from forum.notifications import kinds, outbox, tokens
from forum.notifications.queries import preferences_of, unread_count
from forum.policy import Policy
from forum.validation import FieldErrors

MAX_IDS = 500
Text: TypeAlias = str | LazyString  # a lazy text (_l) is written in each recipient's own language


def in_language_of(user: User, text: Text) -> str:
    """The notification text as `user` reads it: their chosen language, else the site's default (the actor's
    request language says nothing about the recipient). Stored rendered, so the list and the mail agree."""
    if isinstance(text, str):
        return text
    with as_member(user):
        return str(text)


def notify(*, user_id: int | None, kind: str, text: Text, url: str, actor: User | None = None,
           thread_id: int | None = None, post_id: int | None = None, idea_id: int | None = None) -> None:
    """Queue one notification, and its email when the member wants it at once, in the caller's transaction.

    Nobody is told of their own action, and nobody about content they may not see (a mention in a
    hidden post, an answer in a hidden thread); the list and the mail sender check again later.
    """
    notify_all(user_ids=[user_id], kind=kind, text=text, url=url, actor=actor, thread_id=thread_id,
               post_id=post_id, idea_id=idea_id)


class Message(NamedTuple):
    """Who is told what, in one notify_each() call: each group its own kind and text."""
    user_ids: Iterable[int | None]
    kind: str
    text: Text


def notify_all(*, user_ids: Iterable[int | None], kind: str, text: Text, url: str, actor: User | None = None,
               thread_id: int | None = None, post_id: int | None = None, idea_id: int | None = None) -> None:
    """notify() for many people about one thing (a thread's watchers): their accounts and email choices are read
    in one statement each and the rows written in one flush, so an answer to a much-watched thread costs what
    an answer to a quiet one does."""
    notify_each([Message(user_ids, kind, text)], url=url, actor=actor, thread_id=thread_id, post_id=post_id,
                idea_id=idea_id)


def notify_each(messages: Iterable[Message], *, url: str, actor: User | None = None, thread_id: int | None = None,
                post_id: int | None = None, idea_id: int | None = None) -> None:
    """Several groups told of the same thing in different words (a new answer: its asker, the thread's
    watchers) for the statements of one: the accounts, the email choices and the rows are read and written
    once for all the groups. A person in several groups hears only the first group's message."""
    message_of: dict[int, Message] = {}
    for message in messages:
        for user_id in message.user_ids:
            if user_id is not None and (actor is None or actor.id != user_id):
                message_of.setdefault(user_id, message)
    if not message_of:
        return
    post = db.session.get(Post, post_id) if post_id else None
    thread_id = thread_id or (post.thread_id if post is not None else None)
    thread = db.session.get(Thread, thread_id) if thread_id else None
    idea = db.session.get(Idea, idea_id) if idea_id else None
    wanted = sorted(message_of)
    for start in range(0, len(wanted), MAX_IDS):  # a shipped idea may have thousands of followers
        batch = {user_id: message_of[user_id] for user_id in wanted[start:start + MAX_IDS]}
        _notify_batch(batch, url=url, actor=actor, thread_id=thread_id, post_id=post_id, idea_id=idea_id,
                      post=post, thread=thread, idea=idea)


def _notify_batch(messages: dict[int, Message], *, url: str, actor: User | None, thread_id: int | None,
                  post_id: int | None, idea_id: int | None, post: Post | None, thread: Thread | None,
                  idea: Idea | None) -> None:
    users, deliveries = _recipients({user_id: message.kind for user_id, message in messages.items()})
    recipients = [user for user in users if not user.is_deleted and Policy(user).can_be_told_about(
        kind=messages[user.id].kind, post=post, thread=thread, idea=idea)]
    if not recipients:
        return
    now = utcnow()
    text_of = _texts_in_each_language()
    rows = [{"user_id": user.id, "kind": messages[user.id].kind, "text": text_of(user, messages[user.id])[:300],
             "url": url[:300], "created_at": now, "actor_id": actor.id if actor else None,
             "thread_id": thread_id, "post_id": post_id, "idea_id": idea_id,
             "mailed_at": None if deliveries[user.id] == Delivery.DAILY else now} for user in recipients]
    pagecache.touch(db.session, *(pagecache.notifications_scope(user.id) for user in recipients))
    mail_to = [user.id for user in recipients if deliveries[user.id] == Delivery.IMMEDIATELY and user.email]
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        outbox.remember(db.session(), connection.execute(_TELL_AND_MAIL, {
            "now": now, "url": url[:300], "actor_id": actor.id if actor else None, "thread_id": thread_id,
            "post_id": post_id, "idea_id": idea_id, "mail_to": mail_to,
            **{column: [row[column] for row in rows] for column in ("user_id", "kind", "text", "mailed_at")},
        }).scalars().all())
        return
    # One INSERT with RETURNING and no ORM objects: the rows are never read back in this transaction, and a flush
    # of a watched thread's dozen notifications cost more than the rest of posting the answer. render_nulls keeps
    # rows with and without a NULL in the same statement.
    ids = db.session.execute(sa.insert(Notification).returning(Notification.id, sort_by_parameter_order=True),
                             rows, execution_options={"render_nulls": True}).scalars().all()
    outbox.queue(db.session(), [  # the model's defaults fill the rest (pending, no attempts yet)
        {"user_id": user.id, "kind": messages[user.id].kind, "notification_id": notification_id,
         "next_attempt_at": now}
        for user, notification_id in zip(recipients, ids, strict=True) if user.id in mail_to])


# PostgreSQL: the notifications and the mails of those who want them at once in one statement (a round trip
# each before, and the request waits for each), the rows given as arrays so its text is the same whatever their
# number (one prepared statement). The outbox's ids come back for the sender (forum/notifications/outbox.py).
_TELL_AND_MAIL = sa.text("""
WITH told AS (
    INSERT INTO notifications (user_id, actor_id, kind, text, url, thread_id, post_id, idea_id, created_at, mailed_at)
    SELECT given.user_id, CAST(:actor_id AS INTEGER), given.kind, given.text, CAST(:url AS VARCHAR),
           CAST(:thread_id AS INTEGER), CAST(:post_id AS INTEGER), CAST(:idea_id AS INTEGER),
           CAST(:now AS TIMESTAMP), given.mailed_at
    FROM unnest(CAST(:user_id AS INTEGER[]), CAST(:kind AS VARCHAR[]), CAST(:text AS VARCHAR[]),
                CAST(:mailed_at AS TIMESTAMP[])) AS given (user_id, kind, text, mailed_at)
    RETURNING id, user_id, kind)
INSERT INTO outbox_mails (user_id, kind, notification_id, status, attempts, created_at, next_attempt_at)
SELECT told.user_id, told.kind, told.id, :pending, 0, CAST(:now AS TIMESTAMP), CAST(:now AS TIMESTAMP)
FROM told WHERE told.user_id = ANY(CAST(:mail_to AS INTEGER[]))
RETURNING id""").bindparams(pending=OutboxStatus.PENDING)


def _texts_in_each_language() -> Callable[[User, Message], str]:
    """in_language_of, rendered once a message and language: a thread's watchers mostly read the same language,
    and switching the locale for each of them was a tenth of posting an answer's Python."""
    rendered: dict[tuple[int, str], str] = {}

    def text_of(user: User, message: Message) -> str:
        if isinstance(message.text, str):
            return message.text
        key = (id(message), member_language(user) or site_language())
        if key not in rendered:
            rendered[key] = in_language_of(user, message.text)
        return rendered[key]
    return text_of


def _recipients(kind_of: dict[int, str]) -> tuple[list[User], dict[int, str]]:
    """The accounts told and each one's email choice for the kind they are told of, in one statement whatever
    the kinds: their choices are joined to their accounts (a statement each before, a round trip on every
    answer posted)."""
    groups = {user_id: kinds.group_of(kind) for user_id, kind in kind_of.items()
              if kind not in kinds.ALWAYS_IMMEDIATE}
    keys = sorted({group.key for group in groups.values()})
    users: dict[int, User] = {}
    chosen: dict[tuple[int, str], str] = {}
    rows = db.session.execute(sa.select(User, NotificationPreference.kind, NotificationPreference.delivery)
                              .outerjoin(NotificationPreference, sa.and_(
                                  NotificationPreference.user_id == User.id,
                                  NotificationPreference.kind.in_(keys)))  # no keys: joins nothing
                              .where(User.id.in_(kind_of)))
    for user, key, delivery in rows:
        users.setdefault(user.id, user)
        if key is not None:
            chosen[user.id, key] = delivery
    deliveries = {user_id: (chosen.get((user_id, groups[user_id].key)) or groups[user_id].default
                            if user_id in groups else Delivery.IMMEDIATELY) for user_id in users}
    return list(users.values()), deliveries


def watch_thread(*, user: User, thread: Thread, watchers: Collection[int] | None = None) -> None:
    """Idempotent: asking or answering watches the thread once. `watchers`, when the caller has just read them
    (posting an answer tells them), spares the look-up."""
    if watchers is not None:
        watching = user.id in watchers
    else:
        watching = db.session.scalar(sa.select(Subscription.id).where(
            Subscription.user_id == user.id, Subscription.thread_id == thread.id)) is not None
    if not watching:
        db.session.add(Subscription(user_id=user.id, thread_id=thread.id))


def thread_watcher_ids(thread_id: int) -> list[int]:
    """On the session's connection: a column read needs none of the ORM's work (a quarter of the calls)."""
    return list(db.session.connection().execute(_THREAD_WATCHERS, {"thread_id": thread_id}).scalars())


_THREAD_WATCHERS = sa.select(Subscription.user_id).where(Subscription.thread_id == sa.bindparam("thread_id"))


def watch_idea(*, user: User, idea_id: int) -> None:
    """Idempotent: creating or voting for an idea watches it."""
    exists = db.session.scalar(sa.select(Subscription.id).where(
        Subscription.user_id == user.id, Subscription.idea_id == idea_id))
    if exists is None:
        db.session.add(Subscription(user_id=user.id, idea_id=idea_id))


def idea_watcher_ids(idea_id: int) -> list[int]:
    return list(db.session.scalars(sa.select(Subscription.user_id).where(Subscription.idea_id == idea_id)))


# -- use cases ---------------------------------------------------------------------------------
def _ensure_can_watch(actor: User, thread: Thread | None, idea: Idea | None) -> Policy:
    policy = Policy(actor)
    policy.ensure(policy.can_watch(), _("Please log in first."))
    if (thread is None) == (idea is None):
        raise ValueError("watch exactly one thread or idea")
    if (thread is not None and not policy.can_view_thread(thread)) or (idea is not None and not policy.can_view_idea(idea)):
        raise NotFound(_("That question or idea does not exist."))
    return policy


def start_watching(*, actor: User, thread: Thread | None = None, idea: Idea | None = None) -> bool:
    """Watch a thread or an idea: its new answers (or status changes and official comments) notify you."""
    _ensure_can_watch(actor, thread, idea)
    if thread is not None:
        watch_thread(user=actor, thread=thread)
    elif idea is not None:  # always, once _ensure_can_watch has passed: exactly one is given
        watch_idea(user=actor, idea_id=idea.id)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a double click raced its own insert: the watch exists either way
        db.session.rollback()
    return True


def stop_watching(*, actor: User, thread: Thread | None = None, idea: Idea | None = None) -> bool:
    _ensure_can_watch(actor, thread, idea)
    if thread is not None:
        column, target_id = Subscription.thread_id, thread.id
    else:
        assert idea is not None, "_ensure_can_watch refuses a call with neither"
        column, target_id = Subscription.idea_id, idea.id
    db.session.execute(sa.delete(Subscription).where(Subscription.user_id == actor.id, column == target_id))
    db.session.commit()
    return False


def set_follow_on_vote(*, actor: User, follow: object) -> bool:
    """Whether voting for an idea also follows it (on by default): some members vote for many ideas and only
    want to hear about the few they choose to watch."""
    policy = Policy(actor)
    policy.ensure(policy.can_watch(), _("Please log in first."))
    if not isinstance(follow, bool):
        errors = FieldErrors()
        errors.add("follow_voted_ideas", _("Choose yes or no."))
        errors.check()
    db.session.execute(sa.update(User).where(User.id == actor.id).values(follow_voted_ideas=follow))
    db.session.commit()
    return bool(follow)  # a bool by now: check() raised otherwise


def _unread(user_id: int) -> int:
    return unread_count(db.session.get(User, user_id))


def mark_notification_read(*, actor: User, notification_id: int) -> int:
    """Mark one of your notifications read; returns your unread count. Someone else's is a 404."""
    policy = Policy(actor)
    policy.ensure(policy.viewer is not None, _("Please log in first."))
    found = db.session.scalar(sa.select(Notification.id).where(
        Notification.id == notification_id, Notification.user_id == actor.id))
    if found is None:
        raise NotFound(_("That notification does not exist."))
    db.session.execute(sa.update(Notification).where(Notification.id == found, Notification.read_at.is_(None))
                       .values(read_at=utcnow()))
    db.session.commit()
    return _unread(actor.id)


def mark_notifications_read(*, actor: User, ids: Any = None) -> int:
    """Mark the listed notifications read (other people's ids are ignored), or all when `ids` is None."""
    policy = Policy(actor)
    policy.ensure(policy.viewer is not None, _("Please log in first."))
    if ids is not None and (not isinstance(ids, list) or len(ids) > MAX_IDS
                            or any(isinstance(i, bool) or not isinstance(i, int) for i in ids)):
        errors = FieldErrors()
        errors.add("ids", _("Send a list of at most %(max)d notification ids (numbers), or nothing for all.",
                            max=MAX_IDS))
        errors.check()
    query = sa.update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if ids is not None:  # ids beyond the id column's range name nothing (and overflow SQLite's integer: a 500)
        query = query.where(Notification.id.in_([i for i in ids if 0 < i <= 2**31 - 1]))
    db.session.execute(query.values(read_at=utcnow()))
    db.session.commit()
    return _unread(actor.id)


def mark_read_about(*, actor: User, thread_id: int | None = None, idea_id: int | None = None) -> int:
    """Opening a thread or an idea marks the notifications about it read (issue 18): the page's script posts here
    when the bell has something unread, so a GET never writes. Returns the unread count for the bell."""
    policy = Policy(actor)
    policy.ensure(policy.viewer is not None, _("Please log in first."))
    if (thread_id is None) == (idea_id is None):
        raise ValueError("mark exactly one thread or idea")
    about = Notification.thread_id == thread_id if thread_id is not None else Notification.idea_id == idea_id
    db.session.execute(sa.update(Notification).where(Notification.user_id == actor.id,
                                                     Notification.read_at.is_(None), about)
                       .values(read_at=utcnow()))
    db.session.commit()
    return _unread(actor.id)


def update_email_preferences(*, actor: User, choices: Mapping[str, Any]) -> dict[str, str]:
    """Set, per group of kinds, whether its notifications also come by email immediately, daily or never."""
    policy = Policy(actor)
    policy.ensure(policy.viewer is not None, _("Please log in first."))
    errors = FieldErrors()
    wanted: dict[str, str] = {}
    for key in kinds.BY_KEY:
        value = choices.get(key)
        if value is None:
            continue
        if value == kinds.BLOCKED and key in kinds.BLOCKABLE:
            wanted[key] = value  # no notification at all (forum/notifications/mentions.py)
        elif value not in Delivery.ALL:
            errors.add(key, _("Choose immediately, daily digest or never."))
        else:
            wanted[key] = value
    errors.check()
    _set_deliveries(actor.id, wanted)
    db.session.commit()
    return wanted


def _set_deliveries(user_id: int, wanted: Mapping[str, str]) -> None:
    rows = {row.kind: row for row in db.session.scalars(sa.select(NotificationPreference).where(
        NotificationPreference.user_id == user_id))}
    for key, delivery in wanted.items():
        if key in rows:
            rows[key].delivery = delivery
        else:
            db.session.add(NotificationPreference(user_id=user_id, kind=key, delivery=delivery))


def describe_unsubscribe(*, token: str) -> tuple[User, str]:
    """What a link would stop, for the confirmation page (GET changes nothing)."""
    user_id, scope = tokens.read_unsubscribe_token(token)
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        raise tokens.bad_link()
    return user, _("daily digests") if scope == "digest" else str(kinds.BY_KEY[scope].label).lower()


def unsubscribe(*, token: str) -> tuple[User, list[str]]:
    """One-click unsubscribe from a signed link (no login): that group's emails, or every daily digest.

    Returns the member and the labels of what stopped. Idempotent; a bad or expired token raises BadRequest.
    """
    user_id, scope = tokens.read_unsubscribe_token(token)
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted:
        raise tokens.bad_link()
    current = preferences_of(user.id)
    keys = [key for key, delivery in current.items() if delivery == Delivery.DAILY] if scope == "digest" \
        else [scope]
    # a blocked group (mentions) sends no mail already, and an old link must not turn the block back into "never"
    _set_deliveries(user.id, {key: Delivery.NEVER for key in keys if current[key] != kinds.BLOCKED})
    db.session.commit()
    return user, [str(kinds.BY_KEY[key].label) for key in keys]

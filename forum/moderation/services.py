"""Moderation use cases: flags, hiding posts, thread tools, suspensions. Each writes an audit entry."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel.speaklater import LazyString

from forum import links
from forum.audit import record_audit
from forum.auth import sessions
from forum.clock import utcnow
from forum.errors import Conflict
from forum.extensions import db
from forum.i18n import _, _l
from forum.models import Category, Flag, FlagReason, FlagStatus, Post, Thread, ThreadStatus, User
from forum.notifications.services import notify
from forum.policy import Policy
from forum.validation import FieldErrors

NOTE_MAX, AUTO_HIDE_FLAGS, MAX_DAYS = 1000, 3, 3650
AUTO_HIDE_REASON = "Hidden automatically: several members flagged it as spam or offensive. A moderator will review it."


def _moderator(actor: User) -> Policy:
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_moderate())
    return policy


def _note(note: object, *, required: bool = False, label: str = "Note") -> str:
    errors = FieldErrors()
    text = errors.text("note", note, label=label, min_len=1 if required else 0, max_len=NOTE_MAX, multiline=True)
    errors.check()
    return text


def _post_label(post: Post) -> str:
    kind = "question" if post.is_question else f"answer #{post.id}"
    return f"{kind} on “{post.thread.title}”"


# -- flags -----------------------------------------------------------------------------------------

def flag_post(*, actor: User, post: Post, reason: object, note: object = "") -> Flag:
    """One open flag per member per post; three spam/offensive flags from different members hide the post."""
    policy = Policy(actor)
    policy.ensure_contributor()
    policy.ensure(policy.check_flag(post))
    errors = FieldErrors()
    if reason not in FlagReason.ALL:
        errors.add("reason", _("Choose why moderators should look at it: spam or advertising, rude or offensive, "
                               "off-topic, a duplicate, or something else."))
    note = errors.text("note", note, label=_("Note"), min_len=1 if reason == FlagReason.OTHER else 0,
                       max_len=NOTE_MAX, multiline=True,
                       hint=_("Tell moderators what is wrong: a note is needed for “something else”"))
    errors.check()
    # Lock the post row first (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers): concurrent
    # flaggers of one post then count and hide one after another, so a crossing of the threshold hides it
    # exactly once (one audit entry, one notice, one mail) instead of once per flagger.
    db.session.refresh(post, with_for_update=True)
    if _open_flag_by(actor.id, post.id):
        raise Conflict(_("You already flagged this post; moderators will look at it."))
    flag = Flag(post_id=post.id, reporter_id=actor.id, reason=reason, note=note, status=FlagStatus.OPEN, created_at=utcnow())
    try:
        with db.session.begin_nested():  # the partial unique index settles a double click
            db.session.add(flag)
    except sa.exc.IntegrityError:
        raise Conflict(_("You already flagged this post; moderators will look at it.")) from None
    if not post.is_hidden and _auto_hide_votes(post.id) >= AUTO_HIDE_FLAGS:
        _hide(post, AUTO_HIDE_REASON)
        record_audit(actor=None, action="post.auto_hide", target_type="post", target_id=post.id,
                     label=_post_label(post), note=f"{AUTO_HIDE_FLAGS} open spam or offensive flags")
        _tell_author_hidden(post, None)
    db.session.commit()
    return flag


def _open_flag_by(user_id: int, post_id: int) -> bool:
    return db.session.scalar(sa.select(Flag.id).where(Flag.post_id == post_id, Flag.reporter_id == user_id,
                                                      Flag.status == FlagStatus.OPEN)) is not None


def _auto_hide_votes(post_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(Flag.reporter_id))).where(
        Flag.post_id == post_id, Flag.status == FlagStatus.OPEN, Flag.reason.in_(FlagReason.AUTO_HIDE))) or 0


def dismiss_flag(*, actor: User, flag: Flag, note: object = "", whole_post: bool = False) -> int:
    """Dismiss one open flag (or every open flag on its post); returns how many were dismissed."""
    _moderator(actor)
    note = _note(note)
    if flag.status != FlagStatus.OPEN:
        raise Conflict(_("This flag was already handled."))
    flags = _open_flags(flag.post_id) if whole_post else [flag]
    _close_flags(flags, actor, FlagStatus.DISMISSED)
    record_audit(actor=actor, action="flag.dismiss", target_type="post", target_id=flag.post_id,
                 label=_post_label(flag.post), note=note or f"{len(flags)} flag(s) dismissed")
    db.session.commit()
    return len(flags)


def _open_flags(post_id: int) -> list[Flag]:
    return list(db.session.scalars(sa.select(Flag).where(Flag.post_id == post_id, Flag.status == FlagStatus.OPEN)))


def _close_flags(flags: list[Flag], actor: User | None, status: FlagStatus) -> None:
    now = utcnow()
    for flag in flags:
        flag.status, flag.handler_id, flag.handled_at = status, actor.id if actor else None, now


# -- posts -----------------------------------------------------------------------------------------

def hide_post(*, actor: User, post: Post, note: object = "") -> Post:
    """Hide with a reason the author sees; open flags on the post are upheld."""
    _moderator(actor)
    reason = _note(note) or "Hidden by a moderator."
    if post.is_hidden:
        raise Conflict(_("This post is already hidden."))
    _hide(post, reason)
    _close_flags(_open_flags(post.id), actor, FlagStatus.UPHELD)
    record_audit(actor=actor, action="post.hide", target_type="post", target_id=post.id,
                 label=_post_label(post), note=reason)
    _tell_author_hidden(post, actor)
    db.session.commit()
    return post


def _hide(post: Post, reason: str) -> None:
    post.is_hidden, post.hidden_reason = True, reason


def _tell_author_hidden(post: Post, actor: User | None) -> None:
    notify(user_id=post.author_id, kind="post_hidden", actor=actor, thread_id=post.thread_id, post_id=post.id,
           url=links.thread_path(post.thread, post_id=post.id),
           text=_l("Your post on “%(title)s” was hidden: %(reason)s", title=post.thread.title,
                   reason=post.hidden_reason))


def restore_post(*, actor: User, post: Post, note: object = "") -> Post:
    """Show the post again; flags still open on it are dismissed (a moderator reviewed them)."""
    _moderator(actor)
    note = _note(note)
    if not post.is_hidden:
        raise Conflict(_("This post is not hidden."))
    post.is_hidden, post.hidden_reason = False, None
    _close_flags(_open_flags(post.id), actor, FlagStatus.DISMISSED)
    record_audit(actor=actor, action="post.restore", target_type="post", target_id=post.id,
                 label=_post_label(post), note=note)
    notify(user_id=post.author_id, kind="post_restored", actor=actor, thread_id=post.thread_id, post_id=post.id,
           url=links.thread_path(post.thread, post_id=post.id),
           text=_l("Your post on “%(title)s” is visible again", title=post.thread.title))
    db.session.commit()
    return post


# -- threads ---------------------------------------------------------------------------------------

_TOGGLES = {  # action: (attribute, new value, message when already so)
    "lock": ("is_locked", True, _l("This thread is already locked.")),
    "unlock": ("is_locked", False, _l("This thread is not locked.")),
    "pin": ("is_pinned", True, _l("This thread is already pinned.")),
    "unpin": ("is_pinned", False, _l("This thread is not pinned.")),
    "hide": ("is_hidden", True, _l("This thread is already hidden.")),
    "restore": ("is_hidden", False, _l("This thread is not hidden.")),
}


def _toggle_thread(actor: User, thread: Thread, action: str, note: object) -> Thread:
    _moderator(actor)
    note = _note(note)
    attribute, value, message = _TOGGLES[action]
    if getattr(thread, attribute) == value:
        raise Conflict(str(message))
    setattr(thread, attribute, value)
    if attribute == "is_hidden":
        _tell_asker_hidden(thread, actor, note)
    record_audit(actor=actor, action=f"thread.{action}", target_type="thread", target_id=thread.id,
                 label=thread.title, note=note)
    db.session.commit()
    return thread


THREAD_HIDDEN_REASON = "A moderator hid it from the community."


def _tell_asker_hidden(thread: Thread, actor: User, note: str) -> None:
    """The asker keeps seeing a hidden thread, with the moderator's reason (Policy.can_view_thread), and is told
    when it is hidden and when it is back."""
    thread.hidden_reason = (note or THREAD_HIDDEN_REASON) if thread.is_hidden else None
    url = links.thread_path(thread)
    if thread.is_hidden:
        notify(user_id=thread.author_id, kind="post_hidden", actor=actor, thread_id=thread.id, url=url,
               text=_l("Your question “%(title)s” was hidden: %(reason)s", title=thread.title,
                       reason=thread.hidden_reason))
    else:
        notify(user_id=thread.author_id, kind="post_restored", actor=actor, thread_id=thread.id, url=url,
               text=_l("Your question “%(title)s” is visible again", title=thread.title))


def lock_thread(*, actor: User, thread: Thread, note: object = "") -> Thread:
    """No new answers or votes while locked."""
    return _toggle_thread(actor, thread, "lock", note)


def unlock_thread(*, actor: User, thread: Thread, note: object = "") -> Thread:
    return _toggle_thread(actor, thread, "unlock", note)


def pin_thread(*, actor: User, thread: Thread, note: object = "") -> Thread:
    """Pinned threads come first on the home page and every question list but "unanswered"."""
    return _toggle_thread(actor, thread, "pin", note)


def unpin_thread(*, actor: User, thread: Thread, note: object = "") -> Thread:
    return _toggle_thread(actor, thread, "unpin", note)


def hide_thread(*, actor: User, thread: Thread, note: object = "") -> Thread:
    """Only moderators see a hidden thread; it leaves lists, search and the escalation form."""
    return _toggle_thread(actor, thread, "hide", note)


def restore_thread(*, actor: User, thread: Thread, note: object = "") -> Thread:
    return _toggle_thread(actor, thread, "restore", note)


ToggleAction = Callable[..., Thread]  # keyword-only: actor, thread, note
# The one-click thread actions by the name in their URL (views and API dispatch through this table); move and
# duplicate take a field each and are called by name.
THREAD_TOGGLES: dict[str, ToggleAction] = {
    "lock": lock_thread, "unlock": unlock_thread, "pin": pin_thread, "unpin": unpin_thread,
    "hide": hide_thread, "restore": restore_thread,
}
THREAD_ACTIONS = (*THREAD_TOGGLES, "move", "duplicate")


def move_thread(*, actor: User, thread: Thread, category: object, note: object = "") -> Thread:
    _moderator(actor)
    errors = FieldErrors()
    found = db.session.scalar(sa.select(Category).where(Category.slug == category)) \
        if isinstance(category, str) and category else None
    if found is None:
        errors.add("category", _("Choose an existing category."))
    elif found.archived:  # an archived category takes no new threads, moved ones included
        errors.add("category", _("“%(name)s” is archived: choose a category that is open to new questions.",
                                 name=found.name))
    note = errors.text("note", note, label=_("Note"), min_len=0, max_len=NOTE_MAX, multiline=True)
    errors.check()
    assert found is not None, "check() raised without a category"
    if found.id == thread.category_id:
        raise Conflict(_("This thread is already in %(name)s.", name=found.name))
    previous = thread.category.name
    thread.category_id = found.id
    record_audit(actor=actor, action="thread.move", target_type="thread", target_id=thread.id, label=thread.title,
                 note=f"from {previous} to {found.name}" + (f": {note}" if note else ""))
    db.session.commit()
    db.session.refresh(thread)
    return thread


def close_as_duplicate(*, actor: User, thread: Thread, of: object, note: object = "") -> Thread:
    """Close `thread` as a duplicate of `of` (an id); readers of the duplicate are sent to the original,
    which lists its duplicates. Chains are followed to the original, and a loop is refused."""
    _moderator(actor)
    errors = FieldErrors()
    original = _original_of(errors, of, thread)
    note = errors.text("note", note, label=_("Note"), min_len=0, max_len=NOTE_MAX, multiline=True)
    errors.check()
    assert original is not None, "check() raised without an original"
    if thread.duplicate_of_id == original.id:
        raise Conflict(_("This thread is already closed as a duplicate of that one."))
    thread.duplicate_of_id, thread.status = original.id, ThreadStatus.CLOSED
    record_audit(actor=actor, action="thread.duplicate", target_type="thread", target_id=thread.id,
                 label=thread.title,
                 note=f"duplicate of #{original.id} “{original.title}”" + (f": {note}" if note else ""))
    notify(user_id=thread.author_id, kind="thread_duplicate", actor=actor, thread_id=thread.id,
           url=links.thread_path(original),
           text=_l("Your question “%(title)s” was closed as a duplicate of “%(original)s”", title=thread.title,
                   original=original.title))
    db.session.commit()
    return thread


def _original_of(errors: FieldErrors, of: object, thread: Thread) -> Thread | None:
    text = str(of).strip().lstrip("#") if isinstance(of, (int, str)) and not isinstance(of, bool) else ""
    if not text.isdigit():
        errors.add("of", _("Give the number of the original question."))
        return None
    original = db.session.get(Thread, int(text))
    for _hop in range(10):  # follow an original that is itself a duplicate
        if original is None or original.duplicate_of_id is None:
            break
        original = db.session.get(Thread, original.duplicate_of_id)
    if original is None or original.is_hidden:
        errors.add("of", _("There is no question #%(id)s.", id=text))
    elif original.id == thread.id:
        errors.add("of", _("A question cannot be a duplicate of itself."))
    else:
        return original
    return None


# -- members ---------------------------------------------------------------------------------------

def suspend_user(*, actor: User, user: User, days: object, reason: object) -> User:
    """The member can still read; they are told why and until when whenever they try to write."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_suspend(user))
    errors = FieldErrors()
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days.strip())
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        errors.add("days", _("Give a whole number of days from 1 to %(max)d.", max=MAX_DAYS))
    reason = errors.text("reason", reason, label=_("Reason"), max_len=NOTE_MAX, multiline=True)
    errors.check()
    assert isinstance(days, int), "check() raised for anything but a whole number"
    user.suspended_until, user.suspension_reason = utcnow() + timedelta(days=days), reason
    sessions.end_all(user)  # every session and remember-me cookie ends (API tokens are refused while suspended)
    record_audit(actor=actor, action="user.suspend", target_type="user", target_id=user.id, label=user.username,
                 note=f"{days} day{'s' if days != 1 else ''}: {reason}")
    notify(user_id=user.id, kind="suspended", actor=actor, url=links.profile_path(user.username),
           text=_l("Your account is suspended until %(until)s UTC: %(reason)s", reason=reason,
                   until=LazyString(format_datetime, user.suspended_until, "yyyy-MM-dd HH:mm", rebase=False)))
    db.session.commit()
    return user


def unsuspend_user(*, actor: User, user: User, note: object = "") -> User:
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_suspend(user))
    note = _note(note)
    if not user.is_suspended:
        raise Conflict(_("%(name)s is not suspended.", name=user.username))
    user.suspended_until, user.suspension_reason = None, None
    record_audit(actor=actor, action="user.unsuspend", target_type="user", target_id=user.id, label=user.username,
                 note=note)
    notify(user_id=user.id, kind="unsuspended", actor=actor, url=links.profile_path(user.username),
           text=_l("Your suspension was lifted; you can post again"))
    db.session.commit()
    return user

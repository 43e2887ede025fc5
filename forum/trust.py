"""The posting floor questions, answers, ideas and idea comments stand on: how often an account may post, the
same text twice, and new accounts' link-heavy posts held for a moderator (issue 17; the queue is
forum/moderation/pending.py). Staff, moderators and admins are exempt.

Counts come from the rows themselves (posts and ideas by author and time, on their author indexes), so every
worker sees the same numbers without shared counters, and tests drive them with forum/clock.py."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, has_request_context

from forum.clock import utcnow
from forum.errors import Invalid
from forum.extensions import db
from forum.i18n import _, _l, ngettext
from forum.links import idea_path, thread_path
from forum.models import Idea, IdeaComment, Post, User

QUESTION, ANSWER, IDEA, IDEA_COMMENT = "question", "answer", "idea", "idea_comment"
HELD_REASON = "Waiting for a moderator: new accounts' posts with several links are checked before they appear."
_LINK = re.compile(r"(?i)\b(?:https?://|www\.)|\]\(|<a\s")
_SPACE = re.compile(r"\s+")
_COUNTS = {  # "3 questions": whole phrases, as languages inflect the noun
    QUESTION: lambda n: ngettext("%(num)d question", "%(num)d questions", n),
    ANSWER: lambda n: ngettext("%(num)d answer", "%(num)d answers", n),
    IDEA: lambda n: ngettext("%(num)d idea", "%(num)d ideas", n),
    IDEA_COMMENT: lambda n: ngettext("%(num)d comment", "%(num)d comments on ideas", n),
}
_HELD = {
    "post": _l("Thanks! Your post is waiting for a moderator because it has several links; new accounts' posts like "
               "that are checked first. Only you can see it until then."),
    "question": _l("Thanks! Your question is waiting for a moderator because it has several links; new accounts' "
                   "posts like that are checked first. Only you can see it until then."),
    "answer": _l("Thanks! Your answer is waiting for a moderator because it has several links; new accounts' posts "
                 "like that are checked first. Only you can see it until then."),
    "idea": _l("Thanks! Your idea is waiting for a moderator because it has several links; new accounts' posts like "
               "that are checked first. Only you can see it until then."),
    "comment": _l("Thanks! Your comment is waiting for a moderator because it has several links; new accounts' posts "
                  "like that are checked first. Only you can see it until then."),
}


def held_notice(what: str = "post") -> str:
    """What the author of a held post, idea or comment is told, on the page and in the API's 201."""
    return str(_HELD.get(what, _HELD["post"]))


def held_json(item: Post | Idea | IdeaComment, what: str = "post") -> dict[str, object]:
    """The fields a 201 adds so an API client knows its post is not public yet (the status code stays 201,
    DESIGN's contract): `held` always, `notice` only when held."""
    if item.held_at is None:
        return {"held": False}
    return {"held": True, "notice": held_notice(what)}


class DuplicatePost(Invalid):
    """The same text again within the window: 409, with the address of the first one."""

    status, code, default_message = 409, "duplicate_post", _l("You already posted this.")


class RateLimited(Invalid):
    """A rate was exceeded: 429 with Retry-After (forum/errors.py adds the header from `retry_after`). An Invalid,
    so forms come back with the typed text and the message next to the field."""

    status, code, default_message = 429, "rate_limited", _l("Too many posts. Please wait and try again.")

    def __init__(self, message: str, retry_after: int, fields: dict[str, str] | None = None) -> None:
        super().__init__(message, fields)
        self.retry_after = max(1, int(retry_after))
        if has_request_context():  # a form page that catches this as an Invalid still sends Retry-After
            g.retry_after = self.retry_after


def is_exempt(user: User) -> bool:
    return user.is_staff


def is_new(user: User) -> bool:
    """New until TRUST_MIN_REPUTATION or TRUST_MIN_AGE_DAYS, whichever comes first."""
    config = current_app.config
    young = user.created_at is None or user.created_at > utcnow() - timedelta(days=config["TRUST_MIN_AGE_DAYS"])
    return young and (user.reputation or 0) < config["TRUST_MIN_REPUTATION"]


def hourly_limit(user: User, kind: str) -> int:
    prefix = "NEW_ACCOUNT_" if is_new(user) else ""
    return int(current_app.config[f"{prefix}{kind.upper()}S_PER_HOUR"])


def link_count(*texts: str) -> int:
    return sum(len(_LINK.findall(text or "")) for text in texts)


def check_post(*, actor: User, kind: str, text: str, extra: str = "") -> bool:
    """Refuse a post over the hourly rate (429) or repeating the actor's own text of the last day (409);
    True when it must be held for a moderator (a new account, more than NEW_ACCOUNT_MAX_LINKS links).

    `text` is the body compared for duplicates; `extra` (a title) only counts towards links."""
    if is_exempt(actor) or not current_app.config.get("POSTING_LIMITS_ENABLED", True):
        return False
    now = utcnow()
    _check_rate(actor, kind, now)
    _check_duplicate(actor, kind, text, now)
    return is_new(actor) and link_count(text, extra) > current_app.config["NEW_ACCOUNT_MAX_LINKS"]


def _recent(actor: User, kind: str, since: datetime, *columns) -> sa.Select:
    if kind == IDEA:
        return sa.select(*columns).where(Idea.author_id == actor.id, Idea.created_at >= since)
    if kind == IDEA_COMMENT:
        return sa.select(*columns).where(IdeaComment.author_id == actor.id, IdeaComment.created_at >= since)
    position = Post.position == 0 if kind == QUESTION else Post.position > 0
    return sa.select(*columns).where(Post.author_id == actor.id, Post.created_at >= since, position)


def _check_rate(actor: User, kind: str, now: datetime) -> None:
    limit = hourly_limit(actor, kind)
    created = {IDEA: Idea.created_at, IDEA_COMMENT: IdeaComment.created_at}.get(kind, Post.created_at)
    times = db.session.scalars(_recent(actor, kind, now - timedelta(hours=1), created)
                               .order_by(created.desc()).limit(limit)).all()
    if len(times) < limit:
        return
    retry = times[-1] + timedelta(hours=1) - now  # the oldest of the last `limit` leaves the window then
    posts = _COUNTS[kind](limit)
    minutes = max(1, -(-int(retry.total_seconds()) // 60))
    reason = (_("New accounts can post %(posts)s an hour until they have %(reputation)d reputation or are "
                "%(days)d days old.", posts=posts, reputation=current_app.config["TRUST_MIN_REPUTATION"],
                days=current_app.config["TRUST_MIN_AGE_DAYS"]) if is_new(actor)
              else _("You can post %(posts)s an hour.", posts=posts))
    message = reason + " " + ngettext("Please try again in %(num)d minute; your text is kept.",
                                      "Please try again in %(num)d minutes; your text is kept.", minutes)
    raise RateLimited(message, int(retry.total_seconds()) + 1, {"body": message})


def _normalized(text: str) -> str:
    return _SPACE.sub(" ", (text or "").strip()).casefold()


def _check_duplicate(actor: User, kind: str, text: str, now: datetime) -> None:
    since = now - timedelta(hours=current_app.config["DUPLICATE_POST_WINDOW_HOURS"])
    wanted = _normalized(text)
    if not wanted:
        return
    if kind == IDEA:
        rows = db.session.execute(_recent(actor, kind, since, Idea.id, Idea.body_md)
                                  .order_by(Idea.created_at).limit(500)).all()
        url = next((idea_path(row[0]) for row in rows if _normalized(row[1]) == wanted), None)
    elif kind == IDEA_COMMENT:
        rows = db.session.execute(_recent(actor, kind, since, IdeaComment.id, IdeaComment.idea_id,
                                          IdeaComment.body_md).order_by(IdeaComment.created_at).limit(500)).all()
        url = next((idea_path(row[1], comment_id=row[0]) for row in rows if _normalized(row[2]) == wanted), None)
    else:  # answers and questions compared with each other: the same text pasted as either is the same spam
        rows = db.session.execute(sa.select(Post.id, Post.thread_id, Post.body_md)
                                  .where(Post.author_id == actor.id, Post.created_at >= since)
                                  .order_by(Post.created_at).limit(500)).all()
        url = next((thread_path(row[1], post_id=row[0]) for row in rows if _normalized(row[2]) == wanted), None)
    if url is not None:
        hours = current_app.config["DUPLICATE_POST_WINDOW_HOURS"]
        raise DuplicatePost(_("You already posted this text in the last %(hours)d hours: %(url)s . Edit that post "
                              "instead, or change this one.", hours=hours, url=url),
                            {"body": _("The same text is already posted at %(url)s.", url=url)})


def hold(post: Post | Idea | IdeaComment, thread=None) -> None:
    """Hide a post, idea or idea comment (and a new question's thread) until a moderator approves it: hidden
    rows are already left out of every list, search, feed and cached page, and their authors see them with the
    reason. Call it before the first flush, so nothing (search, listening, counts) ever sees it public."""
    now = utcnow()
    post.is_hidden, post.hidden_reason, post.held_at = True, HELD_REASON, now
    if thread is not None:
        thread.is_hidden, thread.held_at = True, now

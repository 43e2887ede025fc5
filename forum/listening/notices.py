"""Known-issue notices: staff publish a short text linked to an updates thread; everyone sees it as a banner until
staff resolve it, and the ask form shows it to anyone whose title matches its terms.

Visitors' banners are the same for everyone (they sit inside cached visitor pages, whose keys include the SITE
scope, which publishing and resolving bump through forum/pagecache/scopes.py): a visitor's dismissal lives in
localStorage and static/js/notices.js hides it. A member's banners are rendered with the header, the part of a
page that is never shared (forum/pagecache/members.py), so the ones they dismissed are left out on the server
and a plain form POST dismisses without JavaScript.
"""
from __future__ import annotations

import re
from datetime import timedelta
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import joinedload
from whoosh.lang.porter import stem

from forum.clock import utcnow
from forum.errors import Conflict, NotFound
from forum.extensions import db
from forum.i18n import _, _l
from forum.links import thread_path
from forum.models import Match, Notice, NoticeDismissal, SpikeAlert, Thread, User
from forum.notifications.services import notify_all, thread_watcher_ids
from forum.pagecache.scopes import NOTICES, SITE, touch
from forum.pagecache.store import current_versions, memo, prefetch
from forum.policy import Policy
from forum.validation import FieldErrors, parse_id

MAX_ACTIVE = 5  # banners on one page; older active notices wait for these to be resolved
MAX_TERMS, TERM_MAX = 10, 60
ASKERS_WINDOW = timedelta(days=7)  # "asked a matching question": from the week before the notice on
_WORD = re.compile(r"\w+")


def _stems(text: str) -> list[str]:
    return [stem(word) for word in _WORD.findall(text.lower())]


def notice_json(notice: Notice) -> dict[str, Any]:
    return {"id": notice.id, "text": notice.text, "thread_id": notice.thread_id, "terms": list(notice.terms or []),
            "url": thread_path(notice.thread_id), "alert_id": notice.alert_id,
            "created_at": notice.created_at, "resolved_at": notice.resolved_at}


def prefetch_version() -> None:
    """Every page shows the banners: their version rides along with the request's first version lookup."""
    prefetch(NOTICES)


def active_notices() -> list[dict[str, Any]]:
    """The banners every page shows, shared by every request and worker until a notice changes; a forum that
    never published one reads nothing at all (its version is still 0)."""
    if current_versions([NOTICES]) == (0,):
        return []

    def compute() -> list[dict[str, Any]]:
        rows = db.session.scalars(sa.select(Notice).where(Notice.resolved_at.is_(None))
                                  .order_by(Notice.created_at.desc(), Notice.id.desc()).limit(MAX_ACTIVE))
        return [notice_json(notice) for notice in rows]
    return memo("notices:active", [NOTICES], compute)


def matching(title: str) -> list[dict[str, Any]]:
    """Active notices with a term (word forms folded, a phrase's words in order) in `title`."""
    words = " ".join(_stems(title[:200]))
    if not words:
        return []
    found = []
    for notice in active_notices():
        for term in notice["terms"]:
            phrase = " ".join(_stems(term))
            if phrase and re.search(rf"(?:^| ){re.escape(phrase)}(?: |$)", words):
                found.append(notice)
                break
    return found


def dismissals_scope(user_id: int) -> str:
    """One member's dismissals: their banners' memo (bumped by dismiss_notice)."""
    return f"notice_dismissals:{user_id}"


def prefetch_dismissals(user_id: int) -> None:
    prefetch(dismissals_scope(user_id))


def dismissed_ids(actor: User | None) -> list[int]:
    """The active notices this member dismissed, kept until a notice or their dismissals change: a member's
    page costs no statement for them once read."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    active = [notice["id"] for notice in active_notices()]
    if not active:
        return []

    def compute() -> list[int]:
        return list(db.session.scalars(sa.select(NoticeDismissal.notice_id).where(
            NoticeDismissal.user_id == actor.id, NoticeDismissal.notice_id.in_(active))))
    return memo(f"notices:dismissed:{actor.id}", [NOTICES, dismissals_scope(actor.id)], compute)


def banners_for(actor: User | None) -> list[dict[str, Any]]:
    """The banners a page shows: every active notice for a visitor (the cached page is theirs all alike),
    less the ones a member dismissed."""
    banners = active_notices()
    if not banners or actor is None or not getattr(actor, "is_authenticated", False):
        return banners
    dismissed = set(dismissed_ids(actor))
    return [notice for notice in banners if notice["id"] not in dismissed]


def _validated(text: Any, thread_id: Any, terms: Any) -> tuple[str, Thread, list[str]]:
    errors = FieldErrors()
    text = errors.text("text", text, label=_("The notice"), min_len=5, max_len=200)
    thread_pk = parse_id(thread_id)
    thread = db.session.get(Thread, thread_pk) if thread_pk else None
    if thread is None or thread.is_hidden:
        errors.add("thread_id", _("Give the number of a visible question where updates are posted."))
    if isinstance(terms, str):
        terms = terms.split(",")
    if terms is None:
        terms = []
    if not isinstance(terms, list) or any(not isinstance(term, str) for term in terms):
        errors.add("terms", _("Terms must be a list of words or phrases."))
        terms = []
    terms = list(dict.fromkeys(" ".join(term.split()) for term in terms if term.strip()))
    if len(terms) > MAX_TERMS or any(len(term) > TERM_MAX for term in terms):
        errors.add("terms", _("At most %(terms)d terms of at most %(chars)d characters each.", terms=MAX_TERMS,
                              chars=TERM_MAX))
    errors.check()
    assert thread is not None, "check() raised for a missing thread"
    return text, thread, terms


def publish_notice(*, actor: User, text: Any, thread_id: Any, terms: Any = None, alert_id: Any = None) -> Notice:
    """A banner for everyone, from an alert or any thread; every cached page refreshes (SITE scope)."""
    policy = Policy(actor)
    policy.ensure(policy.can_publish_notice(), _("Only staff publish known-issue notices."))
    text, thread, terms = _validated(text, thread_id, terms)
    alert_pk = parse_id(alert_id)
    alert = db.session.get(SpikeAlert, alert_pk) if alert_pk else None
    notice = Notice(text=text, thread_id=thread.id, terms=terms, alert_id=alert.id if alert else None,
                    created_by_id=actor.id, created_at=utcnow())
    db.session.add(notice)
    db.session.commit()
    return notice


def resolve_notice(*, actor: User, notice_id: int) -> Notice:
    """Take the banner down and tell, once, everyone who asked a matching question or follows the thread.
    The conditional UPDATE makes a double click or two staff at once resolve (and notify) once."""
    policy = Policy(actor)
    policy.ensure(policy.can_publish_notice(), _("Only staff resolve known-issue notices."))
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(_("That notice does not exist."))
    now = utcnow()
    done = cast(CursorResult[Any], db.session.execute(  # an UPDATE's result has a rowcount
        sa.update(Notice).where(Notice.id == notice_id, Notice.resolved_at.is_(None))
        .values(resolved_at=now, resolved_by_id=actor.id)))
    if done.rowcount != 1:
        db.session.rollback()
        raise Conflict(_("That notice is already resolved."))
    db.session.refresh(notice)
    people = set(thread_watcher_ids(notice.thread_id)) | set(_askers(notice))
    notify_all(user_ids=people, kind="notice_resolved", actor=actor, thread_id=notice.thread_id,
               url=thread_path(notice.thread_id), text=_l("Resolved: %(notice)s", notice=notice.text))
    touch(db.session, SITE, NOTICES)  # a bulk UPDATE: the listeners do not see which banner it took down
    db.session.commit()
    return notice


def _askers(notice: Notice) -> list[int]:
    """Authors of visible questions since the week before the notice whose title matches its terms, and the
    authors of the posts its alert's watch matched."""
    phrases = [" ".join(_stems(term)) for term in notice.terms or []]
    phrases = [phrase for phrase in phrases if phrase]
    found: set[int] = set()
    if phrases:
        rows = db.session.execute(sa.select(Thread.author_id, Thread.title).where(
            Policy.public_threads(), Thread.created_at >= notice.created_at - ASKERS_WINDOW)
            .order_by(Thread.created_at.desc()).limit(20_000))
        for author_id, title in rows:
            words = " ".join(_stems(title))
            if any(re.search(rf"(?:^| ){re.escape(p)}(?: |$)", words) for p in phrases):
                found.add(author_id)
    if notice.alert is not None and notice.alert.watch_id is not None:
        found.update(db.session.scalars(sa.select(Match.author_id).where(
            Match.watch_id == notice.alert.watch_id, Match.kind == "question",
            Match.posted_at >= notice.created_at - ASKERS_WINDOW).limit(20_000)))
    return [user_id for user_id in found if user_id is not None]


def dismiss_notice(*, actor: User, notice_id: int) -> None:
    """Remembered for this member only, on every device; never changes a shared page (only their header)."""
    policy = Policy(actor)
    policy.ensure(policy.can_dismiss_notice(), _("Please log in first."))
    if db.session.get(Notice, notice_id) is None:
        raise NotFound(_("That notice does not exist."))
    if db.session.get(NoticeDismissal, (notice_id, actor.id)) is None:
        db.session.add(NoticeDismissal(notice_id=notice_id, user_id=actor.id))
        touch(db.session, dismissals_scope(actor.id))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # a second tab dismissed it at the same moment
        db.session.rollback()


def list_notices(*, state: str = "active", limit: int = 50) -> list[Notice]:
    query = sa.select(Notice).options(joinedload(Notice.created_by))  # the list names who published each
    query = query.where(Notice.resolved_at.is_(None) if state != "resolved" else Notice.resolved_at.is_not(None))
    return list(db.session.scalars(query.order_by(Notice.created_at.desc(), Notice.id.desc()).limit(limit)))

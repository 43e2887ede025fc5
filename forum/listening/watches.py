"""Keyword watches: staff create, edit, delete and follow them. Each change bumps the "watches" version in the
same transaction, so every process rebuilds its matcher (forum/listening/matching.py) before its next post."""
from __future__ import annotations

import itertools
import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from forum.clock import utcnow
from forum.errors import NotFound
from forum.extensions import db
from forum.i18n import _
from forum.listening.matching import WATCHES, WORD, term_stems
from forum.models import Category, Tag, User, Watch, WatchFollower, WatchTerm
from forum.pagecache import touch
from forum.policy import Policy
from forum.validation import FieldErrors

MAX_TERMS, MAX_SCOPE = 50, 50


def get_watch(*, actor: User, watch_id: int) -> Watch:
    """Non-staff are refused before learning whether the watch exists."""
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff keep keyword watches."))
    watch = db.session.get(Watch, watch_id)
    if watch is None:
        raise NotFound(_("No such watch."))
    return watch


def create_watch(*, actor: User, name: object, terms: object, categories: object = None,
                 tags: object = None) -> Watch:
    """A new watch, followed by its creator (they hear of its matches)."""
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff keep keyword watches."))
    watch = Watch(created_by_id=actor.id)
    _apply(watch, name=name, terms=terms, categories=categories, tags=tags)
    watch.followers.append(WatchFollower(user_id=actor.id))
    db.session.add(watch)
    touch(db.session, WATCHES)
    db.session.commit()
    return watch


def update_watch(*, actor: User, watch: Watch, name: object = None, terms: object = None,
                 categories: object = None, tags: object = None) -> Watch:
    """Change what is given (None keeps a field as it is); the matcher rebuilds everywhere at commit."""
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff keep keyword watches."))
    _apply(watch, name=watch.name if name is None else name, terms=watch.term_list if terms is None else terms,
           categories=[c.slug for c in watch.categories] if categories is None else categories,
           tags=[t.name for t in watch.tags] if tags is None else tags)
    watch.updated_at = utcnow()
    touch(db.session, WATCHES)
    db.session.commit()
    return watch


def delete_watch(*, actor: User, watch: Watch) -> None:
    """The watch and its matches go (ON DELETE CASCADE); posts are untouched."""
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff keep keyword watches."))
    db.session.delete(watch)
    touch(db.session, WATCHES)
    db.session.commit()


def set_following(*, actor: User, watch: Watch, follow: bool) -> bool:
    """Follow or stop following a watch's matches; idempotent. Returns whether the actor follows now."""
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff keep keyword watches."))
    row = db.session.get(WatchFollower, (watch.id, actor.id))
    if follow and row is None:
        db.session.add(WatchFollower(watch_id=watch.id, user_id=actor.id))
    elif not follow and row is not None:
        db.session.delete(row)
    db.session.commit()
    return follow


def _apply(watch: Watch, *, name: object, terms: object, categories: object, tags: object) -> None:
    errors = FieldErrors()
    watch_name = errors.text("name", name, label=_("Name"), max_len=80)
    term_list = _parse_terms(errors, terms)
    category_rows = _named(errors, "categories", categories, Category, Category.slug, "category")
    tag_rows = _named(errors, "tags", tags, Tag, Tag.name, "tag")
    errors.check()
    watch.name = watch_name
    kept = {t.term: t for t in watch.terms}
    watch.terms = [kept.get(term) or WatchTerm(term=term) for term in term_list]
    watch.categories, watch.tags = category_rows, tag_rows


def _as_list(raw: object) -> list[Any] | None:
    """A JSON list, or the form's text: one term per line or comma."""
    if raw is None:
        return []
    if isinstance(raw, str):
        return [part for part in re.split(r"[,\n]", raw)]
    if isinstance(raw, (list, tuple)):
        return list(raw)
    return None


def _parse_terms(errors: FieldErrors, raw: object) -> list[str]:
    items = _as_list(raw)
    if items is None or not all(isinstance(item, str) for item in items):
        errors.add("terms", _("Terms must be a list of words or phrases."))
        return []
    terms: list[str] = []
    for item in items:
        term = " ".join(item.split())
        if not term:
            continue
        if len(term) > 100 or re.search(r"[\x00-\x1f\x7f]", term):
            errors.add("terms", _("“%(term)s” is not a usable term: up to 100 characters of text.",
                                  term=term[:40]))
        elif not term_stems(term):
            errors.add("terms", _("“%(term)s” has no words to match.", term=term[:40]))
        elif term.lower() not in {t.lower() for t in terms}:
            terms.append(term)
    if not terms and "terms" not in errors.errors:
        errors.add("terms", _("Give at least one term or phrase."))
    elif len(terms) > MAX_TERMS:
        errors.add("terms", _("Use at most %(max)d terms in one watch.", max=MAX_TERMS))
    elif terms:
        people = _usernames_among(terms)
        if people:
            errors.add("terms", _("Watches follow topics, not people. “%(name)s” is a member's username.",
                                  name=people[0]))
    return terms


def _usernames_among(terms: list[str]) -> list[str]:
    """Terms that name someone's username (case-insensitive): a watch on a name would follow that person. The
    matcher reads words, so "@nina.k", "Nina K" and "nina-k" find the same mentions as "nina.k": each term is
    compared as each spelling of its words that a username may have (joined by ".", "-", "_" or nothing)."""
    spellings: dict[str, str] = {}
    for term in terms:
        for spelling in _username_spellings(term):
            spellings.setdefault(spelling, term)
    found = db.session.scalars(sa.select(sa.func.lower(User.username)).where(
        sa.func.lower(User.username).in_(list(spellings)))).all()
    return sorted({spellings[name] for name in found})


USERNAME_JOINS = (".", "-", "_", "")


def _username_spellings(term: str) -> set[str]:
    lowered = term.lower()
    spellings = {lowered, lowered.lstrip("@")}
    words = WORD.findall(lowered)
    if 1 < len(words) <= 4 and sum(map(len, words)) <= 30:  # a username is at most 30 characters
        for joins in itertools.product(USERNAME_JOINS, repeat=len(words) - 1):
            spellings.add(words[0] + "".join(join + word for join, word in zip(joins, words[1:], strict=True)))
    elif len(words) == 1:
        spellings.add(words[0])
    return spellings


def _named(errors: FieldErrors, field: str, raw: object, model: type[Any], column: Any, noun: str) -> list[Any]:
    items = _as_list(raw)
    if items is None or not all(isinstance(item, str) for item in items):
        errors.add(field, _("Categories must be a list of names.") if field == "categories" else
                   _("Tags must be a list of names."))
        return []
    names = sorted({item.strip().lower() for item in items if item.strip()})
    if len(names) > MAX_SCOPE:
        errors.add(field, _("Use at most %(max)d categories.", max=MAX_SCOPE) if field == "categories" else
                   _("Use at most %(max)d tags.", max=MAX_SCOPE))
        return []
    if not names:
        return []
    rows = {getattr(row, column.key): row for row in db.session.scalars(sa.select(model).where(column.in_(names)))}
    missing = [name for name in names if name not in rows]
    if missing:
        errors.add(field, _("No category named “%(name)s”.", name=missing[0][:40]) if noun == "category" else
                   _("No tag named “%(name)s”.", name=missing[0][:40]))
    return [rows[name] for name in names if name in rows]


def list_watches(*, actor: User) -> list[Watch]:
    """Every watch with its terms, scope and followers loaded (the template runs no query)."""
    policy = Policy(actor)
    policy.ensure(policy.can_listen(), _("Only staff keep keyword watches."))
    return list(db.session.scalars(sa.select(Watch).order_by(Watch.name, Watch.id).limit(500).options(
        selectinload(Watch.terms), selectinload(Watch.categories), selectinload(Watch.tags),
        selectinload(Watch.followers).joinedload(WatchFollower.user))))

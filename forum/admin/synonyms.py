"""Search synonym groups for admins: the community's own words for the same thing ("dark mode = night theme").

The similar-titles hints (ask form, new-idea form, staff pickers) read these with the shipped spelling and word
lists (forum/search/synonyms.py). Each public function is one use case and one commit, with an audit entry, and
bumps the synonyms' cache version so every worker reads the new list on its next hint.
"""
from __future__ import annotations

import sqlalchemy as sa

from forum import pagecache
from forum.audit import record_audit
from forum.clock import utcnow
from forum.errors import Conflict, NotFound
from forum.extensions import db
from forum.i18n import _
from forum.models import SearchSynonym, User
from forum.pagination import Page, clamp
from forum.policy import Policy
from forum.search.synonyms import MAX_GROUPS, SCOPE, parse_group
from forum.validation import FieldErrors

TERMS_MAX = 300       # characters a group's text may take, as typed
MEMBERS_MAX = 12      # words or phrases in one group
MEMBER_WORDS_MAX = 4  # words in one phrase: a synonym is a name for a thing, not a sentence
PER_PAGE = 50


def _ensure_admin(actor: User | None) -> None:
    if actor is None:  # the command line and the demo seed
        return
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.can_manage_synonyms(), _("Only admins can edit the search synonyms."))


def list_groups(*, actor: User | None, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """A page of groups, newest first (the list holds at most MAX_GROUPS, so an offset stays cheap)."""
    _ensure_admin(actor)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(SearchSynonym)) or 0
    page = clamp(page, total, per_page)
    rows = db.session.scalars(sa.select(SearchSynonym).order_by(SearchSynonym.id.desc())
                              .offset((page - 1) * per_page).limit(per_page))
    return Page(list(rows), page, per_page, total)


def get_group(group_id: int) -> SearchSynonym:
    group = db.session.get(SearchSynonym, group_id)
    if group is None:
        raise NotFound(_("That synonym group does not exist."))
    return group


def _clean(terms: object, *, keep: int | None = None) -> str:
    """The typed group as stored ("a = b = c"), or Invalid with a message next to the field."""
    errors = FieldErrors()
    text = errors.text("terms", terms, label=_("Words and phrases"), min_len=3, max_len=TERMS_MAX)
    members = parse_group(text) if "terms" not in errors.errors else []
    if "terms" not in errors.errors:
        if len(members) < 2:
            errors.add("terms", _("Give at least two words or phrases that mean the same, separated by = or commas."))
        elif len(members) > MEMBERS_MAX:
            errors.add("terms", _("Keep a group to %(max)d words or phrases; split bigger ones by meaning.",
                                   max=MEMBERS_MAX))
        elif any(len(member.split()) > MEMBER_WORDS_MAX for member in members):
            errors.add("terms", _("Each entry is a name for one thing: at most %(max)d words.",
                                   max=MEMBER_WORDS_MAX))
    errors.check()
    stored = " = ".join(members)
    same = db.session.scalar(sa.select(SearchSynonym.id).where(SearchSynonym.terms == stored).limit(1))
    if same is not None and same != keep:
        raise Conflict(_("That group is already on the list."))
    return stored


def add_synonym_group(*, actor: User | None, terms: object, audited: bool = True) -> SearchSynonym:
    """`audited=False` only for the demo seed: the audit log records people's actions, and seeding is not one."""
    _ensure_admin(actor)
    stored = _clean(terms)
    if (db.session.scalar(sa.select(sa.func.count()).select_from(SearchSynonym)) or 0) >= MAX_GROUPS:
        raise Conflict(_("The list holds at most %(max)d groups; merge or delete some first.", max=MAX_GROUPS))
    now = utcnow()
    group = SearchSynonym(terms=stored, created_at=now, updated_at=now, updated_by_id=actor.id if actor else None)
    db.session.add(group)
    db.session.flush()
    _changed(actor, "synonym.create", group, audited=audited)
    db.session.commit()
    return group


def update_synonym_group(*, actor: User | None, group: SearchSynonym, terms: object) -> SearchSynonym:
    _ensure_admin(actor)
    stored = _clean(terms, keep=group.id)
    before = group.terms
    group.terms, group.updated_at, group.updated_by_id = stored, utcnow(), actor.id if actor else None
    _changed(actor, "synonym.update", group, note=f"was: {before}")
    db.session.commit()
    return group


def delete_synonym_group(*, actor: User | None, group: SearchSynonym) -> None:
    _ensure_admin(actor)
    _changed(actor, "synonym.delete", group)
    db.session.delete(group)
    db.session.commit()


def _changed(actor: User | None, action: str, group: SearchSynonym, note: str = "", audited: bool = True) -> None:
    if audited:
        record_audit(actor=actor, action=action, target_type="synonym", target_id=group.id, label=group.terms,
                     note=note)
    pagecache.touch(db.session, SCOPE)

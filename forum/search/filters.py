"""Filter values a person types, read against what exists: `category:` by a category's slug, its name or any
word of it (`category:wifi` finds "Connectivity and Wi-Fi"), `tag:` by name; a value that names nothing is
said back with the nearest real ones ("No category called 'x' — did you mean …?") instead of finding nothing."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from forum.extensions import db
from forum.i18n import _, _l
from forum.models import Category, CategorySlugRedirect, Tag
from forum.search.query import IDEA_STATUSES, ParsedQuery

_STOP_WORDS = {"and", "or", "the", "of", "for", "a", "an", "to", "in", "with", "&"}
_STATUS_WORDS = {"is": ("solved", "unanswered", "open", "closed"),
                 "status": ("solved", "unanswered", "open", "closed", *IDEA_STATUSES),
                 "type": ("question", "idea")}
SUGGESTIONS = 3


@dataclass
class FilterNotice:
    """What the search page says about one filter: the sentence and the filters to try instead."""

    message: str
    key: str
    value: str
    suggestions: list[tuple[str, str]] = field(default_factory=list)  # (filter value, what to call it)
    dropped: bool = True  # the search ran without this filter (False: a near match was used instead)

    def as_json(self) -> dict:
        return {"filter": self.key, "value": self.value, "message": self.message,
                "suggestions": [value for value, _label in self.suggestions]}


def _compact(text: str) -> str:
    """"Wi-Fi", "wi fi" and "WiFi" read alike."""
    return re.sub(r"[\W_]+", "", text.lower())


def _words(category: Category) -> set[str]:
    words = {_compact(word) for word in re.split(r"[\s/,&+]+", category.name)}
    words |= {_compact(word) for word in category.slug.split("-")}
    return {word for word in words if word and word not in _STOP_WORDS}


def _did_you_mean(noun: str, key: str, value: str, choices: dict[str, tuple[str, str]],
                  fallback: list[tuple[str, str]] | None = None) -> FilterNotice:
    """`choices` maps what a person might have meant to type (compacted) to (value, label); with no close one,
    `fallback` is offered instead."""
    close = difflib.get_close_matches(_compact(value), list(choices), n=SUGGESTIONS * 2, cutoff=0.6)
    suggestions = list(dict.fromkeys(choices[match] for match in close))[:SUGGESTIONS]
    meant, other, none = _NO_SUCH[noun]
    if suggestions:
        return FilterNotice(str(meant) % {"value": value}, key, value, suggestions)
    if fallback:
        return FilterNotice(str(other) % {"value": value}, key, value, fallback)
    return FilterNotice(str(none) % {"value": value}, key, value)


_NO_SUCH = {  # noun -> (close ones offered, others offered, nothing to offer): whole sentences per noun
    "category": (_l("No category called ‘%(value)s’ — did you mean one of these?"),
                 _l("No category called ‘%(value)s’ — try one of these."), _l("No category called ‘%(value)s’.")),
    "tag": (_l("No tag called ‘%(value)s’ — did you mean one of these?"),
            _l("No tag called ‘%(value)s’ — try one of these."), _l("No tag called ‘%(value)s’.")),
    "type": (_l("No type called ‘%(value)s’ — did you mean one of these?"),
             _l("No type called ‘%(value)s’ — try one of these."), _l("No type called ‘%(value)s’.")),
    "status": (_l("No status called ‘%(value)s’ — did you mean one of these?"),
               _l("No status called ‘%(value)s’ — try one of these."), _l("No status called ‘%(value)s’.")),
}


def resolve_category(value: str, categories: list[Category]) -> tuple[Category | None, FilterNotice | None]:
    """The category `value` names: its slug or whole name first, then a word of its name or slug, then a word
    it begins (`category:connect`); several at the same level: the first by position, the others offered."""
    compact = _compact(value)
    if not compact:
        return None, None
    levels = [
        [c for c in categories if c.slug == value or _compact(c.slug) == compact or _compact(c.name) == compact],
        [c for c in categories if compact in _words(c)],
        [c for c in categories if len(compact) >= 3 and any(word.startswith(compact) for word in _words(c))],
    ]
    for found in levels:
        if len(found) == 1:
            return found[0], None
        if found:
            others = [(c.slug, c.name) for c in found[1:SUGGESTIONS + 1]]
            names = ", ".join(c.name for c in found[1:SUGGESTIONS + 1])
            return found[0], FilterNotice(_("‘%(value)s’ also names %(names)s: showing %(shown)s.", value=value,
                                            names=names, shown=found[0].name),
                                          "category", value, others, dropped=False)
    choices: dict[str, tuple[str, str]] = {}
    for category in categories:
        for word in (_compact(category.name), _compact(category.slug), *_words(category)):
            choices.setdefault(word, (category.slug, category.name))
    fallback = [(c.slug, c.name) for c in categories if not c.archived][:5]
    return None, _did_you_mean("category", "category", value, choices, fallback)


def _renamed(value: str, categories: list[Category]) -> Category | None:
    """The category a renamed or merged category's old slug now leads to (as the lists and feeds follow it)."""
    category_id = db.session.scalar(sa.select(CategorySlugRedirect.category_id)
                                    .where(CategorySlugRedirect.slug == value[:60]))
    return next((category for category in categories if category.id == category_id), None)


def tag_notice(value: str) -> FilterNotice:
    """Tags can number thousands: only those sharing the first two letters (an index range) are compared."""
    prefix = value[:2]
    names = db.session.scalars(sa.select(Tag.name).where(Tag.name >= prefix, Tag.name < prefix + "\uffff")
                               .order_by(Tag.name).limit(200)).all()
    return _did_you_mean("tag", "tag", value, {_compact(name): (name, name) for name in names})


def resolve(query: ParsedQuery) -> list[FilterNotice]:
    """Turn the typed category into its slug and check the tags; return what to tell the person. An unknown
    value is dropped from the query (the words still search everywhere), so the notice and results agree."""
    notices = []
    if query.category:
        categories = list(db.session.scalars(sa.select(Category).order_by(Category.position, Category.name)
                                             .limit(500)))
        found, notice = resolve_category(query.category, categories)
        if found is None and (moved := _renamed(query.category, categories)):  # an old slug: where it went
            found, notice = moved, None
        query.category = found.slug if found else None
        notices += [notice] if notice else []
    if query.tags:
        known = set(db.session.scalars(sa.select(Tag.name).where(Tag.name.in_(query.tags))))
        notices += [tag_notice(tag) for tag in query.tags if tag not in known]
        query.tags = [tag for tag in query.tags if tag in known]
    for key, value in query.unknown:
        allowed = [(word, word.replace("_", " ")) for word in _STATUS_WORDS.get(key, ())]
        notices.append(_did_you_mean("type" if key == "type" else "status", key, value,
                                     {_compact(word): (word, label) for word, label in allowed}, allowed))
    return notices

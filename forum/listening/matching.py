"""The matcher: every watch's terms compiled once into one dict from stemmed word to (phrase, watch, term).

Matching a post stems its words once (Porter, from whoosh: "crash" finds "crashes", "crashing", "crashed") and
looks each word up in that dict: the cost grows with the post's length, not with the number of watches (a
regex per watch would). The compiled matcher is kept per process (per app) with the "watches" page version it
was built from; a watch change bumps that version (forum/listening/watches.py), so every worker rebuilds on its
next post. Posts arrive here after their commit (forum/listening/hooks.py).
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from whoosh.lang.porter import stem

from forum.models import PageVersion, Watch, WatchTerm, watch_categories, watch_tags

WATCHES = "watches"  # the page-version scope every watch change bumps
WORD = re.compile(r"\w+")
_STEMS: dict[str, str] = {}
_STEMS_MAX = 200_000  # distinct words remembered per process; the cache is dropped whole beyond it
_lock = threading.Lock()


def stem_word(word: str) -> str:
    """Lower-cased Porter stem, memoised: a forum's vocabulary is small next to its word count."""
    found = _STEMS.get(word)
    if found is None:
        if len(_STEMS) >= _STEMS_MAX:
            _STEMS.clear()
        found = _STEMS[word] = stem(word.lower())
    return found


def term_stems(term: str) -> tuple[str, ...]:
    return tuple(stem_word(w) for w in WORD.findall(term.lower()))


@dataclass
class Scope:
    categories: frozenset[int] = frozenset()  # empty: every category
    tags: frozenset[int] = frozenset()        # empty: any tags

    def allows(self, category_id: int | None, tag_ids: Iterable[int]) -> bool:
        if self.categories and category_id not in self.categories:
            return False
        return not self.tags or not self.tags.isdisjoint(tag_ids)


@dataclass
class Matcher:
    """{first stem: [(stems of the phrase, watch id, term as typed)]} and each watch's scope."""

    index: dict[str, list[tuple[tuple[str, ...], int, str]]] = field(default_factory=dict)
    scopes: dict[int, Scope] = field(default_factory=dict)

    def add(self, watch_id: int, term: str) -> None:
        stems = term_stems(term)
        if stems:
            self.index.setdefault(stems[0], []).append((stems, watch_id, term))

    def match(self, text: str, category_id: int | None = None, tag_ids: Iterable[int] = ()) -> dict[int, list[str]]:
        """{watch id: terms found, in the watch's order} for the watches whose scope takes this post."""
        if not self.index:
            return {}
        stems = [stem_word(w) for w in WORD.findall(text.lower())]
        found: dict[int, set[str]] = {}
        index, count = self.index, len(stems)
        for i, word in enumerate(stems):
            entries = index.get(word)
            if entries is None:
                continue
            for phrase, watch_id, term in entries:
                n = len(phrase)
                if n == 1 or (i + n <= count and tuple(stems[i:i + n]) == phrase):
                    found.setdefault(watch_id, set()).add(term)
        tags = set(tag_ids)
        return {watch_id: sorted(terms) for watch_id, terms in found.items()
                if self.scopes.get(watch_id, Scope()).allows(category_id, tags)}


def build(session) -> Matcher:
    """Read every watch's terms and scope in three statements."""
    matcher = Matcher()
    for watch_id, term in session.execute(sa.select(WatchTerm.watch_id, WatchTerm.term).order_by(WatchTerm.id)):
        matcher.add(watch_id, term)
    categories: dict[int, set[int]] = {}
    tags: dict[int, set[int]] = {}
    for watch_id, category_id in session.execute(sa.select(watch_categories.c.watch_id,
                                                           watch_categories.c.category_id)):
        categories.setdefault(watch_id, set()).add(category_id)
    for watch_id, tag_id in session.execute(sa.select(watch_tags.c.watch_id, watch_tags.c.tag_id)):
        tags.setdefault(watch_id, set()).add(tag_id)
    for watch_id in session.scalars(sa.select(Watch.id)):
        matcher.scopes[watch_id] = Scope(frozenset(categories.get(watch_id, ())), frozenset(tags.get(watch_id, ())))
    return matcher


# the watches' version (0 before any watch was made): one statement's constant, which forum/commit_batch.py also
# reads in the commit's own statement
WATCHES_VERSION = sa.select(sa.func.coalesce(
    sa.select(PageVersion.version).where(PageVersion.scope == WATCHES).scalar_subquery(), 0))


def watches_version(session) -> int:
    return int(session.connection().execute(WATCHES_VERSION).scalar_one())


def matches_nothing(version: int) -> bool:
    """Whether this process's matcher is up to date at `version` and has no terms: then no post can match, and
    the caller need not open a session to look (forum/listening/hooks.py)."""
    cached = current_app.extensions.get("listening_matcher")
    return cached is not None and cached[0] == version and not cached[1].index


def current_matcher(session) -> Matcher:
    """This process's matcher, rebuilt when the watches' version moved on (one primary-key read per call)."""
    version = watches_version(session)
    cached = current_app.extensions.get("listening_matcher")
    if cached is not None and cached[0] == version:
        matcher: Matcher = cached[1]
        return matcher
    matcher = build(session)
    with _lock:
        current_app.extensions["listening_matcher"] = (version, matcher)
    return matcher


def spans(text: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms' word forms occur in `text` (character offsets), for highlighting a stored excerpt."""
    wanted = [t for t in (term_stems(term) for term in terms) if t]
    if not wanted:
        return []
    words = [(m.start(), m.end(), stem_word(m.group())) for m in WORD.finditer(text)]
    stems = [w[2] for w in words]
    marked: list[tuple[int, int]] = []
    for i in range(len(words)):
        for phrase in wanted:
            n = len(phrase)
            if tuple(stems[i:i + n]) == phrase:
                marked.append((words[i][0], words[i + n - 1][1]))
                break
    return marked


def excerpt_around(text: str, terms: Iterable[str], length: int = 280) -> str:
    """A window of the plain text that starts a little before the first term found."""
    text = " ".join(text.split())
    found = spans(text, terms)
    if not found or len(text) <= length:
        return text[:length]
    start = max(0, found[0][0] - 60)
    start = text.rfind(" ", 0, start) + 1 if start else 0
    piece = text[start:start + length]
    return ("…" + piece[1:] if start else piece)

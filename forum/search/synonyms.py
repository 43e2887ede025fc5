"""Paraphrases for the similar-titles hints: word forms, British/American spellings and synonym groups.

A title being typed is read into concepts (a word with its stem, spelling variants and comparative base, or a
phrase that belongs to a synonym group). The backend query is widened with every way of saying each concept,
the backend returns candidates, and `rerank` orders them by how many of the typed concepts their titles
share, so "darker colour scheme" finds "Dark mode for the app" and "Vacation mode" finds "Holiday lights".
No model and no network: the lists are thesaurus.py (shipped) and the admins' groups (search_synonyms).
"""
from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from whoosh.lang import has_stemmer, has_stopwords, stemmer_for_language, stopwords_for_language
from whoosh.lang.porter import stem as porter_stem

from forum import pagecache
from forum.extensions import db
from forum.models import SearchSynonym
from forum.search import languages, thesaurus
from forum.search.backend import Hit
from forum.search.query import ParsedQuery, words
from forum.site import settings as site_settings

SCOPE = "synonyms"          # the page-cache version admins' changes bump (forum/admin/synonyms.py)
MAX_GROUPS = 1_000          # admins' groups read per change; far more than any community keeps
MAX_EXPANDED = 48           # words and phrase words sent to the backend for one typed title
MIN_PREFIX = 5              # stems this long match their longer relatives ("notif" ~ "notifi")
GENERIC_WEIGHT = 0.15
MIN_SHARED, MIN_SHARE = 2, 1 / 3  # a candidate shares two typed concepts, or a third of them, or it is dropped
_SPLIT = re.compile(r"\s*(?:=|,|;|\n)\s*")


@functools.lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    stemmed: str = porter_stem(word)  # whoosh ships no types
    return stemmed


def _reverse(mapping: dict[str, str]) -> dict[str, list[str]]:
    back: dict[str, list[str]] = {}
    for british, american in mapping.items():
        back.setdefault(american, []).append(british)
    return back


_AMERICAN = _reverse(thesaurus.VARIANTS)
_COMPARED = _reverse(thesaurus.COMPARATIVES)  # "dark" -> ["darker", "darkest"]: the index keeps them apart
_STEM_VARIANTS = {stem(b): stem(a) for b, a in thesaurus.VARIANTS.items() if " " not in a}


def spellings(word: str) -> list[str]:
    """Other ways of writing the same word: the other spelling, the adjective of a comparative and back."""
    found = []
    if word in thesaurus.VARIANTS:
        found.append(thesaurus.VARIANTS[word])
    found += _AMERICAN.get(word, [])
    if word in thesaurus.COMPARATIVES:
        found.append(thesaurus.COMPARATIVES[word])
    found += _COMPARED.get(word, [])
    return [w for w in found if w != word]


@functools.lru_cache(maxsize=20_000)
def word_keys(word: str, language: str = languages.DEFAULT) -> frozenset[str]:
    """Every stem this word may be matched by; in a title written in another language (issue 20) also its stem
    in that language ("storingen" ~ "storing" in Dutch), the English keys kept for the loanwords ("app", "update")."""
    word = word.lower().replace("’", "'").removesuffix("'s").strip("'")
    keys = {stem(word)}
    for other in spellings(word):
        keys.update(stem(part) for part in other.split())
    if stem(word) in _STEM_VARIANTS:
        keys.add(_STEM_VARIANTS[stem(word)])
    if language != languages.DEFAULT and has_stemmer(language):
        keys.add(_stemmer(language)(word))
    return frozenset(keys)


@functools.lru_cache(maxsize=8)
def _stemmer(language: str) -> Callable[[str], str]:
    return stemmer_for_language(language)  # type: ignore[no-any-return]  # whoosh ships no types


@functools.lru_cache(maxsize=8)
def _stopwords(language: str) -> frozenset[str]:
    """Another language's small words ("de", "het", "bij"): in its titles they weigh as little as "the"."""
    if language == languages.DEFAULT or not has_stopwords(language):
        return frozenset()
    return frozenset(stopwords_for_language(language))


def parse_group(text: str) -> list[str]:
    """Admin input "dark mode = night theme, black theme" -> ["dark mode", "night theme", "black theme"]."""
    members = [" ".join(words(part)) for part in _SPLIT.split(text or "")]
    return list(dict.fromkeys(member for member in members if member))


@dataclass(frozen=True)
class Lexicon:
    """Synonym groups indexed by their members' stems, for finding them in a run of words."""

    groups: tuple[tuple[str, ...], ...]
    members: dict[tuple[str, ...], list[int]] = field(default_factory=dict)
    longest: int = 1
    generic: frozenset[str] = thesaurus.GENERIC  # plus the community's and company's own names
    starts: dict[tuple[int, str], list[tuple[str, ...]]] = field(default_factory=dict)  # (length, first stem)

    @classmethod
    def build(cls, groups: Iterable[Sequence[str]], names: Iterable[str] = (),
              other_languages: Iterable[str] = ()) -> Lexicon:
        """`other_languages`: the site's other content languages; a member is also known by its stems in each
        ("storing" as "storing" in Dutch, where English stems it "store"), so Dutch plurals find Dutch groups."""
        kept = tuple(tuple(group) for group in groups if len(group) > 1)
        stemmers: list[Callable[[str], str]] = [stem, *(_stemmer(code) for code in other_languages if has_stemmer(code))]
        members: dict[tuple[str, ...], list[int]] = {}
        for number, group in enumerate(kept):
            for member in group:
                for stemmer in stemmers:
                    stems = tuple(stemmer(w) for w in words(member))
                    if stems and number not in members.get(stems, ()):
                        members.setdefault(stems, []).append(number)
        starts: dict[tuple[int, str], list[tuple[str, ...]]] = {}
        for stems in members:
            starts.setdefault((len(stems), stems[0]), []).append(stems)
        generic = thesaurus.GENERIC | {word for name in names for word in words(name)}
        return cls(kept, members, max((len(k) for k in members), default=1), frozenset(generic), starts)


@dataclass
class Concept:
    words: list[str]
    keys: set[str]
    groups: set[int]
    generic_words: frozenset[str] = thesaurus.GENERIC
    parts: list[frozenset[str]] = field(default_factory=list)  # each word's keys, for a phrase

    @property
    def generic(self) -> bool:
        return not self.groups and all(w in self.generic_words for w in self.words)

    @property
    def weight(self) -> float:
        return GENERIC_WEIGHT if self.generic else 1.0


def concepts(text_or_words: str | list[str], lexicon: Lexicon, language: str = languages.DEFAULT) -> list[Concept]:
    """Words with their keys; runs of words that form a synonym group's member become one concept. `language`:
    the language of the titles they are compared with (a typed title is read once per language among them)."""
    tokens = words(text_or_words) if isinstance(text_or_words, str) else text_or_words
    keys = [word_keys(w, language) for w in tokens]
    small = _stopwords(language)
    generic = lexicon.generic | small if small else lexicon.generic
    found: list[Concept] = []
    i = 0
    while i < len(tokens):
        span, groups = 1, set()
        for length in range(min(lexicon.longest, len(tokens) - i), 0, -1):
            groups = _groups_at(lexicon, keys[i:i + length])
            if groups:
                span = length
                break
        covered = set().union(*keys[i:i + span])
        found.append(Concept(tokens[i:i + span], covered | {f"g:{g}" for g in groups}, groups, generic,
                             keys[i:i + span]))
        i += span
    return [c for c in found if not (c.generic and (c.words[0] in ("the", "a", "an", "of", "to", "and", "or")
                                                    or c.words[0] in small))]


def _groups_at(lexicon: Lexicon, run: list[frozenset[str]]) -> set[int]:
    """Groups with a member whose stems match this run of words, word for word (any of each word's keys)."""
    hits: set[int] = set()
    for first in run[0]:  # only the members starting with one of the first word's keys, not every member
        for member in lexicon.starts.get((len(run), first), ()):
            if all(s in k for s, k in zip(member[1:], run[1:])):
                hits.update(lexicon.members[member])
    return hits


def _matches(query: Concept, title: Concept) -> bool:
    return _keys_match(query.keys, title.keys)


def _keys_match(ours: Iterable[str], theirs: set[str]) -> bool:
    if not theirs.isdisjoint(ours):
        return True
    return any(len(a) >= MIN_PREFIX and len(b) >= MIN_PREFIX and (a.startswith(b) or b.startswith(a))
               for a in ours if not a.startswith("g:") for b in theirs if not b.startswith("g:"))


def _found(query: Concept, title: list[Concept]) -> bool:
    """Whether a title carries a typed concept. A typed phrase from a synonym group ("night theme") is carried by
    its group or by all of its words, not by one of them ("every night" says nothing about themes)."""
    if query.groups and len(query.parts) > 1 and not any(t.groups & query.groups for t in title):
        return all(any(_keys_match(part, t.keys) for t in title) for part in query.parts)
    return any(_matches(query, t) for t in title)


# -- the backend query ---------------------------------------------------------------------------
def expand(parsed: ParsedQuery, lexicon: Lexicon) -> ParsedQuery:
    """The typed words plus every other way of saying them, as terms and phrases any of which may match."""
    typed = parsed.all_words()
    found = concepts(typed, lexicon)
    terms: list[str] = []
    phrases: list[list[str]] = []
    for concept in found:
        if concept.generic and len(found) > 1:
            continue  # "app", "add", "support": they match everything and say nothing
        for word in concept.words:
            terms += [word, *(w for w in spellings(word) if " " not in w)]
        for number in sorted(concept.groups):
            for member in lexicon.groups[number]:
                member_words = words(member)
                if len(member_words) == 1:
                    terms.append(member_words[0])
                    terms += [w for w in spellings(member_words[0]) if " " not in w]
                elif member_words:  # the phrase ranks first; its words reach other forms ("darker colour scheme")
                    phrases.append(member_words)
                    for word in member_words:
                        if word not in lexicon.generic:
                            terms += [word, *(w for w in spellings(word) if " " not in w)]
    terms = list(dict.fromkeys(terms)) or typed[:1]
    budget = MAX_EXPANDED - len(terms[:MAX_EXPANDED])
    kept_phrases = []
    for phrase in phrases:
        if len(phrase) <= budget and phrase not in kept_phrases:
            kept_phrases.append(phrase)
            budget -= len(phrase)
    return ParsedQuery(terms=terms[:MAX_EXPANDED], phrases=kept_phrases, type=parsed.type, category=parsed.category,
                       text=parsed.text)


# -- ranking -------------------------------------------------------------------------------------
def rerank(typed: list[str], hits: list[Hit], lexicon: Lexicon, limit: int) -> list[Hit]:
    """Order candidates by the share of the typed concepts their titles carry (rarer concepts weigh more),
    then by how well the title is covered, then by the backend's order. A title sharing too little (only
    generic words such as "app", or one word of many) is no duplicate and is dropped."""
    if not hits:
        return []
    scored = []
    by_language: dict[str, list[tuple[int, Hit]]] = {}
    for position, hit in enumerate(hits):  # each title is read in its own language (one language: one group)
        by_language.setdefault(languages.stemmed(hit.language), []).append((position, hit))
    for language, group in by_language.items():
        wanted = concepts(typed, lexicon, language)
        if not wanted:
            continue
        titles = [concepts(hit.title, lexicon, language) for _position, hit in group]
        matched = [[_found(q, title) for q in wanted] for title in titles]
        # rarity among the candidates: a concept every candidate shares ("thermostat") tells them apart less
        count = len(group)
        rarity = [math.log(1 + (count + 1) / (1 + sum(row[i] for row in matched))) for i in range(len(wanted))]
        weights = [q.weight * r for q, r in zip(wanted, rarity)]
        total = sum(weights) or 1.0
        content = sum(1 for q in wanted if not q.generic)
        for (position, hit), title, row in zip(group, titles, matched):
            shared = sum(1 for hit_, q in zip(row, wanted) if hit_ and not q.generic)
            if shared < MIN_SHARED and shared < MIN_SHARE * content:
                continue  # one word in common out of many ("local" in "sponsor the local football team") is chance
            coverage = sum(w for w, hit_ in zip(weights, row) if hit_) / total
            title_weight = sum(t.weight for t in title) or 1.0
            title_cover = sum(t.weight for t in title if any(_matches(q, t) for q in wanted)) / title_weight
            prior = 1.0 / (1 + position)
            scored.append((0.65 * coverage + 0.25 * title_cover + 0.1 * prior, -position, hit))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [hit for _score, _position, hit in scored[:limit]]


# -- the admins' groups ------------------------------------------------------------------------------
def admin_groups() -> list[tuple[str, ...]]:
    """The groups admins keep at /admin/synonyms, read once per change (shared by every worker)."""
    def load() -> list[tuple[str, ...]]:
        rows = db.session.scalars(sa.select(SearchSynonym.terms).order_by(SearchSynonym.id).limit(MAX_GROUPS))
        return [tuple(parse_group(terms)) for terms in rows]

    return pagecache.memo("search:synonyms", [SCOPE], load)


def lexicon() -> Lexicon:
    """Shipped groups plus the admins'; the community's and company's names say nothing about what is asked
    ("Acme bulbs" is about bulbs), so they weigh as little as "app"."""
    site = site_settings()
    others = tuple(code for code in languages.offered() if code != languages.DEFAULT)
    return _lexicon(tuple(thesaurus.GROUPS) + tuple(admin_groups()), (site.company_name, site.community_name), others)


@functools.lru_cache(maxsize=8)
def _lexicon(groups: tuple[tuple[str, ...], ...], names: tuple[str, ...], others: tuple[str, ...] = ()) -> Lexicon:
    return Lexicon.build(groups, names, others)

"""The query language a user types, read into a backend-neutral structure; nothing here can fail.

Words, "exact phrases", -excluded words and the filters category:, tag:, is:solved, is:unanswered,
type:question|idea, status:<idea or question status> and lang:<code> (also given as the URL's category=, tag=,
status=, language=). Everything else (unknown filters such as
`visibility:hidden` or `author_id:3`, `*`, lone operators, an unclosed quote, control characters)
is read as plain words, so no text a user types ever reaches an internal field.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_QUERY = 200      # characters read; the rest is ignored (parsers choke on huge tokens)
MAX_WORDS = 12       # words and phrase words together: a query is a question, not a document
MAX_WORD = 40        # a longer "word" is noise (a hash, a pasted blob)

THREAD_STATUSES = ("solved", "unanswered", "open", "closed")
IDEA_STATUSES = ("new", "under_review", "planned", "in_progress", "shipped", "declined", "duplicate")
TYPES = {"question": "question", "questions": "question", "idea": "idea", "ideas": "idea"}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SLUG = re.compile(r"[a-z0-9][a-z0-9+#.\-]{0,59}")
_FILTER = re.compile(r"(category|tag|is|type|status|lang|language):(.+)", re.IGNORECASE)
_FILTER_KEY = re.compile(r"(category|tag):", re.IGNORECASE)
_NAME = re.compile(r"[^\W_][\w+#.&'’/ \-]{0,59}")  # a category's name or slug as typed; never reaches a parser
URL_FILTERS = ("category", "tag", "status", "language")  # the /search URL's parameters, read as typed filters
_LANGUAGE = re.compile(r"[a-z]{2}")  # a language code (en, nl); forum/search/languages.py says which are stemmed


@dataclass
class ParsedQuery:
    terms: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    type: str | None = None          # "question" | "idea"
    status: str | None = None        # solved | unanswered | open | closed | an idea status
    language: str | None = None      # only posts written in this language (lang:nl, language=nl)
    prefer: str | None = None        # the reader's language: its posts rank first (set by the caller, not typed)
    text: str = ""                   # the cleaned text, echoed back in the search box
    # (filter, value) pairs a person typed that name nothing known (is:maybe, status:later); category: and tag:
    # values are checked against the database by forum/search/filters.py
    unknown: list[tuple[str, str]] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.terms or self.phrases)

    @property
    def has_filters(self) -> bool:
        return bool(self.category or self.tags or self.type or self.status or self.language)

    @property
    def is_empty(self) -> bool:
        return not (self.has_text or self.has_filters)

    def all_words(self) -> list[str]:
        return self.terms + [word for phrase in self.phrases for word in phrase]


def words(text: str) -> list[str]:
    """Lowercase word characters only: punctuation, operators and wildcards vanish."""
    return [word.lower() for word in _WORD.findall(text) if len(word) <= MAX_WORD]


def clean(text: object) -> str:
    """At most MAX_QUERY characters, with control and invisible characters turned into spaces."""
    if not isinstance(text, str):
        return ""
    return _CONTROL.sub(" ", text[:MAX_QUERY]).strip()


def parse(text: object, *, type: str | None = None, filters: Mapping[str, object] | None = None) -> ParsedQuery:
    """Read user text; `type` (from a tab or the API's type=) applies unless the text names one. `filters` are
    the URL's category=, tag= and status= values, read as if typed (`category:wifi`), before the text's own."""
    cleaned = clean(text)
    query = ParsedQuery(text=cleaned, type=TYPES.get((type or "").lower()))
    for key in URL_FILTERS:
        value = clean((filters or {}).get(key))[:60]
        if value:
            _apply_filter(query, key, value)
    pending = None  # `category:` right before a "quoted name" takes the name: category:"Wi-Fi and network"
    for token, quoted in _tokens(cleaned):
        if pending and quoted:
            _apply_filter(query, pending, token)
            pending = None
            continue
        pending = None
        if not quoted and (match := _FILTER_KEY.fullmatch(token)):
            pending = match.group(1).lower()
            continue
        if quoted:
            phrase = words(token)
            if len(phrase) > 1:
                query.phrases.append(phrase)
            else:
                query.terms += phrase
        elif token.startswith("-") and len(token) > 1 and (excluded := words(token[1:])):
            query.excluded += excluded
        elif not ((match := _FILTER.fullmatch(token)) and _apply_filter(query, match.group(1), match.group(2))):
            query.terms += words(token)
    _cap(query)
    return query


def _tokens(text: str):
    """Whitespace-separated tokens and "quoted phrases"; an unclosed quote is ordinary text."""
    pos, length = 0, len(text)
    while pos < length:
        if text[pos].isspace():
            pos += 1
            continue
        if text[pos] in '"“”':
            end = min((i for i in (text.find(q, pos + 1) for q in '"“”') if i != -1), default=-1)
            if end != -1:
                yield text[pos + 1:end], True
                pos = end + 1
                continue
            pos += 1  # unclosed: drop the quote, read the rest as words
            continue
        end = pos
        while end < length and not text[end].isspace() and text[end] not in '"“”':
            end += 1
        yield text[pos:end], False
        pos = end


def _apply_filter(query: ParsedQuery, key: str, value: str) -> bool:
    """Apply one filter; a value no filter of that name could take is kept in `unknown`, to be named back to the
    person ("No status called 'later'") rather than silently searched as words."""
    key, value = key.lower(), " ".join(value.lower().split())
    if key == "category" and _NAME.fullmatch(value):
        query.category = value  # a slug, a name or a word of it: forum/search/filters.py finds which category
    elif key == "tag" and _SLUG.fullmatch(value.lstrip("#")) and len(query.tags) < 5:
        query.tags.append(value.lstrip("#"))
    elif key == "is" and value in ("solved", "unanswered", "open", "closed"):
        query.status = value
    elif key in ("lang", "language") and _LANGUAGE.fullmatch(value):
        query.language = value
    elif key == "type" and value in TYPES:
        query.type = TYPES[value]
    elif key == "status" and value.replace("-", "_").replace(" ", "_") in THREAD_STATUSES + IDEA_STATUSES:
        query.status = value.replace("-", "_").replace(" ", "_")
    elif value and _NAME.fullmatch(value) and len(query.unknown) < 3:
        query.unknown.append((key, value))
    else:
        return False
    return True


def _cap(query: ParsedQuery) -> None:
    """Deduplicate and bound the work a query can ask for."""
    query.terms = list(dict.fromkeys(query.terms))[:MAX_WORDS]
    budget = MAX_WORDS - len(query.terms)
    phrases = []
    for phrase in query.phrases:
        if budget <= 0:
            break
        phrases.append(phrase[:budget])
        budget -= len(phrases[-1])
    query.phrases = [phrase for phrase in phrases if len(phrase) > 1]
    query.excluded = list(dict.fromkeys(query.excluded))[:5]

"""What views, the API and other domains call: search, similar titles, reindex and its check."""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app

from forum import content_language
from forum.policy import Policy
from forum.search import documents, languages, queue, synonyms
from forum.search.backend import Hit, SearchBackend
from forum.search.filters import FilterNotice
from forum.search.filters import resolve as resolve_filters
from forum.search.query import ParsedQuery, parse

PER_PAGE = 20
SIMILAR_CANDIDATES = 40  # the backend's best matches that the similar-titles hints re-rank by meaning
MAX_PAGE = 25  # 500 hits deep is enough for anyone; deeper pages only cost (Whoosh counts to 500)
TYPES = {"questions": "question", "question": "question", "ideas": "idea", "idea": "idea"}


@dataclass
class SearchPage:
    items: list[Hit]
    page: int
    per_page: int
    total: int
    query: ParsedQuery
    type: str | None = None   # "questions" | "ideas" | None for both
    notices: list[FilterNotice] = field(default_factory=list)  # filter values that name nothing (filters.py)

    @property
    def pages(self) -> int:
        return max(1, min(MAX_PAGE, math.ceil(self.total / self.per_page)))


@dataclass
class CheckReport:
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.error)


def get_backend() -> SearchBackend:
    backend: SearchBackend = current_app.extensions["search"]
    return backend


def tab_for(type_arg: Any) -> str | None:
    """The tab a type= argument names ("questions" | "ideas"), or None for everything."""
    kind = TYPES.get(str(type_arg or "").lower())
    return {"question": "questions", "idea": "ideas"}.get(kind or "")


def search(text: Any, *, viewer: Any, type: Any = None, page: int = 1, per_page: int = PER_PAGE,
           filters: Mapping[str, Any] | None = None) -> SearchPage:
    """Ranked hits the viewer may see; hidden threads and merged or hidden ideas only for moderators.
    `filters`: the URL's category=, tag=, status=, read like the typed words; a value naming nothing is dropped
    and explained in `notices`."""
    tab = tab_for(type)
    parsed = parse(text, type=TYPES.get(tab or ""), filters=filters)
    reader = content_language.reader_language()
    parsed.prefer = languages.stemmed(reader) if reader else None  # the reader's language ranks first
    notices = resolve_filters(parsed)
    page = max(1, min(page, MAX_PAGE))
    if parsed.is_empty:
        return SearchPage([], 1, per_page, 0, parsed, tab, notices)
    queue.catch_up()
    results = get_backend().query(parsed, include_hidden=Policy(viewer).can_view_hidden(),
                                  offset=(page - 1) * per_page, limit=per_page)
    return SearchPage(results.hits, page, per_page, results.total, parsed, tab, notices)


def similar(text: Any, *, viewer: Any, type: str | None = "question", limit: int = 5,
            catch_up: bool = True) -> list[Hit]:
    """Titles that mean what the one being typed means: the query is widened with word forms, spellings and
    synonyms (search/synonyms.py), any of them may match, and the candidates are re-ranked by shared meaning.
    `catch_up=False` reads the index as it is (a page that must not write, such as the staff pickers)."""
    parsed = parse(text, type=type)
    parsed.status = None
    if not parsed.has_text:
        return []
    if catch_up:
        queue.catch_up()
    lexicon = synonyms.lexicon()
    wide = synonyms.expand(parsed, lexicon)
    candidates = get_backend().query(wide, include_hidden=Policy(viewer).can_view_hidden(), offset=0,
                                     limit=max(SIMILAR_CANDIDATES, limit), match_any=True).hits
    return synonyms.rerank(parsed.all_words(), candidates, lexicon, limit)


def reindex(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database; returns the number of documents.

    Queue rows present when it starts are done by it and deleted at the end; rows queued meanwhile stay
    for the next drain (their write may have committed after the rebuild read that document).
    """
    backend = get_backend()
    with (queue.connect() as conn,  # its own connection, deferred: a long read must not block the writers
          backend.exclusive(conn, wait=queue.REBUILD_WAIT) as held):  # drains skip quietly meanwhile
        if not held:
            raise RuntimeError("another process is indexing the search queue; try again in a minute")
        seen = queue.queued_ids(conn)
        count = backend.rebuild(documents.all_documents(conn), progress)
        conn.rollback()
        queue.forget(conn, seen)
    return count


def drain_pending() -> int:
    """Index every queued document now (waiting for another drainer); returns the queue rows done."""
    return queue.drain(wait=queue.REBUILD_WAIT)


def count_pending() -> int:
    with queue.connect() as conn:
        return queue.count(conn)


def count_documents() -> int:
    with queue.connect() as conn:
        return documents.count_all(conn)


def check() -> CheckReport:
    """Compare what the database implies with what the index holds."""
    report = CheckReport()
    queue.drain(wait=queue.REBUILD_WAIT)  # queued documents are late, not wrong: compare what the queue leaves
    try:
        stored = get_backend().digests()
    except Exception as error:  # noqa: BLE001 - a missing or damaged index: everything is missing
        stored = {}
        report.error = f"the index cannot be read ({type(error).__name__}: {error})"[:300]
    with queue.connect() as conn:
        expected = {doc.doc_id: doc.digest for doc in documents.all_documents(conn)}
    report.missing = sorted(doc_id for doc_id in expected if doc_id not in stored)
    report.stale = sorted(doc_id for doc_id, digest in expected.items()
                          if doc_id in stored and stored[doc_id] != digest)
    report.extra = sorted(doc_id for doc_id in stored if doc_id not in expected)
    return report

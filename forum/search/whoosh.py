"""The default backend: a Whoosh index on local disk, for one machine with a few worker processes.

Queries are built as Whoosh query objects from the parsed structure (never through Whoosh's
QueryParser), hidden documents are masked unless the caller may see them, and writers wait for
the index's single lock (bounded) so concurrent workers neither lose updates nor corrupt the index.
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from whoosh import index, writing
from whoosh.analysis import Analyzer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, AndMaybe, AndNot, Every, Or, Phrase, Query, Term

from forum.markup import mark_spans, sanitize_snippet
from forum.search import languages
from forum.search.backend import HIDDEN, Document, Hit, Results
from forum.search.query import ParsedQuery

log = logging.getLogger(__name__)

MAX_COUNT = 500           # totals are exact up to here (25 pages); Whoosh counts by walking every match
WRITE_TIMEOUT = 30.0      # seconds a writer waits for the lock before giving up (reindex repairs)
DRAIN_WRITE_TIMEOUT = 5.0  # a queue drain gives up sooner (a reindex holds the lock for minutes); rows stay queued
MAX_SEGMENTS = 12         # a drain commits without merging until the index has this many segments
# Segments as plain files, not one compound file: Whoosh reads every file it opens out of a compound segment
# into a private BytesIO copy (anonymous memory in each worker, per searcher: the length columns alone were
# 9 MB at 100,000 posts), while a plain file is read through the page cache that all workers share.
COMPOUND = False
OPEN_ATTEMPTS = 5         # reads of the newest table of contents while other workers commit
PREFERRED_LANGUAGE_BOOST = 20.0  # outweighs a title match: the reader's own language comes first
SNIPPET_SIZE = 240        # characters of body text shown around the first match


def schema() -> Schema:
    analyzer = StemmingAnalyzer()
    return Schema(
        **_language_fields(),
        doc_id=ID(stored=True, unique=True),
        type=ID(stored=True),
        object_id=NUMERIC(stored=True, sortable=True, bits=64),
        # Matching runs on `content` alone (title, text, tags, category): intersecting single-field postings
        # is several times faster in Whoosh than intersecting per-word unions of fields. `title` only adds
        # score to documents that already match, which ranks title matches first.
        content=TEXT(analyzer=analyzer),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        body=STORED(),  # for snippets
        tags=KEYWORD(commas=True, lowercase=True, stored=True),
        category=ID(stored=True),
        status=ID(stored=True),
        visibility=ID(stored=True),
        url=STORED(),
        digest=STORED(),
        language=ID(stored=True),
    )


def _language_fields() -> dict:
    """A `content_<code>` and `title_<code>` per non-English language search can stem (English uses `content`
    and `title`), each analysed in its language. Empty fields cost nothing, so a language added to the site
    later needs no new schema."""
    fields = {}
    for code in languages.POSTGRES_CONFIGS:
        if code != languages.DEFAULT:
            analyzer = languages.whoosh_analyzer(code)
            fields[languages.whoosh_field("content", code)] = TEXT(analyzer=analyzer)
            fields[languages.whoosh_field("title", code)] = TEXT(analyzer=analyzer, field_boost=2.0)
    return fields


class WhooshBackend:
    name = "whoosh"

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._analyzers: dict[str, Analyzer] = {}  # language code -> analyzer, made on first use
        self._local = threading.local()  # a searcher per thread, refreshed when the index changes

    def _searcher(self):
        """The cached searcher while the index is unchanged; a new one after any commit.

        Not Searcher.refresh(): it reuses segment readers and so misses deletions in them.
        """
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None and searcher._ix.latest_generation() == searcher.reader().generation():
            return searcher
        self._drop_searcher()
        searcher = self._local.searcher = self._open(create=False).searcher()
        return searcher

    def _drop_searcher(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        self._local.searcher = None
        if searcher is not None:
            with contextlib.suppress(Exception):  # closing a searcher whose files are gone: nothing left to free
                searcher.close()

    # -- opening -------------------------------------------------------------------------------
    @contextmanager
    def _create_lock(self):
        """Creating an index clears the directory: only one process may do it, once."""
        os.makedirs(self.directory, exist_ok=True)
        with open(os.path.join(self.directory, ".create.lock"), "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _open(self, create: bool = True):
        existing = self._open_existing()
        if existing is not None:
            return existing
        if not create:
            raise FileNotFoundError(f"no search index in {self.directory}")
        with self._create_lock():
            if not index.exists_in(self.directory):
                return index.create_in(self.directory, schema())
        return self._open_existing()

    def _open_existing(self):
        """Another worker's commit deletes the previous generation's table of contents, so the one just
        found may be gone when it is read: read the newest again, a few times, before giving up."""
        for attempt in range(OPEN_ATTEMPTS):
            try:
                if not index.exists_in(self.directory):
                    return None
                return self._with_current_schema(index.open_dir(self.directory))
            except FileNotFoundError:
                if attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        return None

    def _with_current_schema(self, ix):
        """An index made before a field existed (the languages' fields, 0020) gets it added once, in place;
        documents indexed before keep their English stems and are rewritten by the next reindex."""
        missing = [(name, field) for name, field in schema().items() if name not in ix.schema]
        if not missing:
            return ix
        writer = ix.writer(timeout=WRITE_TIMEOUT, delay=0.02)
        try:
            for name, field in missing:
                if name not in writer.schema:  # another worker added it while this one waited for the lock
                    writer.add_field(name, field)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(merge=False)
        return index.open_dir(self.directory)

    # -- writing -------------------------------------------------------------------------------
    def _fields(self, doc: Document) -> dict:
        """The text goes into its own language's fields; the stored `title` is always there for hits."""
        code = languages.stemmed(doc.language)
        fields = {"doc_id": doc.doc_id, "type": doc.type, "object_id": doc.object_id, "title": doc.title,
                  languages.whoosh_field("content", code): f"{doc.title}\n{doc.body}\n{doc.tag_text}",
                  "body": doc.body, "tags": ",".join(doc.tags), "category": doc.category, "status": doc.status,
                  "visibility": doc.visibility, "url": doc.url, "digest": doc.digest, "language": code}
        if code != languages.DEFAULT:
            fields[languages.whoosh_field("title", code)] = doc.title
            fields["title"], fields["_stored_title"] = "", doc.title  # stored for hits, never stemmed as English
        return fields

    def index(self, documents: Iterable[Document]) -> None:
        documents = list(documents)
        if documents:
            self._write(lambda writer: [writer.update_document(**self._fields(doc)) for doc in documents])

    def remove(self, doc_ids: Iterable[str]) -> None:
        doc_ids = list(doc_ids)
        if doc_ids:
            self._write(lambda writer: [writer.delete_by_term("doc_id", doc_id) for doc_id in doc_ids])

    def _write(self, change: Callable) -> None:
        """Wait for the single writer lock (other workers hold it for milliseconds), then commit."""
        writer = self._open().writer(timeout=WRITE_TIMEOUT, delay=0.02, compound=COMPOUND)
        try:
            change(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    @contextmanager
    def exclusive(self, conn, wait: float) -> Iterator[bool]:
        """One queue drainer at a time across processes and threads (flock is per open file), so a drainer
        never writes a document built before another drainer's newer one; yields False when not had in time."""
        os.makedirs(self.directory, exist_ok=True)
        with open(os.path.join(self.directory, ".drain.lock"), "w") as handle:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.01)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def apply(self, conn, documents: dict[str, Document | None]) -> None:
        """Write a drained batch in one commit: update each document, delete those whose row is gone.

        No merge on most commits: merging rewrote the big segment inside the request and was most of the
        cost of posting. Small segments are merged (MERGE_SMALL) once there are MAX_SEGMENTS of them.
        """
        if not documents:
            return
        writer = self._open().writer(timeout=DRAIN_WRITE_TIMEOUT, delay=0.02, compound=COMPOUND)
        try:
            for doc_id, doc in documents.items():
                if doc is None:
                    writer.delete_by_term("doc_id", doc_id)
                else:
                    writer.update_document(**self._fields(doc))
        except BaseException:
            writer.cancel()
            raise
        if len(writer.segments) >= MAX_SEGMENTS:
            writer.commit(mergetype=writing.MERGE_SMALL)
        else:
            writer.commit(merge=False)

    def rebuild(self, documents: Iterable[Document], progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index in one commit; a damaged index is wiped and created afresh."""
        try:
            ix = self._open()
            ix.doc_count()
        except Exception:  # unreadable: start over
            log.warning("search index in %s unreadable; recreating it", self.directory, exc_info=True)
            with self._create_lock():
                for name in os.listdir(self.directory):
                    path = os.path.join(self.directory, name)
                    if name not in (".create.lock", ".drain.lock"):  # held by this rebuild and by waiters
                        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
                ix = index.create_in(self.directory, schema())
        writer = ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, limitmb=256, compound=COMPOUND)
        count = 0
        try:
            for doc in documents:
                writer.add_document(**self._fields(doc))
                count += 1
                if progress is not None:
                    progress(1)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=writing.CLEAR)  # drops every older segment in the same atomic commit
        return count

    def digests(self) -> dict[str, str]:
        ix = self._open(create=False)
        with ix.searcher() as searcher:
            return {fields["doc_id"]: fields.get("digest", "") for fields in searcher.all_stored_fields()}

    # -- reading -------------------------------------------------------------------------------
    def _stems(self, word: str, code: str = languages.DEFAULT) -> list[str]:
        analyzer = self._analyzers.get(code)
        if analyzer is None:
            analyzer = self._analyzers[code] = languages.whoosh_analyzer(code)
        return [token.text for token in analyzer(word)]

    def _all_stems(self, word: str) -> set[str]:
        return {stem for code in languages.offered() for stem in self._stems(word, code)}

    def _word_query(self, word: str, field: str = "content") -> Query | None:
        """The word's stems in each offered language, each looked up in that language's field."""
        terms = [Term(languages.whoosh_field(field, code), stem)
                 for code in languages.offered() for stem in dict.fromkeys(self._stems(word, code))]
        if not terms:
            return None  # a stop word alone matches nothing useful
        return terms[0] if len(terms) == 1 else Or(terms)

    def _phrase_query(self, words: list[str]) -> Query | None:
        options: list[Query] = []
        for code in languages.offered():
            field = languages.whoosh_field("content", code)
            stems = [stem for word in words for stem in self._stems(word, code)]
            if stems:
                options.append(Term(field, stems[0]) if len(stems) == 1 else Phrase(field, stems))
        if not options:
            return None
        return options[0] if len(options) == 1 else Or(options)

    def build_query(self, parsed: ParsedQuery, match_any: bool = False, boost_title: bool = True) -> Query | None:
        parts = [q for q in (self._word_query(w) for w in parsed.terms) if q is not None]
        parts += [q for q in (self._phrase_query(p) for p in parsed.phrases) if q is not None]
        title = [q for q in (self._word_query(w, "title") for w in parsed.all_words()) if q is not None]
        filters: list[Query] = []
        if parsed.type:
            filters.append(Term("type", parsed.type))
        if parsed.category:
            filters.append(Term("category", parsed.category))
        filters += [Term("tags", tag) for tag in parsed.tags]
        if parsed.status:
            filters.append(Term("status", parsed.status))
        if parsed.language:
            filters.append(Term("language", parsed.language))
        if parts:
            text: Query = Or(parts) if match_any else And(parts)
            text = AndMaybe(text, Or(title)) if title and boost_title else text
            if parsed.prefer and boost_title and not parsed.language:  # the reader's language ranks first
                text = AndMaybe(text, Term("language", parsed.prefer, boost=PREFERRED_LANGUAGE_BOOST))
        elif filters and not parsed.has_text:
            text = Every()
        else:
            return None  # only stop words or symbols: nothing to look for
        query = And([text, *filters]) if filters else text
        excluded = [q for q in (self._word_query(w) for w in parsed.excluded) if q is not None]
        return AndNot(query, Or(excluded)) if excluded else query

    def query(self, parsed: ParsedQuery, *, include_hidden: bool, offset: int, limit: int,
              match_any: bool = False) -> Results:
        query = self.build_query(parsed, match_any)
        if query is None:
            return Results([], 0)
        mask = None if include_hidden else Term("visibility", HIDDEN)
        try:
            searcher = self._searcher()
            sort = {} if parsed.has_text else {"sortedby": "object_id", "reverse": True}
            results = searcher.search(query, limit=offset + limit, mask=mask, **sort)
            stems = frozenset(stem for word in parsed.all_words() for stem in self._all_stems(word))
            hits = [self._hit(hit, stems) for hit in results[offset:offset + limit]]
            total = self._count(searcher, self.build_query(parsed, match_any, boost_title=False), mask, results)
            return Results(hits, total)
        except Exception:  # a missing or damaged index answers nothing; `flask forum reindex` repairs it
            log.exception("search index in %s unreadable", self.directory)
            self._drop_searcher()
            return Results([], 0)

    @staticmethod
    def _count(searcher, query: Query, mask: Query | None, results) -> int:
        """Exact up to MAX_COUNT: Whoosh counts by walking every match, which costs more than the search."""
        scored: int = results.scored_length()
        if scored < len(results.top_n) or not results.top_n:
            return scored
        hidden = set(searcher.docs_for_query(mask)) if mask is not None else set()
        count = 0
        for subsearcher, offset in searcher.leaf_searchers():  # walk matchers lazily: all_ids() builds sets
            matcher = query.matcher(subsearcher, subsearcher.boolean_context())
            while matcher.is_active() and count < MAX_COUNT:
                if matcher.id() + offset not in hidden:
                    count += 1
                matcher.next()
        return count

    def _hit(self, hit, stems: frozenset[str]) -> Hit:
        return Hit(type=hit["type"], id=hit["object_id"], title=hit["title"],
                   snippet=sanitize_snippet(mark_spans(*snippet(hit.get("body", ""), stems))), status=hit.get("status", ""),
                   url=hit["url"], score=hit.score or 0.0, language=hit.get("language") or languages.DEFAULT)


def snippet(text: str, stems: frozenset[str], size: int = SNIPPET_SIZE) -> tuple[str, list[tuple[int, int]]]:
    """The text around the first match, and the spans of every word in it starting with a query stem: markup.py
    marks them (escaping the rest) and its sanitizer cleans the result, as for PostgreSQL's ts_headline.

    A regex over one short window: Whoosh's own highlighter re-analyzes the text and cost more
    than the search itself (20 ms a page at 100,000 posts).
    """
    pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, stems), key=len, reverse=True)) + r")\w*",
                         re.IGNORECASE) if stems else None
    match = pattern.search(text) if pattern is not None else None
    start = max(0, match.start() - size // 4) if match else 0
    if start:
        start = text.find(" ", start) + 1 or start  # begin on a word
    window = text[start:start + size]
    if start + size < len(text):
        window = window.rsplit(" ", 1)[0] + " …"
    if start:
        window = "… " + window
    return window, [found.span() for found in pattern.finditer(window)] if pattern is not None else []

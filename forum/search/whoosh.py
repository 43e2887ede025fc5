"""The default backend: a Whoosh index on local disk, for one machine with a few worker processes.

Queries are built as Whoosh query objects from the parsed structure (never through Whoosh's
QueryParser), hidden documents are masked unless the caller may see them, and writers wait for
the index's single lock (bounded) so concurrent workers neither lose updates nor corrupt the index.
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from markupsafe import escape
from whoosh import highlight, index, writing
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.query import And, AndNot, Every, Or, Phrase, Query, Term

from forum.markup import plain_text, sanitize_snippet
from forum.search.backend import HIDDEN, Document, Hit, Results
from forum.search.query import ParsedQuery

log = logging.getLogger(__name__)

WRITE_TIMEOUT = 30.0      # seconds a writer waits for the lock before giving up (reindex repairs)
SNIPPET_SOURCE = 6_000    # characters of the body the highlighter reads


def schema() -> Schema:
    analyzer = StemmingAnalyzer()
    return Schema(
        doc_id=ID(stored=True, unique=True),
        type=ID(stored=True),
        object_id=NUMERIC(stored=True, sortable=True, bits=64),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=3.0),
        body=TEXT(analyzer=analyzer, stored=True),
        meta=TEXT(analyzer=analyzer, field_boost=1.5),  # tags, category slug and name
        tags=KEYWORD(commas=True, lowercase=True, stored=True),
        category=ID(stored=True),
        status=ID(stored=True),
        visibility=ID(stored=True),
        url=STORED(),
        digest=STORED(),
    )


class WhooshBackend:
    name = "whoosh"

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self._analyzer = StemmingAnalyzer()

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
        if index.exists_in(self.directory):
            return index.open_dir(self.directory)
        if not create:
            raise FileNotFoundError(f"no search index in {self.directory}")
        with self._create_lock():
            if not index.exists_in(self.directory):
                return index.create_in(self.directory, schema())
        return index.open_dir(self.directory)

    # -- writing -------------------------------------------------------------------------------
    def _fields(self, doc: Document) -> dict:
        return {"doc_id": doc.doc_id, "type": doc.type, "object_id": doc.object_id, "title": doc.title,
                "body": doc.body, "meta": doc.tag_text, "tags": ",".join(doc.tags), "category": doc.category,
                "status": doc.status, "visibility": doc.visibility, "url": doc.url, "digest": doc.digest}

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
        writer = self._open().writer(timeout=WRITE_TIMEOUT, delay=0.02)
        try:
            change(writer)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

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
                    if name != ".create.lock":
                        shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
                ix = index.create_in(self.directory, schema())
        writer = ix.writer(timeout=WRITE_TIMEOUT, delay=0.05, limitmb=256)
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
    def _stems(self, word: str) -> list[str]:
        return [token.text for token in self._analyzer(word)]

    def _word_query(self, word: str) -> Query | None:
        parts: list[Query] = [Term("tags", word)]
        for stem in self._stems(word):
            parts += [Term("title", stem), Term("body", stem), Term("meta", stem)]
        return Or(parts) if len(parts) > 1 else None  # a stop word alone matches nothing useful

    def _phrase_query(self, words: list[str]) -> Query | None:
        stems = [stem for word in words for stem in self._stems(word)]
        if not stems:
            return None
        if len(stems) == 1:
            return Or([Term("title", stems[0]), Term("body", stems[0])])
        return Or([Phrase("title", stems), Phrase("body", stems)])

    def build_query(self, parsed: ParsedQuery, match_any: bool = False) -> Query | None:
        parts = [q for q in (self._word_query(w) for w in parsed.terms) if q is not None]
        parts += [q for q in (self._phrase_query(p) for p in parsed.phrases) if q is not None]
        filters: list[Query] = []
        if parsed.type:
            filters.append(Term("type", parsed.type))
        if parsed.category:
            filters.append(Term("category", parsed.category))
        filters += [Term("tags", tag) for tag in parsed.tags]
        if parsed.status:
            filters.append(Term("status", parsed.status))
        if parts:
            text: Query = Or(parts) if match_any else And(parts)
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
            with self._open(create=False).searcher() as searcher:
                sort = {} if parsed.has_text else {"sortedby": "object_id", "reverse": True}
                results = searcher.search(query, limit=offset + limit, mask=mask, terms=True, **sort)
                results.fragmenter = highlight.ContextFragmenter(maxchars=220, surround=60)
                results.formatter = highlight.HtmlFormatter(tagname="mark", between=" … ")
                hits = [self._hit(hit) for hit in results[offset:offset + limit]]
                return Results(hits, len(results))
        except Exception:  # a missing or damaged index answers nothing; `flask forum reindex` repairs it
            log.exception("search index in %s unreadable", self.directory)
            return Results([], 0)

    def _hit(self, hit) -> Hit:
        body = hit.get("body", "")[:SNIPPET_SOURCE]
        snippet = hit.highlights("body", text=body, top=2) if body else ""
        if not snippet:
            snippet = str(escape(plain_text(body, 220)))
        return Hit(type=hit["type"], id=hit["object_id"], title=hit["title"], snippet=sanitize_snippet(snippet),
                   status=hit.get("status", ""), url=hit["url"], score=hit.score or 0.0)

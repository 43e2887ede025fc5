"""The many-servers backend: the search_documents table in PostgreSQL (tsvector, GIN, websearch_to_tsquery).

The query text handed to websearch_to_tsquery is rebuilt from the parsed structure (plain words,
quoted phrases, -words), so filters and visibility are SQL conditions no typed syntax can reach.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from forum.clock import utcnow
from forum.markup import sanitize_snippet
from forum.search import languages
from forum.search.backend import PUBLIC, Document, Hit, Results
from forum.search.query import ParsedQuery

PREFERRED_LANGUAGE_FACTOR = 10  # ts_rank is at most about 1: ten times ranks the reader's language first
BATCH = 500
SNIPPET_SOURCE = 6_000
CANDIDATES = 500  # a search ranks its newest this many matches only (as deep as the search page goes)
DRAIN_LOCK = 0x5EA2C4  # the advisory lock key one queue drainer holds at a time, across every server

# each document is stemmed in its own language's configuration (:config, from forum/search/languages.py)
_TSV = ("setweight(to_tsvector(CAST(:config AS regconfig), :title), 'A') "
        "|| setweight(to_tsvector(CAST(:config AS regconfig), :body), 'B') "
        "|| setweight(to_tsvector(CAST(:config AS regconfig), :meta), 'C')")
_UPSERT = sa.text(
    "INSERT INTO search_documents (doc_id, type, object_id, title, body, category, tags, status, language,"
    " visibility, url, digest, updated_at, tsv) VALUES (:doc_id, :type, :object_id, :title, :body, :category,"
    f" :tags, :status, :language, :visibility, :url, :digest, :updated_at, {_TSV})"
    " ON CONFLICT (doc_id) DO UPDATE SET type = EXCLUDED.type, language = EXCLUDED.language,"
    " object_id = EXCLUDED.object_id, title = EXCLUDED.title, body = EXCLUDED.body, category = EXCLUDED.category,"
    " tags = EXCLUDED.tags, status = EXCLUDED.status, visibility = EXCLUDED.visibility, url = EXCLUDED.url,"
    " digest = EXCLUDED.digest, updated_at = EXCLUDED.updated_at, tsv = EXCLUDED.tsv")
_HEADLINE_OPTIONS = ('StartSel=<mark>, StopSel=</mark>, MaxWords=35, MinWords=15, MaxFragments=2, '
                     'FragmentDelimiter=" … "')


def _tsquery() -> str:
    """The query in every offered language's configuration, OR-ed: a document's tsvector holds its own
    language's stems, so it matches through that language's reading of the words. English alone is the query
    the index was always asked."""
    return " || ".join(f"websearch_to_tsquery('{languages.POSTGRES_CONFIGS[code]}', :q)"
                       for code in languages.offered())


def _preference(column: str, prefer: str | None) -> str:
    """A factor on a match's rank that puts the reader's language first; a factor, not a sort key, so every page
    of results stays a slice of one ordering."""
    return f"(CASE WHEN {column} = :prefer THEN {PREFERRED_LANGUAGE_FACTOR} ELSE 1 END)" if prefer else "1"


def websearch_text(parsed: ParsedQuery, match_any: bool = False) -> str:
    """Sanitized words and phrases in websearch syntax; exclusions only when something is searched."""
    parts = list(parsed.terms) + ['"' + " ".join(phrase) + '"' for phrase in parsed.phrases]
    text = (" or " if match_any else " ").join(parts)
    if text and parsed.excluded:
        text += " " + " ".join(f"-{word}" for word in parsed.excluded)
    return text


class PostgresBackend:
    name = "postgres"

    def __init__(self, engine: sa.Engine | Callable[[], sa.Engine]) -> None:
        self._engine = engine

    @property
    def engine(self) -> sa.Engine:
        return self._engine() if callable(self._engine) else self._engine

    @staticmethod
    def _params(doc: Document) -> dict[str, Any]:
        return {"doc_id": doc.doc_id, "type": doc.type, "object_id": doc.object_id, "title": doc.title,
                "body": doc.body, "category": doc.category, "tags": " ".join(doc.tags), "status": doc.status,
                "visibility": doc.visibility, "url": doc.url, "digest": doc.digest, "updated_at": utcnow(),
                "meta": doc.tag_text, "language": languages.stemmed(doc.language),
                "config": languages.POSTGRES_CONFIGS[languages.stemmed(doc.language)]}

    def index(self, documents: Iterable[Document]) -> None:
        rows = [self._params(doc) for doc in documents]
        if rows:
            with self.engine.begin() as conn:  # its own transaction: the caller's has committed already
                conn.execute(_UPSERT, rows)

    def remove(self, doc_ids: Iterable[str]) -> None:
        doc_ids = list(doc_ids)
        if doc_ids:
            with self.engine.begin() as conn:
                conn.execute(sa.text("DELETE FROM search_documents WHERE doc_id = ANY(:ids)"), {"ids": doc_ids})

    @contextmanager
    def exclusive(self, conn: sa.Connection, wait: float) -> Iterator[bool]:
        """One queue drainer at a time on every server sharing the database (a session advisory lock on the
        drainer's connection), so an older document never overwrites a newer one; False when not had in time."""
        deadline = time.monotonic() + wait
        while not conn.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": DRAIN_LOCK}).scalar():
            conn.commit()
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(0.01)
        conn.commit()
        try:
            yield True
        finally:
            conn.rollback()  # a failed batch leaves the transaction aborted; the unlock needs a live one
            conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": DRAIN_LOCK})
            conn.commit()

    def apply(self, conn: sa.Connection, documents: dict[str, Document | None]) -> None:
        """Write a drained batch on the drainer's connection: it commits together with the queue rows' delete."""
        rows = [self._params(doc) for doc in documents.values() if doc is not None]
        gone = [doc_id for doc_id, doc in documents.items() if doc is None]
        if rows:
            conn.execute(_UPSERT, rows)
        if gone:
            conn.execute(sa.text("DELETE FROM search_documents WHERE doc_id = ANY(:ids)"), {"ids": gone})

    def rebuild(self, documents: Iterable[Document], progress: Callable[[int], None] | None = None) -> int:
        """Replace every row in one transaction, so searches see the old index until the new one is whole."""
        count, batch = 0, []
        with self.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM search_documents"))
            for doc in documents:
                batch.append(self._params(doc))
                if len(batch) >= BATCH:
                    conn.execute(_UPSERT, batch)
                    count, batch = count + len(batch), []
                    if progress is not None:
                        progress(BATCH)
            if batch:
                conn.execute(_UPSERT, batch)
                count += len(batch)
                if progress is not None:
                    progress(len(batch))
        return count

    def digests(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.text("SELECT doc_id, digest FROM search_documents")).tuples().all())

    def query(self, parsed: ParsedQuery, *, include_hidden: bool, offset: int, limit: int,
              match_any: bool = False) -> Results:
        text = websearch_text(parsed, match_any)
        if not text and not (parsed.has_filters and not parsed.has_text):
            return Results([], 0)
        where, params = [], {"q": text, "limit": limit, "offset": offset}
        if text:
            where.append("tsv @@ query")
        if not include_hidden:
            where.append(f"visibility = '{PUBLIC}'")
        for key in ("type", "category", "status", "language"):
            if getattr(parsed, key):
                where.append(f"{key} = :{key}")
                params[key] = getattr(parsed, key)
        for n, tag in enumerate(parsed.tags):
            where.append(f"(' ' || tags || ' ') LIKE :tag{n}")
            params[f"tag{n}"] = f"% {tag} %"
        conditions = " AND ".join(where) or "TRUE"
        prefer = parsed.prefer if not parsed.language else None
        if prefer:
            params["prefer"] = prefer
        if match_any:
            # Similar titles rank every match, as before: the best match may be an old thread.
            ranked = (f"SELECT doc_id, object_id, ts_rank(tsv, query) * {_preference('language', prefer)} AS rank, "
                      f"count(*) OVER () AS total FROM search_documents, q WHERE {conditions} "
                      f"ORDER BY rank DESC, object_id DESC, doc_id DESC LIMIT :limit OFFSET :offset")
        else:
            # ts_rank reads each match's tsvector out of TOAST: ranking every match of a word found in most
            # documents cost 100 ms. Instead, count the matches and pick the newest CANDIDATES on narrow rows
            # (no tsvector; the filters apply here, so the total stays exact) and rank only those. Pages past
            # the candidates continue newest first, so every page is a slice of one ordering. A query with
            # CANDIDATES matches or fewer ranks exactly as before.
            params.update(depth=max(CANDIDATES, offset + limit), candidates=CANDIDATES)
            rank = (f"CASE WHEN m.age <= :candidates THEN ts_rank(d.tsv, q.query) * {_preference('d.language', prefer)}"
                    " END" if text else "0::real")
            ranked = (f"WITH matches AS (SELECT doc_id, object_id, count(*) OVER () AS total "
                      f"FROM search_documents, q WHERE {conditions} "
                      f"ORDER BY object_id DESC, doc_id DESC LIMIT :depth) "
                      f"SELECT m.doc_id, m.object_id, m.total, {rank} AS rank "
                      f"FROM (SELECT *, row_number() OVER (ORDER BY object_id DESC, doc_id DESC) AS age "
                      f"FROM matches) m JOIN search_documents d ON d.doc_id = m.doc_id, q "
                      f"ORDER BY rank DESC NULLS LAST, m.object_id DESC, m.doc_id DESC LIMIT :limit OFFSET :offset")
        # Titles and snippets for the page only: carrying the body through the window aggregate spilled
        # 17,000 wide rows to disk on a common word. q is MATERIALIZED: a planner that sees the tsquery
        # picks a sequential scan for a common word, which reads every tsvector to test it.
        sql = sa.text(
            f"WITH q AS MATERIALIZED (SELECT {_tsquery()} AS query), ranked AS ({ranked}) "
            f"SELECT d.doc_id, d.type, d.object_id, d.title, d.status, d.url, d.language, ranked.rank, ranked.total, "
            f"ts_headline({languages.postgres_config_sql('d.language')}, left(d.body, {SNIPPET_SOURCE}), q.query, "
            f"'{_HEADLINE_OPTIONS}') AS snippet "
            f"FROM ranked JOIN search_documents d ON d.doc_id = ranked.doc_id, q "
            f"ORDER BY ranked.rank DESC NULLS LAST, ranked.object_id DESC, ranked.doc_id DESC")
        with self.engine.connect() as conn:
            rows = conn.execute(sql, params).all()
        total = rows[0].total if rows else 0
        if not rows and offset:
            total = self._count(conditions, params)
        hits = [Hit(type=row.type, id=row.object_id, title=row.title, snippet=sanitize_snippet(row.snippet),
                    status=row.status, url=row.url, score=float(row.rank or 0),
                    language=row.language or languages.DEFAULT) for row in rows]
        return Results(hits, total)

    def _count(self, conditions: str, params: dict) -> int:
        sql = sa.text(f"WITH q AS MATERIALIZED (SELECT {_tsquery()} AS query) "
                      f"SELECT count(*) FROM search_documents, q WHERE {conditions}")
        with self.engine.connect() as conn:
            return conn.execute(sql, params).scalar() or 0

"""The one interface views, services and commands use: documents in, ranked hits out."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from markupsafe import Markup

from forum.search.query import ParsedQuery

PUBLIC, HIDDEN = "public", "hidden"


@dataclass
class Document:
    """One searchable thing: a question thread ("q:<id>") or an idea ("i:<id>")."""

    doc_id: str
    type: str                   # "question" | "idea"
    object_id: int
    title: str
    body: str
    category: str               # slug
    category_name: str = ""
    tags: list[str] = field(default_factory=list)
    status: str = ""            # solved | unanswered | open | closed | an idea status
    visibility: str = PUBLIC    # hidden: hidden threads, hidden or merged ideas (moderators only)
    url: str = ""
    language: str = "en"        # the language it is written in: each backend stems it in that language

    @property
    def digest(self) -> str:
        """A fingerprint of everything indexed, so `reindex --check` can tell stale from current."""
        payload = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False)
        return hashlib.sha1(payload.encode()).hexdigest()

    @property
    def tag_text(self) -> str:
        return " ".join(self.tags + [self.category, self.category_name])


@dataclass
class Hit:
    type: str
    id: int
    title: str
    snippet: Markup
    status: str
    url: str
    score: float = 0.0
    language: str = "en"  # the language it is stemmed in: the similar-titles hints read its title in it

    def as_json(self) -> dict:
        return {"type": self.type, "id": self.id, "title": self.title, "snippet": str(self.snippet),
                "status": self.status, "url": self.url}


@dataclass
class Results:
    hits: list[Hit]
    total: int


class SearchBackend(Protocol):
    """Every backend: write documents, remove them, answer queries, rebuild from scratch, list what it holds."""

    name: str

    def index(self, documents: Iterable[Document]) -> None: ...

    def remove(self, doc_ids: Iterable[str]) -> None: ...

    def query(self, parsed: ParsedQuery, *, include_hidden: bool, offset: int, limit: int,
              match_any: bool = False) -> Results: ...

    def rebuild(self, documents: Iterable[Document], progress: Callable[[int], None] | None = None) -> int: ...

    def exclusive(self, conn: Any, wait: float) -> AbstractContextManager[bool]:
        """The queue drainers' lock (one at a time everywhere the index is shared): True once held, False
        when `wait` seconds passed first."""
        ...

    def apply(self, conn: Any, documents: dict[str, Document | None]) -> None:
        """Write a drained batch: each document replaced, None removes it; PostgreSQL writes on `conn`."""
        ...

    def digests(self) -> dict[str, str]:
        """{doc_id: digest} of every stored document; raises when the index cannot be read."""
        ...

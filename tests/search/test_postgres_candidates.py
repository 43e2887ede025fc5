"""PostgreSQL ranks only the newest CANDIDATES matches of a broad query; totals, filters and pages stay right."""
from __future__ import annotations

import pytest

from forum.search import postgres, service
from forum.search.backend import HIDDEN, PUBLIC, Document
from forum.search.query import parse

TITLE_MATCHES = {1, 2, 3, 8}  # "lamp" in the title (weight A) ranks these above body-only matches


@pytest.fixture
def pg(ctx, backend, monkeypatch):
    """Ten "lamp" threads (ids 1-10, 10 newest), four with the word in the title; a candidate cap of four."""
    if backend != "postgres":
        pytest.skip("PostgreSQL backend only")
    monkeypatch.setattr(postgres, "CANDIDATES", 4)
    search = service.get_backend()
    search.index(_doc(n) for n in range(1, 11))
    return search


def _doc(n: int, *, visibility: str = PUBLIC, category: str = "wifi") -> Document:
    title = "Desk lamp flickers" if n in TITLE_MATCHES else "Desk light flickers"
    return Document(doc_id=f"q:{n}", type="question", object_id=n, title=title, category=category,
                    body="The lamp in the hallway blinks twice.", visibility=visibility, url=f"/questions/{n}/x")


def _ids(search, text, *, offset=0, limit=100, include_hidden=False, match_any=False) -> tuple[list[int], int]:
    results = search.query(parse(text), include_hidden=include_hidden, offset=offset, limit=limit,
                           match_any=match_any)
    return [hit.id for hit in results.hits], results.total


def test_a_broad_query_ranks_the_newest_candidates_then_continues_newest_first(pg):
    ids, total = _ids(pg, "lamp")
    assert total == 10
    assert ids == [8, 10, 9, 7, 6, 5, 4, 3, 2, 1]  # 7-10 by rank (8 has it in its title), then newest first
    assert _ids(pg, "lamp", limit=3) == ([8, 10, 9], 10)


def test_as_many_matches_as_candidates_rank_exactly(pg, monkeypatch):
    monkeypatch.setattr(postgres, "CANDIDATES", 10)
    ids, total = _ids(pg, "lamp")
    assert total == 10
    assert ids == [8, 3, 2, 1, 10, 9, 7, 6, 5, 4]  # title matches first, newest first among equals


def test_similar_titles_rank_every_match(pg):
    assert _ids(pg, "lamp shade", limit=4, match_any=True) == ([8, 3, 2, 1], 10)  # the old title matches too


@pytest.mark.parametrize("text", ["lamp", "desk lamp", "category:wifi"])
def test_pages_across_the_candidate_cap_are_slices_of_one_ordering(pg, text):
    everything, total = _ids(pg, text)
    pages = [_ids(pg, text, offset=offset, limit=3) for offset in range(0, 12, 3)]
    assert [ids for ids, _ in pages] == [everything[offset:offset + 3] for offset in range(0, 12, 3)]
    assert all(page_total == total == 10 for _, page_total in pages)
    assert _ids(pg, text, offset=30, limit=3) == ([], 10)


def test_filters_and_visibility_apply_before_the_cap(pg):
    pg.index([_doc(n, visibility=HIDDEN) for n in (9, 10)] + [_doc(n, category="billing") for n in (5, 6)])
    assert _ids(pg, "lamp") == ([8, 7, 6, 5, 4, 3, 2, 1], 8)  # the newest four visible: 8, 7, 6, 5
    assert _ids(pg, "lamp category:wifi") == ([8, 3, 7, 4, 2, 1], 6)  # the newest four in wifi: 8, 7, 4, 3
    assert _ids(pg, "lamp", include_hidden=True) == ([8, 10, 9, 7, 6, 5, 4, 3, 2, 1], 10)

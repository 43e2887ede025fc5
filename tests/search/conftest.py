"""Search tests run on SQLite with Whoosh and, when TEST_DATABASE_URL is set, on PostgreSQL with its own backend."""
from __future__ import annotations

import pytest

from tests.conftest import build_config


@pytest.fixture
def app_config(backend, tmp_path, request):
    """As the shared fixture, plus SEARCH_BACKEND following the database (whoosh on SQLite, postgres on PostgreSQL)."""
    url = f"sqlite:///{tmp_path / 'test.db'}" if backend == "sqlite" else request.getfixturevalue("pg_database")
    marker = request.node.get_closest_marker("config")
    overrides = {"SEARCH_BACKEND": "whoosh" if backend == "sqlite" else "postgres", **(marker.kwargs if marker else {})}
    return build_config(url, tmp_path, **overrides)


def found(text, *, viewer=None, type=None) -> list[tuple[str, int]]:
    """(type, id) of every hit for `text`, as `viewer` sees them."""
    from forum.search import service
    return [(hit.type, hit.id) for hit in service.search(text, viewer=viewer, type=type, per_page=100).items]

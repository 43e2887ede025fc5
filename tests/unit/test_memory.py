"""Freed memory is handed back every MEMORY_TRIM_EVERY requests, once the response is sent; 0 turns it off."""
from __future__ import annotations

import pytest

from forum import memory


@pytest.fixture
def trims(monkeypatch) -> list[int]:
    calls: list[int] = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: lambda pad: calls.append(pad) or 1)
    return calls


@pytest.mark.config(MEMORY_TRIM_EVERY=2)
def test_every_second_response_trims_after_it_is_sent(trims, app):
    client = app.test_client()
    for _ in range(4):
        response = client.get("/healthz")
        assert response.status_code == 200
        response.close()
    assert trims == [0, 0]


@pytest.mark.config(MEMORY_TRIM_EVERY=0)
def test_zero_turns_it_off(trims, app):
    client = app.test_client()
    for _ in range(3):
        client.get("/healthz").close()
    assert trims == []


def test_the_c_library_is_found_on_this_machine():
    assert memory._malloc_trim() is not None

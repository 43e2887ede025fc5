"""The query language: what a user types becomes words, phrases, exclusions and known filters only."""
from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forum.search.query import MAX_QUERY, parse


def test_words_phrases_exclusions_and_filters():
    query = parse('hub "router reboot" -zigbee category:wifi tag:hub is:solved')
    assert query.terms == ["hub"]
    assert query.phrases == [["router", "reboot"]]
    assert query.excluded == ["zigbee"]
    assert (query.category, query.tags, query.status) == ("wifi", ["hub"], "solved")


@pytest.mark.parametrize("text, status, kind", [
    ("is:unanswered", "unanswered", None), ("status:planned", "planned", None), ("status:in-progress", "in_progress", None),
    ("type:idea", None, "idea"), ("type:questions", None, "question"),
])
def test_known_filters(text, status, kind):
    query = parse(text)
    assert (query.status, query.type) == (status, kind)
    assert query.terms == []


@pytest.mark.parametrize("text, terms", [
    ("visibility:hidden", ["visibility", "hidden"]),
    ("author_id:3", ["author", "id", "3"]),
    ("*", []),
    ("NOT AND OR", ["not", "and", "or"]),
    ('"unclosed quote here', ["unclosed", "quote", "here"]),
    ("hub\x00\x1b[31moffline\x07", ["hub", "31moffline"]),
    ("title:foo^10 body:(a OR b)", ["title", "foo", "10", "body", "a", "or", "b"]),
])
def test_anything_else_is_plain_words(text, terms):
    query = parse(text)
    assert query.terms == terms
    assert not query.has_filters


def test_type_argument_applies_unless_the_text_names_one():
    assert parse("hub", type="ideas").type == "idea"
    assert parse("hub type:question", type="ideas").type == "question"
    assert parse("hub", type="secret").type is None


def test_long_queries_are_cut_and_bounded():
    started = time.perf_counter()
    query = parse("a" * 100_000 + " hub " * 1000)
    assert time.perf_counter() - started < 0.1
    assert len(query.text) == MAX_QUERY
    assert len(parse(" ".join(f"word{i}" for i in range(100))).terms) == 12


@settings(max_examples=300, deadline=200)
@given(st.text(max_size=400))
def test_any_text_parses_to_safe_words(text):
    query = parse(text)
    for word in query.all_words() + query.excluded:
        assert word and word.isalnum() or "'" in word or "’" in word
    assert len(query.text) <= MAX_QUERY


@pytest.mark.parametrize("text, unknown", [("status:hidden", [("status", "hidden")]), ("is:deleted", [("is", "deleted")]),
                                           ("hub type:poll", [("type", "poll")])])
def test_a_known_filter_with_an_unknown_value_is_kept_to_be_named_back(text, unknown):
    """Named back to the person ("No status called 'hidden'"), never searched as words nor reaching a backend."""
    query = parse(text)
    assert query.unknown == unknown
    assert "hidden" not in query.terms and "deleted" not in query.terms and query.status is None


def test_category_takes_a_quoted_name_and_url_filters_read_like_typed_ones():
    query = parse('hub category:"Connectivity and Wi-Fi"')
    assert (query.terms, query.category) == (["hub"], "connectivity and wi-fi")
    query = parse("hub", filters={"category": "wifi", "tag": "#Router", "status": "solved"})
    assert (query.category, query.tags, query.status) == ("wifi", ["router"], "solved")
    assert parse("hub category:devices", filters={"category": "wifi"}).category == "devices"  # the typed one wins

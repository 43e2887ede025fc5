"""Search filters a person would type: a category by name, word or slug; unknown values said back with the nearest
real ones; the URL's category=, tag= and status= like the typed words, on the page and in the API."""
from __future__ import annotations

import html

import pytest

from forum.extensions import db
from forum.models import Category
from forum.questions import services as questions
from forum.search.filters import resolve_category
from tests.factories import make_answer, make_category, make_thread, make_user


@pytest.fixture
def data(app):
    with app.app_context():
        make_category("connectivity", "Connectivity and Wi-Fi")
        make_category("smart-home-devices", "Smart home devices")
        asker = make_user("asker")
        wifi = make_thread(asker, title="Hub drops off the network every night", category="connectivity",
                           tags=["hub", "router"], body="The hub loses its connection at two.")
        questions.accept_answer(actor=asker, answer=make_answer(wifi, body="Turn off the nightly router reboot."))
        device = make_thread(title="Hub light stays red after the update", category="smart-home-devices",
                             tags=["hub"], body="The hub light is red.")
        return {"wifi": wifi.id, "device": device.id}


def _ids(client, **params) -> list[int]:
    response = client.get("/api/v1/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(item["id"] for item in response.get_json()["items"])


@pytest.mark.parametrize("typed", ["category:wifi", "category:wi-fi", "category:connectivity",
                                   "category:Connectivity", 'category:"Connectivity and Wi-Fi"', "category:connect"])
def test_category_by_slug_name_or_any_word(client, data, typed):
    assert _ids(client, q=f"hub {typed}") == [data["wifi"]]


def test_the_search_page_tip_works(client, data):
    page = client.get("/search", query_string={"q": "hub category:wifi"}).get_data(as_text=True)
    assert "<code>category:wifi</code>" in page  # the tip the page itself gives
    assert "Hub drops off the network every night" in page and "Hub light stays red" not in page
    assert "No category called" not in page


def test_an_unknown_category_is_named_back_with_the_nearest(client, data):
    response = client.get("/search", query_string={"q": "hub category:conectivity"})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "No category called ‘conectivity’ — did you mean one of these?" in page
    assert 'href="/search?q=hub+category:connectivity"' in page and ">Connectivity and Wi-Fi</a>" in page
    # the filter is dropped, not the words: both hub questions are found
    assert "Hub drops off the network every night" in page and "Hub light stays red" in page


def test_an_unknown_category_with_nothing_close_offers_the_categories(client, data):
    page = html.unescape(client.get("/search", query_string={"q": "hub category:xyzzy"}).get_data(as_text=True))
    assert "No category called ‘xyzzy’ — try one of these." in page
    assert ">Smart home devices</a>" in page


def test_unknown_tag_and_status_are_named_back(client, data):
    page = html.unescape(client.get("/search", query_string={"q": "hub tag:rooter is:solvd"}).get_data(as_text=True))
    assert "No tag called ‘rooter’ — did you mean one of these?" in page and ">router</a>" in page
    assert "No status called ‘solvd’ — did you mean one of these?" in page and ">solved</a>" in page
    body = client.get("/api/v1/search", query_string={"q": "hub status:later"}).get_json()
    assert body["notices"][0]["filter"] == "status" and body["notices"][0]["value"] == "later"
    assert "solved" in body["notices"][0]["suggestions"]


@pytest.mark.parametrize("params, expected", [
    ({"category": "wifi"}, ["wifi"]), ({"category": "Smart home devices"}, ["device"]),
    ({"tag": "router"}, ["wifi"]), ({"status": "solved"}, ["wifi"]), ({"status": "unanswered"}, ["device"]),
])
def test_url_parameters_work_like_the_typed_words(client, data, params, expected):
    assert _ids(client, q="hub", **params) == sorted(data[key] for key in expected)
    page = client.get("/search", query_string={"q": "hub", **params}).get_data(as_text=True)
    for key in ("wifi", "device"):
        title = "Hub drops off the network every night" if key == "wifi" else "Hub light stays red"
        assert (title in page) == (key in expected)
    name, value = next(iter(params.items()))
    assert f'<input type="hidden" name="{name}" value="{value}">' in page  # a refined search keeps the filter


def test_unknown_url_parameter_value_is_said_not_500(client, data):
    response = client.get("/search", query_string={"q": "hub", "category": "nope" * 100, "status": "<later>"})
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert f"No category called ‘{'nope' * 15}’" in page  # as much of it as a name can be
    assert "Hub drops off the network every night" in page


def test_an_ambiguous_word_picks_the_first_and_offers_the_rest(ctx):
    make_category("wifi-setup", "Wi-Fi setup")
    make_category("wifi-speed", "Wi-Fi speed")
    categories = list(db.session.scalars(db.select(Category).order_by(Category.position, Category.id)))
    found, notice = resolve_category("wifi", categories)
    assert found.slug == "wifi-setup"
    assert notice is not None and [value for value, _label in notice.suggestions] == ["wifi-speed"]
    assert resolve_category("wifi-speed", categories) == (categories[1], None)  # an exact slug is not ambiguous


def test_url_filters_show_as_chips_that_remove_them(client, data):
    """/search?category=wifi&status=solved filters out of sight of the search box: the page names each filter
    as people read it, and each chip's link searches again without it."""
    page = html.unescape(client.get("/search?q=hub&category=wifi&status=solved").get_data(as_text=True))
    chips = page[page.index('class="active-filters"'):]
    chips = chips[:chips.index("</div>")]
    assert "Category: Connectivity and Wi-Fi" in chips and "Solved" in chips
    assert 'href="/search?q=hub&status=solved"' in chips  # the category's chip keeps the rest
    assert 'href="/search?q=hub&category=wifi"' in chips
    assert 'href="/search?q=hub">Clear all' in chips
    plain = client.get("/search?q=hub").get_data(as_text=True)
    assert 'class="active-filters"' not in plain
    unknown = html.unescape(client.get("/search?q=hub&category=nowhere").get_data(as_text=True))
    assert "No category called ‘nowhere’" in unknown and 'class="active-filters"' not in unknown  # said once


def test_the_question_list_takes_a_category_by_name_or_word(client, data):
    response = client.get("/questions?category=wifi&sort=newest")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/questions?category=connectivity&sort=newest")
    assert client.get("/questions?category=Smart+home+devices").headers["Location"].endswith(
        "/questions?category=smart-home-devices")


def test_the_question_list_says_an_unknown_category_or_tag_back(client, data):
    page = html.unescape(client.get("/questions?category=conectivity&sort=top").get_data(as_text=True))
    assert "No category called ‘conectivity’ — did you mean one of these?" in page
    assert '<a href="/questions?category=connectivity&sort=top">Connectivity and Wi-Fi</a>' in page
    assert "Category: conectivity" in page  # its chip removes it, as any other filter's
    page = html.unescape(client.get("/questions?tag=hubb").get_data(as_text=True))
    assert "No tag called ‘hubb’ — did you mean one of these?" in page
    assert '<a href="/questions?tag=hub">hub</a>' in page
    assert "data-filter-notice" not in client.get("/questions?tag=hub").get_data(as_text=True)

"""forum/links.py builds the same site-relative paths inside a request (url_for) and outside one (mail, commands),
from the URL map rather than strings, so each path below is also a route the app answers."""
from __future__ import annotations

import pytest
from flask import Flask

from forum import links

EXPECTED = [
    (lambda: links.thread_path(3, "wifi-drops"), "/questions/3/wifi-drops"),
    (lambda: links.thread_path(3), "/questions/3"),
    (lambda: links.thread_path(3, "wifi-drops", post_id=9), "/questions/3/wifi-drops#post-9"),
    (lambda: links.thread_path(3, "wifi-drops", anchor="answers"), "/questions/3/wifi-drops#answers"),
    (lambda: links.idea_path(4), "/ideas/4"),
    (lambda: links.idea_path(4, comment_id=2), "/ideas/4#comment-2"),
    (lambda: links.idea_path(4, status_change_id=5), "/ideas/4#status-5"),
    (lambda: links.idea_path(4, anchor="status-history"), "/ideas/4#status-history"),
    (lambda: links.profile_path("ann.lee"), "/users/ann.lee"),
    (lambda: links.questions_path(sort="newest", category="billing"), "/questions?sort=newest&category=billing"),
    (lambda: links.ideas_path(status="planned"), "/ideas?status=planned"),
]


@pytest.mark.parametrize(("build", "expected"), EXPECTED)
def test_paths_are_the_same_with_and_without_a_request(app: Flask, build, expected: str) -> None:
    with app.app_context():
        outside = build()
    with app.test_request_context("/"):
        inside = build()
    assert outside == inside == expected


@pytest.mark.parametrize(("build", "expected"), EXPECTED)
def test_every_path_is_a_route(app: Flask, build, expected: str) -> None:
    adapter = app.url_map.bind("localhost")
    path = expected.split("#")[0].split("?")[0]
    endpoint, _values = adapter.match(path, method="GET")
    assert endpoint in ("questions.show", "ideas.show", "auth.profile", "questions.index", "ideas.index")


def test_absolute_links_start_from_site_url(app: Flask) -> None:
    app.config["SITE_URL"] = "https://community.example.org/"
    with app.app_context():
        assert links.absolute(links.thread_path(3, "wifi-drops")) == "https://community.example.org/questions/3/wifi-drops"

"""The templates' url_for builds exactly what flask.url_for builds, for every endpoint and on every path it takes."""
from __future__ import annotations

import re

import pytest
from flask import url_for as flask_url_for
from werkzeug.routing.converters import AnyConverter, NumberConverter, PathConverter

from forum import create_app
from forum.staticfiles import hashed_filename
from forum.templating import initials, url_for
from tests.conftest import build_config


@pytest.fixture
def app(tmp_path):
    return create_app(build_config("sqlite://", tmp_path))


def _sample(rule) -> dict:
    """Values for a rule's arguments, by converter (`any(...)` takes its first choice)."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = min(converter.items)
        elif isinstance(converter, NumberConverter):
            values[name] = 42
        elif isinstance(converter, PathConverter):
            values[name] = "css/forum.css"
        else:
            values[name] = "user.name_1"
    return values


def _hashed(app, endpoint: str, values: dict) -> dict:
    """Static files are named by content hash in templates (forum/staticfiles.py); everything else as given."""
    if endpoint != "static":
        return values
    return {**values, "filename": hashed_filename(app, values["filename"])}


def test_static_urls_name_the_content_hashed_copy(app):
    with app.test_request_context("/"):
        assert re.fullmatch(r"/static/css/forum\.[0-9a-f]{12}\.css", url_for("static", filename="css/forum.css"))
        assert url_for("static", filename="css/no-such-file.css") == "/static/css/no-such-file.css"


def test_every_rule_builds_the_same_url_twice_over(app):
    """The second call takes the learned shape; both must equal Flask's URL, for every rule of the map."""
    with app.test_request_context("/"):
        for rule in app.url_map.iter_rules():
            values = _sample(rule)
            try:
                expected = flask_url_for(rule.endpoint, **_hashed(app, rule.endpoint, values))
            except Exception:  # noqa: BLE001, S112 - a sample werkzeug cannot build: nothing to compare
                continue
            assert url_for(rule.endpoint, **values) == expected, rule.rule
            assert url_for(rule.endpoint, **values) == expected, rule.rule
            other = {name: (value + 7 if type(value) is int else value) for name, value in values.items()}
            expected_other = flask_url_for(rule.endpoint, **_hashed(app, rule.endpoint, other))
            assert url_for(rule.endpoint, **other) == expected_other, rule.rule
    learned = [shape for shape in app.extensions["forum.url_shapes"].values() if shape != "slow"]
    assert len(learned) > 50  # the fast path really served: only `any(...)` rules fall back


@pytest.mark.parametrize("values", [
    {"tag": "c++"}, {"tag": "wi fi"}, {"tag": "ünïcode"}, {"tag": ""}, {"tag": None, "category": "hub"},
    {"category": "hub", "tag": "wifi"}, {"tag": "wifi", "category": "hub"}, {"page": 3}, {"page": True},
    {"sort": "top", "_anchor": "answers"},
])
def test_query_values_match_flask(app, values):
    with app.test_request_context("/"):
        for _ in range(2):
            assert url_for("questions.index", **values) == flask_url_for("questions.index", **values)


def test_usernames_that_need_quoting_and_a_script_root(app):
    with app.test_request_context("/", base_url="http://example.test/forum"):
        for name in ("plain", "with space", "a/b", "x?y", "plain2"):
            assert url_for("auth.profile", username=name) == flask_url_for("auth.profile", username=name)
        assert url_for("questions.show", thread_id=5, slug="s").startswith("/forum/")
    with app.test_request_context("/"):  # another script root is another shape
        assert url_for("questions.show", thread_id=5, slug="s") == "/questions/5/s"


def test_outside_a_request_it_is_flask_url_for(app):
    app.config["SERVER_NAME"] = "forum.example"
    with app.app_context():
        assert url_for("questions.show", thread_id=5, slug="s") == flask_url_for("questions.show", thread_id=5,
                                                                                  slug="s")


@pytest.mark.parametrize(("username", "expected"), [("jane.doe", "JD"), ("mo", "MO"), ("x-y_z", "XY"),
                                                    ("solo", "SO"), ("...", "?")])
def test_initials(username, expected):
    class User:
        is_deleted = False
    user = User()
    user.username = username
    assert initials(user) == expected
    user.is_deleted = True
    assert initials(user) == "?"
    assert initials(None) == "?"

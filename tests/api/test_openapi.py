"""/api/v1/openapi.json describes exactly the registered API: every rule documented, every document path routed."""
from __future__ import annotations

import re

from flask import Flask

from tests.api.test_questions_api import ANSWER_FIELDS, QUESTION_FIELDS

# -- OpenAPI -----------------------------------------------------------------------------------

FOUNDATION_MODULES = {"forum.api.core", "forum.questions.api"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _registered(app: Flask, modules: set[str] | None) -> set[tuple[str, str]]:
    """(rule, method) for every /api/v1 route, optionally only those whose view lives in `modules`."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        if modules is not None and app.view_functions[rule.endpoint].__module__ not in modules:
            continue
        found |= {(rule.rule, method) for method in rule.methods - IGNORED_METHODS}
    return found


def _documented(app: Flask, document: dict) -> tuple[set[tuple[str, str]], list[str]]:
    """The (rule, method) each documented operation reaches, matched through the URL map with sample ids."""
    adapter = app.url_map.bind("localhost")
    reached, unmatched = set(), []
    for path, operations in document["paths"].items():
        url = "/api/v1" + re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            try:
                rule, _args = adapter.match(url, method=method.upper(), return_rule=True)
            except Exception:  # noqa: BLE001 - NotFound, MethodNotAllowed, RequestRedirect
                unmatched.append(f"{method.upper()} {path}")
                continue
            reached.add((rule.rule, method.upper()))
    return reached, unmatched


def test_openapi_describes_the_foundation_endpoints_exactly(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.") and document["servers"] == [{"url": "/api/v1"}]
    registered = _registered(app, FOUNDATION_MODULES)
    reached, _unmatched = _documented(app, document)
    assert len(registered) >= 11
    assert registered - reached == set(), "registered but not documented"
    foundation_paths = ("/categories", "/me", "/questions", "/questions/{id}", "/questions/{id}/answers",
                        "/posts/{id}", "/posts/{id}/vote", "/posts/{id}/accept")
    for path in foundation_paths:
        assert path in document["paths"], path
    expected = {("/categories", "get"), ("/me", "get"), ("/questions", "get"), ("/questions", "post"),
                ("/questions/{id}", "get"), ("/questions/{id}/answers", "post"), ("/posts/{id}", "patch"),
                ("/posts/{id}/vote", "post"), ("/posts/{id}/accept", "post"), ("/posts/{id}/accept", "delete")}
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert expected <= documented


def test_openapi_matches_every_registered_api_rule(app, client):
    """Every domain's routes: each documented operation exists, and each registered route is documented."""
    document = client.get("/api/v1/openapi.json").get_json()
    reached, unmatched = _documented(app, document)
    assert unmatched == [], "documented but not registered"
    assert _registered(app, None) - reached == set(), "registered but not documented"


def test_openapi_refs_resolve_and_shapes_name_the_design_fields(client):
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    refs = set(re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', client.get("/api/v1/openapi.json").get_data(as_text=True)))
    for section, name in refs:
        assert name in document["components"][section], name
    assert set(schemas["Question"]["required"]) >= QUESTION_FIELDS
    assert set(schemas["Answer"]["required"]) >= ANSWER_FIELDS
    assert set(schemas["VoteResult"]["required"]) == {"score", "my_vote"}

"""The API matches its document (issue 17, item 7): the document validates; every operation has an operationId
and documents its errors, limits and minimum lengths; 405s carry Allow; visitors get 401 from every protected
operation; 201s carry Location."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.validation.validators import OpenAPIV30SpecValidator

from forum.auth.services import create_token
from forum.extensions import db
from forum.ideas import services as idea_services
from forum.models import Role
from forum.questions import services as question_services
from tests.factories import make_answer, make_category, make_thread, make_user


def _document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _operations(document: dict):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_the_document_is_valid_openapi(client):
    document = _document(client)
    errors = [error.message[:200] for error in OpenAPIV30SpecValidator(document).iter_errors()]
    assert errors == []
    validate(document)  # raises on any error: the library's own verdict
    assert '"required":[]' not in client.get("/api/v1/openapi.json").get_data(as_text=True).replace(" ", "")


def test_every_operation_has_a_unique_operation_id_and_documents_its_errors(client):
    document = _document(client)
    ids = [operation.get("operationId") for _path, _method, operation in _operations(document)]
    assert None not in ids and len(ids) == len(set(ids)) >= 60
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", operation_id) for operation_id in ids)
    for path, method, operation in _operations(document):
        documented = set(operation["responses"])
        assert {"400", "401", "403", "404", "409", "413", "422", "429"} <= documented, (method, path)
        assert any(code.startswith("2") for code in documented), (method, path)
    responses = document["components"]["responses"]
    assert "Retry-After" in responses["RateLimited"]["headers"]


def test_lengths_and_limits_are_documented_as_the_services_check_them(client):
    schemas = _document(client)["components"]["schemas"]
    assert schemas["NewQuestion"]["properties"]["title"]["minLength"] == question_services.TITLE_MIN
    assert schemas["NewQuestion"]["properties"]["title"]["maxLength"] == question_services.TITLE_MAX
    assert schemas["NewQuestion"]["properties"]["body"]["minLength"] == question_services.ANSWER_MIN
    assert schemas["NewAnswer"]["properties"]["body"]["minLength"] == question_services.ANSWER_MIN
    assert schemas["PostEdit"]["properties"]["title"]["minLength"] == question_services.TITLE_MIN
    assert schemas["NewIdea"]["properties"]["title"]["minLength"] == idea_services.TITLE_MIN
    assert schemas["NewIdea"]["properties"]["body"]["minLength"] == idea_services.BODY_MIN
    assert schemas["Author"]["properties"]["reputation"]["nullable"] is True  # a private profile's


def test_the_reproductions_now_fail_safely(client):
    """Issue 17's list: anonymous GET /stats answered 403, a 405 had no Allow header."""
    response = client.get("/api/v1/stats")
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "unauthorized"
    response = client.put("/api/v1/questions")
    assert response.status_code == 405
    assert set(re.split(r",\s*", response.headers["Allow"])) >= {"GET", "POST"}
    assert "PUT" not in response.headers["Allow"]
    response = client.delete("/questions/ask")  # an HTML page's 405 says it too
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_visitors_get_401_from_every_protected_operation(app, client):
    """Every operation the document marks with `security`, called with no credentials and sample ids."""
    with app.app_context():
        thread = make_thread(make_user("alice"))
        ids = {"id": thread.id, "username": "alice", "slug": "general"}
        db.session.remove()
    document = _document(client)
    wrong = []
    for path, method, operation in _operations(document):
        if "security" not in operation:
            continue
        url = "/api/v1" + re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
        response = client.open(url, method=method.upper(), json={} if method != "get" else None)
        if response.status_code != 401:
            wrong.append(f"{method.upper()} {path}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("kind", ["question", "answer", "idea", "comment", "flag", "escalation", "category"])
def test_201_answers_carry_location(app, client, kind):
    with app.app_context():
        member, admin = make_user("member9"), make_user("admin9", role=Role.ADMIN)
        make_category("general")
        thread = make_thread(member)
        answer = make_answer(thread, admin)
        from tests.factories import make_idea
        idea = make_idea(member)
        member_token, admin_token = create_token(user=member, name="t"), create_token(user=admin, name="t")
        ids = {"thread": thread.id, "answer": answer.id, "idea": idea.id}
        db.session.remove()
    token = admin_token if kind == "category" else member_token
    path, body = {
        "question": ("/api/v1/questions", {"title": "How do I pair the remote again?", "body": "It lost pairing.",
                                           "category": "general"}),
        "answer": (f"/api/v1/questions/{ids['thread']}/answers", {"body": "Hold the button for ten seconds."}),
        "idea": ("/api/v1/ideas", {"title": "A dark theme for the app", "body": "Easier on the eyes at night.",
                                   "category": "general"}),
        "comment": (f"/api/v1/ideas/{ids['idea']}/comments", {"body": "Yes please."}),
        "flag": (f"/api/v1/posts/{ids['answer']}/flags", {"reason": "spam"}),
        "escalation": (f"/api/v1/questions/{ids['thread']}/escalate", {"reason": "Nobody has answered in days."}),
        "category": ("/api/v1/admin/categories", {"slug": "billing", "name": "Billing"}),
    }[kind]
    response = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    location = response.headers.get("Location", "")
    assert location, "a 201 without Location"
    created = response.get_json()
    if kind in ("question", "idea"):  # the resource itself can be read there
        followed = client.get(location, headers={"Authorization": f"Bearer {token}"})
        assert followed.status_code == 200 and followed.get_json()["id"] == created["id"]
    else:
        key = created["slug"] if kind == "category" else created["id"]
        assert str(key) in location

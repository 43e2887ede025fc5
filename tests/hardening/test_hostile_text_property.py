"""Property (issue 17, item 4): arbitrary Unicode (lone surrogates, non-characters, NUL and controls included)
in the fields of every write endpoint, HTML forms and JSON API alike, never answers 500; and a JSON body that
holds hostile text is never accepted."""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum.auth.services import create_token
from forum.extensions import db
from forum.models import Role
from forum.validation import has_hostile_text
from tests.conftest import login_as
from tests.factories import make_answer, make_category, make_escalation, make_flag, make_idea, make_thread, make_user

# Field names the forms and bodies use; each example fills a few of them.
FIELDS = ["title", "body", "category", "tags", "note", "reason", "name", "slug", "description", "username",
          "email", "password", "login", "text", "terms", "q", "value", "status", "into", "of", "days", "role",
          "assignee", "current_password", "new_password", "bio", "profile_visibility", "tagline", "guidelines",
          "community_name", "company_name", "accent_color", "confirm_public"]
# Ending the caller's session would turn the rest of the run into visitor requests.
SKIPPED = re.compile(r"^/(logout|settings/(sessions|logout|delete)|api/v1/me$)")
EXAMPLES_PER_ENDPOINT = 6

text = st.text(alphabet=st.characters(codec=None, categories=None), max_size=40)  # surrogates included
# plausible text with a hostile character somewhere in it half the time, so the checks behind the guard run too
hostile = st.sampled_from(["\x00", "\ud800", "\udfff", "\ufffe", "\uffff", "\ufdd0", "\U0010ffff", "\x1b"])
plausible = st.sampled_from(["general", "How do I reset the hub to factory settings?", "spam", "member",
                             "Restart the router, then pair again.", "1", "a@example.com", "correct-horse-battery"])
mixed = st.builds(lambda head, bad, tail: head + bad + tail, plausible | text, hostile | text, plausible | text)
values = st.one_of(mixed, text, st.lists(mixed | text, max_size=3), st.integers(), st.none(), st.booleans())


def _write_rules(app, ending: bool = False) -> list[tuple[str, str]]:
    """Every write route; with `ending`, only those that end the caller's session (run with a caller of their own)."""
    rules = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            if bool(SKIPPED.match(rule.rule)) == ending:
                rules.append((method, rule.rule))
    return sorted(rules)


def _send(client, method: str, url: str, token: str, data: dict):
    if url.startswith("/api/"):
        return client.open(url, method=method, data=json.dumps(data), content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    # a lone surrogate goes on the wire as the bytes a broken client would send (ED A0 80)
    pairs = [(key, str(item)) for key, value in data.items()
             for item in (value if isinstance(value, list) else [value])]
    body = urlencode(pairs, encoding="utf-8", errors="surrogatepass")
    return client.open(url, method=method, data=body, content_type="application/x-www-form-urlencoded")


def _url(rule: str, ids: dict) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        if name.startswith("any("):
            return name[4:].split(",")[0].strip()
        return str(ids.get(name, 1))
    return re.sub(r"<([^>]+)>", fill, rule)


def test_arbitrary_unicode_never_answers_500(app, client):
    with app.app_context():
        admin, member = make_user("admin_ann", role=Role.ADMIN), make_user("member_max")
        make_category("general")
        thread = make_thread(member)
        answer = make_answer(thread, admin)
        flag = make_flag(answer, member)
        escalation = make_escalation(thread)
        idea = make_idea(member)
        ids = {"thread_id": thread.id, "post_id": answer.id, "flag_id": flag.id, "escalation_id": escalation.id,
               "idea_id": idea.id, "username": "member_max", "slug": "general", "id": 1}
        token = create_token(user=admin, name="property")
        admin_id = admin.id
        db.session.remove()
    login_as(client, admin_id)
    rules = _write_rules(app)
    assert len(rules) >= 80
    failures: list[str] = []
    statuses: dict[int, int] = {}

    def record(response, method: str, url: str, data: dict, is_api: bool) -> None:
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            failures.append(f"{method} {url} {data!r}: {response.status_code}")
        elif is_api and response.status_code < 400 and _hostile(data):
            failures.append(f"{method} {url} {data!r}: accepted hostile text ({response.status_code})")

    for method, rule in rules:
        url, is_api = _url(rule, ids), rule.startswith("/api/")

        @settings(max_examples=EXAMPLES_PER_ENDPOINT, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(data=st.dictionaries(st.sampled_from(FIELDS) | text, values, min_size=1, max_size=6))
        def send(data):
            response = _send(client, method, url, token, data)
            record(response, method, url, data, is_api)

        send()

    # The routes that end the caller's session or account (logout, log out everywhere, delete): each example
    # gets a new member of its own, logged in, so the rest of the run keeps its caller.
    ending = _write_rules(app, ending=True)
    assert len(ending) >= 4, ending
    for method, rule in ending:
        url, is_api = _url(rule, ids), rule.startswith("/api/")

        @settings(max_examples=EXAMPLES_PER_ENDPOINT, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(data=st.dictionaries(st.sampled_from(FIELDS) | text, values, min_size=1, max_size=6))
        def send_as_a_new_member(data):
            with app.app_context():
                victim = make_user()
                victim_id, victim_token = victim.id, create_token(user=victim, name="property")
                db.session.remove()
            own = app.test_client()
            login_as(own, victim_id)
            response = _send(own, method, url, victim_token, data)
            record(response, method, url, data, is_api)

        send_as_a_new_member()
    rules += ending
    print(f"\n{len(rules)} write endpoints, {sum(statuses.values())} requests, answers: {dict(sorted(statuses.items()))}")
    assert failures == []


def _hostile(value) -> bool:
    if isinstance(value, str):
        return has_hostile_text(value)
    if isinstance(value, dict):
        return any(_hostile(key) or _hostile(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_hostile(item) for item in value)
    return False

"""Behind a reverse proxy (issue 14 item 7): TRUSTED_PROXY_COUNT decides whose X-Forwarded-For is believed."""
from __future__ import annotations

import logging

import pytest
from flask import request

PROXY = "10.0.0.2"  # the one nginx every request arrives from


def _failed_login(client, number: int, forwarded_for: str | None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/login", data={"login": f"guess{number}", "password": "wrong-password"},
                       headers=headers, environ_base={"REMOTE_ADDR": PROXY})


@pytest.mark.config(RATELIMIT_ENABLED=True, TRUSTED_PROXY_COUNT=1)
def test_two_clients_behind_one_proxy_have_separate_login_budgets(client):
    for number in range(20):
        assert _failed_login(client, number, "203.0.113.5").status_code == 422
    assert _failed_login(client, 20, "203.0.113.5").status_code == 429  # the first client's budget is spent
    assert _failed_login(client, 21, "198.51.100.7").status_code == 422  # the second client's is untouched
    # nginx appends the address it saw: a client's own forged entry in front of it is not believed
    assert _failed_login(client, 22, "198.51.100.99, 203.0.113.5").status_code == 429


@pytest.mark.config(RATELIMIT_ENABLED=True)
def test_without_trusted_proxies_a_forged_forwarded_for_changes_nothing(client):
    for number in range(20):
        assert _failed_login(client, number, f"192.0.2.{number}").status_code == 422
    assert _failed_login(client, 20, "192.0.2.250").status_code == 429  # every request counted as the peer's
    assert _failed_login(client, 21, None).status_code == 429


@pytest.mark.config(TRUSTED_PROXY_COUNT=1)
def test_the_access_log_and_redirects_see_the_client_and_its_scheme(app, client, caplog):
    seen = []
    app.before_request(lambda: seen.append((request.scheme, request.host, request.remote_addr)))
    with caplog.at_level(logging.INFO, logger="forum.access"):
        response = client.get("/settings", headers={"X-Forwarded-For": "203.0.113.5", "X-Forwarded-Proto": "https",
                                                    "X-Forwarded-Host": "community.example.com"},
                              environ_base={"REMOTE_ADDR": PROXY})
    assert response.status_code == 302
    [line] = [record for record in caplog.records if record.name == "forum.access"]
    assert line.access["client"] == "203.0.113.5"
    assert response.headers["Location"].startswith("/login")
    # what the app sees: the scheme and host the client used (secure cookies, absolute links) and its address
    assert seen == [("https", "community.example.com", "203.0.113.5")]


@pytest.mark.config(TRUSTED_PROXY_COUNT=0)
def test_without_trusted_proxies_the_log_shows_the_peer(client, caplog):
    with caplog.at_level(logging.INFO, logger="forum.access"):
        client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.5"}, environ_base={"REMOTE_ADDR": PROXY})
    [line] = [record for record in caplog.records if record.name == "forum.access"]
    assert line.access["client"] == PROXY

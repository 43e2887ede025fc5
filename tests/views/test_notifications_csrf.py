"""CSRF stays on here: read marks need the token; the RFC 8058 one-click unsubscribe POST cannot carry one."""
from __future__ import annotations

import pytest

from forum.notifications import queries, tokens
from tests.conftest import login_as
from tests.factories import make_user


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_mark_all_read_needs_the_csrf_token(app, client):
    with app.app_context():
        user_id = make_user().id
    login_as(client, user_id)
    assert client.post("/notifications/read").status_code == 400
    assert client.post("/settings/notifications", data={"answers": "never"}).status_code == 400


@pytest.mark.config(WTF_CSRF_ENABLED=True)
def test_one_click_unsubscribe_works_without_cookie_or_csrf_token(app, client):
    with app.app_context():
        user = make_user()
        token, user_id = tokens.make_unsubscribe_token(user.id, "answers"), user.id
    response = client.post(f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    with app.app_context():
        assert queries.preferences_of(user_id)["answers"] == "never"

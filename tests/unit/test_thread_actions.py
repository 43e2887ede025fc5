"""The thread actions a moderator's URL names are the ones moderation.services dispatches, and no more."""
from __future__ import annotations

from werkzeug.routing import AnyConverter

from forum.moderation import services


def test_every_thread_action_url_has_its_service(app):
    rules = [rule for rule in app.url_map.iter_rules()
             if rule.endpoint in ("moderation.thread_action", "api.mod_thread_action")]
    assert len(rules) == 2
    for rule in rules:
        converter = rule._converters["action"]
        assert isinstance(converter, AnyConverter)
        assert set(converter.items) == set(services.THREAD_ACTIONS)
    assert set(services.THREAD_TOGGLES) == set(services.THREAD_ACTIONS) - {"move", "duplicate"}
    assert all(callable(service) for service in services.THREAD_TOGGLES.values())

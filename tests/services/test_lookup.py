"""forum/lookup.py: the one way every domain finds a member by name, and things by id through the Policy."""
from __future__ import annotations

import pytest

from forum import lookup
from forum.errors import NotFound
from forum.models import Role
from forum.privacy import services as privacy
from tests.factories import PASSWORD, make_thread, make_user


def test_a_member_is_found_ignoring_case_and_surrounding_spaces(ctx):
    ann = make_user("Ann.Lee")
    assert lookup.find_member("ann.lee") is ann
    assert lookup.find_member("  ANN.LEE ") is ann


@pytest.mark.parametrize("name", ["nobody", "", "   ", None, 42, ["ann"]])
def test_anything_else_is_the_same_404(ctx, name):
    make_user("ann")
    with pytest.raises(NotFound, match="No member by that name"):
        lookup.find_member(name)


def test_a_deleted_account_is_gone_under_its_old_and_its_placeholder_name(ctx):
    ben = make_user("ben")
    privacy.delete_account(actor=ben, target=ben, password=PASSWORD)
    for name in ("ben", f"deleted-{ben.id}"):
        with pytest.raises(NotFound):
            lookup.find_member(name)


def test_a_hidden_thread_is_a_404_for_visitors_and_open_to_moderators(ctx):
    thread = make_thread()
    thread.is_hidden = True
    moderator = make_user(role=Role.MODERATOR)
    with pytest.raises(NotFound, match="That question does not exist"):
        lookup.get_thread(thread.id, None)
    assert lookup.get_thread(thread.id, moderator) is thread
    with pytest.raises(NotFound):
        lookup.get_thread(thread.id + 1000, moderator)

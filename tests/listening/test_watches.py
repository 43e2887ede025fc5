"""Watch services: validation, usernames refused, scope names checked, claim / handle."""
from __future__ import annotations

import pytest

from forum.errors import Conflict, Invalid, PermissionDenied
from forum.listening import matches, watches
from forum.models import Role
from tests.factories import make_category, make_thread, make_user


def test_staff_create_a_watch_and_follow_it(ctx):
    make_category("billing")
    staff = make_user(role=Role.STAFF)
    watch = watches.create_watch(actor=staff, name="Refunds", terms="refund\n money back , refund",
                                 categories=["billing"], tags=[])
    assert watch.term_list == ["refund", "money back"]
    assert [c.slug for c in watch.categories] == ["billing"]
    assert [f.user_id for f in watch.followers] == [staff.id]


def test_a_username_term_is_refused(ctx):
    make_user("MarthaJ")
    with pytest.raises(Invalid) as error:
        watches.create_watch(actor=make_user(role=Role.STAFF), name="Person", terms=["marthaj", "crash"])
    assert error.value.fields["terms"].startswith("Watches follow topics, not people.")


@pytest.mark.parametrize("term", ["@nina.k", "Nina K", "nina-k", "@NINA.K"])
def test_a_username_spelled_as_the_matcher_reads_it_is_refused(ctx, term):
    """The matcher reads words: "@nina.k" or "nina k" would find every mention of nina.k, so they are refused too."""
    make_user("nina.k")
    with pytest.raises(Invalid) as error:
        watches.create_watch(actor=make_user(role=Role.STAFF), name="Person", terms=["crash", term])
    assert error.value.fields["terms"].startswith("Watches follow topics, not people.")
    assert term in error.value.fields["terms"]


def test_a_phrase_that_only_contains_a_name_among_other_words_is_a_topic(ctx):
    make_user("nina.k")
    watch = watches.create_watch(actor=make_user(role=Role.STAFF), name="Topic", terms=["nina k crash loop"])
    assert watch.term_list == ["nina k crash loop"]


@pytest.mark.parametrize("terms, message", [([], "at least one"), (["!!!"], "no words"), ("", "at least one"),
                                            ([3], "must be a list")])
def test_bad_terms_are_refused_with_a_message(ctx, terms, message):
    with pytest.raises(Invalid) as error:
        watches.create_watch(actor=make_user(role=Role.STAFF), name="X", terms=terms)
    assert message in error.value.fields["terms"]


def test_unknown_category_or_tag_is_refused(ctx):
    with pytest.raises(Invalid) as error:
        watches.create_watch(actor=make_user(role=Role.STAFF), name="X", terms=["a"], categories=["nope"],
                             tags=["nosuch"])
    assert "nope" in error.value.fields["categories"] and "nosuch" in error.value.fields["tags"]


@pytest.mark.parametrize("role", [Role.MEMBER])
def test_members_cannot_create_watches(ctx, role):
    with pytest.raises(PermissionDenied):
        watches.create_watch(actor=make_user(role=role), name="X", terms=["a"])


def test_claim_and_handle(ctx):
    ann, bob = make_user(role=Role.STAFF), make_user(role=Role.STAFF)
    watches.create_watch(actor=ann, name="Crashes", terms=["crash"])
    make_thread(title="The app crashed twice today")
    from forum.extensions import db
    from forum.models import Match
    match = db.session.query(Match).one()
    matches.claim_match(actor=ann, match=match)
    assert (match.state, match.claimed_by_id) == ("claimed", ann.id)
    with pytest.raises(Conflict, match=ann.username):
        matches.claim_match(actor=bob, match=match)
    matches.handle_match(actor=bob, match=match)
    assert (match.state, match.handled_by_id) == ("handled", bob.id)
    with pytest.raises(Conflict):
        matches.claim_match(actor=ann, match=match)


def test_delete_takes_the_matches_with_it(ctx):
    from forum.extensions import db
    from forum.models import Match
    staff = make_user(role=Role.STAFF)
    watch = watches.create_watch(actor=staff, name="Crashes", terms=["crash"])
    make_thread(title="It crashes when I print")
    assert db.session.query(Match).count() == 1
    watches.delete_watch(actor=staff, watch=watch)
    assert db.session.query(Match).count() == 0

"""Idea use cases: submitting, voting (also concurrently), comments, status history with notifications, merging."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.errors import Conflict, Invalid, PermissionDenied
from forum.extensions import db
from forum.ideas import queries, services
from forum.models import (AuditEntry, Idea, IdeaComment, IdeaStatus, IdeaStatusChange, IdeaVote, Notification, Role,
                          Subscription, User)
from tests.factories import make_category, make_idea, make_user

NOW = datetime(2026, 3, 10, 12, 0, 0)


def _votes(idea_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(IdeaVote.user_id).where(IdeaVote.idea_id == idea_id)))


def _count(idea_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Idea, idea_id).vote_count


def _notified(kind: str, idea_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.kind == kind, Notification.idea_id == idea_id)))


# -- submitting -----------------------------------------------------------------------------------------------

def test_submit_renders_markdown_and_watches(ctx):
    author = make_user()
    make_category("app")
    idea = services.submit_idea(actor=author, title="Dark mode for the mobile app", body="Please **soon**",
                                category="app")
    assert idea.status == IdeaStatus.NEW and idea.vote_count == 0
    assert "<strong>soon</strong>" in idea.body_html
    assert db.session.scalar(sa.select(Subscription.id).where(Subscription.user_id == author.id,
                                                              Subscription.idea_id == idea.id))


@pytest.mark.parametrize("title, body, category, field", [
    ("Too short", "A fine description here", "general", "title"),
    ("x" * 151, "A fine description here", "general", "title"),
    ("A perfectly good title", "", "general", "body"),
    ("A perfectly good title", "A fine description here", "no-such-category", "category"),
    ("A perfectly good title", "A fine description here", None, "category"),
    ("Bad \x00 title here ok", "A fine description here", "general", "title"),
])
def test_submit_refuses_bad_input(ctx, title, body, category, field):
    make_category("general")
    with pytest.raises(Invalid) as error:
        services.submit_idea(actor=make_user(), title=title, body=body, category=category)
    assert field in error.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0


def test_title_of_exactly_10_and_150_characters_is_accepted(ctx):
    assert make_idea(title="x" * 10).title == "x" * 10
    assert make_idea(title="y" * 150).title == "y" * 150


def test_visitor_and_suspended_member_cannot_submit(ctx):
    make_category("general")
    suspended = make_user()
    suspended.suspended_until = clock.utcnow() + timedelta(days=2)
    db.session.commit()
    for actor in (None, suspended):
        with pytest.raises(PermissionDenied):
            services.submit_idea(actor=actor, title="A perfectly good title", body="Some body text", category="general")


# -- voting ---------------------------------------------------------------------------------------------------

def test_vote_toggles_on_and_off_and_never_double_counts(ctx):
    idea, voter = make_idea(), make_user()
    assert services.vote_idea(actor=voter, idea=idea, value=1) == (1, 1)
    assert services.vote_idea(actor=voter, idea=idea, value=1) == (1, 1)  # voting twice: still one vote
    assert _votes(idea.id) == {voter.id}
    assert services.vote_idea(actor=voter, idea=idea, value=0) == (0, 0)
    assert services.vote_idea(actor=voter, idea=idea, value=0) == (0, 0)
    assert _votes(idea.id) == set() and _count(idea.id) == 0


def test_voting_watches_the_idea(ctx):
    idea, voter = make_idea(), make_user()
    services.vote_idea(actor=voter, idea=idea, value=1)
    assert db.session.scalar(sa.select(Subscription.id).where(Subscription.user_id == voter.id,
                                                              Subscription.idea_id == idea.id))


@pytest.mark.parametrize("value", [2, -1, True, "1", None, 1.5])
def test_vote_refuses_values_other_than_1_and_0(ctx, value):
    idea = make_idea()
    with pytest.raises(Invalid):
        services.vote_idea(actor=make_user(), idea=idea, value=value)
    assert _count(idea.id) == 0


@pytest.mark.parametrize("status", ["shipped", "declined"])
def test_voting_is_closed_on_shipped_and_declined(ctx, status):
    idea, staff = make_idea(), make_user(role=Role.STAFF)
    services.set_idea_status(actor=staff, idea=idea, status=status, note="Done or decided.")
    with pytest.raises(PermissionDenied, match="closed"):
        services.vote_idea(actor=make_user(), idea=idea, value=1)
    assert _count(idea.id) == 0


def test_visitor_and_suspended_cannot_vote(ctx):
    idea, suspended = make_idea(), make_user()
    suspended.suspended_until = clock.utcnow() + timedelta(days=1)
    db.session.commit()
    for actor in (None, suspended):
        with pytest.raises(PermissionDenied):
            services.vote_idea(actor=actor, idea=idea, value=1)


def test_concurrent_votes_are_all_counted(app, ctx):
    """Twelve members vote at the same moment, each in their own session and connection; none is lost."""
    idea = make_idea()
    voter_ids = [make_user().id for _ in range(12)]
    idea_id = idea.id
    db.session.rollback()  # end this thread's transaction (SQLite begins even reads IMMEDIATE outside requests)
    barrier, failures = threading.Barrier(len(voter_ids)), []

    def vote(user_id: int) -> None:
        with app.app_context():
            try:
                user, target = db.session.get(User, user_id), db.session.get(Idea, idea_id)
                db.session.rollback()  # wait outside any transaction, as a request would
                barrier.wait(timeout=10)
                services.vote_idea(actor=user, idea=target, value=1)
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=vote, args=(user_id,)) for user_id in voter_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert _count(idea_id) == len(voter_ids) == len(_votes(idea_id))


def test_concurrent_toggles_by_one_member_leave_a_consistent_count(app, ctx):
    idea, voter = make_idea(), make_user()
    idea_id, voter_id = idea.id, voter.id
    db.session.rollback()
    barrier = threading.Barrier(6)

    def toggle(value: int) -> None:
        with app.app_context():
            try:
                user, target = db.session.get(User, voter_id), db.session.get(Idea, idea_id)
                db.session.rollback()
                barrier.wait(timeout=10)
                services.vote_idea(actor=user, idea=target, value=value)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=toggle, args=(i % 2,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert _count(idea_id) == len(_votes(idea_id)) in (0, 1)


# -- comments -------------------------------------------------------------------------------------------------

def test_staff_comment_is_official_and_tells_voters(ctx):
    idea, voter, staff = make_idea(), make_user(), make_user(role=Role.STAFF)
    services.vote_idea(actor=voter, idea=idea, value=1)
    member_comment = services.comment_on_idea(actor=make_user(), idea=idea, body="I want this **too**")
    official = services.comment_on_idea(actor=staff, idea=idea, body="We are looking into it.")
    assert not member_comment.is_official and official.is_official
    assert "<strong>too</strong>" in member_comment.body_html
    assert _notified("idea_official_comment", idea.id) == {voter.id, idea.author_id}
    db.session.expire_all()
    assert db.session.get(Idea, idea.id).comment_count == 2


def test_pinned_official_comment_comes_first(ctx):
    idea, staff = make_idea(), make_user(role=Role.STAFF)
    first = services.comment_on_idea(actor=make_user(), idea=idea, body="First!")
    official = services.comment_on_idea(actor=staff, idea=idea, body="Official answer")
    services.pin_idea_comment(actor=staff, comment=official, pinned=True)
    assert [c.id for c in queries.idea_page(idea, None).comments] == [official.id, first.id]
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_id == idea.id)) == "idea_comment.pin"
    with pytest.raises(Conflict):
        services.pin_idea_comment(actor=staff, comment=official, pinned=True)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF])
def test_member_comments_cannot_be_pinned(ctx, role):
    idea = make_idea()
    comment = services.comment_on_idea(actor=make_user(), idea=idea, body="Member words")
    with pytest.raises(PermissionDenied):
        services.pin_idea_comment(actor=make_user(role=role), comment=comment, pinned=True)


@pytest.mark.parametrize("body", ["", " ", "x", "y" * 10_001])
def test_comment_refuses_bad_body(ctx, body):
    idea = make_idea()
    with pytest.raises(Invalid) as error:
        services.comment_on_idea(actor=make_user(), idea=idea, body=body)
    assert "body" in error.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdeaComment)) == 0


# -- status ---------------------------------------------------------------------------------------------------

def test_status_change_is_public_history_and_notifies_voters_and_watchers(ctx):
    clock.freeze(NOW)
    idea, staff = make_idea(), make_user(role=Role.STAFF)
    voters = [make_user() for _ in range(2)]
    for voter in voters:
        services.vote_idea(actor=voter, idea=idea, value=1)
    clock.freeze(NOW + timedelta(days=1))
    services.set_idea_status(actor=staff, idea=idea, status="planned", note="Coming in the spring release.")
    clock.freeze(NOW + timedelta(days=9))
    services.set_idea_status(actor=staff, idea=idea, status="in_progress", note="Started.")
    history = queries.idea_page(idea, None).history
    assert [(h.from_status, h.to_status, h.note, h.actor_id) for h in history] == [
        ("new", "planned", "Coming in the spring release.", staff.id), ("planned", "in_progress", "Started.", staff.id)]
    assert history[0].created_at == NOW + timedelta(days=1)
    assert idea.status == "in_progress" and idea.status_changed_at == NOW + timedelta(days=9)
    assert _notified("idea_status", idea.id) == {voters[0].id, voters[1].id, idea.author_id}
    text = db.session.scalar(sa.select(Notification.text).where(Notification.user_id == voters[0].id)
                             .order_by(Notification.id))
    assert "planned" in text and "spring release" in text
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.target_id == idea.id)).all()
    assert actions == ["idea.status", "idea.status"]


def test_declining_needs_a_note(ctx):
    idea, staff = make_idea(), make_user(role=Role.STAFF)
    with pytest.raises(Invalid) as error:
        services.set_idea_status(actor=staff, idea=idea, status="declined", note="  ")
    assert "note" in error.value.fields
    assert services.set_idea_status(actor=staff, idea=idea, status="declined", note="Not for us.").status == "declined"


@pytest.mark.parametrize("status", ["unknown", "", None, "duplicate", 3])
def test_unknown_status_is_refused(ctx, status):
    idea = make_idea()
    with pytest.raises(Invalid) as error:
        services.set_idea_status(actor=make_user(role=Role.STAFF), idea=idea, status=status, note="n")
    assert "status" in error.value.fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdeaStatusChange)) == 0


def test_same_status_without_note_is_a_conflict_but_with_a_note_is_an_update(ctx):
    idea, staff = make_idea(), make_user(role=Role.STAFF)
    services.set_idea_status(actor=staff, idea=idea, status="under_review")
    with pytest.raises(Conflict):
        services.set_idea_status(actor=staff, idea=idea, status="under_review")
    services.set_idea_status(actor=staff, idea=idea, status="under_review", note="Now targeted for June.")
    assert idea.status_note == "Now targeted for June."


@pytest.mark.parametrize("who, allowed", [("visitor", False), ("member", False), ("author", False),
                                          ("suspended staff", False), ("staff", True), ("moderator", True),
                                          ("admin", True)])
def test_who_can_set_status(ctx, who, allowed):
    author = make_user()
    idea = make_idea(author)
    actor = {"visitor": None, "member": make_user(), "author": author, "staff": make_user(role=Role.STAFF),
             "suspended staff": make_user(role=Role.STAFF), "moderator": make_user(role=Role.MODERATOR),
             "admin": make_user(role=Role.ADMIN)}[who]
    if who == "suspended staff":
        actor.suspended_until = clock.utcnow() + timedelta(days=1)
        db.session.commit()
    if allowed:
        assert services.set_idea_status(actor=actor, idea=idea, status="under_review").status == "under_review"
    else:
        with pytest.raises(PermissionDenied):
            services.set_idea_status(actor=actor, idea=idea, status="under_review")
        db.session.expire_all()
        assert db.session.get(Idea, idea.id).status == "new"


# -- merging --------------------------------------------------------------------------------------------------

def test_merge_counts_overlapping_voters_once(ctx):
    clock.freeze(NOW)
    staff = make_user(role=Role.STAFF)
    source, target = make_idea(), make_idea()
    both, only_source, only_target, other = (make_user() for _ in range(4))
    for voter in (both, only_source):
        services.vote_idea(actor=voter, idea=source, value=1)
    for voter in (both, only_target, other):
        services.vote_idea(actor=voter, idea=target, value=1)
    watcher = make_user()
    services.comment_on_idea(actor=watcher, idea=source, body="Same as the other one")
    merged = services.merge_ideas(actor=staff, idea=source, into=str(target.id),
                                  note=f"The same request as #{target.id}.")
    assert merged.status == IdeaStatus.DUPLICATE and merged.merged_into_id == target.id
    assert _votes(target.id) == {both.id, only_source.id, only_target.id, other.id}
    assert _count(target.id) == 4
    assert _count(source.id) == 2  # the duplicate keeps its own record; the board leaves duplicates out
    # the moved vote keeps its time (trending), and the voter now follows the target
    assert db.session.scalar(sa.select(IdeaVote.created_at).where(
        IdeaVote.idea_id == target.id, IdeaVote.user_id == only_source.id)) == NOW
    assert db.session.scalar(sa.select(Subscription.id).where(Subscription.user_id == only_source.id,
                                                              Subscription.idea_id == target.id))
    assert _notified("idea_merged", source.id) == {both.id, only_source.id, source.author_id}
    history = queries.idea_page(source, None).history
    assert history[-1].to_status == "duplicate" and f"#{target.id}" in history[-1].note
    assert [c.body_md for c in queries.idea_page(source, None).comments] == ["Same as the other one"]
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_id == source.id)) == "idea.merge"
    # a merged voter withdrawing on the target takes exactly one vote off
    services.vote_idea(actor=only_source, idea=target, value=0)
    assert _count(target.id) == 3


def test_merged_voter_voting_again_on_target_does_not_double_count(ctx):
    staff, voter = make_user(role=Role.STAFF), make_user()
    source, target = make_idea(), make_idea()
    services.vote_idea(actor=voter, idea=source, value=1)
    services.merge_ideas(actor=staff, idea=source, into=target.id, note="Same idea.")
    assert services.vote_idea(actor=voter, idea=target, value=1) == (1, 1)


def test_merge_refusals(ctx):
    staff = make_user(role=Role.STAFF)
    a, b, c = make_idea(), make_idea(), make_idea()
    with pytest.raises(Invalid) as error:
        services.merge_ideas(actor=staff, idea=a, into=a.id, note="Same idea.")
    assert "itself" in error.value.fields["into"]
    for bad in ("", "abc", None, 999_999):
        with pytest.raises(Invalid):
            services.merge_ideas(actor=staff, idea=a, into=bad, note="Same idea.")
    services.merge_ideas(actor=staff, idea=b, into=c.id, note="Same idea.")
    with pytest.raises(Conflict, match="itself merged into"):
        services.merge_ideas(actor=staff, idea=a, into=b.id, note="Same idea.")  # into a merged idea
    with pytest.raises(Conflict, match="already merged"):
        services.merge_ideas(actor=staff, idea=b, into=a.id, note="Same idea.")  # a merged idea again
    with pytest.raises(PermissionDenied):
        services.merge_ideas(actor=make_user(), idea=a, into=c.id, note="Same idea.")
    with pytest.raises(PermissionDenied):
        services.vote_idea(actor=make_user(), idea=b, value=1)  # voting closed on a duplicate
    with pytest.raises(Conflict):
        services.set_idea_status(actor=staff, idea=b, status="planned", note="no")
    db.session.expire_all()
    assert db.session.get(Idea, a.id).status == "new" and db.session.get(Idea, a.id).merged_into_id is None


# -- reading --------------------------------------------------------------------------------------------------

def test_board_sorts_top_trending_new_and_filters(ctx):
    clock.freeze(NOW - timedelta(days=60))
    old_popular = make_idea(title="Old but popular idea here")
    voters = [make_user() for _ in range(3)]
    for voter in voters:
        services.vote_idea(actor=voter, idea=old_popular, value=1)
    clock.freeze(NOW)
    fresh = make_idea(title="Fresh idea with recent votes", category="app")
    for voter in voters[:2]:
        services.vote_idea(actor=voter, idea=fresh, value=1)
    newest = make_idea(title="The newest idea of them all")

    def ids(**args):
        return [i.id for i in queries.list_ideas(queries.IdeaFilters.from_args(args), None).items]

    assert ids(sort="top") == [old_popular.id, fresh.id, newest.id]
    assert ids(sort="trending") == [fresh.id, old_popular.id, newest.id]
    assert ids(sort="new") == [newest.id, fresh.id, old_popular.id]
    assert ids(category="app") == [fresh.id]
    services.set_idea_status(actor=make_user(role=Role.STAFF), idea=newest, status="planned", note="Soon.")
    assert ids(status="planned") == [newest.id]
    assert ids(status="bogus") == ids()  # the browsed board falls back instead of failing


def test_similar_ideas_match_title_words(ctx):
    wanted = make_idea(title="Show doorbell battery level")
    make_idea(title="Completely unrelated thing")
    assert [i.id for i in queries.similar_ideas("doorbell battery percentage")] == [wanted.id]
    assert queries.similar_ideas("a an") == []


def test_roadmap_columns_with_newest_shipped_first(ctx):
    staff = make_user(role=Role.STAFF)
    first, second, planned = make_idea(), make_idea(), make_idea()
    clock.freeze(NOW)
    services.set_idea_status(actor=staff, idea=first, status="shipped", note="Shipped.")
    clock.freeze(NOW + timedelta(days=2))
    services.set_idea_status(actor=staff, idea=second, status="shipped", note="Shipped.")
    services.set_idea_status(actor=staff, idea=planned, status="planned", note="Soon.")
    columns = queries.roadmap(None)
    assert list(columns) == ["planned", "in_progress", "shipped"]
    assert [i.id for i in columns["shipped"]] == [second.id, first.id]
    assert [i.id for i in columns["planned"]] == [planned.id] and columns["in_progress"] == []


def test_top_participants_of_the_month(ctx):
    from forum.questions import reputation
    clock.freeze(datetime(2026, 3, 1, 9))
    prolific, popular = make_user("prolific"), make_user("popular")
    for _ in range(3):
        make_idea(prolific)
    liked = make_idea(popular)
    for _ in range(4):
        services.vote_idea(actor=make_user(), idea=liked, value=1)
    services.vote_idea(actor=popular, idea=liked, value=1)  # one's own vote is not "received"
    reputation.change(prolific.id, 25, "vote", None)
    reputation.change(popular.id, 10, "vote", None)
    db.session.commit()
    clock.freeze(datetime(2026, 2, 10))
    make_idea(popular)  # last month: not counted in March
    clock.freeze(datetime(2026, 3, 20))
    view = queries.top_participants()
    assert [(u.username, ideas, votes) for u, ideas, votes in view.contributors] == [
        ("popular", 1, 4), ("prolific", 3, 0)]
    assert [(u.username, gained) for u, gained in view.answerers] == [("prolific", 25), ("popular", 10)]
    february = queries.top_participants("2026-02")
    assert [(u.username, ideas) for u, ideas, _ in february.contributors] == [("popular", 1)]

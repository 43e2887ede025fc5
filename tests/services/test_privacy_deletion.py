"""Account deletion: the person is erased, the conversation and every count stay, and it is all-or-nothing."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.auth.services import create_token, user_for_token
from forum.errors import Invalid, PermissionDenied
from forum.extensions import db
from forum.ideas import services as ideas
from forum.models import (ApiToken, AuditEntry, Escalation, Flag, Idea, IdeaVote, Notification, Post, Role,
                          Subscription, User, Vote)
from forum.moderation.services import flag_post, suspend_user, unsuspend_user
from forum.privacy import services
from forum.questions import services as questions
from tests.factories import PASSWORD, make_answer, make_idea, make_thread, make_user

NAME, EMAIL = "zelda_quux", "zelda.private@example.net"


@pytest.fixture
def zelda(ctx):
    """A member with a footprint in every table: posts, votes, idea votes, a flag, watches, notifications,
    a token, a private note to staff, and a notification in someone else's list worded with her name."""
    zelda, other = make_user(NAME, email=EMAIL), make_user("olaf")
    own = make_thread(zelda, title="My thermostat loses its schedule")
    make_answer(own, other, body="Reset the schedule from the app.")  # notifies zelda
    theirs = make_thread(other, title="Hub offline after the update")
    answer = make_answer(theirs, zelda, body="Same here; a restart fixed it.")  # notifies olaf: "zelda_quux ..."
    their_answer = make_answer(own, make_user(), body="Try the other channel.")
    questions.vote_post(actor=zelda, post=theirs.question, value=1)
    questions.vote_post(actor=other, post=answer, value=1)
    idea = make_idea(other, title="Please add a dark mode to the app")
    ideas.vote_idea(actor=zelda, idea=idea, value=1)
    ideas.comment_on_idea(actor=zelda, idea=idea, body="Yes, my eyes would thank you.")
    flag_post(actor=zelda, post=their_answer, reason="off_topic", note="Not about thermostats")
    questions.post_answer(actor=zelda, thread=theirs, body="Or ring me: 555-123-4567", private_to_staff=True)
    token = create_token(user=zelda, name="script")
    # others name her: @mentions in an answer (edited, so a revision holds it too) and an idea comment,
    # and a moderator's audit entry labelled with her name
    mention = make_answer(own, other, body="@zelda_quux did the reset help? cc @olaf")
    questions.edit_post(actor=other, post=mention, body="@Zelda_Quux, did the reset help? cc @olaf")
    ideas.comment_on_idea(actor=other, idea=idea, body="Agreed with @zelda_quux.")
    moderator = make_user(role=Role.MODERATOR)
    suspend_user(actor=moderator, user=zelda, days=1, reason="Cooling off after the zelda_quux thread")
    unsuspend_user(actor=moderator, user=zelda)
    return {"user": zelda, "other": other, "own": own, "theirs": theirs, "answer": answer, "idea": idea,
            "token": token}


def _counts(user_id: int) -> dict:
    return {"post_score": db.session.scalars(sa.select(Post.score).order_by(Post.id)).all(),
            "votes": db.session.scalar(sa.select(sa.func.count()).select_from(Vote)),
            "idea_votes": db.session.scalar(sa.select(sa.func.count()).select_from(IdeaVote)),
            "idea_vote_count": db.session.scalars(sa.select(Idea.vote_count)).all(),
            "reputation": db.session.scalars(sa.select(User.reputation).where(User.id != user_id)
                                             .order_by(User.id)).all(),
            "posts": db.session.scalar(sa.select(sa.func.count()).select_from(Post))}


def test_deletion_erases_the_person_and_keeps_the_conversation(zelda):
    user = zelda["user"]
    user_id, version, before = user.id, user.session_version, _counts(user.id)
    services.delete_account(actor=user, target=user, password=PASSWORD)
    db.session.expire_all()
    gone = db.session.get(User, user_id)
    assert (gone.is_deleted, gone.username, gone.email, gone.password_hash, gone.bio) == \
        (True, f"deleted-{user_id}", None, None, "")
    assert gone.session_version == version + 1
    assert _counts(user_id) == before  # scores, vote totals, others' reputation and every post stay
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.user_id == user_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdeaVote).where(IdeaVote.user_id.is_(None))) == 1
    for model in (ApiToken, Subscription, Notification):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.user_id == user_id)) == 0
    assert db.session.scalar(sa.select(Flag.reporter_id)) is None
    assert db.session.scalars(sa.select(Escalation.private_note)).all() == [None]
    assert user_for_token(zelda["token"]) is None
    told = db.session.scalar(sa.select(Notification.text).where(Notification.user_id == zelda["other"].id,
                                                                Notification.kind == "answer"))
    assert told.startswith(f"deleted user {user_id} answered")


def test_no_personal_field_remains_in_any_table(zelda):
    user = zelda["user"]
    services.delete_account(actor=user, target=user, password=PASSWORD)
    hits = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, sa.String):
                continue
            for needle in (EMAIL, NAME):
                found = db.session.scalar(sa.select(sa.func.count()).select_from(table)
                                          .where(sa.func.lower(column).contains(needle.lower())))
                if found:
                    hits.append(f"{table.name}.{column.name} has {needle}")
    assert hits == []


def test_mentions_of_the_member_name_the_placeholder_and_keep_other_links(zelda):
    user = zelda["user"]
    services.delete_account(actor=user, target=user, password=PASSWORD)
    placeholder = f"deleted-{user.id}"
    post = db.session.scalar(sa.select(Post).where(Post.body_md.contains("did the reset help")))
    assert post.body_md == f"@{placeholder}, did the reset help? cc @olaf"
    assert 'href="/users/olaf"' in post.body_html and placeholder in post.body_html
    assert f'href="/users/{placeholder}"' not in post.body_html  # deleted members are not linked
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action.like("user.%"))).all()
    assert entries and all(NAME not in f"{e.target_label} {e.note}" for e in entries)
    assert any(placeholder in e.note for e in entries)


def test_a_failure_leaves_the_account_as_it_was(zelda, monkeypatch):
    user = zelda["user"]
    user_id, before = user.id, _counts(user.id)

    def broken(_user_id):  # fails after votes, tokens and notifications were already touched
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "deleted_name", broken)
    with pytest.raises(RuntimeError):
        services.delete_account(actor=user, target=user, password=PASSWORD)
    db.session.expire_all()
    kept = db.session.get(User, user_id)
    assert (kept.username, kept.email, kept.is_deleted) == (NAME, EMAIL, False)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Vote).where(Vote.user_id == user_id)) == 1
    assert user_for_token(zelda["token"]) is not None
    assert db.session.scalars(sa.select(Escalation.private_note)).all()[0]
    assert _counts(user_id) == before


@pytest.mark.parametrize("password", ["wrong-password", "", None, 12345678])
def test_wrong_password_changes_nothing(zelda, password):
    user = zelda["user"]
    with pytest.raises(Invalid) as caught:
        services.delete_account(actor=user, target=user, password=password)
    assert "password" in caught.value.fields
    db.session.expire_all()
    assert db.session.get(User, user.id).is_deleted is False


def test_admin_deletes_on_request_and_it_is_audited(zelda):
    admin, user = make_user(role=Role.ADMIN), zelda["user"]
    services.delete_account(actor=admin, target=user, note="requested by email")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.delete"))
    assert (entry.actor_id, entry.target_id, entry.note) == (admin.id, user.id, "requested by email")
    assert NAME not in entry.target_label
    assert db.session.get(User, user.id).is_deleted


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF, Role.MODERATOR])
def test_only_admins_delete_other_accounts(zelda, role):
    with pytest.raises(PermissionDenied):
        services.delete_account(actor=make_user(role=role), target=zelda["user"], password=PASSWORD)
    assert db.session.get(User, zelda["user"].id).is_deleted is False


def test_admin_cannot_delete_another_admin(ctx):
    with pytest.raises(PermissionDenied):
        services.delete_account(actor=make_user(role=Role.ADMIN), target=make_user(role=Role.ADMIN))


def test_a_deleted_account_cannot_be_deleted_twice(zelda):
    admin, user = make_user(role=Role.ADMIN), zelda["user"]
    services.delete_account(actor=admin, target=user)
    with pytest.raises(PermissionDenied):
        services.delete_account(actor=admin, target=db.session.get(User, user.id))


def test_the_name_is_free_again_and_posts_show_deleted_user(zelda):
    user = zelda["user"]
    services.delete_account(actor=user, target=user, password=PASSWORD)
    assert make_user(NAME, email=EMAIL).id != user.id
    from forum.api.helpers import user_json
    assert user_json(db.session.get(User, user.id))["username"] == f"deleted user {user.id}"

"""questions.services: ask, answer, edit with revisions, delete, accept, locked threads."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.errors import Conflict, Invalid, PermissionDenied
from forum.extensions import db
from forum.models import Notification, Post, PostRevision, ReputationEvent, Role, Tag, Thread, ThreadStatus, User
from forum.questions import queries, services
from tests.factories import make_answer, make_category, make_thread, make_user

GOOD_TITLE = "How do I reset my router?"


def _ask(actor, **overrides):
    make_category("general")
    fields = {"title": GOOD_TITLE, "body": "It blinks red after the update.", "category": "general", "tags": []}
    fields.update(overrides)
    return services.ask_question(actor=actor, **fields)


def _suspend(user: User) -> User:
    user.suspended_until = clock.utcnow() + timedelta(days=3)
    user.suspension_reason = "spam"
    db.session.commit()
    return user


# -- ask ---------------------------------------------------------------------------------------

def test_ask_creates_thread_question_revision_and_watch(ctx):
    asker = make_user("asker")
    thread = _ask(asker, tags=["Router", "#wifi", "router", " Firmware "])
    assert thread.id and thread.title == GOOD_TITLE and thread.slug == "how-do-i-reset-my-router"
    assert thread.status == ThreadStatus.OPEN and thread.answer_count == 0 and thread.accepted_post_id is None
    assert thread.question.position == 0 and thread.question.author_id == asker.id
    assert "<p>It blinks red after the update.</p>" in thread.question.body_html
    assert [tag.name for tag in thread.tags] == ["firmware", "router", "wifi"]  # lowercased, deduplicated
    revision = db.session.scalars(sa.select(PostRevision).where(PostRevision.post_id == thread.question.id)).one()
    assert revision.editor_id == asker.id and revision.title == GOOD_TITLE


@pytest.mark.parametrize("title, ok", [
    ("x" * 9, False), ("x" * 10, True), ("x" * 150, True), ("x" * 151, False), ("   " + "x" * 9 + "  ", False),
    ("", False), (None, False), (12345678901, False),
])
def test_ask_title_length(ctx, title, ok):
    asker = make_user()
    if ok:
        assert _ask(asker, title=title).title == title
    else:
        with pytest.raises(Invalid) as error:
            _ask(asker, title=title)
        assert set(error.value.fields) == {"title"}


@pytest.mark.parametrize("size, ok", [(50_000, True), (50_001, False), (1, False), (0, False)])
def test_ask_body_length(ctx, size, ok):
    asker = make_user()
    if ok:
        assert len(_ask(asker, body="b" * size).question.body_md) == size
    else:
        with pytest.raises(Invalid) as error:
            _ask(asker, body="b" * size)
        assert "body" in error.value.fields


@pytest.mark.parametrize("field, value", [
    ("title", "Router\x00 keeps rebooting"), ("title", "Router keeps\trebooting"), ("title", "Router\x1b[31m rebooting"),
    ("body", "line one\x00 line two"), ("body", "bell \x07 here"), ("body", "escape \x1b here"),
])
def test_ask_refuses_nul_and_control_characters(ctx, field, value):
    with pytest.raises(Invalid) as error:
        _ask(make_user(), **{field: value})
    assert field in error.value.fields and "not allowed" in error.value.fields[field]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Thread)) == 0


def test_ask_body_keeps_newlines_and_tabs(ctx):
    thread = _ask(make_user(), body="```\n\tindented code\n```\r\nafter")
    assert thread.question.body_md == "```\n\tindented code\n```\nafter"


@pytest.mark.parametrize("category", ["nope", "", None, 7])
def test_ask_category_must_exist(ctx, category):
    with pytest.raises(Invalid) as error:
        _ask(make_user(), category=category)
    assert "category" in error.value.fields


@pytest.mark.parametrize("tags, expected", [
    ("wifi, Router  firmware", ["firmware", "router", "wifi"]),
    (["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e"]),
    (["A", "a", "#a"], ["a"]),
    ([], []), (None, []), ("", []),
])
def test_ask_tags_normalised(ctx, tags, expected):
    thread = _ask(make_user(), tags=tags)
    assert sorted(tag.name for tag in thread.tags) == expected


@pytest.mark.parametrize("tags", [["a", "b", "c", "d", "e", "f"], "a b c d e f", ["bad tag!"], ["x" * 31],
                                  [1, 2], {"a": 1}, ["<script>"]])
def test_ask_tags_refused(ctx, tags):
    with pytest.raises(Invalid) as error:
        _ask(make_user(), tags=tags)
    assert "tags" in error.value.fields


def test_ask_reports_every_bad_field_at_once(ctx):
    with pytest.raises(Invalid) as error:
        _ask(make_user(), title="short", body="", category="missing", tags=["a"] * 1 + list("bcdefg"))
    assert set(error.value.fields) == {"title", "body", "category", "tags"}


def test_tags_are_shared_between_threads(ctx):
    _ask(make_user(), tags=["wifi"])
    _ask(make_user(), tags=["wifi", "mesh"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tag)) == 2


@pytest.mark.parametrize("who", ["visitor", "suspended"])
def test_visitor_and_suspended_cannot_ask(ctx, who):
    actor = None if who == "visitor" else _suspend(make_user())
    with pytest.raises(PermissionDenied) as error:
        _ask(actor)
    if who == "suspended":
        assert "suspended" in error.value.message and "spam" in error.value.message


# -- answer ------------------------------------------------------------------------------------

def test_answer_counts_and_notifies_the_asker(ctx):
    asker = make_user()
    thread = make_thread(asker)
    clock.freeze(datetime(2030, 1, 2, 3, 4, 5))
    answer = make_answer(thread, body="Hold the reset button for **10 s**.")
    db.session.expire_all()
    thread = db.session.get(Thread, thread.id)
    assert answer.position == 1 and thread.answer_count == 1
    assert thread.first_answer_at == datetime(2030, 1, 2, 3, 4, 5) == thread.last_activity_at
    assert "<strong>10 s</strong>" in answer.body_html
    note = db.session.scalars(sa.select(Notification).where(Notification.user_id == asker.id)).one()
    assert note.kind == "answer" and note.post_id == answer.id
    second = make_answer(thread)
    assert second.position == 2
    assert db.session.get(Thread, thread.id).first_answer_at == datetime(2030, 1, 2, 3, 4, 5)


@pytest.mark.parametrize("body", ["", "x", None, "a\x00b", "x" * 50_001, ["list"]])
def test_answer_bad_body(ctx, body):
    thread = make_thread()
    with pytest.raises(Invalid) as error:
        services.post_answer(actor=make_user(), thread=thread, body=body)
    assert "body" in error.value.fields
    assert db.session.get(Thread, thread.id).answer_count == 0


@pytest.mark.parametrize("role, allowed", [
    ("visitor", False), ("member", True), ("suspended", False), ("staff", True), ("moderator", True),
    ("admin", True)])
def test_who_can_answer(ctx, role, allowed):
    thread = make_thread()
    actor = {"visitor": None, "suspended": None}.get(role, "x")
    if role == "suspended":
        actor = _suspend(make_user())
    elif role != "visitor":
        actor = make_user(role=role)
    if allowed:
        answer = services.post_answer(actor=actor, thread=thread, body="Here is how.")
        assert answer.is_staff_reply == (role != "member")
    else:
        with pytest.raises(PermissionDenied):
            services.post_answer(actor=actor, thread=thread, body="Here is how.")


def _lock(thread: Thread) -> Thread:
    thread.is_locked = True
    db.session.commit()
    return thread


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF])
def test_locked_thread_refuses_answers(ctx, role):
    thread = _lock(make_thread())
    with pytest.raises(PermissionDenied) as error:
        services.post_answer(actor=make_user(role=role), thread=thread, body="Late answer")
    assert "locked" in error.value.message


def test_locked_thread_refuses_votes_and_acceptance(ctx):
    asker = make_user()
    thread = make_thread(asker)
    answer = make_answer(thread)
    _lock(thread)
    with pytest.raises(PermissionDenied):
        services.vote_post(actor=make_user(), post=answer, value=1)
    with pytest.raises(PermissionDenied):
        services.accept_answer(actor=asker, answer=answer)
    assert db.session.get(Post, answer.id).score == 0


# -- edit and revisions -----------------------------------------------------------------------

def test_edit_keeps_a_revision_with_editor_and_time(ctx):
    asker = make_user()
    thread = make_thread(asker, title="The original title here", body="first text")
    clock.freeze(datetime(2031, 5, 6, 7, 8, 9))
    services.edit_post(actor=asker, post=thread.question, body="second text", title="A better title here")
    clock.freeze(datetime(2031, 5, 7, 7, 8, 9))
    staff = make_user(role=Role.STAFF)
    services.edit_post(actor=staff, post=thread.question, body="third text")
    post = db.session.get(Post, thread.question.id)
    assert post.body_md == "third text" and post.edited_by_id == staff.id
    assert post.edited_at == datetime(2031, 5, 7, 7, 8, 9)
    assert post.thread.title == "A better title here" and post.thread.slug == "a-better-title-here"
    history = queries.revisions(post)
    assert [(r.body_md, r.editor_id, r.created_at) for r in history] == [
        ("third text", staff.id, datetime(2031, 5, 7, 7, 8, 9)),
        ("second text", asker.id, datetime(2031, 5, 6, 7, 8, 9)),
        ("first text", asker.id, history[2].created_at),
    ]
    assert history[1].title == "A better title here"


def test_edit_without_change_adds_no_revision(ctx):
    asker = make_user()
    thread = make_thread(asker, body="same text")
    services.edit_post(actor=asker, post=thread.question, body="same text")
    assert len(queries.revisions(thread.question)) == 1
    assert thread.question.edited_at is None


def test_edit_title_only_on_question(ctx):
    answer = make_answer(make_thread())
    with pytest.raises(Invalid) as error:
        services.edit_post(actor=answer.author, post=answer, body="new body", title="A title for an answer")
    assert "title" in error.value.fields


@pytest.mark.parametrize("body, title", [("", None), ("ok body", "short"), ("a\x00b", None), ("x" * 50_001, None)])
def test_edit_bad_input(ctx, body, title):
    asker = make_user()
    thread = make_thread(asker, body="original")
    with pytest.raises(Invalid):
        services.edit_post(actor=asker, post=thread.question, body=body, title=title)
    db.session.rollback()
    assert db.session.get(Post, thread.question.id).body_md == "original"


@pytest.mark.parametrize("who, allowed", [
    ("visitor", False), ("member", False), ("author", True), ("suspended_author", False),
    ("staff", True), ("moderator", True), ("admin", True)])
def test_who_can_edit_an_answer(ctx, who, allowed):
    author = make_user()
    answer = make_answer(make_thread(), author)
    actor = {"visitor": None, "author": author}.get(who)
    if who == "suspended_author":
        actor = _suspend(author)
    elif who in ("member", "staff", "moderator", "admin"):
        actor = make_user(role=Role.MEMBER if who == "member" else who)
    if allowed:
        services.edit_post(actor=actor, post=answer, body="Edited text")
        assert db.session.get(Post, answer.id).body_md == "Edited text"
    else:
        with pytest.raises(PermissionDenied):
            services.edit_post(actor=actor, post=answer, body="Edited text")


def test_author_cannot_edit_on_locked_thread(ctx):
    author = make_user()
    thread = make_thread(author)
    _lock(thread)
    with pytest.raises(PermissionDenied):
        services.edit_post(actor=author, post=thread.question, body="changed")


# -- delete ------------------------------------------------------------------------------------

def test_author_deletes_unvoted_answer(ctx):
    thread = make_thread()
    author = make_user()
    answer = make_answer(thread, author)
    answer_id = answer.id
    services.delete_answer(actor=author, post=answer)
    db.session.expire_all()
    assert db.session.get(Post, answer_id) is None
    assert db.session.get(Thread, thread.id).answer_count == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PostRevision)
                             .where(PostRevision.post_id == answer_id)) == 0


@pytest.mark.parametrize("who", ["visitor", "member", "staff", "suspended_author"])
def test_others_cannot_delete_an_answer(ctx, who):
    author = make_user()
    answer = make_answer(make_thread(), author)
    actor = None if who == "visitor" else (_suspend(author) if who == "suspended_author" else
                                           make_user(role=Role.MEMBER if who == "member" else who))
    with pytest.raises(PermissionDenied):
        services.delete_answer(actor=actor, post=answer)
    assert db.session.get(Post, answer.id) is not None


def test_answer_with_votes_is_not_deleted_even_at_score_zero(ctx):
    author = make_user()
    answer = make_answer(make_thread(), author)
    services.vote_post(actor=make_user(), post=answer, value=1)
    services.vote_post(actor=make_user(), post=answer, value=-1)
    assert db.session.get(Post, answer.id).score == 0
    with pytest.raises(Conflict):
        services.delete_answer(actor=author, post=answer)
    assert db.session.get(Post, answer.id) is not None


def test_answer_with_an_upvote_cannot_be_deleted(ctx):
    author = make_user()
    answer = make_answer(make_thread(), author)
    services.vote_post(actor=make_user(), post=answer, value=1)
    with pytest.raises(Conflict, match="has votes"):
        services.delete_answer(actor=author, post=answer)


def test_question_and_accepted_answer_cannot_be_deleted(ctx):
    asker = make_user()
    thread = make_thread(asker)
    answer = make_answer(thread)
    services.accept_answer(actor=asker, answer=answer)
    with pytest.raises(PermissionDenied):
        services.delete_answer(actor=asker, post=thread.question)
    with pytest.raises(PermissionDenied):
        services.delete_answer(actor=answer.author, post=answer)


# -- accept ------------------------------------------------------------------------------------

def _rep(user_id: int) -> int:
    return db.session.scalar(sa.select(User.reputation).where(User.id == user_id))


def test_accept_change_and_undo(ctx):
    asker = make_user()
    thread = make_thread(asker)
    first, second = make_answer(thread), make_answer(thread)
    services.accept_answer(actor=asker, answer=first)
    db.session.expire_all()
    assert (thread.status, thread.accepted_post_id) == (ThreadStatus.SOLVED, first.id)
    assert thread.solved_at is not None
    assert (_rep(first.author_id), _rep(second.author_id)) == (16, 1)
    with pytest.raises(Conflict):
        services.accept_answer(actor=asker, answer=first)
    services.accept_answer(actor=asker, answer=second)
    db.session.expire_all()
    assert thread.accepted_post_id == second.id
    assert (_rep(first.author_id), _rep(second.author_id)) == (1, 16)
    services.unaccept_answer(actor=asker, thread=thread)
    db.session.expire_all()
    assert (thread.status, thread.accepted_post_id, thread.solved_at) == (ThreadStatus.OPEN, None, None)
    assert (_rep(first.author_id), _rep(second.author_id)) == (1, 1)
    with pytest.raises(Conflict):
        services.unaccept_answer(actor=asker, thread=thread)
    reasons = db.session.execute(sa.select(ReputationEvent.user_id, ReputationEvent.delta, ReputationEvent.reason)
                                 .order_by(ReputationEvent.id)).all()
    assert reasons == [(first.author_id, 15, "accepted"), (first.author_id, -15, "unaccepted"),
                       (second.author_id, 15, "accepted"), (second.author_id, -15, "unaccepted")]


def test_accepting_own_answer_earns_nothing(ctx):
    asker = make_user()
    thread = make_thread(asker)
    own = make_answer(thread, asker)
    services.accept_answer(actor=asker, answer=own)
    assert _rep(asker.id) == 1 and db.session.get(Thread, thread.id).status == ThreadStatus.SOLVED


@pytest.mark.parametrize("who, allowed", [
    ("visitor", False), ("member", False), ("answerer", False), ("asker", True), ("suspended_asker", False),
    ("staff", True), ("moderator", True), ("admin", True)])
def test_who_can_accept(ctx, who, allowed):
    asker, answerer = make_user(), make_user()
    thread = make_thread(asker)
    answer = make_answer(thread, answerer)
    actor = {"visitor": None, "asker": asker, "answerer": answerer}.get(who)
    if who == "suspended_asker":
        actor = _suspend(asker)
    elif who in ("member", "staff", "moderator", "admin"):
        actor = make_user(role=Role.MEMBER if who == "member" else who)
    if allowed:
        services.accept_answer(actor=actor, answer=answer)
        assert db.session.get(Thread, thread.id).accepted_post_id == answer.id
    else:
        with pytest.raises(PermissionDenied):
            services.accept_answer(actor=actor, answer=answer)
        db.session.rollback()
        assert db.session.get(Thread, thread.id).accepted_post_id is None


@pytest.mark.parametrize("who, allowed", [("member", False), ("answerer", False), ("asker", True), ("staff", True)])
def test_who_can_undo_acceptance(ctx, who, allowed):
    asker, answerer = make_user(), make_user()
    thread = make_thread(asker)
    answer = make_answer(thread, answerer)
    services.accept_answer(actor=asker, answer=answer)
    actor = {"asker": asker, "answerer": answerer}.get(who) or make_user(role=who)
    if allowed:
        services.unaccept_answer(actor=actor, thread=thread)
        assert db.session.get(Thread, thread.id).accepted_post_id is None
    else:
        with pytest.raises(PermissionDenied):
            services.unaccept_answer(actor=actor, thread=thread)


def test_cannot_accept_the_question_or_another_threads_answer(ctx):
    asker = make_user()
    thread, other = make_thread(asker), make_thread(asker)
    foreign = make_answer(other)
    with pytest.raises(PermissionDenied):
        services.accept_answer(actor=asker, answer=thread.question)
    services.accept_answer(actor=asker, answer=foreign)  # accepts on its own thread, not `thread`
    assert db.session.get(Thread, thread.id).accepted_post_id is None
    assert db.session.get(Thread, other.id).accepted_post_id == foreign.id


def test_thread_page_shows_accepted_first_then_score_then_age(ctx):
    asker = make_user()
    thread = make_thread(asker)
    clock.freeze(datetime(2030, 1, 1))
    old_low = make_answer(thread, body="old low")
    clock.freeze(datetime(2030, 1, 2))
    top = make_answer(thread, body="top")
    clock.freeze(datetime(2030, 1, 3))
    new_low = make_answer(thread, body="new low")
    clock.freeze(datetime(2030, 1, 4))
    accepted = make_answer(thread, body="accepted")
    clock.freeze(None)
    for _ in range(2):
        services.vote_post(actor=make_user(), post=top, value=1)
    services.vote_post(actor=make_user(), post=accepted, value=-1)
    services.accept_answer(actor=asker, answer=accepted)
    page = queries.thread_page(db.session.get(Thread, thread.id), None)
    assert [post.body_md for post in page.answers] == ["accepted", "top", "old low", "new low"]
    assert page.question.id == thread.question.id
    assert [a.id for a in page.answers] == [accepted.id, top.id, old_low.id, new_low.id]

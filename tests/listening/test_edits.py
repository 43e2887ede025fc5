"""Edits are matched after commit like new posts: a question's title or text, an answer, an idea and an idea
comment; only the watches a post newly satisfies are recorded and told, never twice for one watch and post."""
from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.ideas import services as ideas
from forum.listening import matches, watches
from forum.markup import render_markdown
from forum.models import Match, MatchKind, Notification, Role
from forum.moderation import services as moderation
from forum.questions import services as questions
from tests.factories import make_answer, make_idea, make_thread, make_user


def _setup():
    staff = make_user(role=Role.STAFF)
    crash = watches.create_watch(actor=staff, name="Crashes", terms=["crash"])
    battery = watches.create_watch(actor=staff, name="Battery", terms=["battery drain"])
    return staff, crash, battery


def _matches() -> list[tuple[int, str, int, list[str]]]:
    db.session.expire_all()
    return [(m.watch_id, m.kind, m.source_id, m.terms) for m in db.session.scalars(sa.select(Match).order_by(Match.id))]


def _told() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.kind == "watch_match"))


def test_an_edit_that_adds_a_watched_word_is_matched_once(ctx):
    _staff, crash, battery = _setup()
    asker = make_user()
    thread = make_thread(asker, title="The thermostat app is slow", body="It takes ages to open.")
    assert _matches() == [] and _told() == 0
    questions.edit_post(actor=asker, post=thread.question, body="It takes ages to open, then it crashes.")
    assert _matches() == [(crash.id, MatchKind.QUESTION, thread.question.id, ["crash"])] and _told() == 1
    # the same word again, and another edit: nothing new for the watch that already matched
    questions.edit_post(actor=asker, post=thread.question, body="Still crashing after the update, and crashing.")
    assert len(_matches()) == 1 and _told() == 1
    # a second watch's phrase: only that watch is recorded and told
    questions.edit_post(actor=asker, post=thread.question, body="Crashes, and a big battery drain overnight.")
    assert _matches() == [(crash.id, MatchKind.QUESTION, thread.question.id, ["crash"]),
                          (battery.id, MatchKind.QUESTION, thread.question.id, ["battery drain"])]
    assert _told() == 2


def test_a_title_edit_and_an_answer_edit_are_matched(ctx):
    _staff, crash, _battery = _setup()
    asker, helper = make_user(), make_user()
    thread = make_thread(asker, title="The thermostat app is slow", body="It takes ages to open.")
    answer = make_answer(thread, helper, body="Try reinstalling the app from the store.")
    questions.edit_post(actor=asker, post=thread.question, body=thread.question.body_md,
                        title="The thermostat app crashes on open")
    questions.edit_post(actor=helper, post=answer, body="Reinstalling stopped the crash for me.")
    assert sorted(_matches()) == sorted([(crash.id, MatchKind.QUESTION, thread.question.id, ["crash"]),
                                         (crash.id, MatchKind.ANSWER, answer.id, ["crash"])])


def test_idea_and_idea_comment_edits_are_matched(ctx):
    _staff, crash, _battery = _setup()
    author = make_user()
    idea = make_idea(author, title="Let me export my schedules", body="As a CSV file, please.")
    comment = ideas.comment_on_idea(actor=author, idea=idea, body="Yes please, that would help.")
    assert _matches() == []
    idea.body_md = "Export stops with a crash today."
    idea.body_html = render_markdown(idea.body_md)
    comment.body_md = "The export crashed for me too."
    comment.body_html = render_markdown(comment.body_md)
    db.session.commit()
    assert sorted(_matches()) == sorted([(crash.id, MatchKind.IDEA, idea.id, ["crash"]),
                                         (crash.id, MatchKind.IDEA_COMMENT, comment.id, ["crash"])])


def test_edits_of_hidden_posts_are_not_matched(ctx):
    _setup()
    moderator, asker = make_user(role=Role.MODERATOR), make_user()
    thread = make_thread(asker, title="The thermostat app is slow", body="It takes ages to open.")
    moderation.hide_post(actor=moderator, post=thread.question, note="spam")
    thread.question.body_md = "it crashes"
    thread.question.body_html = render_markdown("it crashes")
    db.session.commit()
    assert _matches() == []


def test_an_edit_that_changes_nothing_watched_costs_no_match_work(ctx, monkeypatch):
    _setup()
    asker = make_user()
    thread = make_thread(asker, title="The thermostat app is slow", body="It takes ages to open.")
    calls = []
    monkeypatch.setattr(matches, "record_matches", lambda items: calls.append(set(items)))
    thread.view_count = (thread.view_count or 0) + 1  # not an edit of anything a watch reads
    db.session.commit()
    assert calls == []


def test_a_match_another_writer_recorded_first_is_kept_and_not_told_twice(ctx, monkeypatch):
    """Two edits of one post committed at once both see no match yet: the unique (watch, kind, source) keeps the
    first, and the second writes neither a row nor a notification."""
    _staff, _crash, _battery = _setup()
    asker = make_user()
    thread = make_thread(asker, title="The thermostat app crashes", body="Every morning.")
    assert len(_matches()) == 1 and _told() == 1
    monkeypatch.setattr(matches, "_already_matched", lambda source, watch_ids: set())  # the race: read too early
    assert matches.record_matches([("post", thread.question.id)]) == []
    assert len(_matches()) == 1 and _told() == 1

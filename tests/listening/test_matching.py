"""The matcher: word forms, phrases, case, scopes; hidden, held, private and staff content never matched; the
after-commit hook; notifications once each."""
from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.listening import matching, watches
from forum.listening.matching import Matcher, Scope
from forum.models import Match, MatchKind, Notification, Role
from forum.moderation import services as moderation
from tests.factories import make_answer, make_category, make_idea, make_thread, make_user


def _matcher(**terms: list[str]) -> Matcher:
    m = Matcher()
    for n, (_name, words) in enumerate(terms.items(), start=1):
        for word in words:
            m.add(n, word)
        m.scopes[n] = Scope()
    return m


# -- the compiled structure, no database ------------------------------------------------------------------------
def test_word_forms_and_case_are_folded():
    m = _matcher(crash=["crash"])
    for text in ("The app CRASHES on start", "crashing every hour", "it crashed", "Crash!"):
        assert m.match(text) == {1: ["crash"]}, text
    assert m.match("a crass remark") == {}


def test_phrases_match_in_order_only():
    m = _matcher(battery=["battery drain"])
    assert m.match("Terrible Battery Draining since the update") == {1: ["battery drain"]}
    assert m.match("drain the battery") == {}
    assert m.match("battery") == {}


def test_several_watches_and_terms_in_one_pass():
    m = _matcher(crash=["crash", "freeze"], login=["log in", "password"])
    assert m.match("It froze... no, it freezes and crashes when I log in") == {1: ["crash", "freeze"],
                                                                                2: ["log in"]}


def test_scopes_by_category_and_tag():
    m = Matcher()
    m.add(1, "refund")
    m.scopes[1] = Scope(categories=frozenset({7}), tags=frozenset({3, 4}))
    assert m.match("refund please", 7, [4]) == {1: ["refund"]}
    assert m.match("refund please", 8, [4]) == {}
    assert m.match("refund please", 7, [5]) == {}


def test_spans_mark_word_forms_for_highlighting():
    text = "Crashing again; the crash log shows battery drains"
    assert [text[a:b] for a, b in matching.spans(text, ["crash", "battery drain"])] == \
        ["Crashing", "crash", "battery drains"]


# -- after commit, against the database --------------------------------------------------------------------------
def _staff_watch(terms, **scope):
    staff = make_user(role=Role.STAFF)
    watch = watches.create_watch(actor=staff, name="Topic", terms=terms, **scope)
    return staff, watch


def _matches():
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Match).order_by(Match.id)))


def test_a_new_question_is_matched_after_commit_and_followers_told_once(ctx):
    staff, watch = _staff_watch(["crash"])
    other = make_user(role=Role.STAFF)
    watches.set_following(actor=other, watch=watch, follow=True)
    thread = make_thread(make_user(), title="The app keeps crashing on start", body="Every time I open it.")
    found = _matches()
    assert [(m.kind, m.post_id, m.thread_id, m.terms, m.state) for m in found] == \
        [(MatchKind.QUESTION, thread.question.id, thread.id, ["crash"], "new")]
    told = db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "watch_match")).all()
    assert sorted(told) == sorted([staff.id, other.id])


def test_answers_ideas_and_idea_comments_are_matched(ctx):
    from forum.ideas.services import comment_on_idea
    _staff_watch(["dark mode"])
    thread = make_thread(title="How do I change the theme?")
    answer = make_answer(thread, body="There is a Dark Mode toggle in settings.")
    idea = make_idea(title="Please add a dark mode", body="My eyes hurt at night.")
    comment = comment_on_idea(actor=make_user(), idea=idea, body="Yes, dark modes everywhere please")
    kinds = {(m.kind, m.source_id) for m in _matches()}
    assert kinds == {(MatchKind.ANSWER, answer.id), (MatchKind.IDEA, idea.id), (MatchKind.IDEA_COMMENT, comment.id)}


def test_scoped_watch_ignores_other_categories_and_tags(ctx):
    make_category("billing")
    make_thread(title="Which payment methods are there?", tags=["card", "paypal"])  # the tags exist
    _staff_watch(["refund"], categories=["billing"], tags=["card"])
    make_thread(title="Refund for my order please", category="general", tags=["card"])
    make_thread(title="Refund for my order, billing", category="billing", tags=["paypal"])
    hit = make_thread(title="Refund to my card please", category="billing", tags=["card"])
    assert [m.thread_id for m in _matches()] == [hit.id]


def test_staff_posts_are_not_matched_and_staff_reply_handles_the_match(ctx):
    staff, _ = _staff_watch(["crash"])
    thread = make_thread(title="Crash when exporting my photos")
    make_thread(make_user(role=Role.STAFF), title="Known crash in version 2, read first")
    assert [m.thread_id for m in _matches()] == [thread.id]
    make_answer(thread, make_user(), body="Same crash here")          # a member: matched, nothing handled
    assert {m.state for m in _matches()} == {"new"}
    make_answer(thread, staff, body="We fixed the crash in 2.1, please update.")  # staff reply
    found = _matches()
    assert len(found) == 2 and {m.state for m in found} == {"handled"}
    assert {m.handled_by_id for m in found} == {staff.id}


def test_hidden_content_is_never_matched(ctx):
    from forum.clock import utcnow
    from forum.listening.matches import record_matches
    _staff_watch(["crash"])
    moderator = make_user(role=Role.MODERATOR)
    thread = make_thread(title="Crash when printing")
    answer = make_answer(make_thread(title="Printer question"), body="It crashes for me too")
    idea = make_idea(title="Stop the crash on startup")
    assert len(_matches()) == 3
    db.session.execute(sa.delete(Match))
    db.session.commit()
    moderation.hide_thread(actor=moderator, thread=thread, note="spam")
    moderation.hide_post(actor=moderator, post=answer, note="rude")
    idea.is_hidden = True
    db.session.commit()
    assert record_matches([("post", thread.question.id), ("post", answer.id), ("idea", idea.id)]) == []
    # held for a moderator (new account, links): not public, so not matched until it is released
    held = make_thread(title="Another printer question")
    db.session.execute(sa.delete(Match))
    held.question.held_at = utcnow()
    held.question.body_html = "<p>crash crash</p>"
    db.session.commit()
    assert record_matches([("post", held.question.id)]) == [] and _matches() == []
    held.question.held_at = None  # a moderator approves it: the hook matches it after that commit
    db.session.commit()
    assert [m.post_id for m in _matches()] == [held.question.id]


def test_private_details_sent_to_staff_are_not_matched(ctx):
    """The public text has the details replaced; the private note (which held "crash") is never matched."""
    _staff_watch(["4111"])
    from forum.questions.services import ask_question
    make_category()
    thread = ask_question(actor=make_user(), title="Payment problem with my card", category="general",
                          body="My card 4111 1111 1111 1111 was charged twice", private_to_staff=True)
    assert "4111" not in thread.question.body_md
    assert _matches() == []


def test_a_failing_matcher_never_fails_the_post(ctx, monkeypatch, caplog):
    from forum.listening import matches
    _staff_watch(["crash"])

    def broken(_items):
        raise RuntimeError("boom")

    monkeypatch.setattr(matches, "record_matches", broken)
    thread = make_thread(title="It crashes all the time")
    assert thread.id is not None and _matches() == []
    assert "matching new posts failed" in caplog.text


def test_matcher_is_rebuilt_after_a_watch_changes(ctx):
    staff, watch = _staff_watch(["crash"])
    make_thread(title="Frozen screen after update")
    assert _matches() == []
    watches.update_watch(actor=staff, watch=watch, terms=["crash", "frozen screen"])
    thread = make_thread(title="Another frozen screen today")
    assert [m.thread_id for m in _matches()] == [thread.id]


def test_mail_follows_each_followers_choice_and_members_are_not_offered_it(ctx):
    from forum.models import OutboxMail
    from forum.notifications import queries as notification_queries
    from forum.notifications.services import update_email_preferences
    staff, watch = _staff_watch(["crash"])
    eager = make_user(role=Role.STAFF)
    update_email_preferences(actor=eager, choices={"listening": "immediately"})
    watches.set_following(actor=eager, watch=watch, follow=True)
    make_thread(title="Crash on the login screen")
    mailed = db.session.scalars(sa.select(OutboxMail.user_id).where(OutboxMail.kind == "watch_match")).all()
    assert mailed == [eager.id]  # the creator keeps the default (the daily digest)
    assert "listening" in {row["key"] for row in notification_queries.email_choices(staff)}
    assert "listening" not in {row["key"] for row in notification_queries.email_choices(make_user())}


def test_a_second_worker_rebuilds_after_a_change_elsewhere(ctx, app_config):
    """Two apps on one database stand for two worker processes: each keeps its own compiled matcher, keyed by
    the watches' version, so a change made through one is seen by the other on its next post."""
    from forum import create_app
    staff, watch = _staff_watch(["crash"])
    other = create_app(app_config)
    with other.app_context():
        assert set(matching.current_matcher(db.session).index) == {"crash"}
        db.session.remove()
    watches.update_watch(actor=staff, watch=watch, terms=["freeze"])
    with other.app_context():
        assert set(matching.current_matcher(db.session).index) == {"freez"}
        db.session.remove()


def test_a_follower_on_the_digest_gets_the_match_in_the_next_days_digest_and_never_means_never(ctx):
    """"Mail at once or in the digest, as each follower chooses": the default is the digest, built the next day."""
    from datetime import timedelta

    from forum import clock
    from forum.models import OutboxMail
    from forum.notifications import outbox
    from forum.notifications.services import update_email_preferences
    staff, watch = _staff_watch(["crash"])  # the creator keeps the default: the daily digest
    silent = make_user(role=Role.STAFF)
    update_email_preferences(actor=silent, choices={"listening": "never"})
    watches.set_following(actor=silent, watch=watch, follow=True)
    make_thread(title="Crash on the login screen")
    assert db.session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "watch_match")).all() == []
    told = {n.user_id: n.id for n in db.session.scalars(sa.select(Notification).where(
        Notification.kind == "watch_match"))}
    assert set(told) == {staff.id, silent.id}  # in-app at once, for both
    clock.freeze(clock.utcnow() + timedelta(days=1))
    try:
        outbox.build_digests()
    finally:
        clock.freeze(None)
    digests = {m.user_id: m.payload["ids"] for m in db.session.scalars(sa.select(OutboxMail).where(
        OutboxMail.kind == "digest"))}
    assert digests == {staff.id: [told[staff.id]]}  # the one who chose "never" gets no mail at all


def test_a_private_profile_is_never_read_and_its_owners_public_posts_show_only_counts_limited(ctx):
    """Watches read posts, never profiles: a private profile's words match nothing, and next to its owner's
    public post staff see only that the profile is private."""
    from forum import customer_context
    from forum.listening.api import match_json
    _staff_watch(["crash"])
    member = make_user("quiet_quinn")
    member.bio = "I crash test dummies for a living."
    member.profile_visibility = "private"
    db.session.commit()
    assert _matches() == []
    make_thread(member, title="Crash when I open settings")
    [match] = _matches()
    staff = make_user(role=Role.STAFF)
    contexts = customer_context.contexts_for(actor=staff, members=[match.author],
                                             purpose=customer_context.LISTENING)
    assert match_json(match, contexts.get(match.author_id))["author_standing"] == {"limited": True}


def test_an_edit_inside_a_savepoint_is_matched_when_the_transaction_commits(ctx):
    """SQLAlchemy fires after_commit for a savepoint's release too: matching then, in a fresh session, would
    wait for the writer's own lock (SQLite, 15 s) or miss the uncommitted edit (PostgreSQL) and drop it."""
    import time

    from forum.models import Thread
    _staff_watch(["walrus"])
    thread = make_thread(title="Chime volume resets after update")
    started = time.perf_counter()
    with db.session.begin_nested():
        db.session.get(Thread, thread.id).title = "Chime volume resets after the walrus update"
    assert _matches() == []  # only the savepoint was released
    db.session.commit()
    assert [(m.thread_id, m.terms) for m in _matches()] == [(thread.id, ["walrus"])]
    assert time.perf_counter() - started < 5


def test_a_community_that_listens_for_nothing_opens_nothing_after_a_post(ctx, monkeypatch):
    """The watches' version is read in the post's own transaction: while this process's matcher is current and
    has no terms, the commit is the end of it. A watch created since (by any worker) is matched at once."""
    from forum.listening import matches
    make_thread(title="The first post builds this process's matcher")  # no watches yet: an empty one, kept
    calls = []
    record = matches.record_matches
    monkeypatch.setattr(matches, "record_matches", lambda items: calls.append(set(items)) or record(items))
    make_thread(title="It crashes all the time")
    assert calls == [] and _matches() == []
    _staff_watch(["crash"])
    thread = make_thread(title="It crashes again")
    assert len(calls) == 1 and [m.thread_id for m in _matches()] == [thread.id]

"""Notifications: who is told what, mentions, visibility, email choices, the outbox and daily digests."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from forum import clock
from forum.errors import BadRequest, Invalid, NotFound
from forum.extensions import db
from forum.models import Delivery, Notification, OutboxMail, OutboxStatus, Role, User
from forum.notifications import outbox, queries, services, tokens
from forum.questions import services as questions
from tests.factories import make_answer, make_thread, make_user


def kinds_for(user: User) -> list[str]:
    return list(db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == user.id)
                                   .order_by(Notification.id)))


def sent_mail(app) -> list:
    return getattr(app.extensions["mailman"], "outbox", [])


# -- what notifies, and nobody of their own action ------------------------------------------------
def test_answer_notifies_asker_and_watchers_but_never_the_actor(ctx):
    asker, watcher, answerer = make_user("asker"), make_user("watcher"), make_user("answerer")
    thread = make_thread(asker)
    services.start_watching(actor=watcher, thread=thread)
    make_answer(thread, answerer)
    assert kinds_for(asker) == ["answer"]
    assert kinds_for(watcher) == ["watched_answer"]
    assert kinds_for(answerer) == []
    make_answer(thread, asker, body="Answering my own question")
    assert kinds_for(asker) == ["answer"]  # not told of their own answer
    assert kinds_for(answerer) == ["watched_answer"]  # answering watched the thread


def test_accepting_notifies_the_answerer_not_the_asker(ctx):
    asker, answerer = make_user(), make_user()
    thread = make_thread(asker)
    answer = make_answer(thread, answerer)
    questions.accept_answer(actor=asker, answer=answer)
    assert kinds_for(answerer)[-1] == "answer_accepted"
    assert "answer_accepted" not in kinds_for(asker)


def test_unwatching_stops_answer_notifications(ctx):
    asker, watcher = make_user(), make_user()
    thread = make_thread(asker)
    services.start_watching(actor=watcher, thread=thread)
    services.start_watching(actor=watcher, thread=thread)  # idempotent
    services.stop_watching(actor=watcher, thread=thread)
    make_answer(thread)
    assert kinds_for(watcher) == []
    assert not queries.is_watching(watcher, thread_id=thread.id)


# -- mentions --------------------------------------------------------------------------------------
def test_mentions_notify_existing_members_outside_code_once(ctx):
    author = make_user("author")
    bob, carol, dave, erin, frank, gina = (make_user(n) for n in ("bob", "carol", "dave", "erin", "frank", "gina"))
    body = ("Thanks @bob and again @BOB! Not `@carol` in code, not mail to dave@example.com,\n"
            "not @nobody-here, (@frank), and @gina.\n\n```\n@erin in a block\n```\n\n[@dave](https://x.example) @author")
    make_thread(author)  # creates the category
    thread = questions.ask_question(actor=author, title="Mentions in every shape", body=body, category="general",
                                    confirm_public=True)  # the e-mail address is there on purpose
    for user, expected in ((bob, ["mention"]), (frank, ["mention"]), (gina, ["mention"]), (carol, []),
                           (dave, []), (erin, []), (author, [])):
        assert kinds_for(user) == expected, user.username
    html = thread.question.body_html
    assert '<a href="/users/bob" class="mention"' in html or 'class="mention" href="/users/bob"' in html
    assert "/users/nobody-here" not in html
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == bob.id))
    assert note.url.endswith(f"#post-{thread.question.id}") and "author mentioned you" in note.text


def test_editing_notifies_only_newly_mentioned(ctx):
    author, bob, carol = make_user(), make_user("bobby"), make_user("carola")
    thread = make_thread(author, body="Hello @bobby")
    questions.edit_post(actor=author, post=thread.question, body="Hello @bobby and @carola")
    assert kinds_for(bob) == ["mention"]
    assert kinds_for(carol) == ["mention"]


def test_hundreds_of_mentions_notify_at_most_fifty(ctx):
    author = make_user()
    db.session.add_all([User(username=f"m{n:03d}", email=f"m{n:03d}@example.com", password_hash="x")
                        for n in range(120)])
    db.session.commit()
    make_thread(author, body=" ".join(f"@m{n:03d}" for n in range(120)) + " @ghost1 @ghost2")
    told = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(Notification.kind == "mention"))
    assert told == 50


def test_a_mention_added_to_a_hidden_post_tells_nobody(ctx):
    author, carol, staff = make_user(), make_user("carolyn"), make_user(role=Role.STAFF)
    thread = make_thread(author)
    answer = make_answer(thread, author, body="first version")
    answer.is_hidden = True
    db.session.commit()
    questions.edit_post(actor=staff, post=answer, body="now with @carolyn")
    assert kinds_for(carol) == []


# -- visibility --------------------------------------------------------------------------------
def test_notifications_about_content_hidden_later_leave_the_list_and_the_mail(ctx, app):
    asker = make_user()
    thread = make_thread(asker)
    make_answer(thread)
    assert queries.unread_count(asker) == 1
    thread.is_hidden = True
    db.session.commit()
    assert queries.unread_count(asker) == 0
    assert queries.list_notifications(asker).items == []
    assert outbox.send_due()["skipped"] == 1
    assert sent_mail(app) == []


def test_the_hidden_post_notice_reaches_its_author(ctx):
    author, moderator = make_user(), make_user(role=Role.MODERATOR)
    thread = make_thread(author)
    answer = make_answer(thread, author)
    answer.is_hidden = True
    services.notify(user_id=author.id, kind="post_hidden", actor=moderator, post_id=answer.id,
                    url="/x", text="Your post was hidden: spam")
    db.session.commit()
    assert [n.kind for n in queries.list_notifications(author).items] == ["post_hidden"]


# -- email choices and the outbox ------------------------------------------------------------------
@pytest.mark.parametrize("delivery, rows, mailed", [(Delivery.IMMEDIATELY, 1, True), (Delivery.DAILY, 0, False),
                                                    (Delivery.NEVER, 0, True)])
def test_email_choice_decides_what_is_queued(ctx, delivery, rows, mailed):
    asker = make_user()
    services.update_email_preferences(actor=asker, choices={"answers": delivery})
    make_answer(make_thread(asker))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == rows
    note = db.session.scalar(sa.select(Notification).where(Notification.user_id == asker.id))
    assert (note.mailed_at is not None) is mailed


def test_asker_and_watchers_each_get_their_own_email_choice_in_one_pass(ctx):
    """tell_about_answer tells both groups in one notify_each(): each person's choice for their own kind."""
    asker, mailed_watcher, digest_watcher = make_user(), make_user(), make_user()
    services.update_email_preferences(actor=asker, choices={"answers": Delivery.NEVER})
    services.update_email_preferences(actor=mailed_watcher, choices={"watched": Delivery.IMMEDIATELY})
    thread = make_thread(asker)
    for watcher in (mailed_watcher, digest_watcher):
        services.start_watching(actor=watcher, thread=thread)
    answer = make_answer(thread)
    told = dict(db.session.execute(sa.select(Notification.user_id, Notification.kind).where(
        Notification.post_id == answer.id)).tuples().all())
    assert told == {asker.id: "answer", mailed_watcher.id: "watched_answer", digest_watcher.id: "watched_answer"}
    mailed = set(db.session.scalars(sa.select(OutboxMail.user_id)))
    assert mailed == {mailed_watcher.id}  # the asker chose never, the other watcher the daily digest
    pending = db.session.scalar(sa.select(Notification.mailed_at).where(Notification.user_id == digest_watcher.id))
    assert pending is None  # waits for the digest


def test_a_person_with_a_choice_for_every_kind_gets_the_one_for_what_they_are_told(ctx):
    """Their account comes with every choice joined to it (one row per choice): the other kind's choice, read
    in the same statement, must not decide this mail."""
    asker = make_user()
    services.update_email_preferences(actor=asker, choices={"answers": Delivery.IMMEDIATELY,
                                                            "watched": Delivery.NEVER})
    thread = make_thread(asker)  # asking watches the thread: the asker is in both groups, told as the asker
    answer = make_answer(thread)
    told = db.session.scalars(sa.select(Notification.kind).where(Notification.post_id == answer.id)).all()
    assert told == ["answer"]
    assert set(db.session.scalars(sa.select(OutboxMail.user_id))) == {asker.id}


def test_one_person_in_two_groups_is_told_once_in_the_first_groups_words(ctx):
    actor, both = make_user(), make_user()
    services.notify_each([services.Message([both.id, actor.id], "answer", "first"),
                          services.Message([both.id, None], "watched_answer", "second")],
                         url="/questions/1", actor=actor)
    db.session.commit()
    assert [(n.kind, n.text) for n in queries.list_notifications(both).items] == [("answer", "first")]
    assert kinds_for(actor) == []  # nobody is told of their own action


def test_composing_a_mail_reads_its_row_and_everything_it_shows_in_one_statement(ctx, app):
    """The sender runs beside its worker's requests: the row, the member, the notification and its post and
    thread come in one statement (the second is the site settings' version, for the site's name)."""
    from tests.conftest import count_queries
    make_answer(make_thread(make_user()))
    row_id = db.session.scalar(sa.select(OutboxMail.id))
    db.session.remove()
    with count_queries(db.engine) as statements:
        message, reason, broken = outbox._compose(row_id)
    assert message is not None and not broken and "answered your question" in message.subject, reason
    assert len(statements) <= 2, statements


@pytest.mark.config(MAIL_SERVER="", MAIL_BACKEND="smtp")
def test_a_mail_only_written_to_the_log_renders_its_text_and_not_its_html(ctx, app, monkeypatch, caplog):
    """Without a mail server the sender only logs the text: the HTML template is not rendered for nobody, and
    the row stays pending for the first send-mail after a server is set."""
    make_answer(make_thread(make_user("asker3"), title="Hub keeps going offline at night"))
    row_id = db.session.scalar(sa.select(OutboxMail.id))
    db.session.remove()
    rendered: list[str] = []
    get_template = app.jinja_env.get_template
    monkeypatch.setattr(app.jinja_env, "get_template", lambda name, *a, **k: rendered.append(name) or
                        get_template(name, *a, **k))
    assert outbox._send_one(row_id, clock.utcnow()) == OutboxStatus.PENDING
    assert rendered == ["emails/notification.txt"]
    assert "Hub keeps going offline at night" in caplog.text and "/unsubscribe/" in caplog.text
    assert db.session.scalar(sa.select(OutboxMail.status)) == OutboxStatus.PENDING


@pytest.mark.config(MAIL_SERVER="", MAIL_BACKEND="smtp")
def test_without_a_mail_server_a_batch_of_mails_is_read_in_one_statement(ctx, app, caplog):
    from tests.conftest import count_queries
    titles = ["Hub keeps going offline", "Porch light ignores its schedule", "Doorbell chime stays silent"]
    for title in titles:
        make_answer(make_thread(make_user(), title=title))
    ids = list(db.session.scalars(sa.select(OutboxMail.id).order_by(OutboxMail.id)))
    db.session.remove()
    with count_queries(db.engine) as statements:
        outbox.deliver(app, ids)
    assert len(statements) <= 2, statements  # the settings' version, then every row with what it shows
    assert all(title in caplog.text for title in titles)
    assert set(db.session.scalars(sa.select(OutboxMail.status))) == {OutboxStatus.PENDING}


def test_the_sender_takes_the_mails_of_requests_a_moment_apart_in_one_batch_and_ends_when_idle(app, monkeypatch):
    batches: list[list[int]] = []
    monkeypatch.setattr(outbox, "deliver", lambda _app, ids, site=None: batches.append(ids))
    monkeypatch.setattr(outbox, "IDLE_EXIT", 0.05)
    with outbox._start_lock:
        sender = outbox._sender(app)
        sender.jobs.put(([1, 2], None))
        sender.jobs.put(([3], None))  # queued before the first batch is gathered
    outbox.wait_for_senders()
    assert batches == [[1, 2, 3]]
    sender.join(5)
    assert not sender.is_alive() and "outbox_sender" not in app.extensions  # idle: ended, nothing left behind
    with outbox._start_lock:
        outbox._sender(app).jobs.put(([4], None))  # the next mail starts another
    outbox.wait_for_senders()
    assert batches == [[1, 2, 3], [4]]


def test_a_thread_with_many_watchers_is_told_in_one_insert_and_each_mail_leaves_after_the_commit(ctx, app):
    """The watchers' notifications and their mails are written without ORM objects, whatever their number: one
    statement for both on PostgreSQL (each a round trip the request waits for), one INSERT each on SQLite (in
    process, which runs it once a row to match RETURNING to the rows: one run of the same statement), and the
    mails' ids still reach the sender once the transaction commits."""
    from tests.conftest import count_queries
    asker = make_user()
    thread = make_thread(asker)
    watchers = [make_user() for _ in range(12)]
    for watcher in watchers:
        services.update_email_preferences(actor=watcher, choices={"watched": Delivery.IMMEDIATELY})
        services.start_watching(actor=watcher, thread=thread)
    db.session.commit()
    answerer = make_user()
    with count_queries(db.engine) as statements:
        questions.post_answer(actor=answerer, thread=thread, body="Re-pair the hub after the update.")
    runs = [text for n, text in enumerate(statements) if n == 0 or text != statements[n - 1]]
    writes = [text for text in runs if "INSERT INTO notifications" in text or text.startswith("INSERT INTO outbox")]
    assert len(writes) == (1 if db.engine.dialect.name == "postgresql" else 2), writes
    told = set(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "watched_answer")))
    assert told == {watcher.id for watcher in watchers}
    queued = db.session.execute(sa.select(OutboxMail.user_id, Notification.user_id).join(
        Notification, Notification.id == OutboxMail.notification_id)).tuples().all()
    assert sorted(queued) == sorted([(asker.id, asker.id)] + [(w.id, w.id) for w in watchers])
    assert outbox.send_due()["sent"] == 13  # each row points at its own member's notification
    assert sorted(mail.to[0] for mail in sent_mail(app)) == sorted(u.email for u in (asker, *watchers))


def test_bad_email_choices_are_refused_with_field_messages(ctx):
    user = make_user()
    with pytest.raises(Invalid) as error:
        services.update_email_preferences(actor=user, choices={"answers": "hourly", "mentions": "never"})
    assert "answers" in error.value.fields
    assert queries.preferences_of(user.id)["mentions"] == Delivery.IMMEDIATELY  # nothing half-saved


def test_outbox_sends_each_mail_once_with_text_html_and_unsubscribe(ctx, app):
    asker = make_user("asker2")
    make_answer(make_thread(asker, title="Hub keeps going offline at night"))
    assert outbox.send_due()["sent"] == 1
    assert outbox.send_due()["sent"] == 0
    [mail] = sent_mail(app)
    assert mail.to == ["asker2@example.com"]
    assert "answered your question" in mail.subject
    assert mail.alternatives[0][1] == "text/html"
    assert "Hub keeps going offline at night" in mail.alternatives[0][0]
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail.extra_headers["List-Unsubscribe"].startswith("<http") and "/unsubscribe/" in mail.body
    assert db.session.scalar(sa.select(OutboxMail.status)) == OutboxStatus.SENT


def test_a_notification_read_before_its_mail_goes_is_not_mailed(ctx, app):
    asker = make_user()
    make_answer(make_thread(asker))
    services.mark_notifications_read(actor=asker)
    assert outbox.send_due()["skipped"] == 1
    assert sent_mail(app) == []


# -- digests ---------------------------------------------------------------------------------------
def test_digest_groups_a_days_notifications_and_is_never_sent_twice(ctx, app):
    clock.freeze(datetime(2026, 3, 2, 10, 0))
    asker, watcher = make_user("digestee"), make_user("other")
    services.update_email_preferences(actor=asker, choices={"answers": "daily", "mentions": "daily"})
    services.update_email_preferences(actor=watcher, choices={"watched": "never"})
    thread = make_thread(asker, title="Thermostat schedule resets itself")
    make_answer(thread, watcher, body="Try a firmware update, @digestee")
    clock.freeze(datetime(2026, 3, 2, 18, 0))
    make_answer(thread, watcher, body="Check the schedule in the app")
    clock.freeze(datetime(2026, 3, 3, 6, 0))
    make_answer(thread, watcher, body="Arrives after midnight: tomorrow's digest")
    clock.freeze(datetime(2026, 3, 3, 7, 0))
    assert outbox.build_digests() == 1
    assert outbox.send_due()["sent"] == 1
    assert outbox.build_digests() == 0 and outbox.send_due()["sent"] == 0
    [mail] = sent_mail(app)
    assert mail.subject.startswith("Your daily summary: 3 new notifications")
    assert mail.body.count("answered your question") == 2 and "mentioned you" in mail.body
    assert "Answers to your questions" in mail.body and "Mentions" in mail.body
    assert "tomorrow" not in mail.body and mail.extra_headers["List-Unsubscribe"]
    clock.freeze(datetime(2026, 3, 4, 7, 0))
    assert outbox.build_digests() == 1 and outbox.send_due()["sent"] == 1
    assert len(sent_mail(app)) == 2 and "1 new notification" in sent_mail(app)[1].subject


def test_digest_leaves_out_what_was_read_or_hidden(ctx, app):
    clock.freeze(datetime(2026, 3, 2, 10, 0))
    asker = make_user()
    services.update_email_preferences(actor=asker, choices={"answers": "daily"})
    hidden_thread, read_thread = make_thread(asker), make_thread(asker)
    make_answer(hidden_thread)
    make_answer(read_thread)
    hidden_thread.is_hidden = True
    db.session.commit()
    services.mark_notification_read(actor=asker, notification_id=queries.list_notifications(asker).items[0].id)
    clock.freeze(datetime(2026, 3, 3, 7, 0))
    assert outbox.build_digests() == 1  # the hidden one is queued, then checked again when sending
    assert outbox.send_due()["skipped"] == 1
    assert sent_mail(app) == []


# -- read marks ------------------------------------------------------------------------------------
def test_marking_read_only_touches_your_own(ctx):
    asker, other = make_user(), make_user()
    make_answer(make_thread(asker))
    make_answer(make_thread(other))
    mine = queries.list_notifications(asker).items[0].id
    theirs = queries.list_notifications(other).items[0].id
    assert services.mark_notifications_read(actor=asker, ids=[theirs]) == 1
    assert queries.unread_count(other) == 1
    with pytest.raises(NotFound):
        services.mark_notification_read(actor=asker, notification_id=theirs)
    assert services.mark_notifications_read(actor=asker, ids=[mine]) == 0


@pytest.mark.parametrize("ids", ["1,2", [True], ["1"], [1.5], list(range(501)), {"a": 1}])
def test_bad_read_ids_are_refused(ctx, ids):
    with pytest.raises(Invalid) as error:
        services.mark_notifications_read(actor=make_user(), ids=ids)
    assert "ids" in error.value.fields


# -- unsubscribe tokens ----------------------------------------------------------------------------
def test_unsubscribe_token_stops_that_group_and_is_idempotent(ctx):
    user = make_user()
    token = tokens.make_unsubscribe_token(user.id, "answers")
    assert services.unsubscribe(token=token)[1] == ["Answers to your questions"]
    services.unsubscribe(token=token)
    assert queries.preferences_of(user.id)["answers"] == Delivery.NEVER
    assert queries.preferences_of(user.id)["mentions"] == Delivery.IMMEDIATELY


def test_digest_unsubscribe_stops_every_daily_group(ctx):
    user = make_user()
    services.unsubscribe(token=tokens.make_unsubscribe_token(user.id, "digest"))
    prefs = queries.preferences_of(user.id)
    assert prefs["watched"] == prefs["ideas"] == Delivery.NEVER and prefs["answers"] == Delivery.IMMEDIATELY


@pytest.mark.parametrize("token", ["", "garbage", "eyJ1IjoxLCJzIjoiYW5zd2VycyJ9.AAAA.BBBB"])
def test_malformed_unsubscribe_tokens_are_refused(ctx, token):
    with pytest.raises(BadRequest, match="not valid"):
        services.unsubscribe(token=token)


def test_tampered_and_expired_tokens_are_refused(ctx):
    user = make_user()
    token = tokens.make_unsubscribe_token(user.id, "answers")
    with pytest.raises(BadRequest, match="not valid"):
        services.unsubscribe(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    clock.freeze(clock.utcnow() + timedelta(days=91))
    with pytest.raises(BadRequest, match="expired"):
        services.unsubscribe(token=token)
    assert queries.preferences_of(user.id)["answers"] == Delivery.IMMEDIATELY


def test_the_list_takes_a_fixed_number_of_queries(ctx, app):
    from tests.conftest import count_queries
    asker = make_user()
    thread = make_thread(asker)

    def measure() -> int:
        db.session.expire_all()
        with count_queries(db.engine) as statements:
            page = queries.list_notifications(asker)
            [note.actor.username for note in page.items]
            queries.unread_count(asker)
        return len(statements)

    make_answer(thread)
    few = measure()
    for _ in range(12):
        make_answer(thread)
    # the scope versions, both counts (one statement, kept until a change), the page (actors joined), the
    # versions again for the bell (its count then cached), the reader reloaded
    assert measure() == few <= 5


@pytest.mark.parametrize("role, told", [(Role.MEMBER, False), (Role.STAFF, False), (Role.MODERATOR, True)])
def test_only_those_who_may_see_a_hidden_idea_are_told_about_it(ctx, role, told):
    from forum.models import Idea
    from tests.factories import make_category
    reader, staff = make_user(role=role), make_user(role=Role.STAFF)
    idea = Idea(title="Hidden idea", body_md="x", body_html="<p>x</p>", author=reader, is_hidden=True,
                category_id=make_category().id)
    db.session.add(idea)
    db.session.commit()
    services.notify(user_id=reader.id, kind="idea_status", actor=staff, idea_id=idea.id, url="/ideas/1", text="x")
    db.session.commit()
    assert (kinds_for(reader) == ["idea_status"]) is told


def test_a_mail_sent_after_the_response_takes_its_requests_settings_and_never_rolls_back(ctx, app):
    """The sender gets the site settings its request read (no statement for the site's name), and ends its reads
    with COMMIT: psycopg forgets the statements it prepared on a connection that rolls back, and the requests
    that use that pooled connection next would pay to prepare them again."""
    from forum.site import settings as site_settings
    from tests.conftest import count_queries
    make_answer(make_thread(make_user()))
    row_id = db.session.scalar(sa.select(OutboxMail.id))
    site = site_settings()
    db.session.commit()
    rollbacks: list[object] = []

    def rolled_back(conn) -> None:
        rollbacks.append(conn)

    sa.event.listen(db.engine, "rollback", rolled_back)
    try:
        with count_queries(db.engine) as statements:
            outbox.deliver(app, [row_id], site)
    finally:
        sa.event.remove(db.engine, "rollback", rolled_back)
    db.session.expire_all()
    assert db.session.get(OutboxMail, row_id).status in (OutboxStatus.SENT, OutboxStatus.PENDING)
    assert not [s for s in statements if "page_versions" in s], statements
    assert rollbacks == []

"""Issue 18 item 6: notifications that clear. Mail is never sent about an answer deleted before the mail went out,
opening a thread or an idea marks what it was about read, and loading the demo queues no mail."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Notification, OutboxMail
from forum.notifications import outbox, services
from forum.notifications.queries import unread_count
from forum.questions import services as questions
from tests.factories import make_answer, make_idea, make_thread, make_user

pytestmark = pytest.mark.config(MAIL_DELIVERY="cron")  # the mail waits for send-mail, as when SMTP is slow


def sent_mail(app) -> list:
    return getattr(app.extensions["mailman"], "outbox", [])


def test_no_mail_for_an_answer_deleted_before_the_mail_went_out(ctx, app):
    asker = make_user("asker")
    thread = make_thread(asker, title="Doorbell chime stays silent")
    answer = make_answer(thread, make_user("helper"), body="Check the chime's transformer first.")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 1
    questions.delete_answer(actor=answer.author, post=answer)
    outbox.send_due()
    assert [m for m in sent_mail(app) if "Doorbell chime" in m.subject] == []
    # and the notification no longer points at an answer that is gone
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == asker.id)) == 0


def test_a_kept_answer_is_still_mailed(ctx, app):
    """The control: the same steps without the delete send the mail, so the test above can fail."""
    thread = make_thread(make_user("asker"), title="Doorbell chime stays silent")
    make_answer(thread, make_user("helper"), body="Check the chime's transformer first.")
    outbox.send_due()
    assert [m.to for m in sent_mail(app) if "Doorbell chime" in m.subject] == [["asker@example.com"]]


def test_opening_a_thread_marks_only_its_notifications_read(ctx):
    asker = make_user("asker")
    first, second = make_thread(asker, title="Hub offline at night"), make_thread(asker, title="App logs me out")
    make_answer(first, make_user("one"))
    make_answer(second, make_user("two"))
    assert unread_count(asker) == 2
    assert services.mark_read_about(actor=asker, thread_id=first.id) == 1
    unread = db.session.scalars(sa.select(Notification.thread_id).where(
        Notification.user_id == asker.id, Notification.read_at.is_(None))).all()
    assert unread == [second.id]


def test_marking_read_about_a_thread_never_touches_someone_elses(ctx):
    asker, other = make_user("asker"), make_user("other")
    thread = make_thread(asker)
    make_answer(thread, make_user("helper"))
    services.mark_read_about(actor=other, thread_id=thread.id)
    assert unread_count(asker) == 1


def test_opening_an_idea_marks_its_notifications_read(ctx):
    from forum.ideas import services as ideas
    author, staff = make_user("author"), make_user("staffer", role="staff")
    idea = make_idea(author)
    ideas.set_idea_status(actor=staff, idea=idea, status="under_review", note="Looking into it.")
    assert unread_count(author) >= 1
    assert services.mark_read_about(actor=author, idea_id=idea.id) == 0


def test_loading_the_demo_queues_no_mail(app):
    result = app.test_cli_runner().invoke(args=["forum", "seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) > 0  # people were told
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0
        assert outbox.build_digests() == 0  # and tomorrow's digest has nothing of it either
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0
        db.session.remove()

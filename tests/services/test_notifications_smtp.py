"""A real SMTP server on loopback (aiosmtpd) receives the mails; failures are retried by `send-mail`."""
from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes, policy
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from forum import clock
from forum.extensions import db
from forum.models import OutboxMail, OutboxStatus
from forum.notifications import queries
from tests.conftest import login_as, wait_for_delivery
from tests.factories import make_thread, make_user


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []
        self.port = 0
        self.controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's hook name
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    inbox.port = _free_port()
    inbox.start()
    yield inbox
    inbox.stop()


@pytest.fixture
def app_config(app_config, smtp):
    """This module's app talks SMTP to the loopback server instead of the test suite's in-memory outbox."""
    app_config.MAIL_BACKEND = "smtp"
    app_config.MAIL_SERVER, app_config.MAIL_PORT, app_config.MAIL_TIMEOUT = "127.0.0.1", smtp.port, 5
    return app_config


def _answer_as_someone(app, client) -> tuple[int, int]:
    with app.app_context():
        asker = make_user("asker")
        thread_id = make_thread(asker, title="Smart plug turns itself off").id
        answerer_id, asker_id = make_user("helper").id, asker.id
    login_as(client, answerer_id)
    response = client.post(f"/questions/{thread_id}/answers", data={"body": "Disable the energy saver"})
    assert response.status_code == 302  # the request never waits for, nor fails with, the mail
    wait_for_delivery()
    return asker_id, thread_id


def test_the_asker_gets_a_text_and_html_mail_with_a_working_one_click_unsubscribe(app, client, smtp):
    asker_id, thread_id = _answer_as_someone(app, client)
    [(recipients, message)] = smtp.messages
    assert recipients == ["asker@example.com"]
    assert message["Subject"].strip() == "helper answered your question “Smart plug turns itself off”"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert f"/questions/{thread_id}/smart-plug-turns-itself-off#post-" in text and "Smart plug" in html
    header_url = message["List-Unsubscribe"].strip().strip("<>")
    assert header_url in text and header_url in html
    path = urlsplit(header_url).path
    client.post("/logout")
    assert "Stop these emails?" in client.get(path).get_data(as_text=True)
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with app.app_context():
        assert queries.preferences_of(asker_id)["answers"] == "never"


def test_a_failed_send_is_logged_kept_and_retried_by_send_mail_once(app, client, smtp, caplog):
    smtp.stop()
    _answer_as_someone(app, client)
    with app.app_context():
        row = db.session.scalar(sa.select(OutboxMail))
        assert (row.status, row.attempts) == (OutboxStatus.FAILED, 1)
    assert "send-mail retries it" in caplog.text
    smtp.start()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "send-mail"])
    assert "Sent: 0" in result.output  # backing off: not due yet
    clock.freeze(clock.utcnow() + timedelta(minutes=6))
    result = runner.invoke(args=["forum", "send-mail"])
    assert "Sent: 1, failed: 0" in result.output and result.exit_code == 0
    assert runner.invoke(args=["forum", "send-mail"]).output.count("Sent: 0") == 1
    assert len(smtp.messages) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(OutboxMail.status)) == OutboxStatus.SENT

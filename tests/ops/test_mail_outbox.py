"""Mail that is never lost (issue 14 item 9): without MAIL_SERVER a mail goes to the log and stays in the outbox,
and `flask forum send-mail` delivers it once a server is configured; production insists on SITE_URL."""
from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from config import ProductionConfig
from forum import create_app
from forum.extensions import db
from forum.models import OutboxMail, OutboxStatus
from tests.conftest import build_config, login_as, wait_for_delivery
from tests.factories import make_thread, make_user
from tests.services.test_notifications_smtp import Inbox, _free_port


@pytest.fixture
def app_config(app_config):
    """No mail server, and not the tests' in-memory one either: what a fresh development machine has."""
    app_config.MAIL_BACKEND, app_config.MAIL_SERVER = "smtp", ""
    return app_config


@pytest.fixture
def smtp():
    inbox = Inbox()
    inbox.port = _free_port()
    inbox.start()
    yield inbox
    inbox.stop()


def _answer(app, client) -> None:
    with app.app_context():
        thread_id = make_thread(make_user("asker"), title="Thermostat loses its schedule").id
        helper_id = make_user("helper").id
    login_as(client, helper_id)
    assert client.post(f"/questions/{thread_id}/answers", data={"body": "Update the firmware"}).status_code == 302
    wait_for_delivery()


def test_without_a_mail_server_the_mail_is_logged_kept_and_sent_later_by_send_mail(app, app_config, client, smtp,
                                                                                    caplog, tmp_path):
    with caplog.at_level(logging.WARNING, logger="forum.mail"):
        _answer(app, client)
    assert "to=asker@example.com" in caplog.text and "Thermostat loses its schedule" in caplog.text
    with app.app_context():
        row = db.session.scalar(sa.select(OutboxMail))
        assert (row.status, row.attempts, row.sent_at, row.claimed_at) == (OutboxStatus.PENDING, 0, None, None)

    result = app.test_cli_runner().invoke(args=["forum", "send-mail"])
    assert result.exit_code != 0 and "MAIL_SERVER is not set" in result.output and "1 mail waits" in result.output
    assert smtp.messages == []

    configured = create_app(build_config(app_config.SQLALCHEMY_DATABASE_URI, tmp_path, MAIL_BACKEND="smtp",
                                         MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5))
    result = configured.test_cli_runner().invoke(args=["forum", "send-mail"])
    assert result.exit_code == 0 and "Sent: 1, failed: 0" in result.output
    [(recipients, message)] = smtp.messages
    assert recipients == ["asker@example.com"] and "Thermostat loses its schedule" in message["Subject"]
    assert "Sent: 0" in configured.test_cli_runner().invoke(args=["forum", "send-mail"]).output  # never twice
    with configured.app_context():
        assert db.session.scalar(sa.select(OutboxMail.status)) == OutboxStatus.SENT
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    for name in ("SITE_URL", "MAIL_SERVER"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("site_url", [None, "", "community.example.com", "https://"])
def test_production_refuses_to_start_without_a_site_url(production_env, site_url):
    if site_url is not None:
        production_env.setenv("SITE_URL", site_url)
    with pytest.raises(RuntimeError, match="SITE_URL must be set in production"):
        ProductionConfig()


def _production_app(tmp_path):
    config = ProductionConfig()
    config.SQLALCHEMY_DATABASE_URI, config.SEARCH_INDEX_DIR = "sqlite://", str(tmp_path / "index")
    config.TESTING = True  # only so the log records stay with caplog instead of a stderr handler
    app = create_app(config)
    return config, app


def test_production_warns_at_start_when_mail_has_no_server(production_env, caplog, tmp_path):
    production_env.setenv("SITE_URL", "https://community.example.com/")
    with caplog.at_level(logging.WARNING, logger="forum.mail"):
        config, _ = _production_app(tmp_path)
    assert config.SITE_URL == "https://community.example.com"
    assert "MAIL_SERVER is not set" in caplog.text and "send-mail" in caplog.text
    caplog.clear()
    production_env.setenv("MAIL_SERVER", "smtp.example.com")
    with caplog.at_level(logging.WARNING, logger="forum.mail"):
        _production_app(tmp_path)
    assert "MAIL_SERVER" not in caplog.text

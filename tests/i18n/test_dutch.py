"""Issue 20 (d, e): a page, a flash message, a form error, a mail and a notification in Dutch, and Dutch plural
forms. These read the compiled catalogue (forum/translations/nl), so they pass once the translations are merged
(scripts/merge_translations.py) and compiled (`make translations`)."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from forum.extensions import db
from forum.i18n import as_member, ngettext
from forum.models import Notification, OutboxMail, User
from tests.conftest import login_as
from tests.factories import make_answer, make_thread, make_user

DUTCH = {"Accept-Language": "nl"}


@pytest.fixture
def dutch_member(app) -> int:
    with app.app_context():
        member = make_user("sanne")
        member.language = "nl"
        db.session.commit()
        return member.id


def test_the_settings_page_is_in_dutch_for_a_dutch_member(client, dutch_member):
    login_as(client, dutch_member)
    page = client.get("/settings", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="nl"' in page and "Instellingen" in page and "Taal en tijdzone" in page
    assert ">Keuze van je browser</option>" in page and ">Nederlands</option>" in page


def test_a_flash_message_in_dutch(client, dutch_member):
    login_as(client, dutch_member)
    response = client.post("/settings/language", data={"language": "nl", "time_zone": "Europe/Amsterdam"},
                           follow_redirects=True)
    assert "Je taal en tijdzone zijn opgeslagen." in response.get_data(as_text=True)


def test_a_flash_message_follows_the_language_just_chosen(client, app):
    with app.app_context():
        member_id = make_user("pieter").id
    login_as(client, member_id)
    response = client.post("/settings/language", data={"language": "nl", "time_zone": ""},
                           headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Je taal en tijdzone zijn opgeslagen." in response.get_data(as_text=True)


def test_a_form_error_in_dutch(client, dutch_member):
    login_as(client, dutch_member)
    response = client.post("/settings/language", data={"language": "nl", "time_zone": "Europa/Nergens"})
    assert response.status_code == 422
    assert "Kies een tijdzone uit de lijst, bijvoorbeeld Europe/Amsterdam." in response.get_data(as_text=True)


def test_a_notification_and_its_mail_in_the_recipients_language(app, dutch_member):
    """The answerer reads English; the asker chose Dutch: the notification and its mail are Dutch."""
    from forum.notifications import emails
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        asker = db.session.get(User, dutch_member)
        thread = make_thread(asker, title="Hub blijft offline")
        make_answer(thread, make_user("helper"))
        note = db.session.scalar(db.select(Notification).where(Notification.user_id == dutch_member))
        assert note.text == "helper heeft je vraag “Hub blijft offline” beantwoord"
        row = db.session.scalar(db.select(OutboxMail).where(OutboxMail.user_id == dutch_member))
        message, _why = emails.compose(row)
        assert message is not None and message.text.startswith("Hoi sanne,")
        assert "Bekijk het:" in message.text and '<html lang="nl">' in message.html


def test_watchers_in_two_languages_each_read_the_answer_in_their_own(app, dutch_member):
    """The text is rendered once a language (forum/notifications/services.py), never handed to the wrong one."""
    from forum.notifications.services import watch_thread
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        thread = make_thread(make_user("asker"), title="Hub blijft offline")
        dutch = [db.session.get(User, dutch_member), make_user("joris")]
        dutch[1].language = "nl"
        english = [make_user("ann"), make_user("bob")]
        for watcher in dutch + english:
            watch_thread(user=watcher, thread=thread)
        db.session.commit()
        make_answer(thread, make_user("helper"))
        texts = dict(db.session.execute(db.select(Notification.user_id, Notification.text).where(
            Notification.kind == "watched_answer")).tuples().all())
    assert {texts[member.id] for member in dutch} == {"helper heeft “Hub blijft offline” beantwoord, een vraag die je volgt"}
    assert {texts[member.id] for member in english} == {"helper answered “Hub blijft offline”, which you watch"}


def test_a_mail_to_a_member_without_a_language_uses_the_sites_default(app):
    class Nobody:
        language, time_zone = None, None

    with app.test_request_context("/", headers=DUTCH), as_member(Nobody()):
        from forum.i18n import _
        assert _("Settings") == "Settings"  # the browser of whoever's request sends it says nothing


@pytest.mark.parametrize("count, expected", [(1, "1 antwoord"), (2, "2 antwoorden"), (0, "0 antwoorden")])
def test_dutch_plural_forms(app, count, expected):
    with app.test_request_context("/"), force_locale("nl"):
        assert ngettext("%(num)d answer", "%(num)d answers", count) == expected


@pytest.mark.parametrize("count, expected", [(1, "1 answer"), (2, "2 answers")])
def test_english_plural_forms(app, count, expected):
    with app.test_request_context("/"), force_locale("en"):
        assert ngettext("%(num)d answer", "%(num)d answers", count) == expected

"""Throwaway check (not in the repo): Dutch flash, form error, notification, JS strings with a temp catalogue."""
import pytest
from forum.extensions import db
from forum.models import Notification, User
from tests.conftest import login_as
from tests.factories import make_answer, make_category, make_thread, make_user


@pytest.mark.config(BABEL_TRANSLATION_DIRECTORIES="/tmp/h/tr")
@pytest.mark.parametrize("backend", ["sqlite"], indirect=False)
def test_dutch(app, client):
    with app.app_context():
        asker = make_user("asker")
        helper = make_user("helper")
        helper.language = "nl"
        make_category()
        thread = make_thread(asker, title="Printer doet het niet meer")
        db.session.commit()
        thread_id, asker_id, helper_id = thread.id, asker.id, helper.id
    login_as(client, asker_id)
    nl = {"Accept-Language": "nl"}
    page = client.get(f"/questions/{thread_id}", headers=nl, follow_redirects=True).get_data(as_text=True)
    assert 'id="i18n-strings"' in page
    import json, re
    blob = re.search(r'<script id="i18n-strings" type="application/json">(.*?)</script>', page, re.S).group(1)
    strings = json.loads(blob)
    print("JS strings:", len(strings), strings.get("Hide preview"), strings.get("%(num)s answer"))
    assert strings["Hide preview"] == "Voorbeeld verbergen"
    r = client.post("/logout", headers=nl, follow_redirects=True)
    print("status", r.status_code)
    body = r.get_data(as_text=True)
    assert "Je bent uitgelogd." in body, body[:3000]
    en = client.get("/", headers={"Accept-Language": "en"})
    assert 'id="i18n-strings" type="application/json">{}</script>' in en.get_data(as_text=True)


@pytest.mark.config(BABEL_TRANSLATION_DIRECTORIES="/tmp/h/tr")
@pytest.mark.parametrize("backend", ["sqlite"], indirect=False)
def test_notification_in_recipient_language(app):
    from forum.questions import services
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        asker = make_user("asker2")
        asker.language = "nl"
        helper = make_user("helper2")
        make_category()
        thread = make_thread(asker, title="Wifi valt weg")
        db.session.commit()
        make_answer(thread, helper)
        note = db.session.scalars(db.select(Notification).where(Notification.user_id == asker.id)).all()
        texts = [n.text for n in note]
        print(texts)
        assert any("heeft je vraag “Wifi valt weg” beantwoord" in t for t in texts)
        from forum.errors import Invalid
        with pytest.raises(Invalid) as error:
            services.ask_question(actor=helper, title="", body="", category=None) if hasattr(services, "ask_question") else None
        print(error.value.fields)

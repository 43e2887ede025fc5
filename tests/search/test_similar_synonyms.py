"""The admins' search synonyms (/admin/synonyms and /api/v1/admin/synonyms) and how the similar-titles hints read
words: forms, spellings, groups, and the staff merge picker's suggestions."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.auth import services as auth_services
from forum.extensions import db
from forum.models import AuditEntry, Role, SearchSynonym
from forum.search import service, synonyms, thesaurus
from tests.conftest import login_as
from tests.factories import make_idea, make_thread, make_user


def _similar(text: str, type: str = "idea") -> list[str]:
    return [hit.title for hit in service.similar(text, viewer=None, type=type)]


# -- reading words ----------------------------------------------------------------------------------------------
def test_word_forms_and_spellings_share_keys():
    assert synonyms.word_keys("darker") & synonyms.word_keys("dark")
    assert synonyms.word_keys("colour") & synonyms.word_keys("colors")
    assert synonyms.word_keys("customise") & synonyms.word_keys("customization") or \
        synonyms.word_keys("customised") & synonyms.word_keys("customized")
    assert not synonyms.word_keys("router") & synonyms.word_keys("route")


def test_a_phrase_in_a_group_is_one_concept():
    lexicon = synonyms.Lexicon.build([("dark mode", "night theme", "black theme")])
    found = synonyms.concepts("Night theme for the app", lexicon)
    assert [c.words for c in found if not c.generic] == [["night", "theme"]]
    assert found[0].groups == {0}


def test_parse_group_accepts_equals_and_commas():
    assert synonyms.parse_group(" Dark mode = night theme, BLACK theme;;") == \
        ["dark mode", "night theme", "black theme"]


def test_shipped_lists_are_sane():
    assert all(len(group) > 1 for group in thesaurus.GROUPS)
    assert all(british != american for british, american in thesaurus.VARIANTS.items())


# -- the hints ------------------------------------------------------------------------------------------------
def test_darker_colour_scheme_finds_dark_mode_once_admins_say_so(ctx):
    admin = make_user("admin1", role=Role.ADMIN)
    dark = make_idea(title="Dark mode for the app", body="Everything is white at night.")
    make_idea(title="Colour-blind friendly charts", body="Red and green look the same to me.")
    make_idea(title="Export thermostat history to CSV", body="For my spreadsheet.")
    assert "Dark mode for the app" in _similar("darker colour scheme")  # word forms alone: darker ~ dark
    assert "Dark mode for the app" not in _similar("night theme please")
    from forum.admin import synonyms as admin_synonyms
    admin_synonyms.add_synonym_group(actor=admin, terms="dark mode = night theme = black theme")
    assert _similar("night theme please")[0] == dark.title  # the cached list was bumped: no restart
    assert _similar("A black theme") == [dark.title]


def test_one_word_of_a_synonym_phrase_is_no_match(ctx):
    make_thread(title="Is there a dark mode in the Android app?", body="Too bright at night.")
    make_thread(title="Hub drops offline every night around 2am", body="Router reboots.")
    from forum.admin import synonyms as admin_synonyms
    admin_synonyms.add_synonym_group(actor=None, terms="dark mode = night theme = black theme")
    assert _similar("Night theme for the app", type="question") == ["Is there a dark mode in the Android app?"]


def test_british_spelling_finds_american_title(ctx):
    make_thread(title="How do I customize the color of my bulbs?", body="Looking for the color picker.")
    make_thread(title="Hub offline every night", body="Router reboots at 2am.")
    assert _similar("Customising bulb colours", type="question") == ["How do I customize the color of my bulbs?"]


def test_hidden_and_merged_ideas_stay_out(ctx):
    staff = make_user("staff1", role=Role.STAFF)
    keep = make_idea(title="Vacation mode for the lights")
    gone = make_idea(title="Holiday mode for lights")
    from forum.ideas import services as ideas
    ideas.merge_ideas(actor=staff, idea=gone, into=keep.id, note="Same request: votes move to the older idea.")
    assert _similar("holiday lighting mode") == [keep.title]


# -- the admin page and API -----------------------------------------------------------------------------------
@pytest.fixture
def people(app):
    with app.app_context():
        ids = {role: make_user(f"{role}1", role=role).id for role in Role.ORDER}
        db.session.commit()
        return ids


def test_admin_adds_edits_and_deletes_a_group_in_the_browser(client, app, people):
    login_as(client, people[Role.ADMIN])
    page = client.get("/admin/synonyms")
    assert page.status_code == 200 and "Search synonyms" in page.get_data(as_text=True)
    response = client.post("/admin/synonyms", data={"terms": "dark mode = night theme = black theme"})
    assert response.status_code == 302
    with app.app_context():
        group = db.session.scalar(sa.select(SearchSynonym))
        assert group.terms == "dark mode = night theme = black theme"
        group_id = group.id
    text = client.get("/admin/synonyms").get_data(as_text=True)
    assert "night theme" in text
    assert client.post(f"/admin/synonyms/{group_id}", data={"terms": "dark mode, night mode"}).status_code == 302
    assert client.post(f"/admin/synonyms/{group_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchSynonym)) == 0
        actions = list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions == ["synonym.create", "synonym.update", "synonym.delete"]


@pytest.mark.parametrize("terms, message", [
    ("", "Words and phrases"), ("dark mode", "at least two"),
    ("a = " + " = ".join(f"w{i}" for i in range(14)), "Keep a group"),
    ("one two three four five = six", "at most 4 words"),
])
def test_bad_groups_come_back_with_the_input_and_a_message(client, app, people, terms, message):
    login_as(client, people[Role.ADMIN])
    response = client.post("/admin/synonyms", data={"terms": terms})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    if terms:
        assert f'value="{terms}"' in body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SearchSynonym)) == 0


def test_a_bad_edit_comes_back_in_its_row_with_the_input(client, app, people):
    login_as(client, people[Role.ADMIN])
    client.post("/admin/synonyms", data={"terms": "hub = bridge"})
    with app.app_context():
        group_id = db.session.scalar(sa.select(SearchSynonym.id))
    response = client.post(f"/admin/synonyms/{group_id}", data={"terms": "gateway"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    row = body.split(f'id="synonym-{group_id}"')[1].split("</tr>")[0]
    assert 'value="gateway"' in row and "at least two" in row and 'aria-invalid="true"' in row
    with app.app_context():
        assert db.session.scalar(sa.select(SearchSynonym.terms)) == "hub = bridge"


def test_a_duplicate_group_is_a_conflict(client, people):
    login_as(client, people[Role.ADMIN])
    client.post("/admin/synonyms", data={"terms": "hub = bridge"})
    response = client.post("/admin/synonyms", data={"terms": "Hub, Bridge"})
    assert response.status_code == 409 and "already on the list" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF, Role.MODERATOR])
def test_non_admins_cannot_manage_synonyms(client, app, people, role):
    with app.app_context():
        from forum.admin import synonyms as admin_synonyms
        group_id = admin_synonyms.add_synonym_group(actor=None, terms="hub = bridge").id
        token = auth_services.create_token(user=_user(people[role]), name="ci")
    login_as(client, people[role])
    assert client.get("/admin/synonyms").status_code == 403
    assert client.post("/admin/synonyms", data={"terms": "a = b"}).status_code == 403
    assert client.post(f"/admin/synonyms/{group_id}", data={"terms": "hub = gateway"}).status_code == 403
    assert client.post(f"/admin/synonyms/{group_id}/delete").status_code == 403
    assert client.post("/api/v1/admin/synonyms", json={"terms": ["hub", "bridge"]}).status_code == 403
    assert client.get("/api/v1/admin/synonyms").status_code == 403
    bearer = {"Authorization": f"Bearer {token}"}
    with app.test_client() as api:  # a token, not a session: the refusal is the policy's, not a missing CSRF token
        assert api.get("/api/v1/admin/synonyms", headers=bearer).status_code == 403
        assert api.post("/api/v1/admin/synonyms", json={"terms": ["lamp", "bulb"]}, headers=bearer).status_code == 403
        assert api.patch(f"/api/v1/admin/synonyms/{group_id}", json={"terms": "hub = gateway"},
                         headers=bearer).status_code == 403
        assert api.delete(f"/api/v1/admin/synonyms/{group_id}", headers=bearer).status_code == 403
        assert api.patch("/api/v1/admin/synonyms/999999", json={"terms": "a = b"}, headers=bearer).status_code == 403
    with app.app_context():
        assert list(db.session.scalars(sa.select(SearchSynonym.terms))) == ["hub = bridge"]


def test_visitors_are_sent_to_log_in_or_refused(client):
    assert client.get("/admin/synonyms").status_code in (302, 401)
    assert client.get("/api/v1/admin/synonyms").status_code == 401


def test_the_api_lists_creates_edits_and_deletes(client, app, people):
    with app.app_context():
        token = auth_services.create_token(user=_user(people[Role.ADMIN]), name="ci")
    headers = {"Authorization": f"Bearer {token}"}
    created = client.post("/api/v1/admin/synonyms", json={"terms": ["Night theme", "dark mode"]}, headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["terms"] == ["night theme", "dark mode"] and created.headers["Location"].endswith(f"/{body['id']}")
    listed = client.get("/api/v1/admin/synonyms", headers=headers).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == body["id"]
    bad = client.patch(f"/api/v1/admin/synonyms/{body['id']}", json={"terms": "solo"}, headers=headers)
    assert bad.status_code == 422 and "terms" in bad.get_json()["error"]["fields"]
    edited = client.patch(f"/api/v1/admin/synonyms/{body['id']}", json={"terms": "dark mode = black theme"},
                          headers=headers)
    assert edited.status_code == 200 and edited.get_json()["terms"] == ["dark mode", "black theme"]
    assert client.delete(f"/api/v1/admin/synonyms/{body['id']}", headers=headers).get_json() == \
        {"deleted": True, "id": body["id"]}
    assert client.delete(f"/api/v1/admin/synonyms/{body['id']}", headers=headers).status_code == 404
    assert client.post("/api/v1/admin/synonyms", json={"terms": 5}, headers=headers).status_code == 422


def _user(user_id: int):
    from forum.models import User
    return db.session.get(User, user_id)


# -- the staff pickers on an idea page ---------------------------------------------------------------------
def test_staff_see_paraphrased_duplicates_and_questions_in_the_pickers(client, app):
    with app.app_context():
        staff, member = make_user("staff1", role=Role.STAFF), make_user("member1")
        idea = make_idea(member, title="Night theme for the Android app", category="app-and-account")
        twin = make_idea(member, title="Darker colour scheme please", category="app-and-account")
        make_idea(member, title="Export thermostat history to CSV", category="app-and-account")
        question = make_thread(member, title="Is there a dark mode in the Android app?", category="app-and-account")
        from forum.admin import synonyms as admin_synonyms
        admin_synonyms.add_synonym_group(actor=None, terms="dark mode = night theme = dark colour scheme")
        ids = {"staff": staff.id, "member": member.id, "idea": idea.id, "twin": twin.id, "question": question.id}
        db.session.commit()
    with app.app_context():
        service.drain_pending()  # the page reads the index as it is (a GET writes nothing, not even the queue)
    login_as(client, ids["staff"])
    page = client.get(f"/ideas/{ids['idea']}").get_data(as_text=True)
    merge = page.split('data-picker-target="merge-into"')[1].split("</ul>")[0]
    assert f'data-picker-use="{ids["twin"]}"' in merge and "Export thermostat" not in merge
    assert f'data-picker-use="{ids["idea"]}"' not in merge  # never itself
    link = page.split('data-picker-target="link-question-id"')[1].split("</ul>")[0]
    assert f'data-picker-use="{ids["question"]}"' in link
    login_as(client, ids["member"])
    assert "data-picker" not in client.get(f"/ideas/{ids['idea']}").get_data(as_text=True)

"""/admin/categories (HTML) and /api/v1/admin/categories (JSON): who may, bad input, old slugs, archive, merge."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import AuditEntry, Category, Idea, Role, Thread
from tests.conftest import login_as
from tests.factories import make_category, make_idea, make_thread, make_user

ROLES = {"member": Role.MEMBER, "staff": Role.STAFF, "moderator": Role.MODERATOR, "admin": Role.ADMIN}


@pytest.fixture
def ids(app):
    with app.app_context():
        people = {name: make_user(name, role=role).id for name, role in ROLES.items()}
        thread = make_thread(title="Invoice lists the wrong address", category="billing")
        idea = make_idea(title="Let me download every invoice at once", category="billing")
        make_category("general", "General")
        return {**people, "thread": thread.id, "idea": idea.id}


def as_(client, ids, who):
    if who != "visitor":
        login_as(client, ids[who])
    return client


def _category(app, slug):
    with app.app_context():
        return db.session.scalar(sa.select(Category).where(Category.slug == slug))


# -- who may --------------------------------------------------------------------------------------

HTML_WRITES = [("post", "/admin/categories", {"slug": "new-one", "name": "New one"}),
               ("post", "/admin/categories/general/edit", {"slug": "general", "name": "Renamed"}),
               ("post", "/admin/categories/general/down", {}), ("post", "/admin/categories/general/archive", {}),
               ("post", "/admin/categories/general/delete", {}),
               ("post", "/admin/categories/billing/merge", {"into": "general"})]


@pytest.mark.parametrize("who", ["member", "staff", "moderator"])
def test_member_staff_moderator_cannot_open_or_change_categories(app, client, ids, who):
    as_(client, ids, who)
    assert client.get("/admin/categories").status_code == 403
    assert client.get("/admin/categories/general/edit").status_code == 403
    for method, url, data in HTML_WRITES:
        assert getattr(client, method)(url, data=data).status_code == 403, url
    assert client.get("/api/v1/admin/categories").status_code == 403
    assert client.post("/api/v1/admin/categories", json={"slug": "x1", "name": "X one"}).status_code == 403
    assert client.patch("/api/v1/admin/categories/general", json={"name": "Other"}).status_code == 403
    assert client.delete("/api/v1/admin/categories/general").status_code == 403
    assert client.post("/api/v1/admin/categories/billing/merge", json={"into": "general"}).status_code == 403
    assert client.delete("/api/v1/admin/categories/no-such-slug").status_code == 403  # nothing learnt about slugs
    with app.app_context():
        assert [c.slug for c in db.session.scalars(sa.select(Category).order_by(Category.id))] == ["billing", "general"]
        assert db.session.scalar(sa.select(Category.name).where(Category.slug == "general")) == "General"


def test_visitor_is_sent_to_login_and_api_answers_401(client, ids):
    response = client.get("/admin/categories")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.post("/admin/categories", data={"slug": "x1", "name": "X one"}).status_code == 302
    assert client.get("/api/v1/admin/categories").status_code == 401
    assert client.post("/api/v1/admin/categories", json={"slug": "x1", "name": "X one"}).status_code == 401
    assert client.patch("/api/v1/admin/categories/general", json={}).status_code == 401


# -- the HTML page ------------------------------------------------------------------------------

def test_admin_sees_categories_with_counts_and_creates_one(app, client, ids):
    as_(client, ids, "admin")
    page = client.get("/admin/categories").get_data(as_text=True)
    assert "Billing" in page and "1 question, 1 idea" in page and "New category" in page
    response = client.post("/admin/categories", data={"name": "Setup help", "slug": "setup", "sla_hours": "4",
                                                      "description": "First steps", "auto_escalate_hours": ""})
    assert response.status_code == 302
    created = _category(app, "setup")
    assert (created.name, created.sla_hours, created.auto_escalate_hours, created.position) == \
        ("Setup help", 4, None, 3)
    assert "Category “Setup help” created." in client.get("/admin/categories").get_data(as_text=True)


def test_create_form_keeps_input_and_shows_messages(app, client, ids):
    as_(client, ids, "admin")
    response = client.post("/admin/categories", data={"name": "Setup help", "slug": "Not OK!", "sla_hours": "0",
                                                      "description": "Kept text"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Setup help"' in page and "Kept text" in page and 'value="0"' in page
    assert "lowercase letters" in page and 'id="slug-error"' in page and 'id="sla_hours-error"' in page
    assert _category(app, "setup") is None


def test_edit_page_renames_and_the_old_slug_redirects(app, client, ids):
    as_(client, ids, "admin")
    assert 'value="Billing"' in client.get("/admin/categories/billing/edit").get_data(as_text=True)
    response = client.post("/admin/categories/billing/edit",
                           data={"name": "Billing & plans", "slug": "billing-and-plans", "description": "Money",
                                 "sla_hours": "4", "auto_escalate_hours": "12"})
    assert response.status_code == 302
    category = _category(app, "billing-and-plans")
    assert (category.name, category.sla_hours, category.auto_escalate_hours, category.archived) == \
        ("Billing & plans", 4, 12, False)
    old = client.get("/admin/categories/billing/edit")
    assert old.status_code == 301 and old.headers["Location"].endswith("/admin/categories/billing-and-plans/edit")
    visitor = client.application.test_client()
    listing = visitor.get("/questions?category=billing&sort=newest")
    assert listing.status_code == 301
    assert "category=billing-and-plans" in listing.headers["Location"] and "sort=newest" in listing.headers["Location"]
    ideas = visitor.get("/ideas?category=billing")
    assert ideas.status_code == 301 and "category=billing-and-plans" in ideas.headers["Location"]
    feed = visitor.get("/feeds/questions.atom?category=billing")
    assert feed.status_code == 301 and feed.headers["Location"].endswith("category=billing-and-plans")
    page = visitor.get("/questions?category=billing-and-plans").get_data(as_text=True)
    assert "Invoice lists the wrong address" in page
    assert visitor.get("/questions?category=never-existed").status_code == 200  # an unknown slug is no redirect


def test_edit_form_keeps_input_on_error(app, client, ids):
    as_(client, ids, "admin")
    response = client.post("/admin/categories/billing/edit", data={"name": "General", "slug": "billing",
                                                                   "description": "Typed words"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "already has that name" in page and "Typed words" in page
    assert _category(app, "billing").name == "Billing"


def test_up_down_archive_and_unarchive_buttons(app, client, ids):
    as_(client, ids, "admin")
    assert client.post("/admin/categories/general/up").status_code == 302
    with app.app_context():
        assert list(db.session.scalars(sa.select(Category.slug).order_by(Category.position))) == ["general", "billing"]
    refused = client.post("/admin/categories/general/up")
    assert refused.status_code == 409 and "already first" in refused.get_data(as_text=True)
    assert client.post("/admin/categories/billing/archive").status_code == 302
    assert _category(app, "billing").archived
    assert "Archived" in client.get("/admin/categories").get_data(as_text=True)
    assert client.post("/admin/categories/billing/unarchive").status_code == 302
    assert not _category(app, "billing").archived


def test_delete_refused_while_not_empty_then_allowed(app, client, ids):
    as_(client, ids, "admin")
    refused = client.post("/admin/categories/billing/delete")
    assert refused.status_code == 409
    assert "still holds 1 question and 1 idea" in refused.get_data(as_text=True)
    assert _category(app, "billing") is not None
    assert client.post("/admin/categories/general/delete").status_code == 302
    assert _category(app, "general") is None


def test_merge_from_the_edit_page(app, client, ids):
    as_(client, ids, "admin")
    refused = client.post("/admin/categories/billing/merge", data={"into": ""})
    assert refused.status_code == 422 and "Choose the category to merge into" in refused.get_data(as_text=True)
    assert client.post("/admin/categories/billing/merge", data={"into": "general"}).status_code == 302
    general = _category(app, "general")
    with app.app_context():
        assert db.session.get(Thread, ids["thread"]).category_id == general.id
        assert db.session.get(Idea, ids["idea"]).category_id == general.id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "category.merge")) == 1
    assert _category(app, "billing") is None
    assert client.application.test_client().get("/questions?category=billing").headers["Location"].endswith(
        "category=general")


def test_cached_visitor_lists_follow_a_merge_and_a_rename(app, client, ids):
    visitor = app.test_client()
    assert "Invoice lists the wrong address" not in visitor.get("/questions?category=general").get_data(as_text=True)
    assert "download every invoice" not in visitor.get("/ideas?category=general").get_data(as_text=True)
    thread_page = visitor.get(f"/questions/{ids['thread']}").headers.get("Location") or f"/questions/{ids['thread']}"
    assert "Billing" in visitor.get(thread_page).get_data(as_text=True)
    as_(client, ids, "admin")
    client.patch("/api/v1/admin/categories/general", json={"name": "Everything else"})
    client.post("/api/v1/admin/categories/billing/merge", json={"into": "general"})
    assert "Invoice lists the wrong address" in visitor.get("/questions?category=general").get_data(as_text=True)
    assert "download every invoice" in visitor.get("/ideas?category=general").get_data(as_text=True)
    assert "Everything else" in visitor.get(thread_page).get_data(as_text=True)


# -- archive and the ask / idea forms ---------------------------------------------------------------

def test_archived_category_leaves_the_forms_and_refuses_posts(app, client, ids):
    as_(client, ids, "admin")
    client.patch("/api/v1/admin/categories/billing", json={"archived": True})
    member = app.test_client()
    login_as(member, ids["member"])
    for url in ("/questions/ask", "/ideas/new"):
        page = member.get(url).get_data(as_text=True)
        assert 'value="general"' in page and 'value="billing"' not in page, url
    response = member.post("/questions/ask", data={"title": "Refund for a double charge", "body": "Charged twice.",
                                                   "category": "billing"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "is archived and takes no new questions" in page
    assert "Refund for a double charge" in page  # the input comes back
    api = member.post("/api/v1/ideas", json={"title": "Pay by bank transfer please", "body": "It is cheaper.",
                                             "category": "billing"})
    assert api.status_code == 422 and "archived" in api.get_json()["error"]["fields"]["category"]
    # still readable and listed where content is browsed
    assert "Invoice lists the wrong address" in member.get("/questions?category=billing").get_data(as_text=True)
    assert [c["slug"] for c in member.get("/api/v1/categories").get_json()["items"]] == ["general"]
    everything = member.get("/api/v1/categories?include_archived=1").get_json()["items"]
    assert {(c["slug"], c["archived"]) for c in everything} == {("billing", True), ("general", False)}


@pytest.mark.parametrize("who, link", [("member", False), ("admin", True)])
def test_forms_say_plainly_when_there_is_no_category(app, client, who, link):
    with app.app_context():
        user_id = make_user("someone", role=ROLES[who]).id
    login_as(client, user_id)
    for url in ("/questions/ask", "/ideas/new"):
        page = client.get(url).get_data(as_text=True)
        assert "There is no category to post in yet." in page, url
        assert 'name="title"' not in page  # no form to fail on submit
        assert ('href="/admin/categories"' in page) is link


# -- the JSON API -----------------------------------------------------------------------------------

def test_api_lists_creates_edits_and_deletes(app, client, ids):
    as_(client, ids, "admin")
    items = client.get("/api/v1/admin/categories").get_json()["items"]
    assert [(c["slug"], c["question_count"], c["idea_count"], c["position"]) for c in items] == \
        [("billing", 1, 1, 1), ("general", 0, 0, 2)]
    created = client.post("/api/v1/admin/categories", json={"slug": "setup", "name": "Setup", "position": 1,
                                                            "sla_hours": 24})
    assert created.status_code == 201
    body = created.get_json()
    assert (body["slug"], body["position"], body["sla_hours"], body["auto_escalate_hours"], body["archived"]) == \
        ("setup", 1, 24, None, False)
    changed = client.patch("/api/v1/admin/categories/setup", json={**body, "slug": "getting-started",
                                                                   "sla_hours": None, "position": 3})
    assert changed.status_code == 200, changed.get_json()
    assert (changed.get_json()["slug"], changed.get_json()["sla_hours"], changed.get_json()["position"]) == \
        ("getting-started", None, 3)
    via_old = client.patch("/api/v1/admin/categories/setup", json={"description": "First steps"})
    assert via_old.status_code == 200 and via_old.get_json()["slug"] == "getting-started"
    assert client.delete("/api/v1/admin/categories/setup").get_json() == {"deleted": True, "slug": "setup"}
    assert client.patch("/api/v1/admin/categories/setup", json={}).status_code == 404


@pytest.mark.parametrize("method, url, body, status, field", [
    ("post", "/api/v1/admin/categories", {"name": "No slug"}, 422, "slug"),
    ("post", "/api/v1/admin/categories", {"slug": "general", "name": "Twice"}, 422, "slug"),
    ("post", "/api/v1/admin/categories", {"slug": "ok-slug", "name": "Ok", "archived": "maybe"}, 422, "archived"),
    ("post", "/api/v1/admin/categories", {"slug": "ok-slug", "name": "Ok", "sla_hours": 1000}, 422, "sla_hours"),
    ("post", "/api/v1/admin/categories", {"slug": ["x"], "name": "Ok"}, 422, "slug"),
    ("post", "/api/v1/admin/categories", {"slug": "ok-slug", "name": "Ok", "achived": True}, 422, "achived"),
    ("patch", "/api/v1/admin/categories/general", {"position": "first"}, 422, "position"),
    ("patch", "/api/v1/admin/categories/general", {"color": "red"}, 422, "color"),
    ("patch", "/api/v1/admin/categories/general", {"slug": "billing"}, 422, "slug"),
    ("post", "/api/v1/admin/categories/general/merge", {"into": "general"}, 422, "into"),
    ("post", "/api/v1/admin/categories/general/merge", {}, 422, "into"),
    ("delete", "/api/v1/admin/categories/billing", None, 409, None),
    ("patch", "/api/v1/admin/categories/nothing-here", {"name": "Nope"}, 404, None),
])
def test_api_refuses_bad_input_with_a_message_and_changes_nothing(app, client, ids, method, url, body, status, field):
    as_(client, ids, "admin")
    before = client.get("/api/v1/admin/categories").get_json()
    response = getattr(client, method)(url, json=body) if body is not None else getattr(client, method)(url)
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["message"]
    if field:
        assert error["fields"][field]
    assert client.get("/api/v1/admin/categories").get_json() == before


def test_api_malformed_body_is_400(client, ids):
    as_(client, ids, "admin")
    response = client.post("/api/v1/admin/categories", data="not json", content_type="application/json")
    assert response.status_code == 400


def test_api_merge_moves_threads_and_ideas(app, client, ids):
    as_(client, ids, "admin")
    response = client.post("/api/v1/admin/categories/billing/merge", json={"into": "general"})
    assert response.status_code == 200 and response.get_json()["slug"] == "general"
    listed = client.get("/api/v1/questions?category=general").get_json()["items"]
    assert [q["id"] for q in listed] == [ids["thread"]] and listed[0]["category"] == "general"
    assert client.get(f"/api/v1/ideas/{ids['idea']}").get_json()["category"] == "general"
    assert client.patch("/api/v1/admin/categories/billing", json={"description": "Old slug"}).get_json()["slug"] == \
        "general"

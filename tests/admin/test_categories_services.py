"""Category services: create, edit with old slugs kept, reorder, archive, delete only when empty, merge."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum import lookup
from forum.admin import categories as services
from forum.errors import Conflict, Invalid, PermissionDenied
from forum.extensions import db
from forum.ideas import services as ideas
from forum.models import AuditEntry, Category, CategorySlugRedirect, Idea, Role, Thread
from forum.questions import services as questions
from forum.search import service as search
from tests.factories import make_category, make_idea, make_thread, make_user


def _order() -> list[str]:
    return [category.slug for category in services.all_categories()]


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)))


def _found(text: str) -> list[tuple[str, int]]:
    return [(hit.type, hit.id) for hit in search.search(text, viewer=None, per_page=100).items]


@pytest.fixture
def admin(ctx):
    return make_user("root", role=Role.ADMIN)


def test_create_puts_the_category_last_and_audits(admin):
    make_category("general")
    category = services.create_category(actor=admin, slug="Billing", name="Billing & Plans",
                                        description="Invoices and refunds", sla_hours="4")
    assert (category.slug, category.name, category.sla_hours, category.auto_escalate_hours) == \
        ("billing", "Billing & Plans", 4, None)
    assert _order() == ["general", "billing"]
    [entry] = _audit("category.create")
    assert entry.actor_id == admin.id and entry.target_id == category.id


@pytest.mark.parametrize("values, field, words", [
    ({"slug": "", "name": "Billing"}, "slug", "Slug is required"),
    ({"slug": "bad slug!", "name": "Billing"}, "slug", "lowercase letters"),
    ({"slug": "general", "name": "Billing"}, "slug", "already uses"),
    ({"slug": "billing", "name": ""}, "name", "at least 2"),
    ({"slug": "billing", "name": "GENERAL"}, "name", "already has that name"),
    ({"slug": "billing", "name": "Billing", "sla_hours": "0"}, "sla_hours", "from 1 to 720"),
    ({"slug": "billing", "name": "Billing", "auto_escalate_hours": "soon"}, "auto_escalate_hours", "whole number"),
    ({"slug": "billing", "name": "Billing", "position": -2}, "position", "whole number"),
    ({"slug": "billing", "name": "Billing\x00"}, "name", "not allowed"),
])
def test_create_refuses_bad_input_with_field_messages(admin, values, field, words):
    make_category("general", "General")
    with pytest.raises(Invalid) as refused:
        services.create_category(actor=admin, **values)
    assert words in refused.value.fields[field]
    db.session.rollback()
    assert _order() == ["general"]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF, Role.MODERATOR])
def test_non_admin_cannot_manage_categories(ctx, role):
    general = make_category("general")
    actor = make_user(role=role)
    for attempt in (lambda: services.create_category(actor=actor, slug="x1", name="X one"),
                    lambda: services.update_category(actor=actor, category=general, changes={"name": "Other"}),
                    lambda: services.move_category(actor=actor, category=general, direction="down"),
                    lambda: services.delete_category(actor=actor, category=general),
                    lambda: services.merge_category(actor=actor, category=general, into="general"),
                    lambda: services.admin_categories(actor=actor)):
        with pytest.raises(PermissionDenied):
            attempt()
    assert db.session.get(Category, general.id).name == "General"


def test_rename_keeps_the_old_slug_as_a_redirect_and_reindexes(admin):
    thread = make_thread(title="Invoice shows the wrong VAT number", category="billing")
    category = db.session.get(Category, thread.category_id)
    services.update_category(actor=admin, category=category,
                             changes={"slug": "billing-and-plans", "name": "Billing and plans"})
    assert services.get_category("billing").id == category.id
    assert services.get_category("billing-and-plans").id == category.id
    assert _found("invoice category:billing-and-plans") == [("question", thread.id)]
    # the documents carry the new slug; `category:billing`, a word of the new name, still finds it (issue 18)
    assert _found("invoice category:billing") == [("question", thread.id)]
    # renaming back takes the slug out of the redirects again: a slug is on a category or redirecting, not both
    services.update_category(actor=admin, category=category, changes={"slug": "billing"})
    assert {r.slug for r in db.session.scalars(sa.select(CategorySlugRedirect))} == {"billing-and-plans"}
    assert len(_audit("category.update")) == 2


def test_a_new_category_takes_over_an_old_slug(admin):
    category = make_category("billing")
    services.update_category(actor=admin, category=category, changes={"slug": "plans"})
    fresh = services.create_category(actor=admin, slug="billing", name="Billing again")
    assert services.get_category("billing").id == fresh.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CategorySlugRedirect)) == 0


def test_update_refuses_unknown_fields_and_keeps_the_category(admin):
    category = make_category("general", "General")
    with pytest.raises(Invalid) as refused:
        services.update_category(actor=admin, category=category, changes={"colour": "red", "name": "New"})
    assert "colour" in refused.value.fields
    assert db.session.get(Category, category.id).name == "General"


def test_reorder_with_up_down_and_position(admin):
    for slug in ("a1", "b2", "c3"):
        services.create_category(actor=admin, slug=slug, name=slug.upper())
    services.move_category(actor=admin, category=services.get_category("c3"), direction="up")
    assert _order() == ["a1", "c3", "b2"]
    with pytest.raises(Conflict):
        services.move_category(actor=admin, category=services.get_category("a1"), direction="up")
    services.update_category(actor=admin, category=services.get_category("b2"), changes={"position": 1})
    assert _order() == ["b2", "a1", "c3"]
    assert [c.position for c in services.all_categories()] == [1, 2, 3]


def test_archived_category_refuses_new_questions_and_ideas_but_stays_readable(admin):
    member = make_user()
    thread = make_thread(member, category="old-hubs")
    category = db.session.get(Category, thread.category_id)
    services.update_category(actor=admin, category=category, changes={"archived": True})
    with pytest.raises(Invalid) as refused:
        questions.ask_question(actor=member, title="Another question about old hubs", body="Details here.",
                               category="old-hubs")
    assert "archived" in refused.value.fields["category"]
    with pytest.raises(Invalid) as refused:
        ideas.submit_idea(actor=member, title="Bring back the old hub please", body="It was better.",
                          category="old-hubs")
    assert "archived" in refused.value.fields["category"]
    assert lookup.get_thread(thread.id, None).id == thread.id
    services.update_category(actor=admin, category=category, changes={"archived": False})
    assert questions.ask_question(actor=member, title="Another question about old hubs", body="Details here.",
                                  category="old-hubs").category_id == category.id


def test_delete_only_when_empty(admin):
    thread = make_thread(category="busy")
    busy = db.session.get(Category, thread.category_id)
    with pytest.raises(Conflict) as refused:
        services.delete_category(actor=admin, category=busy)
    assert "1 question and 0 ideas" in refused.value.message
    make_idea(category="ideas-only")
    with pytest.raises(Conflict):
        services.delete_category(actor=admin, category=services.get_category("ideas-only"))
    empty = make_category("empty")
    services.delete_category(actor=admin, category=empty)
    assert services.find_category("empty") is None
    assert len(_audit("category.delete")) == 1
    assert _order() == ["busy", "ideas-only"]


def test_merge_moves_threads_and_ideas_and_search_follows(admin):
    thread = make_thread(title="Thermostat schedule skips Mondays", category="heating")
    idea = make_idea(title="Holiday mode for the thermostat", category="heating")
    target = make_category("climate")
    kept = make_thread(title="Fan speed resets after update", category="climate")
    services.update_category(actor=admin, category=services.get_category("heating"), changes={"slug": "heat"})
    moved_into = services.merge_category(actor=admin, category=services.get_category("heat"), into="climate")
    assert moved_into.id == target.id
    assert db.session.scalar(sa.select(Thread.category_id).where(Thread.id == thread.id)) == target.id
    assert db.session.scalar(sa.select(Idea.category_id).where(Idea.id == idea.id)) == target.id
    assert db.session.scalar(sa.select(Thread.category_id).where(Thread.id == kept.id)) == target.id
    assert services.find_category("heat").id == target.id and services.find_category("heating").id == target.id
    assert _order() == ["climate"]
    [entry] = _audit("category.merge")
    assert "1 question, 1 idea moved" in entry.note
    assert sorted(_found("thermostat category:climate")) == [("idea", idea.id), ("question", thread.id)]
    # the merged-away slug leads where its questions went, as the lists and feeds do (issue 18)
    assert sorted(_found("thermostat category:heating")) == [("idea", idea.id), ("question", thread.id)]


@pytest.mark.parametrize("into, words", [(None, "Choose the category"), ("nowhere", "Choose the category"),
                                         ("general", "not this one")])
def test_merge_refuses_a_bad_target_and_moves_nothing(admin, into, words):
    thread = make_thread(category="general")
    with pytest.raises(Invalid) as refused:
        services.merge_category(actor=admin, category=services.get_category("general"), into=into)
    assert words in refused.value.fields["into"]
    assert services.get_category("general").id == thread.category_id


def test_command_line_actor_is_trusted_and_audited_as_system(ctx):
    category = services.create_category(actor=None, slug="general", name="General")
    [entry] = _audit("category.create")
    assert entry.actor_id is None and "command line" in entry.note
    assert category.position == 1

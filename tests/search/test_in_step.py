"""The index follows the database: after create, edit, hide, restore, move, merge, delete; never a rollback."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum import create_app
from forum.extensions import db
from forum.ideas import services as ideas
from forum.models import Idea, Post, Role, Thread
from forum.moderation import services as moderation
from forum.questions import services as questions
from forum.search import hooks, service
from tests.conftest import build_config
from tests.factories import make_answer, make_category, make_thread, make_user
from tests.search.conftest import found


def _idea(author, title="Dark mode for the mobile app", body="Evenings are hard on the eyes with the bright theme."):
    make_category("app")
    return ideas.submit_idea(actor=author, title=title, body=body, category="app")


def test_found_after_create_and_answer(ctx):
    thread = make_thread(title="Thermostat keeps dropping off the network", body="Since Tuesday it disconnects.")
    assert found("thermostat") == [("question", thread.id)]
    make_answer(thread, body="Update the bridge firmware to 4.2, that fixed it for me.")
    assert found("firmware bridge") == [("question", thread.id)]


def test_changed_after_edit(ctx):
    author = make_user()
    thread = make_thread(author, title="Doorbell camera shows a black picture", body="Only at night.")
    questions.edit_post(actor=author, post=thread.question, title="Doorbell camera image is green at dusk",
                        body="The infrared switch seems stuck.")
    assert found("black picture") == []
    assert found("infrared green") == [("question", thread.id)]


def test_hidden_post_and_thread_gone_then_back_after_restore(ctx):
    moderator = make_user(role=Role.MODERATOR)
    thread = make_thread(title="Garage sensor battery drains in a week", body="New batteries every Monday.")
    answer = make_answer(thread, body="Buy the flamingo brand replacement cells.")
    moderation.hide_post(actor=moderator, post=answer, note="spam")
    assert found("flamingo") == []
    assert found("garage battery") == [("question", thread.id)]
    moderation.restore_post(actor=moderator, post=answer)
    assert found("flamingo") == [("question", thread.id)]
    moderation.hide_thread(actor=moderator, thread=thread)
    assert found("garage battery") == []
    assert found("garage battery", viewer=moderator) == [("question", thread.id)]
    moderation.restore_thread(actor=moderator, thread=thread)
    assert found("garage battery") == [("question", thread.id)]


def test_moved_thread_is_found_in_its_new_category(ctx):
    moderator = make_user(role=Role.MODERATOR)
    thread = make_thread(title="Smart plug clicks every few minutes", category="general")
    make_category("power")
    moderation.move_thread(actor=moderator, thread=thread, category="power")
    assert found("plug category:power") == [("question", thread.id)]
    assert found("plug category:general") == []


def test_deleted_answer_and_thread_leave_the_index(ctx):
    author = make_user()
    thread = make_thread(title="Motion sensor triggers on its own", body="Every night at 3 am.")
    answer = make_answer(thread, author, body="Spiders walking over the lens, seriously.")
    questions.delete_answer(actor=author, post=answer)
    assert found("spiders") == []
    db.session.delete(db.session.get(Thread, thread.id))
    db.session.commit()
    assert found("motion sensor") == []


def test_solved_status_follows_acceptance(ctx):
    asker = make_user()
    thread = make_thread(asker, title="Siren does not stop after disarming")
    answer = make_answer(thread, body="Hold the button for ten seconds.")
    assert found("siren is:unanswered") == []
    assert found("siren is:open") == [("question", thread.id)]
    questions.accept_answer(actor=asker, answer=answer)
    assert found("siren is:solved") == [("question", thread.id)]
    questions.unaccept_answer(actor=asker, thread=thread)
    assert found("siren is:solved") == []


def test_nothing_indexed_from_a_rolled_back_transaction(ctx):
    author = make_user()
    make_category()
    thread = Thread(title="Rolled back lighthouse question", slug="x", category_id=make_category().id,
                    author_id=author.id)
    db.session.add(thread)
    db.session.flush()
    db.session.add(Post(thread_id=thread.id, author_id=author.id, body_md="lighthouse", body_html="<p>lighthouse</p>"))
    db.session.flush()
    db.session.rollback()
    kept = make_thread(title="A question that was committed normally")  # a later commit must not carry it
    assert found("lighthouse") == []
    assert found("committed normally") == [("question", kept.id)]


def test_savepoint_release_does_not_write_early(ctx):
    thread = make_thread(title="Chime volume resets after update")
    with db.session.begin_nested():
        db.session.get(Thread, thread.id).title = "Chime volume resets after the walrus update"
    assert found("walrus") == []  # not committed yet
    db.session.commit()
    assert found("walrus") == [("question", thread.id)]


def test_bulk_update_of_a_thread_is_noticed(ctx):
    thread = make_thread(title="Keypad backlight never turns off")
    db.session.execute(sa.update(Thread).where(Thread.id == thread.id).values(title="Keypad backlight is pelican"))
    db.session.commit()
    assert found("pelican") == [("question", thread.id)]


def test_explicit_mark_for_raw_sql(ctx):
    thread = make_thread(title="Valve actuator hums loudly")
    db.session.execute(sa.text("UPDATE threads SET title = 'Valve actuator hums like a heron' WHERE id = :id"),
                       {"id": thread.id})
    hooks.mark_thread(db.session, thread.id)
    db.session.commit()
    assert found("heron") == [("question", thread.id)]


def test_ideas_found_with_status_and_merged_ones_disappear(ctx):
    staff, member = make_user(role=Role.STAFF), make_user()
    first = _idea(member)
    second = _idea(make_user(), title="Night theme for the app, please", body="A darker palette would help.")
    assert sorted(found("type:idea app")) == sorted([("idea", first.id), ("idea", second.id)])
    ideas.set_idea_status(actor=staff, idea=first, status="planned", note="On the roadmap.")
    assert found("status:planned app") == [("idea", first.id)]
    ideas.merge_ideas(actor=staff, idea=second, into=first.id, note="Same idea.")
    assert found("palette") == []
    assert found("palette", viewer=make_user(role=Role.MODERATOR)) == [("idea", second.id)]


def test_idea_comment_text_is_searchable(ctx):
    idea = _idea(make_user())
    ideas.comment_on_idea(actor=make_user(), idea=idea, body="Also please support the kestrel wall panel.")
    assert found("kestrel") == [("idea", idea.id)]


def test_hidden_idea_is_only_for_moderators(ctx):
    idea = _idea(make_user(), title="Export my automation rules as YAML")
    db.session.get(Idea, idea.id).is_hidden = True
    db.session.commit()
    assert found("yaml") == []
    assert found("yaml", viewer=make_user(role=Role.MODERATOR)) == [("idea", idea.id)]


def test_votes_do_not_rewrite_documents(ctx, monkeypatch):
    thread = make_thread(title="Water leak sensor false alarms")
    answer = make_answer(thread)
    voter = make_user()
    assert service.drain_pending() > 0
    writes = []
    backend = service.get_backend()
    monkeypatch.setattr(backend, "apply", lambda conn, docs: writes.append(dict(docs)))
    questions.vote_post(actor=voter, post=answer, value=1)
    assert service.count_pending() == 0
    assert service.drain_pending() == 0 and writes == []


def test_an_index_failure_never_fails_the_action_and_the_next_drain_repairs_it(ctx, monkeypatch, caplog):
    def broken(_conn, _docs):
        raise OSError("disk full")

    monkeypatch.setattr(service.get_backend(), "apply", broken)
    thread = make_thread(title="Blinds motor stops halfway down")
    assert db.session.get(Thread, thread.id) is not None
    db.session.commit()  # outside a request that read took SQLite's write lock, which a drain's delete needs
    assert found("blinds motor") == []  # the search's own drain fails, logs, and answers from the index
    assert "stay queued" in caplog.text and "reindex --pending" in caplog.text
    assert service.count_pending() == 1
    monkeypatch.undo()
    assert service.drain_pending() == 1  # no full reindex needed
    assert found("blinds motor") == [("question", thread.id)]


def test_backend_follows_the_database(ctx, backend):
    assert service.get_backend().name == ("whoosh" if backend == "sqlite" else "postgres")


def test_renamed_category_is_found_by_its_new_name(ctx):
    thread = make_thread(title="Porch light schedule ignores sunset", category="lighting")
    category = make_category("lighting")
    category.name = "Outdoor illumination"
    db.session.commit()
    assert found("illumination") == [("question", thread.id)]


def test_postgres_backend_refuses_a_sqlite_database(tmp_path):
    with pytest.raises(RuntimeError, match="PostgreSQL"):
        create_app(build_config(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, SEARCH_BACKEND="postgres"))

"""`flask forum reindex` rebuilds from the database; `--check` finds missing, stale and extra documents."""
from __future__ import annotations

import os
import shutil

import pytest
import sqlalchemy as sa

from forum.extensions import db
from forum.models import Thread
from forum.search import service
from tests.factories import make_answer, make_thread, make_user
from tests.search.conftest import found


@pytest.fixture
def threads(app):
    with app.app_context():
        author = make_user()
        ids = [make_thread(author, title=f"Reindex subject {word} question", body=f"About {word}.").id
               for word in ("alpha", "bravo", "charlie")]
        make_answer(db.session.get(Thread, ids[0]), body="An answer about delta.")
        service.drain_pending()  # as a worker's drainer would: the index holds them, the queue is empty
        return ids


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=["forum", "reindex", *args])


def test_check_passes_when_in_step(app, threads):
    result = _cli(app, "--check")
    assert result.exit_code == 0, result.output
    assert "matches the database" in result.output


def test_check_reports_missing_and_stale_then_reindex_repairs(app, threads):
    with app.app_context():
        service.get_backend().remove([f"q:{threads[0]}"])
        # a change the hooks never saw: raw SQL with the listeners' collection switched off
        db.session.info["search_off"] = True
        db.session.execute(sa.text("UPDATE threads SET title = 'Reindex subject renamed echo' WHERE id = :id"),
                           {"id": threads[1]})
        db.session.commit()
        db.session.info.pop("search_off")
    result = _cli(app, "--check")
    assert result.exit_code != 0
    assert f"1 missing: q:{threads[0]}" in result.output
    assert f"1 stale: q:{threads[1]}" in result.output
    result = _cli(app)
    assert result.exit_code == 0, result.output
    assert "Indexed 3 documents." in result.output and "Indexing" in result.output
    assert _cli(app, "--check").exit_code == 0
    with app.app_context():
        assert found("echo") == [("question", threads[1])]
        assert found("delta") == [("question", threads[0])]


def test_check_reports_documents_no_longer_in_the_database(app, threads):
    with app.app_context():
        db.session.info["search_off"] = True
        db.session.execute(sa.delete(Thread).where(Thread.id == threads[2]))
        db.session.commit()
        db.session.info.pop("search_off")
    result = _cli(app, "--check")
    assert result.exit_code != 0 and f"q:{threads[2]}" in result.output
    assert _cli(app).exit_code == 0
    assert _cli(app, "--check").exit_code == 0


@pytest.mark.parametrize("damage", ["delete", "corrupt"])
def test_reindex_after_the_whoosh_index_is_deleted_or_damaged(app, threads, damage, backend):
    if backend != "sqlite":
        pytest.skip("the Whoosh index lives on disk; PostgreSQL's is a table")
    directory = app.config["SEARCH_INDEX_DIR"]
    if damage == "delete":
        shutil.rmtree(directory)
    else:
        for name in os.listdir(directory):
            if name.endswith((".toc", ".seg")) or name.startswith("_MAIN"):
                with open(os.path.join(directory, name), "wb") as handle:
                    handle.write(b"\x00garbage" * 10)
    with app.app_context():
        assert found("alpha") == []  # a broken index answers nothing rather than an error
    result = _cli(app, "--check")
    assert result.exit_code != 0
    assert "3 missing" in result.output or "cannot be read" in result.output
    assert _cli(app).exit_code == 0
    assert _cli(app, "--check").exit_code == 0
    with app.app_context():
        assert found("alpha") == [("question", threads[0])]


def test_reindex_after_the_postgres_table_is_emptied(app, threads, backend):
    if backend != "postgres":
        pytest.skip("PostgreSQL backend only")
    with app.app_context():
        db.session.execute(sa.text("DELETE FROM search_documents"))
        db.session.commit()
        assert found("alpha") == []
    assert "3 missing" in _cli(app, "--check").output
    assert _cli(app).exit_code == 0
    with app.app_context():
        assert found("alpha") == [("question", threads[0])]

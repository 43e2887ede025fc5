"""The product team's export: parsed back from CSV and JSON, with every filter, formula defusing and refusals."""
from __future__ import annotations

import csv
import inspect
import io
import json
from datetime import datetime, timedelta

import pytest

from forum import clock
from forum.errors import Invalid, PermissionDenied
from forum.ideas import export, services
from forum.models import Role
from forum.spreadsheet import defuse
from tests.factories import make_idea, make_user

NOW = datetime(2026, 3, 10, 12, 0, 0)


def _csv(actor, **args) -> list[dict]:
    _, chunks = export.export_ideas(actor=actor, args={"format": "csv", **args})
    text = "".join(chunks)
    assert text.startswith("\ufeff")  # the BOM: Excel then reads UTF-8 correctly
    return list(csv.DictReader(io.StringIO(text[1:])))


def _json(actor, **args) -> list[dict]:
    _, chunks = export.export_ideas(actor=actor, args={"format": "json", **args})
    data = json.loads("".join(chunks))
    assert data["count"] == len(data["items"])
    return data["items"]


@pytest.fixture
def board(ctx):
    """Three ideas with known votes and dates; one old vote falls outside the 30-day window."""
    clock.freeze(NOW - timedelta(days=60))
    staff = make_user("product", role=Role.STAFF)
    author = make_user("ana")
    old = make_idea(author, title="Old idea with an ancient vote", category="app")
    early = make_user()
    services.vote_idea(actor=early, idea=old, value=1)
    clock.freeze(NOW - timedelta(days=5))
    popular = make_idea(author, title="Popular idea about the thermostat", category="thermostat")
    voters = [make_user() for _ in range(3)]
    for voter in voters:
        services.vote_idea(actor=voter, idea=popular, value=1)
    services.vote_idea(actor=voters[0], idea=old, value=1)
    services.comment_on_idea(actor=voters[1], idea=popular, body="Yes please, ünïcode too ✓")
    services.set_idea_status(actor=staff, idea=popular, status="planned", note="Soon")
    quiet = make_idea(make_user("ben"), title="Quiet idea, nobody voted", category="app")
    clock.freeze(NOW)
    return {"staff": staff, "old": old, "popular": popular, "quiet": quiet}


def test_csv_has_the_columns_sorted_by_votes(board):
    rows = _csv(board["staff"])
    assert list(rows[0]) == list(export.COLUMNS)
    assert [int(row["id"]) for row in rows] == [board["popular"].id, board["old"].id, board["quiet"].id]
    top = rows[0]
    assert top["title"] == "Popular idea about the thermostat"
    assert (top["status"], top["category"], top["votes"], top["votes_last_30_days"], top["comments"]) == (
        "planned", "thermostat", "3", "3", "1")
    assert top["author"] == "ana"
    assert top["created"] == "2026-03-05T12:00:00Z" and top["status_changed_at"] == "2026-03-05T12:00:00Z"
    assert top["url"].endswith(f"/ideas/{board['popular'].id}") and top["url"].startswith("http")
    old = rows[1]
    assert (old["votes"], old["votes_last_30_days"], old["status_changed_at"]) == ("2", "1", "")


def test_json_matches_csv(board):
    items = _json(board["staff"])
    assert [item["id"] for item in items] == [int(row["id"]) for row in _csv(board["staff"])]
    assert items[0]["votes"] == 3 and items[0]["votes_last_30_days"] == 3 and items[0]["status"] == "planned"
    assert set(items[0]) == set(export.COLUMNS)


@pytest.mark.parametrize("args, expected", [
    ({"status": "planned"}, ["popular"]),
    ({"status": "new"}, ["old", "quiet"]),
    ({"category": "app"}, ["old", "quiet"]),
    ({"since": "2026-03-01"}, ["popular", "quiet"]),
    ({"since": "2026-03-06"}, []),
    ({"limit": "1"}, ["popular"]),
    ({"category": "app", "limit": "1"}, ["old"]),
    ({"status": "new", "since": "2026-03-01"}, ["quiet"]),
])
def test_filters(board, args, expected):
    ids = [board[name].id for name in expected]
    assert [int(row["id"]) for row in _csv(board["staff"], **args)] == ids
    assert [item["id"] for item in _json(board["staff"], **args)] == ids


def test_default_limit_is_100(ctx):
    assert export.parse_filters({}).limit == 100


def test_duplicates_only_when_asked_for(board):
    services.merge_ideas(actor=board["staff"], idea=board["quiet"], into=board["old"].id, note="Same idea.")
    assert board["quiet"].id not in [item["id"] for item in _json(board["staff"])]
    assert [item["id"] for item in _json(board["staff"], status="duplicate")] == [board["quiet"].id]


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil","x") now', "+1 for dark mode everywhere",
                                   "-2 degrees offset setting", "@SUM(A1:A9) is a formula"])
def test_csv_cells_that_start_a_formula_are_made_inert(ctx, title):
    staff = make_user(role=Role.STAFF)
    make_idea(title=title)
    row = _csv(staff)[0]
    assert row["title"] == "'" + title
    assert _json(staff)[0]["title"] == title  # JSON carries the data unchanged


def test_defuse_leaves_other_values_alone():
    assert defuse("Plain title") == "Plain title"
    assert defuse("=1+1") == "'=1+1"
    assert defuse("\r=cmd") == "'\r=cmd"
    assert defuse(-3) == -3  # numbers are numbers, never formulas


@pytest.mark.parametrize("args, field", [
    ({"status": "shipping"}, "status"),
    ({"since": "2026-13-01"}, "since"),
    ({"since": "01/03/2026"}, "since"),
    ({"since": "yesterday"}, "since"),
    ({"limit": "0"}, "limit"),
    ({"limit": "-5"}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"format": "xlsx"}, "format"),
    ({"category": "no-such-thing"}, "category"),
])
def test_bad_filters_are_refused(ctx, args, field):
    with pytest.raises(Invalid) as error:
        export.export_ideas(actor=make_user(role=Role.STAFF), args=args)
    assert field in error.value.fields


@pytest.mark.parametrize("role, allowed", [(None, False), (Role.MEMBER, False), (Role.STAFF, True),
                                           (Role.MODERATOR, True), (Role.ADMIN, True)])
def test_only_staff_export(ctx, role, allowed):
    actor = make_user(role=role) if role else None
    if allowed:
        assert _csv(actor) == []
    else:
        with pytest.raises(PermissionDenied):
            export.export_ideas(actor=actor, args={"status": "nonsense"})  # refused before the filters are read


def test_export_streams_in_batches(ctx, monkeypatch):
    """A generator: nothing is read until the first chunk is asked for, then rows come a batch at a time."""
    monkeypatch.setattr(export, "BATCH", 2)
    staff = make_user(role=Role.STAFF)
    for _ in range(5):
        make_idea()
    _, chunks = export.export_ideas(actor=staff, args={})
    assert inspect.isgenerator(chunks)
    pieces = list(chunks)
    assert pieces[0].startswith("\ufeffid,title")
    assert [piece.count("\r\n") for piece in pieces] == [1, 2, 2, 1]


def test_cli_writes_a_file_and_refuses_bad_dates(app, board, tmp_path):
    out = tmp_path / "ideas.json"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "export-ideas", "--format", "json", "--status", "planned", "--output",
                                 str(out)])
    assert result.exit_code == 0, result.output
    assert [item["id"] for item in json.loads(out.read_text())["items"]] == [board["popular"].id]
    result = runner.invoke(args=["forum", "export-ideas", "--category", "app", "--limit", "1"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.output.lstrip("\ufeff"))))
    assert [int(row["id"]) for row in rows] == [board["old"].id]
    bad = runner.invoke(args=["forum", "export-ideas", "--since", "2026-02-30"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output

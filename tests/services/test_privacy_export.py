"""The data export: a ZIP of JSON files holding exactly the member's data, built as a stream."""
from __future__ import annotations

import io
import json
import random
import zipfile

import pytest

from forum.auth.services import create_token
from forum.extensions import db
from forum.ideas import services as ideas
from forum.models import Post, Role
from forum.moderation.services import flag_post
from forum.notifications.services import start_watching
from forum.privacy import export
from forum.questions import services as questions
from tests.factories import make_answer, make_idea, make_thread, make_user


def unzip(user_id: int) -> dict:
    chunks = list(export.stream(user_id))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    assert archive.testzip() is None
    return {name: json.loads(archive.read(name)) for name in archive.namelist()}


@pytest.fixture
def member(ctx):
    me, other = make_user("exporter", email="exporter@example.org"), make_user("neighbour", email="n@example.org")
    thread = make_thread(me, title="Hub firmware will not update", body="It stops at 40 percent.")
    questions.edit_post(actor=me, post=thread.question, body="It stops at 40 percent, every time.")
    answer = make_answer(make_thread(other), me, body="Unplug it for ten seconds.")
    theirs = make_answer(thread, other, body="Use the wired connection for the update.")
    questions.vote_post(actor=me, post=theirs, value=1)
    idea = make_idea(me, title="Schedule firmware updates at night")
    other_idea = make_idea(other, title="A widget for the lock screen")
    ideas.vote_idea(actor=me, idea=other_idea, value=1)
    ideas.comment_on_idea(actor=me, idea=other_idea, body="Would love this.")
    flag_post(actor=me, post=theirs, reason="other", note="Wrong hub model")
    start_watching(actor=me, idea=other_idea)
    questions.post_answer(actor=me, thread=thread, body="Or mail me: exporter.home@example.org",
                          private_to_staff=True)
    ideas.comment_on_idea(actor=me, idea=other_idea, body="Beta test? Ring +44 20 7946 0958", private_to_staff=True)
    create_token(user=me, name="backup script")
    return {"me": me, "other": other, "thread": thread, "answer": answer, "theirs": theirs, "idea": idea,
            "other_idea": other_idea}


def test_archive_has_every_file_and_only_the_members_data(member):
    files = unzip(member["me"].id)
    assert set(files) == set(export.FILES)
    profile = files["profile.json"]
    assert (profile["username"], profile["email"]) == ("exporter", "exporter@example.org")
    assert [token["name"] for token in profile["api_tokens"]] == ["backup script"]
    assert "token_hash" not in json.dumps(profile)
    posts = {post["id"]: post for post in files["posts.json"]}
    question = posts[member["thread"].question.id]
    assert question["kind"] == "question" and question["body_md"] == "It stops at 40 percent, every time."
    assert [rev["body_md"] for rev in question["revisions"]] == ["It stops at 40 percent.",
                                                                 "It stops at 40 percent, every time."]
    assert posts[member["answer"].id]["kind"] == "answer"
    assert member["theirs"].id not in posts  # someone else's answer on my thread is theirs
    assert files["votes.json"] == [{"post_id": member["theirs"].id, "value": 1,
                                    "created_at": files["votes.json"][0]["created_at"]}]
    assert [f["note"] for f in files["flags.json"]] == ["Wrong hub model"]
    assert [i["title"] for i in files["ideas.json"]] == ["Schedule firmware updates at night"]
    assert [c["body_md"] for c in files["idea_comments.json"]] == ["Would love this.", "Beta test? Ring [removed]"]
    assert [v["idea_id"] for v in files["idea_votes.json"]] == [member["other_idea"].id]
    assert any(n["kind"] == "answer" for n in files["notifications.json"])
    watched = {(s["thread_id"], s["idea_id"]) for s in files["subscriptions.json"]}
    assert (None, member["other_idea"].id) in watched and (member["thread"].id, None) in watched
    assert [(e["thread_id"], e["idea_id"], e["private_note"]) for e in files["escalations.json"]] == [
        (member["thread"].id, None, "Answer:\nOr mail me: exporter.home@example.org"),
        (None, member["other_idea"].id, "Comment:\nBeta test? Ring +44 20 7946 0958")]
    assert "n@example.org" not in json.dumps(files)  # nobody else's email


def test_export_of_a_quiet_member_is_valid_and_empty(ctx):
    files = unzip(make_user(role=Role.STAFF).id)
    assert files["posts.json"] == [] and files["escalations.json"] == []


def test_large_export_is_streamed_in_many_chunks(ctx):
    me = make_user()
    thread = make_thread(me)
    rng = random.Random(7)  # text that compresses poorly, so the archive comes out in several pieces
    db.session.add_all([Post(thread_id=thread.id, author_id=me.id, position=i + 1, body_md=f"{rng.random()}" * 40,
                             body_html="<p>x</p>") for i in range(3000)])
    db.session.commit()
    chunks = list(export.stream(me.id))
    assert len(chunks) > 5
    assert max(len(chunk) for chunk in chunks) < sum(len(chunk) for chunk in chunks) / 2
    assert len(json.loads(zipfile.ZipFile(io.BytesIO(b"".join(chunks))).read("posts.json"))) == 3001


def test_cli_export_user(app, tmp_path):
    with app.app_context():
        make_thread(make_user("cliuser", email="cli.user@example.org"), title="Exported from the command line")
    output = tmp_path / "out.zip"
    result = app.test_cli_runner().invoke(args=["forum", "export-user", "CLIUSER", "--output", str(output)])
    assert result.exit_code == 0, result.output
    archive = zipfile.ZipFile(output)
    assert json.loads(archive.read("profile.json"))["email"] == "cli.user@example.org"
    assert json.loads(archive.read("posts.json"))[0]["thread_title"] == "Exported from the command line"


def test_cli_export_unknown_user_fails(app):
    result = app.test_cli_runner().invoke(args=["forum", "export-user", "ghost"])
    assert result.exit_code != 0 and "No member by that name." in result.output

"""JSON twins of the question pages: same services, JSON in and out."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum import links, lookup, trust
from forum.api import bp
from forum.api.openapi import op
from forum.api.helpers import json_body, page_json, require_user, user_json, viewer
from forum.clock import isoformat
from forum.models import Post, Thread
from forum.policy import Policy
from forum.questions import queries, services


def question_json(thread: Thread, my_vote: int = 0, answers: list[dict] | None = None) -> dict[str, Any]:
    data = {
        "id": thread.id, "post_id": thread.question.id, "title": thread.title,
        "body_html": _question_html(thread.question), "author": user_json(thread.author),
        "category": thread.category.slug, "tags": [tag.name for tag in thread.tags], "score": thread.score,
        "my_vote": my_vote, "answer_count": thread.answer_count, "status": thread.status,
        "accepted_answer_id": thread.accepted_post_id, "is_locked": thread.is_locked,
        "is_pinned": thread.is_pinned, "view_count": thread.view_count, "language": thread.language,
        "created_at": isoformat(thread.created_at), "last_activity_at": isoformat(thread.last_activity_at),
        "url": links.thread_path(thread),
    }
    if answers is not None:
        data["answers"] = answers
    return data


def _question_html(question: Post) -> str:
    """A hidden question's text goes only to those who may see it (moderators, its author)."""
    return question.body_html if not question.is_hidden or Policy(viewer()).can_view_post(question) else ""


def answer_json(post: Post, my_vote: int = 0) -> dict[str, Any]:
    return {"id": post.id, "question_id": post.thread_id, "body_html": post.body_html,
            "author": user_json(post.author), "score": post.score, "my_vote": my_vote,
            "is_accepted": post.thread.accepted_post_id == post.id, "is_staff": post.is_staff_reply,
            "is_hidden": post.is_hidden, "created_at": isoformat(post.created_at),
            "edited_at": isoformat(post.edited_at)}


def post_json(post: Post) -> dict[str, Any]:
    my_vote = queries.my_votes(viewer(), [post.id]).get(post.id, 0)
    return question_json(post.thread, my_vote) if post.is_question else answer_json(post, my_vote)


def thread_status_json(thread: Thread) -> dict[str, Any]:
    return {"question_id": thread.id, "status": thread.status, "accepted_answer_id": thread.accepted_post_id}


def _full_question(thread: Thread) -> dict[str, Any]:
    page = queries.thread_page(thread, viewer())
    answers = [answer_json(post, page.my_votes.get(post.id, 0)) for post in page.answers]
    data = question_json(thread, page.my_votes.get(page.question.id, 0), answers)
    if page.idea_request is not None:  # the idea its demand went to (issue 16): present only when there is one
        link, idea = page.idea_request, page.idea_request.idea
        data["idea"] = {"id": idea.id, "title": idea.title, "url": links.idea_path(idea), "status": idea.status,
                        "status_note": idea.status_note, "kind": link.kind}
    return data


@bp.get("/questions")
def list_questions() -> ResponseReturnValue:
    page = queries.list_questions(queries.ListFilters.from_args(request.args), viewer(), bodies=True)
    votes = queries.my_votes(viewer(), [thread.question.id for thread in page.items])
    return jsonify(page_json(page, lambda thread: question_json(thread, votes.get(thread.question.id, 0))))


@bp.post("/questions")
def ask() -> ResponseReturnValue:
    body = json_body()
    thread = services.ask_question(actor=require_user(), title=body.get("title"), body=body.get("body"),
                                   category=body.get("category"), tags=body.get("tags"),
                                   confirm_public=body.get("confirm_public"),
                                   private_to_staff=body.get("private_to_staff"), language=body.get("language"))
    return jsonify({**_full_question(thread), **trust.held_json(thread.question, "question")}), 201


@bp.get("/questions/<int:thread_id>")
def show(thread_id: int) -> ResponseReturnValue:
    return jsonify(_full_question(lookup.get_thread(thread_id, viewer())))


@bp.post("/questions/<int:thread_id>/answers")
def answer(thread_id: int) -> ResponseReturnValue:
    user = require_user()
    thread = lookup.get_thread(thread_id, user)
    body = json_body()
    post = services.post_answer(actor=user, thread=thread, body=body.get("body"),
                                confirm_public=body.get("confirm_public"),
                                private_to_staff=body.get("private_to_staff"))
    return jsonify({**answer_json(post), **trust.held_json(post, "answer")}), 201


@bp.patch("/posts/<int:post_id>")
def edit(post_id: int) -> ResponseReturnValue:
    user = require_user()
    body = json_body()
    post = services.edit_post(actor=user, post=lookup.get_post(post_id, user), body=body.get("body"),
                              title=body.get("title"), confirm_public=body.get("confirm_public"),
                              private_to_staff=body.get("private_to_staff"), language=body.get("language"))
    return jsonify(post_json(post))


@bp.delete("/posts/<int:post_id>")
def delete(post_id: int) -> ResponseReturnValue:
    user = require_user()
    thread = services.delete_answer(actor=user, post=lookup.get_post(post_id, user))
    return jsonify(thread_status_json(thread))


@bp.post("/posts/<int:post_id>/vote")
def vote(post_id: int) -> ResponseReturnValue:
    user = require_user()
    score, my_vote = services.vote_post(actor=user, post=lookup.get_post(post_id, user),
                                        value=json_body().get("value"))
    return jsonify(score=score, my_vote=my_vote)


@bp.post("/posts/<int:post_id>/accept")
def accept(post_id: int) -> ResponseReturnValue:
    user = require_user()
    thread = services.accept_answer(actor=user, answer=lookup.get_post(post_id, user))
    return jsonify(thread_status_json(thread))


@bp.delete("/posts/<int:post_id>/accept")
def unaccept(post_id: int) -> ResponseReturnValue:
    user = require_user()
    post = lookup.get_post(post_id, user)
    thread = services.unaccept_answer(actor=user, thread=post.thread, answer=post)
    return jsonify(thread_status_json(thread))


OPENAPI_PATHS = {
    "/questions": {
        "get": op("List questions", "questions", params=["sort", "category", "tag", "status", "language", "page",
                                                          "per_page"],
                  schema="QuestionList"),
        "post": op("Ask a question", "questions", body="NewQuestion", schema="Question", status="201", auth=True),
    },
    "/questions/{id}": {"get": op("A question with its answers", "questions", schema="Question", path_id=True)},
    "/questions/{id}/answers": {"post": op("Answer a question", "questions", body="NewAnswer", schema="Answer",
                                           status="201", auth=True, path_id=True)},
    "/posts/{id}": {
        "patch": op("Edit a post (a revision is kept)", "questions", body="PostEdit", schema="Post", auth=True,
                    path_id=True),
        "delete": op("Delete your own answer that has no votes", "questions", schema="ThreadStatus", auth=True,
                     path_id=True),
    },
    "/posts/{id}/vote": {"post": op("Vote on a post: 1, -1 or 0 to withdraw", "questions", body="VoteValue",
                                    schema="VoteResult", auth=True, path_id=True)},
    "/posts/{id}/accept": {
        "post": op("Accept an answer", "questions", schema="ThreadStatus", auth=True, path_id=True),
        "delete": op("Withdraw the acceptance", "questions", schema="ThreadStatus", auth=True, path_id=True),
    },
}

"""JSON twins of the idea pages: same services, JSON in and out."""
from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request, stream_with_context
from flask.typing import ResponseReturnValue

from forum import links, lookup, trust
from forum.api import bp
from forum.api.helpers import json_body, page_json, require_user, user_json, viewer
from forum.api.openapi import HELD, INT, LANGUAGE, STR, TIME, _obj, op
from forum.clock import isoformat
from forum.ideas import export, queries, requests, services
from forum.models import Idea, IdeaComment, IdeaQuestion, IdeaQuestionKind, IdeaStatus, IdeaStatusChange


def idea_json(idea: Idea, my_vote: int = 0) -> dict[str, Any]:
    return {"id": idea.id, "title": idea.title, "body_html": idea.body_html, "status": idea.status,
            "status_label": IdeaStatus.LABELS.get(idea.status, idea.status), "status_note": idea.status_note,
            "status_changed_at": isoformat(idea.status_changed_at), "vote_count": idea.vote_count,
            "my_vote": my_vote, "comment_count": idea.comment_count, "merged_into": idea.merged_into_id,
            "category": idea.category.slug, "author": user_json(idea.author), "language": idea.language,
            "created_at": isoformat(idea.created_at), "url": links.idea_path(idea)}


def comment_json(comment: IdeaComment) -> dict[str, Any]:
    return {"id": comment.id, "idea_id": comment.idea_id, "body_html": comment.body_html,
            "author": user_json(comment.author), "is_official": comment.is_official,
            "is_pinned": comment.is_pinned, "created_at": isoformat(comment.created_at)}


def change_json(change: IdeaStatusChange) -> dict[str, Any]:
    return {"from": change.from_status, "to": change.to_status, "note": change.note,
            "actor": user_json(change.actor), "created_at": isoformat(change.created_at)}


def request_json(link: IdeaQuestion) -> dict[str, Any]:
    """A question whose demand the idea carries: `converted` (it became the idea) or `linked` (staff linked it)."""
    return {"id": link.thread_id, "title": link.thread.title, "url": links.thread_path(link.thread), "kind": link.kind,
            "linked_at": isoformat(link.linked_at)}


def _full_idea(idea: Idea) -> dict[str, Any]:
    page = queries.idea_page(idea, viewer())
    return {**idea_json(idea, page.my_vote), "comments": [comment_json(c) for c in page.comments],
            "status_history": [change_json(c) for c in page.history],
            "votes_from_questions": page.votes_from_questions,
            "linked_questions": [request_json(link) for link in page.requests]}


@bp.post("/questions/<int:thread_id>/to-idea")
def question_to_idea(thread_id: int) -> ResponseReturnValue:
    user = require_user()
    body = json_body()
    idea = requests.question_to_idea(actor=user, thread=lookup.get_thread(thread_id, user),
                                     title=body.get("title"), body=body.get("body"), category=body.get("category"))
    return jsonify(_full_idea(idea)), 201


@bp.post("/ideas/<int:idea_id>/questions")
def link_idea_question(idea_id: int) -> ResponseReturnValue:
    user = require_user()
    link = requests.link_question(actor=user, idea=lookup.get_idea(idea_id, user),
                                  question_id=json_body().get("question_id"))
    return jsonify(_full_idea(lookup.get_idea(link.idea_id, user))), 201


@bp.get("/ideas")
def list_ideas() -> ResponseReturnValue:
    page = queries.list_ideas(queries.IdeaFilters.from_args(request.args), viewer(), bodies=True)
    return jsonify(page_json(page, lambda idea: idea_json(idea, int(idea.id in page.my_votes))))


@bp.post("/ideas")
def submit_idea() -> ResponseReturnValue:
    body = json_body()
    idea = services.submit_idea(actor=require_user(), title=body.get("title"), body=body.get("body"),
                                 category=body.get("category"), confirm_public=body.get("confirm_public"),
                                 private_to_staff=body.get("private_to_staff"), language=body.get("language"))
    return jsonify({**_full_idea(idea), **trust.held_json(idea, "idea")}), 201


@bp.get("/ideas/<int:idea_id>")
def show_idea(idea_id: int) -> ResponseReturnValue:
    return jsonify(_full_idea(lookup.get_idea(idea_id, viewer())))


@bp.get("/ideas/similar")
def similar_ideas() -> ResponseReturnValue:
    ideas = queries.similar_ideas(request.args.get("q", "")[:200])
    return jsonify(items=[{"id": i.id, "title": i.title, "url": links.idea_path(i), "status": i.status,
                           "vote_count": i.vote_count} for i in ideas])


@bp.post("/ideas/<int:idea_id>/vote")
def vote_idea(idea_id: int) -> ResponseReturnValue:
    user = require_user()
    vote_count, my_vote = services.vote_idea(actor=user, idea=lookup.get_idea(idea_id, user),
                                             value=json_body().get("value"))
    return jsonify(vote_count=vote_count, my_vote=my_vote)


@bp.post("/ideas/<int:idea_id>/comments")
def comment_idea(idea_id: int) -> ResponseReturnValue:
    user = require_user()
    body = json_body()
    posted = services.comment_on_idea(actor=user, idea=lookup.get_idea(idea_id, user), body=body.get("body"),
                                      confirm_public=body.get("confirm_public"),
                                      private_to_staff=body.get("private_to_staff"))
    return jsonify({**comment_json(posted), **trust.held_json(posted, "comment")}), 201


@bp.post("/ideas/comments/<int:comment_id>/pin")
def pin_idea_comment(comment_id: int) -> ResponseReturnValue:
    user = require_user()
    pinned = json_body().get("pinned", True)
    posted = services.pin_idea_comment(actor=user, comment=lookup.get_comment(comment_id, user),
                                       pinned=pinned is True)
    return jsonify(comment_json(posted))


@bp.post("/ideas/<int:idea_id>/status")
def set_idea_status(idea_id: int) -> ResponseReturnValue:
    user = require_user()
    body = json_body()
    idea = services.set_idea_status(actor=user, idea=lookup.get_idea(idea_id, user), status=body.get("status"),
                                    note=body.get("note", ""))
    return jsonify(_full_idea(idea))


@bp.post("/ideas/<int:idea_id>/merge")
def merge_ideas(idea_id: int) -> ResponseReturnValue:
    user = require_user()
    body = json_body()
    idea = services.merge_ideas(actor=user, idea=lookup.get_idea(idea_id, user), into=body.get("into"),
                                note=body.get("note", ""))
    return jsonify(_full_idea(idea))


@bp.get("/ideas/export")
def export_ideas() -> ResponseReturnValue:
    user = require_user()
    filters, chunks = export.export_ideas(actor=user, args=request.args)
    # content_type, not mimetype: the value already names its charset (mimetype= added a second one)
    return Response(stream_with_context(chunks), content_type=filters.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filters.filename}"',
                             "Cache-Control": "no-store"})


_ID = {"type": "integer", "nullable": True}
_AUTHOR = {"$ref": "#/components/schemas/Author"}
OPENAPI_SCHEMAS = {
    "Idea": _obj(["id", "title", "body_html", "status", "status_note", "vote_count", "my_vote", "comment_count",
                  "merged_into", "category", "author", "created_at", "url"],
                 id=INT, title=STR, body_html=STR, status={"type": "string", "enum": list(IdeaStatus.ALL)},
                 status_label=STR, status_note={"type": "string", "nullable": True}, status_changed_at=TIME,
                 vote_count=INT, my_vote={"type": "integer", "enum": [0, 1]}, comment_count=INT, merged_into=_ID,
                 category=STR, author=_AUTHOR, language=STR, created_at=TIME, url=STR,
                 comments={"type": "array", "items": {"$ref": "#/components/schemas/IdeaComment"}},
                 status_history={"type": "array", "items": {"$ref": "#/components/schemas/IdeaStatusChange"}},
                 votes_from_questions={"type": "integer", "minimum": 0,
                                       "description": "of vote_count, the votes carried from questions"},
                 linked_questions={"type": "array", "items": {"$ref": "#/components/schemas/IdeaRequest"}},
                 **HELD),
    "IdeaRequest": _obj(["id", "title", "url", "kind", "linked_at"], id=INT, title=STR, url=STR,
                        kind={"type": "string", "enum": list(IdeaQuestionKind.ALL)}, linked_at=TIME),
    "QuestionToIdea": _obj([], title={"type": "string", "minLength": 10, "maxLength": 150},
                           body={"type": "string", "minLength": 10, "maxLength": 20000}, category=STR),
    "IdeaQuestionLink": _obj(["question_id"], question_id={"type": "integer", "minimum": 1,
                                                           "maximum": 2147483647}),
    "IdeaList": _obj(["items", "page", "per_page", "total"],
                     items={"type": "array", "items": {"$ref": "#/components/schemas/Idea"}},
                     page=INT, per_page=INT, total=INT),
    "IdeaComment": _obj(["id", "idea_id", "body_html", "author", "is_official", "is_pinned", "created_at"],
                        id=INT, idea_id=INT, body_html=STR, author=_AUTHOR, is_official={"type": "boolean"},
                        is_pinned={"type": "boolean"}, created_at=TIME, **HELD),
    "IdeaStatusChange": _obj(["from", "to", "note", "actor", "created_at"], **{
        "from": STR, "to": STR, "note": STR, "actor": _AUTHOR, "created_at": TIME}),
    "NewIdea": _obj(["title", "body", "category"], title={"type": "string", "minLength": 10, "maxLength": 150},
                    body={"type": "string", "minLength": 10, "maxLength": 20000}, category=STR, language=LANGUAGE),
    "IdeaVoteValue": _obj(["value"], value={"type": "integer", "enum": [0, 1]}),
    "IdeaVoteResult": _obj(["vote_count", "my_vote"], vote_count=INT, my_vote=INT),
    "NewIdeaComment": _obj(["body"], body={"type": "string", "minLength": 2, "maxLength": 10000}),
    "IdeaCommentPin": _obj(["pinned"], pinned={"type": "boolean"}),
    "IdeaStatusUpdate": _obj(["status"], status={"type": "string", "enum": list(services.SETTABLE)},
                             note={"type": "string", "maxLength": 2000, "description": "public; required (422 "
                                   "naming `note`) for " + ", ".join(services.NOTE_REQUIRED)}),
    "IdeaMerge": _obj(["into", "note"], into=INT, note={"type": "string", "minLength": 1, "maxLength": 2000,
                                                        "description": "public: why these are the same idea"}),
    "SimilarIdeas": _obj(["items"], items={"type": "array", "items": _obj(
        ["id", "title", "url", "status", "vote_count"], id=INT, title=STR, url=STR, status=STR, vote_count=INT)}),
    "IdeaExport": _obj(["items", "count"], count=INT, items={"type": "array", "items": _obj(
        list(export.COLUMNS), id=INT, title=STR, status=STR, category=STR, votes=INT, votes_last_30_days=INT,
        votes_from_questions=INT, linked_questions=INT,
        comments=INT, author=STR, created=TIME, status_changed_at=TIME, url=STR)}),
}

OPENAPI_PATHS = {
    "/ideas": {
        "get": op("List ideas", "ideas", params=["sort", "status", "category", "page", "per_page"],
                  schema="IdeaList"),
        "post": op("Submit an idea", "ideas", body="NewIdea", schema="Idea", status="201", auth=True),
    },
    "/ideas/similar": {"get": op("Ideas with a similar title", "ideas", params=["q"], schema="SimilarIdeas")},
    "/ideas/{id}": {"get": op("An idea with its comments and status history", "ideas", schema="Idea",
                              path_id=True)},
    "/ideas/{id}/vote": {"post": op("Vote for an idea (1) or withdraw the vote (0)", "ideas", body="IdeaVoteValue",
                                    schema="IdeaVoteResult", auth=True, path_id=True)},
    "/ideas/{id}/comments": {"post": op("Comment on an idea (official when staff)", "ideas", body="NewIdeaComment",
                                        schema="IdeaComment", status="201", auth=True, path_id=True)},
    "/ideas/comments/{id}/pin": {"post": op("Pin or unpin an official comment (staff)", "ideas",
                                            body="IdeaCommentPin", schema="IdeaComment", auth=True, path_id=True)},
    "/ideas/{id}/status": {"post": op("Set the status with a public note (staff); voters are notified", "ideas",
                                      body="IdeaStatusUpdate", schema="Idea", auth=True, path_id=True)},
    "/ideas/{id}/merge": {"post": op("Merge this idea into another (staff); no voter is counted twice", "ideas",
                                     body="IdeaMerge", schema="Idea", auth=True, path_id=True)},
    "/questions/{id}/to-idea": {"post": op(
        "Turn a question into an idea (staff, or the asker of an unsolved question): its asker, upvoters and "
        "watchers become the idea's voters and followers, each once; the question takes no new answers. Fields "
        "left out take the question's title, text and category", "ideas", body="QuestionToIdea", schema="Idea",
        status="201", auth=True, path_id=True)},
    "/ideas/{id}/questions": {"post": op(
        "Link an existing question to this idea (staff): its asker, upvoters and watchers are carried as in a "
        "conversion; the question stays open", "ideas", body="IdeaQuestionLink", schema="Idea", status="201",
        auth=True, path_id=True)},
    "/ideas/export": {"get": op("Export top ideas as CSV or JSON (staff)", "ideas", schema="IdeaExport", auth=True,
                                params=["format", "status", "category", "since", "limit"])},
}
# CSV is the default format: the 200 answer is documented in both media types
OPENAPI_PATHS["/ideas/export"]["get"]["responses"]["200"]["content"]["text/csv"] = {
    "schema": {"type": "string", "description": "one header row, then one row per idea"}}

"""JSON twins of the moderation tools: flags, hiding, thread tools, suspensions, the audit log."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum import links, lookup
from forum.api import bp
from forum.api.helpers import json_body, page_json, require_user, user_json
from forum.api.openapi import TIME, _obj, op
from forum.clock import isoformat
from forum.extensions import db
from forum.models import AuditEntry, Flag, Post, Thread, User
from forum.moderation import pending, queries, services
from forum.moderation.audit import action_name
from forum.policy import Policy


def flag_json(flag: Flag) -> dict[str, Any]:
    return {"id": flag.id, "post_id": flag.post_id, "reason": flag.reason, "note": flag.note,
            "status": flag.status, "reporter": flag.reporter.username if flag.reporter else None,
            "created_at": isoformat(flag.created_at)}


def flagged_post_json(item: queries.FlaggedPost) -> dict[str, Any]:
    post = item.post
    return {"post_id": post.id, "question_id": post.thread_id, "title": post.thread.title,
            "is_question": post.is_question, "is_hidden": post.is_hidden, "hidden_reason": post.hidden_reason,
            "author": user_json(post.author), "body_html": post.body_html,
            "url": links.thread_path(post.thread, post_id=post.id),
            "oldest_flag_at": isoformat(item.oldest_at),
            "flags": [flag_json(flag) for flag in item.flags]}


def post_state_json(post: Post) -> dict[str, Any]:
    return {"id": post.id, "question_id": post.thread_id, "is_hidden": post.is_hidden,
            "hidden_reason": post.hidden_reason}


def thread_state_json(thread: Thread) -> dict[str, Any]:
    return {"id": thread.id, "title": thread.title, "status": thread.status, "category": thread.category.slug,
            "is_locked": thread.is_locked, "is_pinned": thread.is_pinned, "is_hidden": thread.is_hidden,
            "duplicate_of": thread.duplicate_of_id, "url": links.thread_path(thread)}


def audit_json(entry: AuditEntry) -> dict[str, Any]:
    return {"id": entry.id, "actor": entry.actor.username if entry.actor else "system", "action": entry.action,
            "action_name": action_name(entry.action), "target_type": entry.target_type, "target_id": entry.target_id, "target": entry.target_label,
            "note": entry.note, "created_at": isoformat(entry.created_at)}


def pending_json(entry: pending.PendingItem) -> dict[str, Any]:
    return {"id": entry.key, "type": entry.type, "object_id": entry.item.id, "title": entry.title,
            "author": user_json(entry.author), "body_html": entry.body_html, "url": entry.url,
            "category": entry.category, "created_at": isoformat(entry.created_at),
            "held_at": isoformat(entry.held_at)}


def pending_state_json(item: pending.Held, action: str) -> dict[str, Any]:
    return {"id": pending.key_of(item), "type": pending.type_of(item), "object_id": item.id,
            "status": "approved" if action == "approve" else "rejected", "is_hidden": item.is_hidden,
            "hidden_reason": item.hidden_reason}


def _moderator() -> User:
    """Moderator-only endpoints refuse others with 403 before looking anything up."""
    user = require_user()
    policy = Policy(user)
    policy.ensure(policy.check_moderate())
    return user


@bp.post("/posts/<int:post_id>/flags")
def mod_flag_post(post_id: int) -> ResponseReturnValue:
    user = require_user()
    body = json_body()
    flag = services.flag_post(actor=user, post=lookup.get_post(post_id, user), reason=body.get("reason"),
                              note=body.get("note", ""))
    return jsonify(flag_json(flag)), 201


@bp.get("/mod/flags")
def mod_flags() -> ResponseReturnValue:
    _moderator()
    page = queries.flag_queue(queries.parse_int(request.args.get("page"), 1, maximum=100_000),
                              queries.parse_int(request.args.get("per_page"), queries.PER_PAGE, maximum=100))
    return jsonify(page_json(page, flagged_post_json))


@bp.get("/mod/pending")
def mod_pending() -> ResponseReturnValue:
    """New accounts' held questions, answers, ideas and idea comments, longest waiting first."""
    _moderator()
    limit = queries.parse_int(request.args.get("per_page"), pending.PENDING_SHOWN, maximum=100)
    return jsonify(items=[pending_json(entry) for entry in pending.pending_items(limit)], per_page=limit,
                   total=pending.pending_count())


@bp.post("/mod/pending/<key>/<any(approve, reject):action>")
def mod_review_pending(key: str, action: str) -> ResponseReturnValue:
    user = _moderator()
    note = json_body().get("note", "") if action == "reject" else ""
    item = pending.find_held(key)
    if action == "approve":
        pending.approve_held(actor=user, item=item)
    else:
        pending.reject_held(actor=user, item=item, note=note)
    return jsonify(pending_state_json(item, action))


@bp.post("/mod/flags/<int:flag_id>/dismiss")
def mod_dismiss_flag(flag_id: int) -> ResponseReturnValue:
    user = _moderator()
    flag = queries.get_flag(flag_id)
    services.dismiss_flag(actor=user, flag=flag, note=json_body().get("note", ""))
    return jsonify(flag_json(flag))


@bp.post("/mod/posts/<int:post_id>/<any(hide, restore):action>")
def mod_post_action(post_id: int, action: str) -> ResponseReturnValue:
    user = _moderator()
    service = services.hide_post if action == "hide" else services.restore_post
    post = service(actor=user, post=lookup.get_post(post_id, user), note=json_body().get("note", ""))
    return jsonify(post_state_json(post))


@bp.post("/mod/threads/<int:thread_id>/<any(lock, unlock, pin, unpin, hide, restore, move, duplicate):action>")
def mod_thread_action(thread_id: int, action: str) -> ResponseReturnValue:
    user = _moderator()
    body = json_body()
    thread = lookup.get_thread(thread_id, user)
    if action == "move":
        thread = services.move_thread(actor=user, thread=thread, category=body.get("category"),
                                      note=body.get("note", ""))
    elif action == "duplicate":
        thread = services.close_as_duplicate(actor=user, thread=thread, of=body.get("of"), note=body.get("note", ""))
    else:
        thread = services.THREAD_TOGGLES[action](actor=user, thread=thread, note=body.get("note", ""))
    return jsonify(thread_state_json(thread))


@bp.post("/mod/users/<username>/<any(suspend, unsuspend):action>")
def mod_user_action(username: str, action: str) -> ResponseReturnValue:
    user = _moderator()
    target = lookup.find_member(username)
    body = json_body()
    if action == "suspend":
        services.suspend_user(actor=user, user=target, days=body.get("days"), reason=body.get("reason"))
    else:
        services.unsuspend_user(actor=user, user=target, note=body.get("note", ""))
    db.session.refresh(target)
    return jsonify(username=target.username, is_suspended=target.is_suspended,
                   suspended_until=isoformat(target.suspended_until), suspension_reason=target.suspension_reason)


@bp.get("/mod/audit")
def mod_audit() -> ResponseReturnValue:
    _moderator()
    return jsonify(page_json(queries.audit_log(queries.AuditFilters.from_args(request.args)), audit_json))


_S, _I, _B = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
_NS = {"type": "string", "nullable": True}


def _list(ref: str) -> dict[str, Any]:
    return _obj(["items", "page", "per_page", "total"], items={"type": "array", "items": {"$ref": ref}},
                page=_I, per_page=_I, total=_I)


OPENAPI_SCHEMAS = {
    "Flag": _obj(["id", "post_id", "reason", "note", "status"], id=_I, post_id=_I,
                 reason={"type": "string", "enum": ["spam", "offensive", "off_topic", "duplicate", "other"]},
                 note=_S, status={"type": "string", "enum": ["open", "upheld", "dismissed"]}, reporter=_NS,
                 created_at=TIME),
    "NewFlag": _obj(["reason"], reason={"type": "string", "enum": ["spam", "offensive", "off_topic", "duplicate",
                                                                    "other"]},
                    note={"type": "string", "maxLength": 1000, "description": "required when reason is other"}),
    "FlaggedPost": _obj(["post_id", "question_id", "flags"], post_id=_I, question_id=_I, title=_S, is_question=_B,
                        is_hidden=_B, hidden_reason=_NS, author={"$ref": "#/components/schemas/Author"},
                        body_html=_S, url=_S, oldest_flag_at=TIME,
                        flags={"type": "array", "items": {"$ref": "#/components/schemas/Flag"}}),
    "FlaggedPostList": _list("#/components/schemas/FlaggedPost"),
    "ModNote": _obj([], note={"type": "string", "maxLength": 1000}),
    "PendingItem": _obj(["id", "type", "object_id", "title", "author", "body_html", "url", "held_at"],
                        id={"type": "string", "pattern": "^(post|idea|comment)-[0-9]+$",
                            "description": "the address of the review operations: post-12, idea-3, comment-5"},
                        type={"type": "string", "enum": ["question", "answer", "idea", "idea_comment"]},
                        object_id=_I, title=_S, author={"$ref": "#/components/schemas/Author"}, body_html=_S,
                        url=_S, category=_S, created_at=TIME, held_at=TIME),
    "PendingList": _obj(["items", "per_page", "total"],
                        items={"type": "array", "items": {"$ref": "#/components/schemas/PendingItem"}},
                        per_page=_I, total={"type": "integer", "description": "everything waiting, of every type"}),
    "PendingState": _obj(["id", "type", "object_id", "status", "is_hidden"],
                         id={"type": "string", "pattern": "^(post|idea|comment)-[0-9]+$"},
                         type={"type": "string", "enum": ["question", "answer", "idea", "idea_comment"]},
                         object_id=_I, status={"type": "string", "enum": ["approved", "rejected"]}, is_hidden=_B,
                         hidden_reason=_NS),
    "PostState": _obj(["id", "question_id", "is_hidden"], id=_I, question_id=_I, is_hidden=_B, hidden_reason=_NS),
    "ThreadState": _obj(["id", "is_locked", "is_pinned", "is_hidden"], id=_I, title=_S, status=_S, category=_S,
                        is_locked=_B, is_pinned=_B, is_hidden=_B, duplicate_of={"type": "integer", "nullable": True},
                        url=_S),
    "ThreadModAction": _obj([], note={"type": "string", "maxLength": 1000},
                            category={"type": "string", "description": "move: the target category's slug"},
                            of={"type": "integer", "description": "duplicate: the original question's id"}),
    "Suspension": _obj(["days", "reason"], days={"type": "integer", "minimum": 1, "maximum": 3650},
                       reason={"type": "string", "minLength": 1, "maxLength": 1000}),
    "SuspensionState": _obj(["username", "is_suspended"], username=_S, is_suspended=_B, suspended_until=TIME,
                            suspension_reason=_NS),
    "AuditEntry": _obj(["id", "actor", "action", "action_name", "target_type", "target_id", "note", "created_at"], id=_I,
                       actor={"type": "string", "description": "a username, or system"},
                       action={"type": "string", "description": "the action's code, `<what>.<verb>` (thread.lock, "
                               "idea.status, user.suspend): stable, and what the action filter takes"},
                       action_name={"type": "string", "description": "the code as people read it "
                                    "(\"Locked a question\"); wording may change, the code does not"},
                       target_type=_S, target_id={"type": "integer", "nullable": True}, target=_S, note=_S,
                       created_at=TIME),
    "AuditList": _list("#/components/schemas/AuditEntry"),
}


def _thread_op(summary: str, body: str = "ModNote") -> dict:
    return {"post": op(summary, "moderation", body=body, schema="ThreadState", auth=True, path_id=True)}


def _pending_op(summary: str, operation_id: str, body: str | None = None) -> dict:
    """A review operation: its path id is a pending item's key (post-12, idea-3, comment-5; a bare number is a
    post), and its operationId is named here (one view answers both paths)."""
    operation = op(summary, "moderation", body=body, schema="PendingState", auth=True, path_id=True)
    operation["parameters"][0]["schema"] = {"type": "string", "pattern": "^((post|idea|comment)-)?[0-9]+$"}
    if body:
        operation["requestBody"]["required"] = False
    return {"post": {**operation, "operationId": operation_id}}


OPENAPI_PATHS = {
    "/mod/pending": {"get": op("The pending queue: new accounts' held questions, answers, ideas and idea comments "
                               "(more links than NEW_ACCOUNT_MAX_LINKS), longest waiting first; per_page of them, "
                               "with the total", "moderation", params=["per_page"], schema="PendingList",
                               auth=True)},
    "/mod/pending/{id}/approve": _pending_op("Approve a held item: it is published as if just posted (counted, "
                                             "indexed, its watchers and its author told); 409 when it is no "
                                             "longer waiting", "mod_approve_pending"),
    "/mod/pending/{id}/reject": _pending_op("Reject a held item: it stays hidden, and its author sees the note as "
                                            "the reason; 409 when it is no longer waiting", "mod_reject_pending",
                                            body="ModNote"),
    "/posts/{id}/flags": {"post": op("Flag a post (one open flag per member per post; not your own)", "moderation",
                                     body="NewFlag", schema="Flag", status="201", auth=True, path_id=True)},
    "/mod/flags": {"get": op("Flagged posts, oldest first, with their open flags", "moderation",
                             params=["page", "per_page"], schema="FlaggedPostList", auth=True)},
    "/mod/flags/{id}/dismiss": {"post": op("Dismiss a flag", "moderation", body="ModNote", schema="Flag", auth=True,
                                           path_id=True)},
    "/mod/posts/{id}/hide": {"post": op("Hide a post; the note is the reason its author sees", "moderation",
                                        body="ModNote", schema="PostState", auth=True, path_id=True)},
    "/mod/posts/{id}/restore": {"post": op("Show a hidden post again", "moderation", body="ModNote",
                                           schema="PostState", auth=True, path_id=True)},
    "/mod/threads/{id}/lock": _thread_op("Lock: no new answers or votes"),
    "/mod/threads/{id}/unlock": _thread_op("Unlock"),
    "/mod/threads/{id}/pin": _thread_op("Pin first in its category"),
    "/mod/threads/{id}/unpin": _thread_op("Unpin"),
    "/mod/threads/{id}/hide": _thread_op("Hide the thread from everyone but moderators"),
    "/mod/threads/{id}/restore": _thread_op("Show a hidden thread again"),
    "/mod/threads/{id}/move": _thread_op("Move to another category (category: slug)", "ThreadModAction"),
    "/mod/threads/{id}/duplicate": _thread_op("Close as a duplicate of another question (of: id)", "ThreadModAction"),
    "/mod/users/{username}/suspend": {"post": op("Suspend a member for some days with a reason", "moderation",
                                                 body="Suspension", schema="SuspensionState", auth=True,
                                                 path_id="username")},
    "/mod/users/{username}/unsuspend": {"post": op("Lift a suspension", "moderation", body="ModNote",
                                                   schema="SuspensionState", auth=True, path_id="username")},
    "/mod/audit": {"get": op("The audit log, newest first; actor (username or system), action (a code such as "
                             "thread.lock, or a family such as thread), "
                             "since (date or time)", "moderation", params=["actor", "action", "since", "page",
                                                                             "per_page"],
                             schema="AuditList", auth=True)},
}

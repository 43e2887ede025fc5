"""JSON twins of the listening pages: keyword watches and their matches, staff only (401 visitors, 403 members)."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from forum import customer_context
from forum.api import bp
from forum.api.helpers import json_body, page_json, require_user, user_json
from forum.api.openapi import INT, STR, TIME, _obj, op
from forum.clock import isoformat
from forum.i18n import _
from forum.listening import matches, watches
from forum.models import Match, MatchState, Watch
from forum.policy import Policy

_STRINGS = {"type": "array", "items": STR}


def watch_json(watch: Watch) -> dict[str, Any]:
    return {"id": watch.id, "name": watch.name, "terms": watch.term_list,
            "categories": [c.slug for c in watch.categories], "tags": [t.name for t in watch.tags],
            "followers": sorted(f.user.username for f in watch.followers),
            "created_at": isoformat(watch.created_at), "updated_at": isoformat(watch.updated_at)}


def match_json(match: Match, ctx: customer_context.CustomerContext | None = None, hidden: bool = False) -> dict[str, Any]:
    standing = None
    if ctx is not None:
        standing = {"limited": True} if ctx.limited else {
            "limited": False, "questions": ctx.questions, "solved": ctx.solved, "answers": ctx.answers,
            "accepted_answers": ctx.accepted_answers, "escalations": ctx.escalation_count,
            "ideas_voted": ctx.ideas_voted if ctx.show_ideas else None}
    return {"id": match.id, "watch": {"id": match.watch_id, "name": match.watch.name}, "kind": match.kind,
            "question_id": match.thread_id, "post_id": match.post_id, "idea_id": match.idea_id,
            "idea_comment_id": match.idea_comment_id, "title": "" if hidden else match.title,
            "excerpt": "" if hidden else match.excerpt, "hidden": hidden,
            "terms": list(match.terms or []), "category": match.category.slug if match.category else None,
            "author": user_json(match.author), "author_standing": standing, "state": match.state,
            "claimed_by": match.claimed_by.username if match.claimed_by else None,
            "claimed_at": isoformat(match.claimed_at),
            "handled_by": match.handled_by.username if match.handled_by else None,
            "handled_at": isoformat(match.handled_at), "posted_at": isoformat(match.posted_at),
            "created_at": isoformat(match.created_at), "url": matches.source_url(match)}


def _staff() -> Any:
    user = require_user()
    policy = Policy(user)
    policy.ensure(policy.can_listen(), _("Only staff use listening."))
    return user


@bp.get("/staff/watches")
def listening_watches() -> ResponseReturnValue:
    user = _staff()
    return jsonify({"items": [watch_json(w) for w in watches.list_watches(actor=user)]})


@bp.post("/staff/watches")
def listening_create_watch() -> ResponseReturnValue:
    user = _staff()
    body = json_body()
    watch = watches.create_watch(actor=user, name=body.get("name"), terms=body.get("terms"),
                                 categories=body.get("categories"), tags=body.get("tags"))
    return jsonify(watch_json(watch)), 201


@bp.patch("/staff/watches/<int:watch_id>")
def listening_update_watch(watch_id: int) -> ResponseReturnValue:
    user = _staff()
    body = json_body()
    watch = watches.update_watch(actor=user, watch=watches.get_watch(actor=user, watch_id=watch_id),
                                 name=body.get("name"), terms=body.get("terms"), categories=body.get("categories"),
                                 tags=body.get("tags"))
    return jsonify(watch_json(watch))


@bp.delete("/staff/watches/<int:watch_id>")
def listening_delete_watch(watch_id: int) -> ResponseReturnValue:
    user = _staff()
    watches.delete_watch(actor=user, watch=watches.get_watch(actor=user, watch_id=watch_id))
    return "", 204


@bp.post("/staff/watches/<int:watch_id>/follow")
@bp.delete("/staff/watches/<int:watch_id>/follow")
def listening_follow_watch(watch_id: int) -> ResponseReturnValue:
    """Be told of a watch's matches and spikes (POST), or no longer (DELETE); idempotent."""
    user = _staff()
    following = watches.set_following(actor=user, watch=watches.get_watch(actor=user, watch_id=watch_id),
                                      follow=request.method == "POST")
    return jsonify({"id": watch_id, "following": following})


@bp.get("/staff/matches")
def listening_matches() -> ResponseReturnValue:
    user = _staff()
    page = matches.list_matches(actor=user, filters=matches.MatchFilters.from_args(request.args))
    contexts = customer_context.contexts_for(actor=user, members=[m.author for m in page.items],
                                             purpose=customer_context.LISTENING)
    hidden = matches.hidden_since(page.items, user)
    return jsonify(page_json(page, lambda m: match_json(m, contexts.get(m.author_id), m.id in hidden)))


@bp.post("/staff/matches/<int:match_id>/claim")
def listening_claim(match_id: int) -> ResponseReturnValue:
    user = _staff()
    return jsonify(match_json(matches.claim_match(actor=user, match=matches.get_match(actor=user,
                                                                                      match_id=match_id))))


@bp.post("/staff/matches/<int:match_id>/handle")
def listening_handle(match_id: int) -> ResponseReturnValue:
    user = _staff()
    return jsonify(match_json(matches.handle_match(actor=user, match=matches.get_match(actor=user,
                                                                                       match_id=match_id))))


_WATCH_IN = _obj([], name={"type": "string", "maxLength": 80},
                 terms={"type": "array", "maxItems": watches.MAX_TERMS, "items": {"type": "string", "maxLength": 100},
                        "description": "words or phrases; case and word forms are folded. A member's username "
                                       "is refused (422): watches follow topics, not people."},
                 categories={**_STRINGS, "description": "category slugs; empty: every category"},
                 tags={**_STRINGS, "description": "tag names; empty: any tags"})
OPENAPI_SCHEMAS = {
    "Watch": _obj(["id", "name", "terms", "categories", "tags"], id=INT, name=STR, terms=_STRINGS,
                  categories=_STRINGS, tags=_STRINGS, followers=_STRINGS, created_at=TIME, updated_at=TIME),
    "WatchList": _obj(["items"], items={"type": "array", "items": {"$ref": "#/components/schemas/Watch"}}),
    "WatchRequest": {**_WATCH_IN, "required": ["name", "terms"]},
    "WatchPatch": _WATCH_IN,
    "WatchFollowing": _obj(["id", "following"], id=INT, following={"type": "boolean"}),
    "Match": _obj(["id", "watch", "kind", "title", "excerpt", "terms", "state", "claimed_by", "posted_at", "url"],
                  id=INT, watch=_obj(["id", "name"], id=INT, name=STR),
                  kind={"type": "string", "enum": ["question", "answer", "idea", "idea_comment"]},
                  question_id={"type": "integer", "nullable": True}, post_id={"type": "integer", "nullable": True},
                  idea_id={"type": "integer", "nullable": True},
                  idea_comment_id={"type": "integer", "nullable": True}, title=STR, excerpt=STR, terms=_STRINGS,
                  hidden={"type": "boolean", "description": "hidden by a moderator since it was matched: title "
                                                            "and excerpt are empty for staff who cannot see it"},
                  category={"type": "string", "nullable": True},
                  author={"allOf": [{"$ref": "#/components/schemas/Author"}], "nullable": True},
                  author_standing={"type": "object", "nullable": True,
                                   "description": "what this community knows about the author (counts only); "
                                                  "{limited: true} for a private profile"},
                  state={"type": "string", "enum": list(MatchState.ALL)},
                  claimed_by={"type": "string", "nullable": True}, claimed_at=TIME,
                  handled_by={"type": "string", "nullable": True}, handled_at=TIME, posted_at=TIME,
                  created_at=TIME, url=STR),
    "MatchList": _obj(["items", "page", "per_page", "total"],
                      items={"type": "array", "items": {"$ref": "#/components/schemas/Match"}},
                      page=INT, per_page=INT, total=INT),
}
_deleted = op("Delete a watch and its matches", "listening", status="204", auth=True, path_id=True)
OPENAPI_PATHS = {
    "/staff/watches": {
        "get": op("Every keyword watch (staff only)", "listening", schema="WatchList", auth=True),
        "post": op("Create a keyword watch; the caller follows it", "listening", body="WatchRequest",
                   schema="Watch", status="201", auth=True),
    },
    "/staff/watches/{id}": {
        "patch": op("Change a watch's name, terms, categories or tags (fields left out are kept)", "listening",
                    body="WatchPatch", schema="Watch", auth=True, path_id=True),
        "delete": _deleted,
    },
    "/staff/watches/{id}/follow": {
        "post": op("Follow a watch: be told of its matches and spikes (staff; idempotent)", "listening",
                   schema="WatchFollowing", auth=True, path_id=True),
        "delete": op("Stop following a watch (staff; idempotent)", "listening", schema="WatchFollowing", auth=True,
                     path_id=True),
    },
    "/staff/matches": {"get": op("Matches newest first; filter by watch (id), state (new, claimed, handled) and "
                                 "category (slug)", "listening", params=["watch", "state", "category", "page",
                                                                         "per_page"],
                                 schema="MatchList", auth=True)},
    "/staff/matches/{id}/claim": {"post": op("“I'm on it”: claim a match (409 when another holds it or it is "
                                             "handled)", "listening", schema="Match", auth=True, path_id=True)},
    "/staff/matches/{id}/handle": {"post": op("Mark a match handled (idempotent)", "listening", schema="Match",
                                              auth=True, path_id=True)},
}

"""Suggestions for the staff pickers on an idea page: which idea it may duplicate (merge) and which questions
ask for it (link), found by meaning through the similar-titles search, not by typing numbers from memory."""
from __future__ import annotations

from typing import Any

from forum.policy import Policy
from forum.search import service
from forum.search.backend import Hit

SHOWN = 5


def idea_pickers(idea: Any, viewer: Any) -> dict[str, list[Hit]]:
    """{"merge": ideas, "link": questions} for staff; nothing for anyone else (the page then runs no search).
    A GET writes nothing, so the index is read as it is: the background drain keeps it seconds behind at most."""
    policy = Policy(viewer)
    picks: dict[str, list[Hit]] = {"merge": [], "link": []}
    if idea.merged_into_id is not None:
        return picks
    if policy.can_merge_ideas():
        picks["merge"] = [hit for hit in service.similar(idea.title, viewer=None, type="idea", limit=SHOWN + 1,
                                                         catch_up=False)
                          if hit.id != idea.id][:SHOWN]
    if policy.can_link_question():
        picks["link"] = service.similar(idea.title, viewer=None, type="question", limit=SHOWN, catch_up=False)
    return picks

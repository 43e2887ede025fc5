"""Notification kinds, grouped the way members choose their email: immediately, in a daily digest, or never."""
from __future__ import annotations

from dataclasses import dataclass

from forum.i18n import _l
from forum.models import Delivery, Notification


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    help: str
    default: str
    kinds: tuple[str, ...]
    staff_only: bool = False  # members are never sent these kinds, so their settings do not offer the choice


GROUPS: tuple[Group, ...] = (
    Group("answers", _l("Answers to your questions"), _l("Someone answers a question you asked."),
          Delivery.IMMEDIATELY, ("answer",)),
    Group("watched", _l("Activity in threads you watch"), _l("New answers in questions you asked, answered or watch."),
          Delivery.DAILY, ("watched_answer",)),
    Group("accepted", _l("Your answer accepted"), _l("An asker marks your answer as the one that solved it."),
          Delivery.IMMEDIATELY, ("answer_accepted",)),
    Group("mentions", _l("Mentions"),
          _l("Someone writes @your-username in a question, an answer, an idea or a comment on one."),
          Delivery.IMMEDIATELY, ("mention",)),
    Group("escalations", _l("Staff help"), _l("Your question reaches staff, staff answer or resolve your escalation, "
             "or an escalation is assigned to you."), Delivery.IMMEDIATELY,
          ("escalation_opened", "escalation_assigned", "escalation_answered", "escalation_resolved")),
    Group("ideas", _l("Ideas you voted for or watch"), _l("A status change or an official comment on the idea, or a "
             "question you asked, upvoted or watch moving to the idea board."),
          Delivery.DAILY, ("idea_status", "idea_comment", "idea_request")),
    Group("moderation", _l("Moderation of your posts"), _l("A moderator hides or restores one of your posts (with the "
             "reason), closes your question as a duplicate, or suspends your account."), Delivery.IMMEDIATELY,
          ("post_hidden", "post_restored", "thread_duplicate", "suspended", "unsuspended")),
    # staff only: a keyword watch they follow matched a public post (issue 15); members are never sent these
    Group("listening", _l("Listening matches (staff)"), _l("A keyword watch you follow matches a new public post."),
          Delivery.DAILY, ("watch_match",), staff_only=True),
)
OTHER = Group("other", _l("Other notifications"), _l("Anything else the community tells you."), Delivery.DAILY, ())
# Mentions can also be blocked outright (issue 16): no notification at all, in the list or by email, wherever the
# @name is written (a question, an answer, an idea or a comment on one). Stored as that group's delivery.
BLOCKED = "blocked"
BLOCKABLE = ("mentions",)
# Mailed at once whatever the reader chose for its group: a spike alert held for tomorrow's digest is worthless.
ALWAYS_IMMEDIATE = ("spike_alert",)
BY_KEY = {group.key: group for group in (*GROUPS, OTHER)}
_BY_KIND = {kind: group for group in GROUPS for kind in group.kinds}


NOTICE_KINDS = Notification.NOTICE_KINDS


def group_of(kind: str) -> Group:
    return _BY_KIND.get(kind, OTHER)

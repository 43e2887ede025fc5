"""The audit log's vocabulary: the sentence a person reads for each code `<what>.<verb>` that forum/audit.py
writes, and the families the log's filter offers."""
from __future__ import annotations

from typing import Any

from forum.i18n import _, _l

# Every code any service writes, with what the log shows for it. The code stays the stable part (filters, the
# API, exports); tests/unit/test_audit_names.py fails when a writer uses a code missing here.
ACTION_NAMES: dict[str, Any] = {  # lazy: read in the reader's language
    "category.create": _l("Created a category"),
    "category.update": _l("Edited a category"),
    "category.move": _l("Reordered a category"),
    "category.delete": _l("Deleted a category"),
    "category.merge": _l("Merged a category into another"),
    "escalation.assign": _l("Took an escalation"),
    "escalation.resolve": _l("Resolved an escalation"),
    "escalation.auto": _l("Escalated an unanswered question"),
    "escalation.private_view": _l("Read an escalation's private details"),
    "flag.dismiss": _l("Dismissed a flag"),
    "idea.status": _l("Changed an idea's status"),
    "idea.merge": _l("Merged an idea into another"),
    "idea.link_question": _l("Linked a question to an idea"),
    "idea.approve": _l("Approved a held idea"),
    "idea.reject": _l("Rejected a held idea"),
    "idea_comment.pin": _l("Pinned a comment on an idea"),
    "idea_comment.unpin": _l("Unpinned a comment on an idea"),
    "idea_comment.approve": _l("Approved a held comment on an idea"),
    "idea_comment.reject": _l("Rejected a held comment on an idea"),
    "post.approve": _l("Approved a held post"),
    "post.reject": _l("Rejected a held post"),
    "post.hide": _l("Hid a post"),
    "post.auto_hide": _l("Hid a post after flags"),
    "post.restore": _l("Restored a post"),
    "site.settings": _l("Changed the site settings"),
    "synonym.create": _l("Added a search synonym group"),
    "synonym.update": _l("Edited a search synonym group"),
    "synonym.delete": _l("Deleted a search synonym group"),
    "thread.lock": _l("Locked a question"),
    "thread.unlock": _l("Unlocked a question"),
    "thread.pin": _l("Pinned a question"),
    "thread.unpin": _l("Unpinned a question"),
    "thread.hide": _l("Hid a question"),
    "thread.restore": _l("Restored a question"),
    "thread.move": _l("Moved a question to another category"),
    "thread.duplicate": _l("Closed a question as a duplicate"),
    "thread.escalate": _l("Escalated a question to staff"),
    "thread.to_idea": _l("Moved a question to the idea board"),
    "user.role": _l("Changed a member's role"),
    "user.suspend": _l("Suspended a member"),
    "user.unsuspend": _l("Lifted a member's suspension"),
    "user.clear_lockout": _l("Cleared a member's login lockout"),
    "user.email_view": _l("Looked up a member's email address"),
    "user.delete": _l("Deleted an account"),
}

# The families a filter can pick whole ("thread" finds every thread.* code), in the order the form lists them.
ACTION_FAMILIES: dict[str, Any] = {
    "thread": _l("Questions"), "post": _l("Posts"), "flag": _l("Flags"), "user": _l("Members"),
    "escalation": _l("Escalations"), "idea": _l("Ideas"), "idea_comment": _l("Idea comments"),
    "category": _l("Categories"), "site": _l("Site settings"), "synonym": _l("Search synonyms"),
}


# What an entry's target_type reads as in the log ("Question #12"); the API keeps the type itself.
TARGET_NAMES: dict[str, Any] = {
    "thread": _l("Question"), "post": _l("Post"), "user": _l("Member"), "idea": _l("Idea"),
    "idea_comment": _l("Idea comment"), "category": _l("Category"), "escalation": _l("Escalation"),
    "site": _l("Site settings"), "synonym": _l("Search synonym group"), "flag": _l("Flag"),
}


def target_name(target_type: str) -> str:
    """"Question" for "thread"; a type from an older release that has no name yet reads as itself."""
    return str(TARGET_NAMES.get(target_type, target_type))


def action_name(code: str) -> str:
    """What the log shows for `code`; a code from an older release that has no name yet reads as itself."""
    return str(ACTION_NAMES.get(code, code))


def action_groups(recorded: list[str]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The filter's choices: (family, family label, [(code, name)]) for each family, with the codes recorded so
    far; codes outside every family come last under "Other"."""
    groups = [(family, str(label), [(code, action_name(code)) for code in recorded if code.split(".")[0] == family])
              for family, label in ACTION_FAMILIES.items()]
    other = [(code, action_name(code)) for code in recorded if code.split(".")[0] not in ACTION_FAMILIES]
    return [group for group in groups if group[2]] + ([("", _("Other"), other)] if other else [])


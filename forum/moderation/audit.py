"""The audit log's vocabulary: the sentence a person reads for each code `<what>.<verb>` that forum/audit.py
writes, and the families the log's filter offers."""
from __future__ import annotations

# Every code any service writes, with what the log shows for it. The code stays the stable part (filters, the
# API, exports); tests/unit/test_audit_names.py fails when a writer uses a code missing here.
ACTION_NAMES: dict[str, str] = {
    "category.create": "Created a category",
    "category.update": "Edited a category",
    "category.move": "Reordered a category",
    "category.delete": "Deleted a category",
    "category.merge": "Merged a category into another",
    "escalation.assign": "Took an escalation",
    "escalation.resolve": "Resolved an escalation",
    "escalation.auto": "Escalated an unanswered question",
    "escalation.private_view": "Read an escalation's private details",
    "flag.dismiss": "Dismissed a flag",
    "idea.status": "Changed an idea's status",
    "idea.merge": "Merged an idea into another",
    "idea.link_question": "Linked a question to an idea",
    "idea.approve": "Approved a held idea",
    "idea.reject": "Rejected a held idea",
    "idea_comment.pin": "Pinned a comment on an idea",
    "idea_comment.unpin": "Unpinned a comment on an idea",
    "idea_comment.approve": "Approved a held comment on an idea",
    "idea_comment.reject": "Rejected a held comment on an idea",
    "post.approve": "Approved a held post",
    "post.reject": "Rejected a held post",
    "post.hide": "Hid a post",
    "post.auto_hide": "Hid a post after flags",
    "post.restore": "Restored a post",
    "site.settings": "Changed the site settings",
    "synonym.create": "Added a search synonym group",
    "synonym.update": "Edited a search synonym group",
    "synonym.delete": "Deleted a search synonym group",
    "thread.lock": "Locked a question",
    "thread.unlock": "Unlocked a question",
    "thread.pin": "Pinned a question",
    "thread.unpin": "Unpinned a question",
    "thread.hide": "Hid a question",
    "thread.restore": "Restored a question",
    "thread.move": "Moved a question to another category",
    "thread.duplicate": "Closed a question as a duplicate",
    "thread.escalate": "Escalated a question to staff",
    "thread.to_idea": "Moved a question to the idea board",
    "user.role": "Changed a member's role",
    "user.suspend": "Suspended a member",
    "user.unsuspend": "Lifted a member's suspension",
    "user.clear_lockout": "Cleared a member's login lockout",
    "user.email_view": "Looked up a member's email address",
    "user.delete": "Deleted an account",
}

# The families a filter can pick whole ("thread" finds every thread.* code), in the order the form lists them.
ACTION_FAMILIES: dict[str, str] = {
    "thread": "Questions", "post": "Posts", "flag": "Flags", "user": "Members", "escalation": "Escalations",
    "idea": "Ideas", "idea_comment": "Idea comments", "category": "Categories", "site": "Site settings",
    "synonym": "Search synonyms",
}


def action_name(code: str) -> str:
    """What the log shows for `code`; a code from an older release that has no name yet reads as itself."""
    return ACTION_NAMES.get(code, code)


def action_groups(recorded: list[str]) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The filter's choices: (family, family label, [(code, name)]) for each family, with the codes recorded so
    far; codes outside every family come last under "Other"."""
    groups = [(family, label, [(code, action_name(code)) for code in recorded if code.split(".")[0] == family])
              for family, label in ACTION_FAMILIES.items()]
    other = [(code, action_name(code)) for code in recorded if code.split(".")[0] not in ACTION_FAMILIES]
    return [group for group in groups if group[2]] + ([("", "Other", other)] if other else [])


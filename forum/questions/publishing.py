"""What a public answer sets off, shared by posting it (services.py) and by a moderator approving a held one
(forum/moderation/pending.py): the seam through which moderation publishes into this domain."""
from __future__ import annotations

from forum import links
from forum.i18n import _l
from forum.models import Post, Thread, User
from forum.notifications.services import Message, notify_each, thread_watcher_ids


def tell_about_answer(actor: User, thread: Thread, answer: Post) -> list[int]:
    """The asker and the thread's watchers hear of a new answer: when it is posted, or when a moderator approves
    a held one. Told in one pass (one read of their accounts and email choices, one INSERT); the watchers' ids
    come back, so the caller's own watch needs no second look at them."""
    url = links.thread_path(thread, post_id=answer.id)
    watchers = thread_watcher_ids(thread.id)
    notify_each([
        Message([thread.author_id], "answer",
                _l("%(name)s answered your question “%(title)s”", name=actor.username, title=thread.title)),
        Message(watchers, "watched_answer",
                _l("%(name)s answered “%(title)s”, which you watch", name=actor.username, title=thread.title)),
    ], url=url, actor=actor, thread_id=thread.id, post_id=answer.id)
    return watchers

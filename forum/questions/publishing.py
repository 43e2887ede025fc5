"""What a public answer sets off, shared by posting it (services.py) and by a moderator approving a held one
(forum/moderation/pending.py): the seam through which moderation publishes into this domain."""
from __future__ import annotations

from forum import links
from forum.i18n import _l
from forum.models import Post, Thread, User
from forum.notifications.services import notify, notify_all, thread_watcher_ids


def tell_about_answer(actor: User, thread: Thread, answer: Post) -> None:
    """The asker and the thread's watchers hear of a new answer: when it is posted, or when a moderator approves
    a held one."""
    url = links.thread_path(thread, post_id=answer.id)
    notify(user_id=thread.author_id, kind="answer", actor=actor, url=url, thread_id=thread.id, post_id=answer.id,
           text=_l("%(name)s answered your question “%(title)s”", name=actor.username, title=thread.title))
    watchers = [user_id for user_id in thread_watcher_ids(thread.id) if user_id != thread.author_id]
    notify_all(user_ids=watchers, kind="watched_answer", actor=actor, url=url, thread_id=thread.id,
               post_id=answer.id, text=_l("%(name)s answered “%(title)s”, which you watch", name=actor.username,
                                          title=thread.title))

"""What a public comment or an idea's news sets off, shared by the idea services and by a moderator approving a
held comment (forum/moderation/pending.py): the seam through which moderation publishes into this domain."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel.speaklater import LazyString

from forum import links
from forum.escalations.hooks import record_staff_idea_comment
from forum.extensions import db
from forum.i18n import _l
from forum.markup import render_markdown
from forum.models import Idea, IdeaComment, User
from forum.notifications.mentions import MentionResolver, notify_idea_mentions
from forum.notifications.services import Text, idea_watcher_ids, notify_all
from forum.site import settings as site_settings


def publish_comment(idea: Idea, comment: IdeaComment, actor: User, now: datetime,
                     mentions: MentionResolver | None = None) -> None:
    """Count it, date the idea and tell who follows and who is @mentioned: when posted, or when a moderator
    approves a held one (then the names are resolved again)."""
    if mentions is None:
        mentions = MentionResolver()
        render_markdown(comment.body_md, mention_resolver=mentions)
    notify_idea_mentions(actor=actor, resolver=mentions, idea=idea, comment=comment)
    db.session.execute(sa.update(Idea).where(Idea.id == idea.id).values(
        comment_count=Idea.comment_count + 1, last_activity_at=now))
    url = links.idea_path(idea, comment_id=comment.id)
    record_staff_idea_comment(idea, comment, actor, now)
    if comment.is_official:
        tell_followers(idea, actor, "idea_official_comment", url,
                        _l("%(name)s (%(staff)s) commented on “%(title)s”", name=actor.username,
                           staff=LazyString(lambda: site_settings().staff_name), title=idea.title))
    else:
        notify_all(user_ids=idea_watcher_ids(idea.id), kind="idea_comment", actor=actor, url=url, idea_id=idea.id,
                   text=_l("%(name)s commented on “%(title)s”, which you follow", name=actor.username,
                           title=idea.title))


def follower_ids(idea_id: int) -> list[int]:
    """The idea's watchers. Voting watches the idea unless the voter turned that off in their notification
    settings, and Watching / Watch on the idea page is the member's last word: a voter who stops watching
    hears no more about it."""
    return sorted(set(idea_watcher_ids(idea_id)))


def tell_followers(idea: Idea, actor: User, kind: str, url: str, text: Text) -> None:
    notify_all(user_ids=follower_ids(idea.id), kind=kind, actor=actor, url=url, idea_id=idea.id, text=text)

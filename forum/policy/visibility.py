"""The visibility rules in SQL, the twins of Policy.can_view_* for queries. They are a base class of Policy, so
callers still ask the one permission object (forum/policy/__init__.py); they live apart because they are
query fragments, not yes-or-no answers."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forum.models import Idea, IdeaComment, Post, Thread


class SqlVisibility:
    """Needs can_view_hidden() and `viewer` from Policy."""

    viewer: Any

    def can_view_hidden(self) -> bool:  # Policy's rule; here only so the twins below type-check
        raise NotImplementedError

    # public_* is what anyone may see (feeds, sitemaps, counts, staff figures about the community); visible_* is
    # what this viewer may see in a list. A moderator's visible_* is sa.true(), which SQLAlchemy drops from an
    # AND with other criteria (alone it reads WHERE 1 = 1, which planners fold away): same indexes, same plans.
    # Thread and idea lists leave out held and hidden ones even for their authors; their own pages show them.
    @staticmethod
    def public_threads() -> sa.ColumnElement[bool]:
        """Threads anyone may see: not hidden by a moderator, nor held for one."""
        return Thread.is_hidden.is_(False)

    @staticmethod
    def public_posts() -> sa.ColumnElement[bool]:
        """Posts anyone may see, taken one by one (a query that joins their thread adds public_threads)."""
        return Post.is_hidden.is_(False)

    @staticmethod
    def public_ideas() -> sa.ColumnElement[bool]:
        """Ideas anyone may see: not hidden, held nor rejected."""
        return Idea.is_hidden.is_(False)

    @staticmethod
    def public_idea_comments() -> sa.ColumnElement[bool]:
        """Idea comments anyone may see (staff figures and feeds; the idea page uses visible_idea_comments)."""
        return IdeaComment.is_hidden.is_(False)

    def visible_threads(self) -> sa.ColumnElement[bool]:
        """SQL twin of can_view_thread for lists: everything for moderators, the public threads for the rest."""
        return sa.true() if self.can_view_hidden() else self.public_threads()

    def visible_posts(self) -> sa.ColumnElement[bool]:
        """SQL twin of can_view_post's rule for the post itself (a query joining the thread adds visible_threads):
        every post for moderators; the public posts, and a member's own hidden ones (shown with the reason)."""
        if self.can_view_hidden():
            return sa.true()
        if self.viewer is None:
            return self.public_posts()
        return sa.or_(self.public_posts(), Post.author_id == self.viewer.id)

    def visible_ideas(self) -> sa.ColumnElement[bool]:
        """SQL twin of can_view_idea for lists: everything for moderators, the public ideas for the rest."""
        return sa.true() if self.can_view_hidden() else self.public_ideas()

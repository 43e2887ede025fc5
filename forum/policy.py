"""Every permission rule. can_* answers (templates, views, API); ensure() enforces (services)."""
from __future__ import annotations

from typing import Any

from forum.errors import PermissionDenied
from forum.models import Post, Role, Thread, User


class Policy:
    """Who may do what to which thing. Visitors and suspended members are "nobody" for writes."""

    def __init__(self, user: Any) -> None:
        self.viewer: User | None = user if user is not None and getattr(user, "is_authenticated", False) else None
        active = self.viewer is not None and not self.viewer.is_suspended and not self.viewer.is_deleted
        self.user: User | None = self.viewer if active else None

    # -- helpers -------------------------------------------------------------------------------
    def _at_least(self, role: str) -> bool:
        return self.user is not None and self.user.has_role(role)

    def _viewer_at_least(self, role: str) -> bool:
        """Reading rights survive a suspension: a suspended moderator still reads what moderators read."""
        return self.viewer is not None and self.viewer.has_role(role)

    def _is(self, user_id: int | None) -> bool:
        return self.user is not None and user_id is not None and self.user.id == user_id

    @property
    def is_member(self) -> bool:
        return self.user is not None

    @property
    def is_staff(self) -> bool:
        return self._at_least(Role.STAFF)

    @property
    def is_moderator(self) -> bool:
        return self._at_least(Role.MODERATOR)

    @property
    def is_admin(self) -> bool:
        return self._at_least(Role.ADMIN)

    def ensure(self, allowed: bool, message: str = "You are not allowed to do that.") -> None:
        if not allowed:
            raise PermissionDenied(message)

    def ensure_active(self) -> None:
        """Refuse writes from visitors and suspended members, telling a suspended member why and until when."""
        if self.user is not None:
            return
        viewer = self.viewer
        if viewer is not None and viewer.is_suspended:
            until = viewer.suspended_until.strftime("%Y-%m-%d %H:%M UTC")
            reason = f" Reason: {viewer.suspension_reason}" if viewer.suspension_reason else ""
            raise PermissionDenied(f"Your account is suspended until {until}; you can read but not post.{reason}")
        raise PermissionDenied("Please log in first.")

    # -- reading -------------------------------------------------------------------------------
    def can_view_hidden(self) -> bool:
        return self._viewer_at_least(Role.MODERATOR)

    def can_view_thread(self, thread: Thread) -> bool:
        if not thread.is_hidden:
            return True
        return self.can_view_hidden()

    def can_view_post(self, post: Post) -> bool:
        """Hidden posts stay visible to moderators and, with the reason, to their own author."""
        if not post.is_hidden:
            return self.can_view_thread(post.thread)
        return self.can_view_hidden() or (self.viewer is not None and self.viewer.id == post.author_id)

    # -- questions and answers -----------------------------------------------------------------
    def can_ask(self) -> bool:
        return self.is_member

    def can_answer(self, thread: Thread) -> bool:
        if not self.is_member or thread.is_hidden:
            return False
        return not thread.is_locked or self.is_moderator

    def can_edit_post(self, post: Post) -> bool:
        """Authors edit their own posts (not on a locked thread); staff and moderators edit any post."""
        if self.is_staff:
            return True
        return self._is(post.author_id) and not post.thread.is_locked and not post.is_hidden

    def can_delete_post(self, post: Post) -> bool:
        """An author may delete an answer nobody has voted on and that is not accepted."""
        if post.is_question or post.thread.accepted_post_id == post.id:
            return False
        return (self._is(post.author_id) and post.score == 0 and not post.thread.is_locked) or self.is_moderator

    def can_vote(self, post: Post) -> bool:
        if not self.is_member or self._is(post.author_id):
            return False
        return not post.thread.is_locked and not post.is_hidden and not post.thread.is_hidden

    def can_accept_answer(self, thread: Thread, answer: Post | None = None) -> bool:
        """The asker or staff; never on a locked thread, a hidden answer or another thread's answer."""
        if thread.is_locked or thread.is_hidden:
            return False
        if answer is not None and (answer.thread_id != thread.id or answer.is_question or answer.is_hidden):
            return False
        return self._is(thread.author_id) or self.is_staff

    def can_see_email(self, user: User) -> bool:
        return self._is(user.id) or self.is_admin

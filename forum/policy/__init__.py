"""Every permission rule and its reason. check_* decides (a Decision that carries why not), can_* is the same
rule's yes or no (templates, views, API), ensure() enforces (services raise with the Decision's reason). The
same rules as SQL filters for lists (public_*, visible_*) are in visibility.py, a base class of Policy."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from forum.clock import utcnow
from forum.decision import ALLOWED, Decision, refused
from forum.errors import PermissionDenied
from forum.i18n import _
from forum.timefmt import format_moment
from forum.models import Escalation, Idea, IdeaComment, IdeaStatus, Notification, Post, Role, Thread, User
from forum.policy.visibility import SqlVisibility


class Policy(SqlVisibility):
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
    def is_contributor(self) -> bool:
        """An active member whose email address is confirmed (staff are trusted by the admin who made them):
        only contributors post, vote and flag, so a throwaway address buys nothing (issue 17)."""
        return self.user is not None and (self.user.email_confirmed_at is not None or self.user.is_staff)

    @property
    def is_staff(self) -> bool:
        return self._at_least(Role.STAFF)

    @property
    def is_moderator(self) -> bool:
        return self._at_least(Role.MODERATOR)

    @property
    def is_admin(self) -> bool:
        return self._at_least(Role.ADMIN)

    def ensure(self, allowed: Decision | bool, message: str | None = None) -> None:
        """Raise PermissionDenied (403) with a refused Decision's own reason; a bare bool takes `message`."""
        if isinstance(allowed, Decision):
            if not allowed.allowed:
                raise PermissionDenied(allowed.reason)
        elif not allowed:
            raise PermissionDenied(message or _("You are not allowed to do that."))

    def ensure_active(self) -> None:
        """Refuse writes from visitors and suspended members, telling a suspended member why and until when."""
        if self.user is not None:
            return
        viewer = self.viewer
        if viewer is not None and viewer.is_suspended and viewer.suspended_until is not None:
            message = _("Your account is suspended until %(until)s; you can read but not post.",
                        until=format_moment(viewer.suspended_until))
            if viewer.suspension_reason:
                message += " " + _("Reason: %(reason)s", reason=viewer.suspension_reason)
            raise PermissionDenied(message)
        raise PermissionDenied(_("Please log in first."))

    def ensure_contributor(self) -> None:
        """ensure_active, then tell an unconfirmed account what to do: confirm its address (or ask again)."""
        self.ensure_active()
        if not self.is_contributor:
            raise PermissionDenied(_("Please confirm your email address first: open the link we mailed you, or "
                                     "ask for a new one at /settings. Until then you can read and edit your "
                                     "profile."))

    # -- reading -------------------------------------------------------------------------------
    def can_view_hidden(self) -> bool:
        return self._viewer_at_least(Role.MODERATOR)

    def can_view_thread(self, thread: Thread) -> bool:
        """A hidden thread is for moderators; a held one (waiting for a moderator) for its author too."""
        if not thread.is_hidden:
            return True
        if thread.held_at is not None and self.viewer is not None and self.viewer.id == thread.author_id:
            return True
        return self.can_view_hidden()

    def can_open_thread(self, thread: Thread) -> bool:
        """The thread's own page: whoever can view the thread, and the asker of a thread a moderator hid, who
        reads it with the reason (a 404 would leave them wondering). Lists, search, feeds and mail still leave it
        out for them, as can_view_thread says."""
        if self.can_view_thread(thread):
            return True
        return self.viewer is not None and self.viewer.id == thread.author_id and not self.viewer.is_deleted

    def can_view_post(self, post: Post) -> bool:
        """Hidden posts stay visible to moderators and, with the reason, to their own author."""
        if not post.is_hidden:
            return self.can_view_thread(post.thread)
        return self.can_view_hidden() or (self.viewer is not None and self.viewer.id == post.author_id)

    # -- questions and answers -----------------------------------------------------------------
    def can_ask(self) -> bool:
        return self.is_contributor

    def can_answer(self, thread: Thread) -> bool:
        return self.check_answer(thread).allowed

    def check_answer(self, thread: Thread) -> Decision:
        """Contributors answer visible threads; a locked one only takes a moderator's answer."""
        if not self.is_contributor or thread.is_hidden or (thread.is_locked and not self.is_moderator):
            return refused(_("This thread is locked: no new answers.") if thread.is_locked
                           else _("You cannot answer this thread."))
        return ALLOWED

    def can_edit_post(self, post: Post) -> bool:
        return self.check_edit_post(post).allowed

    def check_edit_post(self, post: Post) -> Decision:
        """Authors edit their own posts (not on a locked thread); staff and moderators edit any post."""
        if self.is_staff or (self._is(post.author_id) and not post.thread.is_locked and not post.is_hidden):
            return ALLOWED
        return refused(_("You can only edit your own posts."))

    def can_read_earlier_version(self, post: Post, has_personal_data: bool) -> bool:
        """An earlier version that held personal data (an email, a phone or card number) stays readable
        only by its author and moderators, so editing it out of the post really takes it out of view."""
        if not has_personal_data:
            return True
        return self.can_view_hidden() or (self.viewer is not None and self.viewer.id == post.author_id)

    def can_delete_post(self, post: Post) -> bool:
        return self.check_delete_post(post).allowed

    def check_delete_post(self, post: Post) -> Decision:
        """Who may delete an answer: its author while the thread is unlocked, or a moderator; never the question
        or the accepted answer. Whether it has votes is the answer's state, not the person's: delete_answer counts
        the vote rows and answers 409 (a score of 0 can hide a +1 and a -1)."""
        if post.is_question or post.thread.accepted_post_id == post.id:
            return refused(_("The question and its accepted answer cannot be deleted."))
        if (self._is(post.author_id) and not post.thread.is_locked) or self.is_moderator:
            return ALLOWED
        return refused(_("Only its author can delete an answer, and not on a locked thread."))

    def can_vote(self, post: Post) -> bool:
        return self.check_vote(post).allowed

    def check_vote(self, post: Post) -> Decision:
        """Contributors vote on others' visible posts while the thread is open."""
        if self._is(post.author_id):
            return refused(_("You cannot vote on your own post."))
        if not self.is_contributor or post.thread.is_locked or post.is_hidden or post.thread.is_hidden:
            return refused(_("Voting is closed on this post."))
        return ALLOWED

    def can_accept_answer(self, thread: Thread, answer: Post | None = None) -> bool:
        return self.check_accept_answer(thread, answer).allowed

    def check_accept_answer(self, thread: Thread, answer: Post | None = None) -> Decision:
        """The asker or staff; never on a locked thread, a hidden answer or another thread's answer. Without an
        answer it is the right to withdraw the acceptance (which answer is accepted is the service's 409)."""
        wrong_answer = answer is not None and (answer.thread_id != thread.id or answer.is_question
                                               or answer.is_hidden)
        if thread.is_locked or thread.is_hidden or wrong_answer or not (self._is(thread.author_id) or self.is_staff):
            return refused(_("Only the asker or staff can change the accepted answer.") if answer is None
                           else _("Only the asker or staff can accept an answer here."))
        return ALLOWED

    def can_see_email(self, user: User, escalation: Escalation | None = None) -> bool:
        """Your own; on an escalation, the requester's for the staff member assigned to it and for admins (the
        privacy service records each such view in the audit log). Nobody else, on any page or API answer."""
        if user is None or user.is_deleted:
            return False
        if self._is(user.id):
            return True
        return (escalation is not None and escalation.requested_by_id == user.id
                and (self.is_admin or (self.is_staff and self._is(escalation.assignee_id))))

    def can_reveal_email(self, user: User) -> bool:
        """Admins may look up a member's email on request (to confirm a deletion, say), one audited look at a time."""
        return self.is_admin and user is not None and not user.is_deleted and not self._is(user.id)

    # -- escalations -------------------------------------------------------------------------
    ESCALATE_AFTER = timedelta(hours=24)  # any member may ask staff once a question waited this long unsolved

    def can_escalate(self, thread: Thread) -> bool:
        return self.check_escalate(thread).allowed

    def check_escalate(self, thread: Thread) -> Decision:
        """The asker at any time; any member once the question is 24 hours old and unsolved; moderators
        any thread; nobody on a hidden thread. The reason is worded for the page that would show the form."""
        if not self.is_member:
            viewer = self.viewer
            if viewer is not None and viewer.is_suspended and viewer.suspended_until is not None:
                return refused(_("Your account is suspended until %(until)s; you can read but not ask staff for "
                                 "help.", until=format_moment(viewer.suspended_until)))
            return refused(_("Please log in first."))
        if thread.is_hidden:
            return refused(_("This thread is hidden."))
        if self.is_moderator or self._is(thread.author_id):
            return ALLOWED
        if thread.is_solved:
            return refused(_("This question is solved, so only its asker or a moderator can ask staff for help on "
                             "it."))
        if utcnow() - thread.created_at < self.ESCALATE_AFTER:
            return refused(_("Only the asker can ask staff for help before the question is a day old. If you need "
                             "help with the same problem, ask your own question: staff see it too."))
        return ALLOWED

    def can_work_escalations(self) -> bool:
        return self.check_work_escalations().allowed

    def check_work_escalations(self) -> Decision:
        """Staff and above see the queue, assign, reply with the staff badge and resolve."""
        return ALLOWED if self.is_staff else refused(_("Only staff work the escalation queue."))

    def can_be_assigned(self, user: User) -> bool:
        return user is not None and not user.is_deleted and user.is_staff

    # -- listening (issue 15) --------------------------------------------------------------------
    def can_listen(self) -> bool:
        """Staff and above keep keyword watches and work their matches (claim, mark handled)."""
        return self.is_staff

    def can_view_customer_context(self, member: User) -> bool:
        """Staff see what this community knows about a member (their posts' counts, escalations, ideas voted
        for): nothing about staff accounts themselves, whose work is not a customer's standing."""
        return self.is_staff and member is not None and not member.is_deleted and not member.is_staff

    # -- moderation --------------------------------------------------------------------------
    def can_flag(self, post: Post) -> bool:
        return self.check_flag(post).allowed

    def check_flag(self, post: Post) -> Decision:
        """Members flag posts they can see, never their own; a hidden post is already with moderators."""
        if self._is(post.author_id):
            return refused(_("You cannot flag your own post."))
        if not self.is_contributor or post.is_hidden or post.thread.is_hidden:
            return refused(_("This post cannot be flagged."))
        return ALLOWED

    def can_moderate(self) -> bool:
        return self.check_moderate().allowed

    def check_moderate(self) -> Decision:
        """Flags queue, hide/restore, lock, pin, move, duplicates, the audit log."""
        return ALLOWED if self.is_moderator else refused(_("Only moderators can do that."))

    def can_suspend(self, user: User) -> bool:
        return self.check_suspend(user).allowed

    def check_suspend(self, user: User) -> Decision:
        """Moderators suspend members and lift suspensions; only an admin does so for staff or moderators;
        never yourself."""
        if self._is(user.id if user is not None else None):
            return refused(_("You cannot suspend yourself."))
        if not self.is_moderator or user is None or user.is_deleted or (user.is_staff and not self.is_admin):
            return refused(_("Only moderators can suspend members or lift a suspension, and only an admin can "
                             "for staff."))
        return ALLOWED

    # -- ideas ---------------------------------------------------------------------------------
    def can_view_idea(self, idea: Idea) -> bool:
        """A hidden idea is for moderators; a held or rejected one (it carries a reason) for its author too."""
        return not idea.is_hidden or self.can_view_hidden() or self._sees_own_hidden(idea)

    def can_view_idea_comment(self, comment: IdeaComment) -> bool:
        """A hidden comment is shown only to its author, with the reason (held for a moderator, or rejected)."""
        return not comment.is_hidden or self._sees_own_hidden(comment)

    def visible_idea_comments(self) -> sa.ColumnElement[bool]:
        """SQL twin of can_view_idea_comment, for the idea page's list."""
        if self.viewer is None:
            return self.public_idea_comments()
        return sa.or_(self.public_idea_comments(), sa.and_(IdeaComment.author_id == self.viewer.id,
                                                                IdeaComment.hidden_reason.is_not(None)))

    def _sees_own_hidden(self, item: Idea | IdeaComment) -> bool:
        return self.viewer is not None and self.viewer.id == item.author_id and item.hidden_reason is not None

    def can_submit_idea(self) -> bool:
        return self.is_contributor

    def can_vote_idea(self, idea: Idea) -> bool:
        return self.check_vote_idea(idea).allowed

    def check_vote_idea(self, idea: Idea) -> Decision:
        """Members vote once per idea (their own included); voting closes on shipped, declined and duplicate."""
        if idea.status in IdeaStatus.CLOSED:
            return refused(_("Voting is closed: this idea is %(status)s.",
                             status=str(IdeaStatus.LABELS[idea.status]).lower()))
        if not self.is_contributor or idea.is_hidden:
            return refused(_("You cannot vote on this idea."))
        return ALLOWED

    def can_comment_idea(self, idea: Idea) -> bool:
        return self.check_comment_idea(idea).allowed

    def check_comment_idea(self, idea: Idea) -> Decision:
        """Comments continue on a merged idea's target, not on the duplicate."""
        if idea.merged_into_id is not None:
            return refused(_("This idea was merged into #%(into)s; please comment there.", into=idea.merged_into_id))
        if not self.is_contributor or idea.is_hidden:
            return refused(_("You cannot comment on this idea."))
        return ALLOWED

    def can_pin_idea_comment(self, comment: IdeaComment) -> bool:
        return self.check_pin_idea_comment(comment).allowed

    def check_pin_idea_comment(self, comment: IdeaComment) -> Decision:
        """Only official (staff) comments are pinned, and only by staff."""
        if self.is_staff and comment.is_official:
            return ALLOWED
        return refused(_("Only staff can pin, and only official comments."))

    def can_set_idea_status(self, idea: Idea | None = None) -> bool:
        return self.check_set_idea_status(idea).allowed

    def check_set_idea_status(self, idea: Idea | None = None) -> Decision:
        """Staff decide an idea's status; a merged idea's status is its target's."""
        if not self.is_staff:
            return refused(_("Only staff can change an idea's status."))
        if idea is not None and idea.merged_into_id is not None:
            return refused(_("This idea was merged into #%(into)s; change that idea instead.",
                             into=idea.merged_into_id))
        return ALLOWED

    def can_merge_ideas(self) -> bool:
        return self.check_merge_ideas().allowed

    def check_merge_ideas(self) -> Decision:
        return ALLOWED if self.is_staff else refused(_("Only staff can merge ideas."))

    def can_convert_question(self, thread: Thread) -> bool:
        return self.check_convert_question(thread).allowed

    def check_convert_question(self, thread: Thread) -> Decision:
        """Turn a question into an idea (issue 16): staff, who triage feature requests wherever they are asked,
        and the asker while the question is unsolved (a solved question got its answer, so it is no request).
        Never a hidden or locked thread: moderators closed those, and moving them would reopen them elsewhere."""
        if thread.is_locked or thread.is_hidden:
            return refused(_("A locked or hidden question cannot become an idea."))
        if self.is_contributor and (self.is_staff or (self._is(thread.author_id) and not thread.is_solved)):
            return ALLOWED
        if self._is(thread.author_id) and thread.is_solved:
            return refused(_("This question is solved, so it is not a feature request any more; staff can still "
                             "move it."))
        return refused(_("Only staff and the asker can turn a question into an idea."))

    def can_link_question(self) -> bool:
        return self.check_link_question().allowed

    def check_link_question(self) -> Decision:
        """Link an existing question's demand to an existing idea: staff, who judge that both ask the same."""
        return ALLOWED if self.is_staff else refused(_("Only staff can link a question to an idea."))

    def can_export_ideas(self) -> bool:
        return self.check_export_ideas().allowed

    def check_export_ideas(self) -> Decision:
        return ALLOWED if self.is_staff else refused(_("Only staff can export ideas."))

    # -- dashboard -------------------------------------------------------------------------------
    def can_view_dashboard(self) -> bool:
        """Staff and above read the community health figures; members and visitors never do."""
        return self.is_staff

    # -- listening: spike alerts and known-issue notices ----------------------------------------------
    def can_work_alerts(self) -> bool:
        """Spike alerts (read, acknowledge, resolve, follow a tag): staff and above, never suspended."""
        return self.is_staff

    def can_publish_notice(self) -> bool:
        """A known-issue banner speaks to every visitor on every page: staff and above, and they resolve it."""
        return self.is_staff

    def can_dismiss_notice(self) -> bool:
        """Closing a banner only changes what you see, so suspended members may too (visitors: in the browser)."""
        return self.viewer is not None and not self.viewer.is_deleted

    # -- admin ---------------------------------------------------------------------------------
    def can_manage_categories(self) -> bool:
        """Create, rename, reorder, archive, merge and delete categories: admins only."""
        return self.is_admin

    def can_manage_people(self) -> bool:
        """Find members and change their roles: admins only (moderators suspend, they do not promote)."""
        return self.is_admin

    def can_edit_site_settings(self) -> bool:
        """The community's name, brand, guidelines and support policy: admins only."""
        return self.is_admin

    def can_manage_synonyms(self) -> bool:
        """The search synonym list that shapes every similar-titles hint: admins only."""
        return self.is_admin

    # -- notifications -------------------------------------------------------------------------
    def can_watch(self) -> bool:
        """Any signed-in account, suspended included: watching only changes what you are told."""
        return self.viewer is not None and not self.viewer.is_deleted

    def can_be_told_about(self, *, kind: str = "", post: Post | None = None, thread: Thread | None = None,
                          idea: Idea | None = None) -> bool:
        """A notification or mail names only content its reader may see now; a notice about the reader's
        own hidden post (with the moderator's reason) is the exception."""
        if self.viewer is None:
            return False
        if kind in Notification.NOTICE_KINDS:
            return True
        return ((post is None or self.can_view_post(post)) and (thread is None or self.can_view_thread(thread))
                and (idea is None or self.can_view_idea(idea)))

    def visible_notifications(self) -> Any:
        """SQL twin of can_be_told_about for lists: the query outer-joins Post, Thread and Idea on the
        notification's post_id, thread_id and idea_id."""
        if self.can_view_hidden():
            return sa.true()
        me = self.viewer.id if self.viewer is not None else None
        return sa.or_(Notification.kind.in_(Notification.NOTICE_KINDS), sa.and_(
            sa.or_(Post.id.is_(None), self.public_posts(), Post.author_id == me),
            sa.or_(Thread.id.is_(None), self.public_threads()),
            sa.or_(Idea.id.is_(None), self.public_ideas())))

    # -- privacy -------------------------------------------------------------------------------
    def can_view_profile(self, user: User) -> bool:
        """The full profile (bio, activity, reputation, join date): public to all, members-only to signed-in
        accounts, private to its owner and admins. Everyone else sees only the name and avatar."""
        if user is None or user.is_deleted:
            return False
        if (self.viewer is not None and self.viewer.id == user.id) or self._viewer_at_least(Role.ADMIN):
            return True
        if user.profile_visibility == "members":
            return self.viewer is not None and not self.viewer.is_deleted
        return user.profile_visibility != "private"

    def can_read_private_note(self, escalation: Escalation) -> bool:
        """Personal details a member sent privately: only the staff member assigned to them, and admins."""
        if self.is_admin:
            return True
        return self.is_staff and self._is(escalation.assignee_id)

    def can_delete_account(self, target: User) -> bool:
        """Members delete their own account (suspended ones too: leaving is a right); admins delete any
        account on request, except another admin's."""
        if target is None or target.is_deleted or self.viewer is None or self.viewer.is_deleted:
            return False
        if self.viewer.id == target.id:
            return True
        return self.is_admin and not target.has_role(Role.ADMIN)

"""Idea use cases: one public function per use case, one commit each."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel.speaklater import LazyString

from forum import content_language, links, trust
from forum.audit import record_audit
from forum.categories import chosen_category
from forum.clock import utcnow
from forum.errors import Conflict, Invalid
from forum.extensions import db
from forum.i18n import _, _l
from forum.ideas.links import after_merge, after_status_change
from forum.ideas.publishing import publish_comment, tell_followers
from forum.markup import render_markdown
from forum.models import Idea, IdeaComment, IdeaStatus, IdeaStatusChange, IdeaVote, Subscription, User
from forum.notifications.mentions import MentionResolver, notify_idea_mentions
from forum.notifications.services import watch_idea
from forum.pii_guard import attach_private_note, screen
from forum.policy import Policy
from forum.validation import FieldErrors

TITLE_MIN, TITLE_MAX, BODY_MIN, BODY_MAX, COMMENT_MAX, NOTE_MAX = 10, 150, 10, 20_000, 10_000, 2_000
SETTABLE = tuple(status for status in IdeaStatus.ALL if status != IdeaStatus.DUPLICATE)  # duplicate: by merge
# The board promises that the team explains every decision (issue 16): these moves, and merging, need a public note
NOTE_REQUIRED = (IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS, IdeaStatus.SHIPPED, IdeaStatus.DECLINED)


def submit_idea(*, actor: User, title: object, body: object, category: object, confirm_public: object = False,
                private_to_staff: object = False, language: object = None) -> Idea:
    """The author watches their idea, so they hear about comments and status changes.

    Personal details raise 422 pii_detected unless confirmed public, or sent privately to staff: then the idea
    is posted with them removed and they wait, in an escalation on the idea, for the assigned staff member.
    """
    policy = Policy(actor)
    policy.ensure_contributor()
    policy.ensure(policy.can_submit_idea())
    errors = FieldErrors()
    title = errors.text("title", title, label=_("Title"), min_len=TITLE_MIN, max_len=TITLE_MAX,
                        hint=_("Name the idea in a sentence"))
    body = errors.text("body", body, label=_("Description"), min_len=BODY_MIN, max_len=BODY_MAX, multiline=True,
                       hint=_("Say what it would let you do and why it matters"))
    found_category = chosen_category(errors, category)
    written_in = content_language.chosen(errors, language, actor)
    errors.check()
    screened = screen({"title": title, "body": body}, confirm_public=confirm_public,
                      private_to_staff=private_to_staff, labels={"title": "Title", "body": "Description"})
    title, body = screened.values["title"], screened.values["body"]
    held = trust.check_post(actor=actor, kind=trust.IDEA, text=body, extra=title)
    now = utcnow()
    mentions = MentionResolver()  # @names link to profiles and tell those members (not while held)
    idea = Idea(title=title, body_md=body, body_html=render_markdown(body, mention_resolver=mentions),
                category=found_category, author=actor, status=IdeaStatus.NEW, created_at=now, last_activity_at=now,
                language=written_in)
    if held:  # hidden until a moderator approves it (forum/moderation/pending.py); its author still sees it
        trust.hold(idea)
    db.session.add(idea)
    db.session.flush()
    watch_idea(user=actor, idea_id=idea.id)
    notify_idea_mentions(actor=actor, resolver=mentions, idea=idea)
    if screened.private_note:
        attach_private_note(actor=actor, idea=idea, note=screened.private_note)
    db.session.commit()
    return idea


def vote_idea(*, actor: User, idea: Idea, value: object) -> tuple[int | None, int]:
    """Set the actor's vote to 1 or 0 (withdrawn); returns (vote_count, my_vote). The count moves in SQL."""
    if isinstance(value, bool) or value not in (0, 1):
        raise Invalid(_("A vote on an idea is 1 or 0."), {"value": _("Must be 1 (vote) or 0 (withdraw).")})
    policy = Policy(actor)
    policy.ensure_contributor()
    idea_id, user_id = idea.id, actor.id
    for attempt in range(3):  # two tabs can race the same insert: the loser retries and sees the row
        try:
            _apply_vote(policy, actor, idea_id, user_id, int(value))
            db.session.commit()
            break
        except sa.exc.IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise Conflict(_("Your vote collided with another one. Please try again.")) from None
    return db.session.scalar(sa.select(Idea.vote_count).where(Idea.id == idea_id)), int(value)


def _apply_vote(policy: Policy, actor: User, idea_id: int, user_id: int, value: int) -> None:
    # The row lock orders votes against a merge or a status change on PostgreSQL (SQLite writes are serial).
    idea = db.session.get_one(Idea, idea_id, with_for_update=True, populate_existing=True)
    policy.ensure(policy.check_vote_idea(idea))
    existing = db.session.scalar(sa.select(IdeaVote.id).where(IdeaVote.user_id == user_id,
                                                              IdeaVote.idea_id == idea_id))
    if value == 1 and existing is None:
        db.session.add(IdeaVote(user_id=user_id, idea_id=idea_id, created_at=utcnow()))
        db.session.flush()
        db.session.execute(sa.update(Idea).where(Idea.id == idea_id).values(vote_count=Idea.vote_count + 1))
        if actor.follow_voted_ideas:  # the member's choice in their notification settings (on by default)
            watch_idea(user=actor, idea_id=idea_id)
    elif value == 0 and existing is not None:
        db.session.execute(sa.delete(IdeaVote).where(IdeaVote.id == existing))
        db.session.execute(sa.update(Idea).where(Idea.id == idea_id).values(vote_count=Idea.vote_count - 1))


def comment_on_idea(*, actor: User, idea: Idea, body: object, confirm_public: object = False,
                    private_to_staff: object = False) -> IdeaComment:
    """Staff comments are official and reach every voter and watcher; others reach the watchers."""
    policy = Policy(actor)
    policy.ensure_contributor()
    policy.ensure(policy.check_comment_idea(idea))
    errors = FieldErrors()
    body = errors.text("body", body, label=_("Comment"), min_len=2, max_len=COMMENT_MAX, multiline=True)
    errors.check()
    screened = screen({"body": body}, confirm_public=confirm_public, private_to_staff=private_to_staff,
                      labels={"body": "Comment"})
    body = screened.values["body"]
    held = trust.check_post(actor=actor, kind=trust.IDEA_COMMENT, text=body)
    now = utcnow()
    mentions = MentionResolver()
    comment = IdeaComment(idea_id=idea.id, author_id=actor.id, body_md=body,
                          body_html=render_markdown(body, mention_resolver=mentions), is_official=actor.is_staff,
                          created_at=now)
    if held:  # hidden, uncounted and untold until a moderator approves it (forum/moderation/pending.py)
        trust.hold(comment)
    db.session.add(comment)
    db.session.flush()
    if not held:
        publish_comment(idea, comment, actor, now, mentions)
    if screened.private_note:
        attach_private_note(actor=actor, idea=idea, note=screened.private_note)
    db.session.commit()
    return comment


def pin_idea_comment(*, actor: User, comment: IdeaComment, pinned: bool) -> IdeaComment:
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_pin_idea_comment(comment))
    if comment.is_pinned == bool(pinned):
        raise Conflict(_("That comment is already pinned.") if pinned else _("That comment is not pinned."))
    comment.is_pinned = bool(pinned)
    record_audit(actor=actor, action="idea_comment.pin" if pinned else "idea_comment.unpin",
                 target_type="idea", target_id=comment.idea_id, label=f"comment {comment.id}")
    db.session.commit()
    return comment


def set_idea_status(*, actor: User, idea: Idea, status: object, note: object = "") -> Idea:
    """Staff move an idea; the change joins its public history and every voter and watcher hears of it (the
    people carried from questions among them), and its linked questions show it. Planned, in progress, shipped
    and declined are decisions, so they need a public note; a note is always welcome. Duplicates are made by
    merging."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_set_idea_status())
    errors = FieldErrors()
    if status not in SETTABLE:
        errors.add("status", _("Use “merge” to mark a duplicate.") if status == IdeaStatus.DUPLICATE else
                   _("Choose one of: %(choices)s.", choices=", ".join(SETTABLE)))
    note = errors.text("note", note, label=_("Note"), min_len=0, max_len=NOTE_MAX, multiline=True)
    missing = status in NOTE_REQUIRED and not note and "note" not in errors.errors
    if missing:
        errors.add("note", _("Explain the decision to move it to %(status)s: the note is shown publicly and sent "
                             "to everyone who voted or follows.", status=str(IdeaStatus.LABELS[str(status)]).lower()))
    _check_naming_the_note(errors, missing=missing)
    chosen = str(status)  # one of SETTABLE: check() raised otherwise
    idea = db.session.get_one(Idea, idea.id, with_for_update=True, populate_existing=True)
    if idea.merged_into_id is not None:
        raise Conflict(_("This idea was merged into #%(id)d; change that idea instead.", id=idea.merged_into_id))
    if chosen == idea.status and not note:
        raise Conflict(_("The idea is already %(status)s. Add a note to post an update.",
                         status=str(IdeaStatus.LABELS[chosen]).lower()))
    _change_status(idea, actor, chosen, note)
    after_status_change(idea.id)
    tell_followers(idea, actor, "idea_status", links.idea_path(idea, anchor="status-history"),
                    _l("“%(title)s” is now %(status)s: %(note)s", title=idea.title, note=note,
                       status=LazyString(lambda: str(IdeaStatus.LABELS[chosen]).lower())) if note else
                    _l("“%(title)s” is now %(status)s", title=idea.title,
                       status=LazyString(lambda: str(IdeaStatus.LABELS[chosen]).lower())))
    record_audit(actor=actor, action="idea.status", target_type="idea", target_id=idea.id, label=idea.title,
                 note=f"{idea.status}: {note}" if note else idea.status)
    db.session.commit()
    return idea


def _check_naming_the_note(errors: FieldErrors, *, missing: bool) -> None:
    """errors.check(), whose message names the public note when its absence is all that is wrong: a script
    reading only the message (the API's 422) learns which field to send."""
    try:
        errors.check()
    except Invalid as error:
        if missing and set(error.fields) == {"note"}:
            raise Invalid(_("A public note is required: send it in the “note” field. The team explains every "
                            "decision."), error.fields) from None
        raise


def _change_status(idea: Idea, actor: User, status: str, note: str) -> None:
    now = utcnow()
    db.session.add(IdeaStatusChange(idea_id=idea.id, from_status=idea.status, to_status=status, note=note,
                                    actor_id=actor.id, created_at=now))
    idea.status, idea.status_note, idea.status_changed_at, idea.last_activity_at = status, note or None, now, now


def merge_ideas(*, actor: User, idea: Idea, into: object, note: object = "") -> Idea:
    """`idea` becomes a duplicate of `into`: its voters count for the target unless they already voted
    there (nobody is counted twice), they follow the target, and its comments stay readable where they are."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_merge_ideas())
    errors = FieldErrors()
    note = errors.text("note", note, label=_("Note"), min_len=0, max_len=NOTE_MAX, multiline=True)
    missing = not note and "note" not in errors.errors
    if missing:
        errors.add("note", _("Say why these are the same idea: the note is shown publicly on the duplicate."))
    target_id = _idea_id(into)
    if target_id is None:
        errors.add("into", _("Give the number of the idea to merge into."))
    elif target_id == idea.id:
        errors.add("into", _("An idea cannot be merged into itself."))
    _check_naming_the_note(errors, missing=missing)
    assert target_id is not None, "check() raised without one"
    first, second = sorted((idea.id, target_id))  # lock in id order: two opposite merges cannot deadlock
    locked = {i: db.session.get(Idea, i, with_for_update=True, populate_existing=True) for i in (first, second)}
    source, target = locked[idea.id], locked[target_id]
    if source is None or target is None or not policy.can_view_idea(target):  # source: always there
        raise Invalid(_("There is no such idea to merge into."), {"into": _("There is no idea #%(id)d.", id=target_id)})
    if source.merged_into_id is not None:
        raise Conflict(_("This idea was already merged into #%(id)d.", id=source.merged_into_id))
    if target.merged_into_id is not None:
        raise Conflict(_("Idea #%(id)d was itself merged into #%(into)d; merge into #%(into)d instead.",
                         id=target.id, into=target.merged_into_id))
    _move_supporters(source.id, target.id)
    after_merge(source.id, target.id)
    source.merged_into_id = target.id
    _change_status(source, actor, IdeaStatus.DUPLICATE, note or f"Merged into #{target.id}: {target.title}")
    tell_followers(source, actor, "idea_merged", links.idea_path(target),
                    _l("“%(title)s” was merged into “%(into)s”; your vote counts there", title=source.title,
                       into=target.title))
    record_audit(actor=actor, action="idea.merge", target_type="idea", target_id=source.id,
                 label=source.title, note=f"into #{target.id}" + (f": {note}" if note else ""))
    db.session.commit()
    return source


def _idea_id(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().lstrip("#").isdigit():
        return int(raw.strip().lstrip("#"))
    return None


def _move_supporters(source_id: int, target_id: int) -> None:
    """Copy votes (keeping when they were cast, for trending) and watches; then recount the target in SQL."""
    already = sa.select(IdeaVote.user_id).where(IdeaVote.idea_id == target_id, IdeaVote.user_id.is_not(None))
    db.session.execute(sa.insert(IdeaVote).from_select(
        ["user_id", "idea_id", "created_at", "source_thread_id"],  # demand from a question stays marked
        sa.select(IdeaVote.user_id, sa.literal(target_id), IdeaVote.created_at, IdeaVote.source_thread_id).where(
            IdeaVote.idea_id == source_id, IdeaVote.user_id.is_not(None), IdeaVote.user_id.not_in(already))))
    watching = sa.select(Subscription.user_id).where(Subscription.idea_id == target_id)
    db.session.execute(sa.insert(Subscription).from_select(
        ["user_id", "idea_id", "created_at"],
        sa.select(IdeaVote.user_id, sa.literal(target_id), sa.literal(utcnow())).where(
            IdeaVote.idea_id == source_id, IdeaVote.user_id.is_not(None), IdeaVote.user_id.not_in(watching))))
    count = sa.select(sa.func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == target_id).scalar_subquery()
    db.session.execute(sa.update(Idea).where(Idea.id == target_id).values(vote_count=count, last_activity_at=utcnow()))

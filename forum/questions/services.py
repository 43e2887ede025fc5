"""Question and answer use cases: one public function per use case, one commit each."""
from __future__ import annotations

import re

import sqlalchemy as sa
from slugify import slugify as transliterated_slug  # python-slugify, with text-unidecode's tables
from forum import content_language, links, trust, viewcounts
from forum.categories import chosen_category
from forum.clock import utcnow
from forum.database import commit_keeping_loaded
from forum.errors import Conflict, Invalid
from forum.escalations.hooks import record_staff_reply
from forum.extensions import db
from forum.i18n import _, _l
from forum.markup import render_markdown
from forum.models import (IdeaQuestion, IdeaQuestionKind, Post, PostRevision, Tag, Thread, ThreadStatus,
                          User, Vote)
from forum.notifications.mentions import MentionResolver, notify_mentions, previous_mentions
from forum.notifications.services import notify, watch_thread
from forum.pii_guard import attach_private_note, screen
from forum.policy import Policy
from forum.questions import reputation
from forum.questions.publishing import tell_about_answer
from forum.validation import FieldErrors

TITLE_MIN, TITLE_MAX, BODY_MAX, ANSWER_MIN, MAX_TAGS = 10, 150, 50_000, 2, 5
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9+#.\-]{0,29}$")


def slugify(title: str) -> str:
    """Letters outside ASCII are transliterated ("Störung" -> "storung"), not dropped into "st-rung"."""
    return transliterated_slug(title, max_length=80, word_boundary=True) or "question"


def _parse_tags(errors: FieldErrors, raw: object) -> list[str]:
    """Tags come as a list (API) or a comma/space separated string (form)."""
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        items = re.split(r"[,\s]+", raw)
    elif isinstance(raw, list) and all(isinstance(item, str) for item in raw):
        items = raw
    else:
        errors.add("tags", _("Tags must be a list of words."))
        return []
    names = list(dict.fromkeys(item.strip().lower().lstrip("#") for item in items if item.strip()))
    if len(names) > MAX_TAGS:
        errors.add("tags", _("Use at most %(max)d tags.", max=MAX_TAGS))
    bad = [name for name in names if not TAG_RE.match(name)]
    if bad:
        errors.add("tags", _("Tags are up to 30 lowercase letters, digits or + # . - (not “%(tag)s”).",
                             tag=bad[0][:30]))
    return names[:MAX_TAGS]


def _tags_named(names: list[str]) -> list[Tag]:
    """Existing tags plus new ones; a concurrent creator of the same tag wins and we reuse its row."""
    found = {tag.name: tag for tag in db.session.scalars(sa.select(Tag).where(Tag.name.in_(names)))}
    for name in names:
        if name not in found:
            try:
                with db.session.begin_nested():
                    tag = Tag(name=name)
                    db.session.add(tag)
                found[name] = tag
            except sa.exc.IntegrityError:
                found[name] = db.session.execute(sa.select(Tag).where(Tag.name == name)).scalar_one()  # theirs
    return [found[name] for name in names]


def ask_question(*, actor: User, title: object, body: object, category: object, tags: object = None,
                 confirm_public: object = False, private_to_staff: object = False, language: object = None) -> Thread:
    """Personal data in the title or body is refused (422 pii_detected) unless the author confirms it is meant
    to be public, or sends it privately to staff (it is then removed from the post and kept in a private note)."""
    policy = Policy(actor)
    policy.ensure_contributor()
    policy.ensure(policy.can_ask())
    errors = FieldErrors()
    title = errors.text("title", title, label=_("Title"), min_len=TITLE_MIN, max_len=TITLE_MAX,
                        hint=_("Sum up the problem in a sentence"))
    body = errors.text("body", body, label=_("Details"), min_len=ANSWER_MIN, max_len=BODY_MAX, multiline=True,
                       hint=_("Describe what you tried and what happened"))
    found_category = chosen_category(errors, category)
    tag_names = _parse_tags(errors, tags)
    written_in = content_language.chosen(errors, language, actor)
    errors.check()
    screened = screen({"title": title, "body": body}, confirm_public=confirm_public,
                      private_to_staff=private_to_staff, labels={"title": "Title", "body": "Details"})
    title, body = screened.values["title"], screened.values["body"]
    held = trust.check_post(actor=actor, kind=trust.QUESTION, text=body, extra=title)
    thread = Thread(title=title, slug=slugify(title), category=found_category, author=actor, language=written_in)
    mentions = MentionResolver()
    question = Post(thread=thread, author=actor, position=0, body_md=body,
                    body_html=render_markdown(body, mention_resolver=mentions))
    thread.tags = _tags_named(tag_names)
    db.session.add_all([thread, question])
    db.session.flush()
    db.session.add(PostRevision(post_id=question.id, editor_id=actor.id, title=title, body_md=body))
    if screened.private_note:
        attach_private_note(actor=actor, thread=thread, note=screened.private_note)
    watch_thread(user=actor, thread=thread)
    if held:  # hidden until a moderator approves it, so nobody is told about it yet
        trust.hold(question, thread)
    else:
        notify_mentions(actor=actor, resolver=mentions, thread=thread, post=question)
    db.session.commit()
    return thread


def post_answer(*, actor: User, thread: Thread, body: object, confirm_public: object = False,
                private_to_staff: object = False) -> Post:
    policy = Policy(actor)
    policy.ensure_contributor()
    policy.ensure(policy.check_answer(thread))
    errors = FieldErrors()
    body = errors.text("body", body, label=_("Answer"), min_len=ANSWER_MIN, max_len=BODY_MAX, multiline=True,
                       hint=_("Say what the asker could try"))
    errors.check()
    screened = screen({"body": body}, confirm_public=confirm_public, private_to_staff=private_to_staff,
                      labels={"body": "Answer"})
    body = screened.values["body"]
    held = trust.check_post(actor=actor, kind=trust.ANSWER, text=body)
    now = utcnow()
    # The thread's row is updated (and so locked) before the answer's INSERT reads its position: concurrent
    # answers on PostgreSQL then take max+1 one after another and never share a position (posts(thread_id,
    # position) is unique as a last guard); SQLite's BEGIN IMMEDIATE serialises them already. The same statement says
    # whether the question moved to the idea board (a statement of its own before).
    moved_to = _idea_it_moved_to(thread)
    if held:  # the row lock alone: a held answer is counted and dated when a moderator approves it
        idea_id = db.session.scalar(sa.select(moved_to).where(Thread.id == thread.id).with_for_update(of=Thread))
    else:
        idea_id = db.session.scalar(sa.update(Thread).where(Thread.id == thread.id).values(
            answer_count=Thread.answer_count + 1, last_activity_at=now,
            first_answer_at=sa.func.coalesce(Thread.first_answer_at, now)).returning(moved_to))
    if idea_id is not None:
        db.session.rollback()  # the count and date just set: nothing else is written before this point
        raise Conflict(_("This question moved to the idea board and takes no new answers: vote for or comment on "
                         "idea #%(id)d at /ideas/%(id)d instead.", id=idea_id))
    mentions = MentionResolver()
    answer = Post(thread_id=thread.id, author_id=actor.id, position=_next_position(thread), body_md=body,
                  body_html=render_markdown(body, mention_resolver=mentions),
                  is_staff_reply=actor.is_staff, created_at=now)
    db.session.add(answer)
    db.session.flush()
    db.session.add(PostRevision(post_id=answer.id, editor_id=actor.id, body_md=body))
    if screened.private_note:
        attach_private_note(actor=actor, thread=thread, note=screened.private_note)
    watchers = None
    if held:  # hidden, and nobody is told, until a moderator approves it (forum/moderation/pending.py)
        trust.hold(answer)
    else:
        record_staff_reply(thread, answer, now)
        watchers = tell_about_answer(actor, thread, answer)
        notify_mentions(actor=actor, resolver=mentions, thread=thread, post=answer)
    watch_thread(user=actor, thread=thread, watchers=watchers)
    commit_keeping_loaded(db.session())  # the API answers with the post, its thread and author: no reload
    return answer


def _next_position(thread: Thread) -> sa.ScalarSelect[int]:
    """Computed by the answer's INSERT itself (a statement of its own before): after the thread's UPDATE, so
    on PostgreSQL it runs once the row lock is ours and its snapshot sees the answer committed before it."""
    return sa.select(sa.func.coalesce(sa.func.max(Post.position), 0) + 1).where(
        Post.thread_id == thread.id).scalar_subquery()


def _idea_it_moved_to(thread: Thread) -> sa.ScalarSelect[int]:
    """A question turned into an idea (forum/ideas/requests.py) is closed to answers: its demand lives on the
    idea board now, where votes and the team's decisions are counted."""
    return sa.select(IdeaQuestion.idea_id).where(
        IdeaQuestion.thread_id == thread.id, IdeaQuestion.kind == IdeaQuestionKind.CONVERTED).scalar_subquery()


def edit_post(*, actor: User, post: Post, body: object, title: object = None, confirm_public: object = False,
              private_to_staff: object = False, language: object = None) -> Post:
    """Keeps a revision of the new text; a title and the language can only change on the question itself."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_edit_post(post))
    errors = FieldErrors()
    body = errors.text("body", body, label=_("Text"), min_len=ANSWER_MIN, max_len=BODY_MAX, multiline=True)
    new_title: str | None = None
    if title is not None and not post.is_question:
        errors.add("title", _("Only a question has a title."))
    elif title is not None:
        new_title = errors.text("title", title, label=_("Title"), min_len=TITLE_MIN, max_len=TITLE_MAX,
                                hint=_("Sum up the problem in a sentence"))
    new_language = (content_language.chosen(errors, language, actor)
                    if post.is_question and language not in (None, "") else None)
    errors.check()
    if new_language is not None and new_language != post.thread.language:
        post.thread.language = new_language  # committed with the text, or alone when only the language changed
        if body == post.body_md and (new_title is None or new_title == post.thread.title):
            db.session.commit()
            return post
    if body == post.body_md and (new_title is None or new_title == post.thread.title):
        return post
    screened = screen({"body": body, **({"title": new_title} if new_title is not None else {})},
                      confirm_public=confirm_public, private_to_staff=private_to_staff)
    body, new_title = screened.values["body"], screened.values.get("title", new_title)
    already, mentions = previous_mentions(post.body_md), MentionResolver()  # an edit tells only the newly mentioned
    post.body_md, post.body_html = body, render_markdown(body, mention_resolver=mentions)
    post.edited_at, post.edited_by_id = utcnow(), actor.id
    if new_title is not None:
        post.thread.title, post.thread.slug = new_title, slugify(new_title)
    db.session.add(PostRevision(post_id=post.id, editor_id=actor.id, body_md=body,
                                title=post.thread.title if post.is_question else None))
    if screened.private_note:
        attach_private_note(actor=actor, thread=post.thread, note=screened.private_note)
    notify_mentions(actor=actor, resolver=mentions, thread=post.thread, post=post, already=already)
    db.session.commit()
    return post


def delete_answer(*, actor: User, post: Post) -> Thread:
    """Who may delete is the Policy's 403; an answer with votes stays (409), whoever asks: its votes moved
    reputation, and its score can be 0 after a +1 and a -1, so the vote rows are counted, not the score."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_delete_post(post))
    # the post's row lock makes a vote arriving meanwhile wait, then find the answer gone
    db.session.execute(sa.select(Post.id).where(Post.id == post.id).with_for_update())
    if db.session.scalar(sa.select(sa.func.count()).where(Vote.post_id == post.id)):
        raise Conflict(_("This answer has votes, so it stays. You can edit it instead."))
    thread = post.thread
    db.session.delete(post)
    db.session.execute(sa.update(Thread).where(Thread.id == thread.id).values(answer_count=Thread.answer_count - 1))
    db.session.commit()
    return thread


def vote_post(*, actor: User, post: Post, value: object) -> tuple[int | None, int]:
    """Set the actor's vote to 1, -1 or 0 (withdrawn); returns (score, my_vote). All counters move in SQL."""
    if isinstance(value, bool) or value not in (-1, 0, 1):
        raise Invalid(_("A vote is 1, -1 or 0."), {"value": _("Must be 1, -1 or 0.")})
    policy = Policy(actor)
    policy.ensure_contributor()
    policy.ensure(policy.check_vote(post))
    post_id, author_id, is_question, thread_id = post.id, post.author_id, post.is_question, post.thread_id
    for attempt in range(3):  # a double click can race its own insert: the loser retries and sees the row
        try:
            _apply_vote(actor.id, post_id, author_id, is_question, thread_id, int(value))
            db.session.commit()
            break
        except sa.exc.IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise Conflict(_("Your vote collided with another one. Please try again.")) from None
    score = db.session.scalar(sa.select(Post.score).where(Post.id == post_id))
    return score, int(value)


def _apply_vote(user_id: int, post_id: int, author_id: int, is_question: bool, thread_id: int, value: int) -> None:
    vote = db.session.scalar(sa.select(Vote).where(Vote.user_id == user_id, Vote.post_id == post_id)
                             .with_for_update())
    old = vote.value if vote else 0
    if old == value:
        return
    if vote is None:
        db.session.add(Vote(user_id=user_id, post_id=post_id, value=value))
    elif value == 0:
        db.session.delete(vote)
    else:
        vote.value = value
    db.session.flush()
    delta = value - old
    db.session.execute(sa.update(Post).where(Post.id == post_id).values(score=Post.score + delta))
    if is_question:
        db.session.execute(sa.update(Thread).where(Thread.id == thread_id).values(score=Thread.score + delta))
    rep = reputation.for_vote(value, is_question) - reputation.for_vote(old, is_question)
    reputation.change(author_id, rep, "vote", post_id)


def accept_answer(*, actor: User, answer: Post) -> Thread:
    """Mark `answer` accepted on its thread (replacing any other), credit its author, tell them."""
    thread = db.session.get_one(Thread, answer.thread_id, with_for_update=True, populate_existing=True)
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_accept_answer(thread, answer))
    if thread.accepted_post_id == answer.id:
        raise Conflict(_("That answer is already accepted."))
    if thread.accepted_post_id is not None:
        _withdraw_acceptance(thread)
    thread.accepted_post_id, thread.status, thread.solved_at = answer.id, ThreadStatus.SOLVED, utcnow()
    if answer.author_id != thread.author_id:
        reputation.change(answer.author_id, reputation.ACCEPTED, "accepted", answer.id)
    notify(user_id=answer.author_id, kind="answer_accepted", actor=actor, thread_id=thread.id, post_id=answer.id,
           url=links.thread_path(thread, post_id=answer.id), text=_l("Your answer to “%(title)s” was accepted",
                                                                                title=thread.title))
    db.session.commit()
    return thread


def unaccept_answer(*, actor: User, thread: Thread, answer: Post | None = None) -> Thread:
    """Withdraw the thread's acceptance; naming `answer` (the page's Unaccept button, the API's DELETE
    /posts/<id>/accept) withdraws it only while that answer is the accepted one. Either way a refusal is a 409."""
    thread = db.session.get_one(Thread, thread.id, with_for_update=True, populate_existing=True)
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_accept_answer(thread))
    if answer is not None and thread.accepted_post_id != answer.id:
        raise Conflict(_("That answer is not the accepted one."))
    if thread.accepted_post_id is None:
        raise Conflict(_("This question has no accepted answer."))
    _withdraw_acceptance(thread)
    thread.accepted_post_id, thread.solved_at = None, None
    thread.status = ThreadStatus.OPEN if thread.status == ThreadStatus.SOLVED else thread.status
    db.session.commit()
    return thread


def _withdraw_acceptance(thread: Thread) -> None:
    previous = db.session.get(Post, thread.accepted_post_id)
    if previous is not None and previous.author_id != thread.author_id:
        reputation.change(previous.author_id, -reputation.ACCEPTED, "unaccepted", previous.id)


def record_view(*, thread_id: int, viewer: User | None) -> bool:
    """Buffered, never written by the page (forum/viewcounts.py): every visitor's view counts, so a visitor's
    page needs no cookie and can be cached whole; a member's reloads within a short window count once."""
    viewer_id = viewer.id if viewer is not None and viewer.is_authenticated else None
    return viewcounts.count_view(thread_id, viewer_id=viewer_id)

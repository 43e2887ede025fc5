"""Feature requests asked as questions, carried to the idea board with their demand (issue 16).

A question becomes an idea (`question_to_idea`), or staff link it to an idea that already exists
(`link_question`). Either way its asker and upvoters become the idea's voters and everyone involved (the asker,
the upvoters, the question's watchers) its followers, except a voter who turned off "follow the ideas I vote for":
each person once, whoever already voted or followed keeps that one vote or follow, and each is told once where
the request went. The carried rows are marked with the
question (`source_thread_id`), so the export can say how much of an idea's demand was asked as questions.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from forum import links
from forum.audit import record_audit
from forum.categories import chosen_category
from forum.clock import utcnow
from forum.errors import Conflict, Invalid
from forum.extensions import db
from forum.i18n import _, _l
from forum.ideas.services import BODY_MAX, BODY_MIN, TITLE_MAX, TITLE_MIN
from forum.markup import render_markdown
from forum.models import (Idea, IdeaQuestion, IdeaQuestionKind, IdeaStatus, IdeaVote, Post, Subscription, Thread,
                          ThreadStatus, User, Vote)
from forum.notifications.mentions import MentionResolver, notify_idea_mentions, previous_mentions
from forum.notifications.services import notify_all
from forum.pagecache import IDEAS, QUESTIONS, idea_scope, thread_scope, touch
from forum.policy import Policy
from forum.validation import FieldErrors, parse_id


def conversion_defaults(thread: Thread) -> dict[str, str]:
    """What the convert form starts with: the question's title and text, and its category when it still takes
    new ideas (questions and ideas share the categories; an archived one leaves the choice to the person)."""
    question = db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.position == 0))
    return {"title": thread.title, "body": question.body_md if question is not None else "",
            "category": "" if thread.category.archived else thread.category.slug}


def question_to_idea(*, actor: User, thread: Thread, title: object = None, body: object = None,
                     category: object = None) -> Idea:
    """The question becomes an idea proposed by its asker; the question stays readable with its answers, says
    where it went, and takes no new answers. Fields left out (None) take the question's own values."""
    policy = Policy(actor)
    policy.ensure_contributor()
    # the row lock orders two people converting the same question at once: the second sees the link
    thread = db.session.get_one(Thread, thread.id, with_for_update=True, populate_existing=True)
    policy.ensure(policy.check_convert_question(thread))
    ensure_not_linked(thread)
    defaults = conversion_defaults(thread)
    errors = FieldErrors()
    title = errors.text("title", defaults["title"] if title is None else title, label=_("Title"),
                        min_len=TITLE_MIN, max_len=TITLE_MAX)
    body = errors.text("body", defaults["body"] if body is None else body, label=_("Description"),
                       min_len=BODY_MIN, max_len=BODY_MAX, multiline=True)
    found_category = chosen_category(errors, defaults["category"] if category is None else category)
    errors.check()
    now = utcnow()
    mentions = MentionResolver()  # @names link as in any idea; the question already told the ones it named
    idea = Idea(title=title, body_md=body, body_html=render_markdown(body, mention_resolver=mentions),
                category=found_category, author_id=thread.author_id, status=IdeaStatus.NEW, created_at=now,
                last_activity_at=now, language=thread.language)
    db.session.add(idea)
    db.session.flush()
    notify_idea_mentions(actor=actor, resolver=mentions, idea=idea, already=previous_mentions(defaults["body"]))
    db.session.add(IdeaQuestion(idea_id=idea.id, thread_id=thread.id, kind=IdeaQuestionKind.CONVERTED,
                                linked_by_id=actor.id, linked_at=now))
    if not thread.is_solved:  # closed to answers; a solved question keeps saying it was solved
        thread.status = ThreadStatus.CLOSED
    _carry_demand(idea, thread, actor, converted=True)
    record_audit(actor=actor, action="thread.to_idea", target_type="thread", target_id=thread.id,
                 label=thread.title, note=f"idea #{idea.id}")
    db.session.commit()
    return idea


def link_question(*, actor: User, idea: Idea, question_id: object) -> IdeaQuestion:
    """Staff count an existing question as a request for `idea` ("requested on the board"): its demand is
    carried as in a conversion, and the question stays open to answers (a workaround still helps its asker)."""
    policy = Policy(actor)
    policy.ensure_active()
    policy.ensure(policy.check_link_question())
    errors = FieldErrors()
    thread_id = parse_id(question_id.lstrip("#") if isinstance(question_id, str) else question_id)
    if thread_id is None:
        errors.add("question_id", _("Give the number of the question, such as 42."))
    errors.check()
    # the idea's row, then the question's: a concurrent merge of the idea or link of the question waits
    idea = db.session.get_one(Idea, idea.id, with_for_update=True, populate_existing=True)
    thread = db.session.get(Thread, thread_id, with_for_update=True, populate_existing=True)
    if thread is None or not policy.can_view_thread(thread) or thread.is_hidden:
        raise Invalid(_("There is no such question."), {"question_id": _("There is no question #%(id)d.",
                                                                                        id=thread_id)})
    if idea.merged_into_id is not None:
        raise Conflict(_("This idea was merged into #%(id)d; link the question there.", id=idea.merged_into_id))
    ensure_not_linked(thread)
    now = utcnow()
    link = IdeaQuestion(idea_id=idea.id, thread_id=thread.id, kind=IdeaQuestionKind.LINKED, linked_by_id=actor.id,
                        linked_at=now)
    db.session.add(link)
    _carry_demand(idea, thread, actor, converted=False)
    record_audit(actor=actor, action="idea.link_question", target_type="idea", target_id=idea.id,
                 label=idea.title, note=f"question #{thread.id}")
    db.session.commit()
    return link


def ensure_not_linked(thread: Thread) -> None:
    """A question carries its demand to one idea only (idea_questions.thread_id is unique): a second is a 409."""
    linked = db.session.scalar(sa.select(IdeaQuestion.idea_id).where(IdeaQuestion.thread_id == thread.id))
    if linked is not None:
        raise Conflict(_("This question already counts as a request for idea #%(id)d: %(url)s", id=linked,
                         url=links.idea_path(linked)))


def _carry_demand(idea: Idea, thread: Thread, actor: User, *, converted: bool) -> None:
    """Asker and upvoters vote (unless voting is closed: a shipped or declined idea takes no votes), everyone
    involved follows (a voter who turned off "follow the ideas I vote for" only votes); then the idea's count is recounted in SQL and each carried person is told once."""
    question_id = db.session.scalar(sa.select(Post.id).where(Post.thread_id == thread.id, Post.position == 0))
    upvoters = set(db.session.scalars(sa.select(Vote.user_id).where(Vote.post_id == question_id, Vote.value == 1,
                                                                    Vote.user_id.is_not(None))))
    watchers = set(db.session.scalars(sa.select(Subscription.user_id).where(Subscription.thread_id == thread.id)))
    voters = _active({thread.author_id, *upvoters})
    voting = idea.status not in IdeaStatus.CLOSED
    # a carried vote follows the idea unless the member turned that off, as a vote cast on the idea does; a watch
    # always does, and so does support that can no longer be a vote (it is told as following)
    followers = _active(watchers) | (_following_on_vote(voters) if voting else voters)
    now = utcnow()
    if voting:
        have = set(db.session.scalars(sa.select(IdeaVote.user_id).where(IdeaVote.idea_id == idea.id,
                                                                        IdeaVote.user_id.in_(voters))))
        db.session.add_all(IdeaVote(user_id=user_id, idea_id=idea.id, created_at=now, source_thread_id=thread.id)
                           for user_id in sorted(voters - have))
    following = set(db.session.scalars(sa.select(Subscription.user_id).where(Subscription.idea_id == idea.id,
                                                                             Subscription.user_id.in_(followers))))
    db.session.add_all(Subscription(user_id=user_id, idea_id=idea.id, created_at=now, source_thread_id=thread.id)
                       for user_id in sorted(followers - following))
    db.session.flush()
    count = sa.select(sa.func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea.id).scalar_subquery()
    db.session.execute(sa.update(Idea).where(Idea.id == idea.id).values(vote_count=count, last_activity_at=now))
    url = links.idea_path(idea)
    told_votes = voters if voting else set()
    notify_all(user_ids=told_votes, kind="idea_request", actor=actor, url=url, idea_id=idea.id,
               text=_l("“%(question)s” moved to the idea board as “%(idea)s”; your vote counts there",
                       question=thread.title, idea=idea.title) if converted else
               _l("“%(question)s” is requested on the idea board as “%(idea)s”; your vote counts there",
                  question=thread.title, idea=idea.title))
    notify_all(user_ids=followers - told_votes, kind="idea_request", actor=actor, url=url, idea_id=idea.id,
               text=_l("“%(question)s” moved to the idea board as “%(idea)s”; you follow it there",
                       question=thread.title, idea=idea.title) if converted else
               _l("“%(question)s” is requested on the idea board as “%(idea)s”; you follow it there",
                  question=thread.title, idea=idea.title))
    touch(db.session, thread_scope(thread.id), idea_scope(idea.id), QUESTIONS, IDEAS)


def _following_on_vote(user_ids: set[int]) -> set[int]:
    """Of these voters, those whose vote follows the idea (User.follow_voted_ideas, on by default)."""
    if not user_ids:
        return set()
    return set(db.session.scalars(sa.select(User.id).where(User.id.in_(user_ids),
                                                           User.follow_voted_ideas.is_(True))))


def _active(user_ids: Iterable[int | None]) -> set[int]:
    """Deleted accounts carry nothing: they can neither vote nor be told."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return set()
    return set(db.session.scalars(sa.select(User.id).where(User.id.in_(wanted), User.is_deleted.is_(False))))

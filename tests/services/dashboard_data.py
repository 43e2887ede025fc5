"""A small fixed community for the dashboard tests, written through the ORM with explicit timestamps.

The clock stands at NOW; "last 7 days" is 4 March 00:00 to NOW. The expected figures in the tests were
worked out by hand from the rows below (comments give each question's time to first answer).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from forum import clock
from forum.extensions import db
from forum.models import (AuditEntry, Escalation, Flag, Idea, IdeaStatusChange, IdeaVote, Post, Role, Thread,
                          ThreadStatus)
from tests.factories import make_category, make_user

NOW = datetime(2026, 3, 10, 12, 0, 0)


def at(day: int, hour: int = 0, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute)


def _thread(author, asked: datetime, *, category, title: str, hidden: bool = False) -> Thread:
    thread = Thread(title=title, slug=title.lower().replace(" ", "-"), category_id=category.id, author_id=author.id,
                    created_at=asked, last_activity_at=asked, is_hidden=hidden)
    db.session.add(thread)
    db.session.flush()
    db.session.add(Post(thread_id=thread.id, author_id=author.id, position=0, body_md="q", body_html="<p>q</p>",
                        created_at=asked))
    return thread


def _answer(thread: Thread, author, when: datetime, *, accept: bool = False, hidden: bool = False) -> Post:
    position = db.session.query(Post).filter_by(thread_id=thread.id).count()
    post = Post(thread_id=thread.id, author_id=author.id, position=position, body_md="a", body_html="<p>a</p>",
                created_at=when, is_staff_reply=author.is_staff, is_hidden=hidden)
    db.session.add(post)
    db.session.flush()
    thread.answer_count += 1
    thread.first_answer_at = thread.first_answer_at or when
    if accept:
        thread.accepted_post_id, thread.solved_at, thread.status = post.id, when, ThreadStatus.SOLVED
    return post


def build() -> dict:
    """Returns the ids the tests need. Leaves the clock frozen at NOW."""
    clock.freeze(NOW - timedelta(days=30))
    general, other = make_category("general", "General"), make_category("other", "Other")
    m1, m2 = make_user("anna"), make_user("bert")
    s1 = make_user("sven", role=Role.STAFF)
    make_user("moda", role=Role.MODERATOR)
    clock.freeze(NOW)

    # in the period (4-10 March)
    q1 = _thread(m2, at(5, 10), category=general, title="Q1 hub offline")
    first = _answer(q1, m1, at(5, 10, 30), accept=True)                      # 1,800 s, member, accepted
    _answer(q1, s1, at(5, 11))
    q2 = _thread(m1, at(5, 12), category=general, title="Q2 app crash")
    _answer(q2, s1, at(5, 14), accept=True)                                   # 7,200 s, staff, accepted
    q3 = _thread(m1, at(6, 9), category=general, title="Q3 router reset")
    _answer(q3, m2, at(6, 15))                                                # 21,600 s, member
    _answer(q3, m2, at(6, 16), hidden=True)                                   # hidden: not a top-answerer answer
    q4 = _thread(m2, at(7, 8), category=general, title="Q4 battery drain")
    _answer(q4, m1, at(8, 8), accept=True)                                    # 86,400 s, member, accepted
    q5 = _thread(m1, at(10, 11, 30), category=general, title="Q5 new question")  # unanswered, 30 min old
    q6 = _thread(m1, at(10, 9), category=general, title="Q6 morning question")   # unanswered, 3 h old
    q7 = _thread(m2, at(9, 20), category=general, title="=SUM(A1) evening question")   # unanswered, 16 h old
    _thread(m2, at(6, 1), category=general, title="Q8 hidden spam", hidden=True)
    q9 = _thread(m1, at(6, 10), category=other, title="Q9 billing")
    _answer(q9, m2, at(6, 10, 10))                                            # 600 s, member
    # before the period
    q0 = _thread(m1, at(1, 10), category=general, title="Q0 last week")
    _answer(q0, s1, at(1, 12))                                                # 7,200 s, staff
    _thread(m2, at(20, 9, month=2), category=general, title="Q00 old unanswered")  # unanswered, > 24 h

    def escalate(thread, created, due, reply=None, resolved=None):
        status = "resolved" if resolved else "open"
        db.session.add(Escalation(thread_id=thread.id, requested_by_id=thread.author_id, reason="help",
                                  status=status, created_at=created, due_at=due, first_staff_reply_at=reply,
                                  resolved_at=resolved))

    escalate(q1, at(5), at(6), reply=at(5, 6), resolved=at(5, 7))   # met by the reply
    escalate(q3, at(6), at(7), reply=at(7, 6), resolved=at(8))      # replied late
    escalate(q7, at(8), at(9))                                       # no reply, due passed: breached now
    escalate(q6, at(10, 6), at(11, 6))                               # not due yet: undecided
    escalate(q2, at(10), at(11), resolved=at(10, 1))                 # met by resolving

    def flag(post_id, created, handled=None):
        db.session.add(Flag(post_id=post_id, reporter_id=m2.id, reason="spam", status="upheld" if handled else "open",
                            created_at=created, handled_at=handled))

    flag(first.id, at(5, 12), at(5, 13))          # 3,600 s
    flag(q3.posts[0].id, at(6), at(6, 4))         # 14,400 s
    flag(q4.posts[0].id, at(9))                   # still open
    flag(q0.posts[0].id, at(1), at(1, 0, 30))     # previous period, 1,800 s
    for action, when in (("post.hide", at(6, 4)), ("post.auto_hide", at(9)), ("thread.lock", at(9)),
                         ("post.hide", at(1))):
        db.session.add(AuditEntry(actor_id=s1.id, action=action, target_type="post", target_id=first.id,
                                  created_at=when))

    i1 = Idea(title="=HYPERLINK dark mode", body_md="x", body_html="x", category_id=general.id, author_id=m1.id,
              created_at=at(5), vote_count=3)
    i2 = Idea(title="Export history", body_md="x", body_html="x", category_id=general.id, author_id=m2.id,
              created_at=at(2), vote_count=2)
    i3 = Idea(title="Hidden idea", body_md="x", body_html="x", category_id=general.id, author_id=m2.id,
              created_at=at(6), vote_count=1, is_hidden=True)
    db.session.add_all([i1, i2, i3])
    db.session.flush()
    for idea, user, when in ((i1, m1, at(5, 1)), (i1, m2, at(6)), (i1, s1, at(7)), (i2, m1, at(7)),
                             (i2, m2, at(2)), (i3, m1, at(6))):
        db.session.add(IdeaVote(idea_id=idea.id, user_id=user.id, created_at=when))
    db.session.add_all([
        IdeaStatusChange(idea_id=i1.id, from_status="new", to_status="planned", actor_id=s1.id, created_at=at(8)),
        IdeaStatusChange(idea_id=i2.id, from_status="new", to_status="under_review", actor_id=s1.id,
                         created_at=at(1))])
    db.session.commit()
    return {"m1": m1.id, "m2": m2.id, "s1": s1.id, "q3": q3.id, "q5": q5.id, "q6": q6.id, "q7": q7.id,
            "i1": i1.id, "i2": i2.id}


WHO = ("visitor", "member", "author", "suspended", "staff", "moderator", "admin")


def build_with_viewers(suspended_role: str = Role.MEMBER) -> dict:
    """build(), plus one user id per kind of viewer in WHO (visitor: None), with the clock frozen at NOW."""
    ids = build()
    suspended = make_user("suspended", role=suspended_role)
    suspended.suspended_until = NOW + timedelta(days=3)
    db.session.commit()
    ids.update(visitor=None, member=make_user("member").id, author=ids["m1"], suspended=suspended.id,
               staff=ids["s1"], moderator=make_user("moderator", role=Role.MODERATOR).id,
               admin=make_user("admin", role=Role.ADMIN).id)
    clock.freeze(NOW)
    return ids

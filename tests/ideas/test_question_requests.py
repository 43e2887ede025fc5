"""Issue 16, items 1 and 2: a question becomes an idea (or is linked to one) with its demand, each person counted
and told once; the question closes to answers; status changes reach the people carried from questions."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from forum.errors import Conflict, Invalid, PermissionDenied
from forum.extensions import db
from forum.ideas import export, queries, requests, services
from forum.models import (AuditEntry, Idea, IdeaQuestion, IdeaVote, Notification, Post, Role, Subscription, Thread,
                          ThreadStatus)
from forum.notifications.services import start_watching
from forum.questions import services as questions
from tests.factories import make_answer, make_category, make_idea, make_thread, make_user


def _upvote(thread: Thread, *people) -> None:
    for person in people:
        questions.vote_post(actor=person, post=thread.question, value=1)


def _voters(idea_id: int) -> dict[int, int | None]:
    """user id -> the question the vote was carried from (None: cast on the idea)."""
    return dict(db.session.execute(sa.select(IdeaVote.user_id, IdeaVote.source_thread_id)
                                   .where(IdeaVote.idea_id == idea_id)).all())


def _followers(idea_id: int) -> dict[int, int | None]:
    return dict(db.session.execute(sa.select(Subscription.user_id, Subscription.source_thread_id)
                                   .where(Subscription.idea_id == idea_id)).all())


def _told(kind: str, idea_id: int) -> list[int]:
    """Who was told, once per notification: a person told twice appears twice."""
    return sorted(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.kind == kind, Notification.idea_id == idea_id)))


@pytest.fixture
def request_thread(ctx):
    """A feature request asked as a question: two upvotes, one downvote, a watcher, an answer, one person who
    both upvoted and watches."""
    make_category("app", "Mobile app")
    people = {name: make_user(name) for name in ("asker", "up1", "up2", "down", "watcher", "answerer")}
    people["staff"] = make_user("staff", role=Role.STAFF)
    thread = make_thread(people["asker"], title="Can the app show battery levels for every sensor?",
                         body="I have 12 sensors and check each one by hand.", category="app")
    _upvote(thread, people["up1"], people["up2"])
    questions.vote_post(actor=people["down"], post=thread.question, value=-1)
    start_watching(actor=people["watcher"], thread=thread)
    start_watching(actor=people["up1"], thread=thread)  # upvoted and watches: still one vote, one follow, one notice
    make_answer(thread, people["answerer"], body="Not yet; I use the web dashboard for that.")
    return thread, people


def test_staff_turn_a_question_into_an_idea_with_its_demand(request_thread):
    thread, p = request_thread
    idea = requests.question_to_idea(actor=p["staff"], thread=thread)
    db.session.expire_all()
    idea = db.session.get(Idea, idea.id)
    assert (idea.title, idea.category.slug, idea.author_id) == (thread.title, "app", p["asker"].id)
    assert "12 sensors" in idea.body_html
    # the asker and the upvoters vote (the downvoter does not), each once, marked as carried from the question
    assert _voters(idea.id) == {p["asker"].id: thread.id, p["up1"].id: thread.id, p["up2"].id: thread.id}
    assert idea.vote_count == 3 and queries.votes_from_questions(idea.id) == 3
    # everyone involved follows: voters, watchers, the answerer (who watches the thread he answered)
    assert set(_followers(idea.id)) == {p[n].id for n in ("asker", "up1", "up2", "watcher", "answerer")}
    assert set(_followers(idea.id).values()) == {thread.id}
    # each told once where the request went; the staff member who moved it is not told of their own action
    assert _told("idea_request", idea.id) == sorted(p[n].id for n in ("asker", "up1", "up2", "watcher", "answerer"))
    texts = {n.user_id: n.text for n in db.session.scalars(sa.select(Notification).where(
        Notification.kind == "idea_request"))}
    assert texts[p["up1"].id].endswith("your vote counts there") and texts[p["watcher"].id].endswith("follow it there")
    assert all(n.url == f"/ideas/{idea.id}" for n in db.session.scalars(sa.select(Notification).where(
        Notification.kind == "idea_request")))
    # the question stays readable, says where it went, and is closed to new answers
    thread = db.session.get(Thread, thread.id)
    assert thread.status == ThreadStatus.CLOSED and thread.answer_count == 1
    link = db.session.scalar(sa.select(IdeaQuestion).where(IdeaQuestion.thread_id == thread.id))
    assert (link.idea_id, link.kind, link.linked_by_id) == (idea.id, "converted", p["staff"].id)
    with pytest.raises(Conflict, match="moved to the idea board"):
        questions.post_answer(actor=make_user(), thread=thread, body="One more answer")
    assert db.session.get(Thread, thread.id).answer_count == 1
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_type == "thread",
                                                                AuditEntry.target_id == thread.id)) == \
        "thread.to_idea"


def test_a_held_answer_to_a_moved_question_is_refused_too_and_nothing_is_locked_or_counted(request_thread,
                                                                                            monkeypatch):
    """Whether the question moved is asked in the statement that locks the thread (an answer held for a
    moderator takes the lock alone): refused either way, with the thread as it was."""
    from forum import trust
    thread, p = request_thread
    idea = requests.question_to_idea(actor=p["asker"], thread=thread)
    monkeypatch.setattr(trust, "check_post", lambda **kwargs: True)  # a new account's answer is held
    with pytest.raises(Conflict, match=f"#{idea.id}"):
        questions.post_answer(actor=make_user(), thread=thread, body="One more answer, held")
    assert not db.session().in_transaction()  # rolled back: the lock is released
    assert db.session.get(Thread, thread.id).answer_count == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Post).where(Post.thread_id == thread.id)) == 2


def test_the_asker_edits_title_body_and_category_before_creating(request_thread):
    thread, p = request_thread
    make_category("sensors", "Sensors")
    idea = requests.question_to_idea(actor=p["asker"], thread=thread, title="Battery level for every sensor",
                                     body="Show each sensor's battery in the list.", category="sensors")
    assert (idea.title, idea.category.slug, idea.body_md) == ("Battery level for every sensor", "sensors",
                                                              "Show each sensor's battery in the list.")
    assert requests.conversion_defaults(thread)["title"] == thread.title  # the question keeps its own


@pytest.mark.parametrize("field, values", [
    ("title", {"title": "short"}), ("title", {"title": ""}), ("body", {"body": "tiny"}),
    ("category", {"category": "no-such-category"}), ("category", {"category": ""}),
    ("title", {"title": "A title with a \x00 NUL byte"}),
])
def test_bad_input_is_refused_and_nothing_moves(request_thread, field, values):
    thread, p = request_thread
    with pytest.raises(Invalid) as error:
        requests.question_to_idea(actor=p["staff"], thread=thread, **values)
    assert field in error.value.fields
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Idea)) == 0
    assert db.session.get(Thread, thread.id).status == ThreadStatus.OPEN


def test_archived_category_leaves_the_choice_to_the_person(request_thread):
    thread, p = request_thread
    thread.category.archived = True
    db.session.commit()
    assert requests.conversion_defaults(thread)["category"] == ""
    with pytest.raises(Invalid) as error:
        requests.question_to_idea(actor=p["asker"], thread=thread)
    assert "category" in error.value.fields


@pytest.mark.parametrize("who", ["member", "answerer", "suspended"])
def test_others_cannot_turn_a_question_into_an_idea(request_thread, who):
    thread, p = request_thread
    actor = p["answerer"] if who == "answerer" else make_user()
    if who == "suspended":
        from datetime import timedelta

        from forum.clock import utcnow
        actor = p["asker"]
        actor.suspended_until = utcnow() + timedelta(days=2)
        db.session.commit()
    with pytest.raises(PermissionDenied):
        requests.question_to_idea(actor=actor, thread=thread)


def test_the_asker_of_a_solved_question_cannot_but_staff_can(request_thread):
    thread, p = request_thread
    answer = thread.posts[-1]
    questions.accept_answer(actor=p["asker"], answer=answer)
    with pytest.raises(PermissionDenied, match="solved"):
        requests.question_to_idea(actor=p["asker"], thread=thread)
    idea = requests.question_to_idea(actor=p["staff"], thread=thread)
    assert db.session.get(Thread, thread.id).status == ThreadStatus.SOLVED  # still says it was solved
    assert idea.vote_count == 3


def test_a_question_moves_once(request_thread):
    thread, p = request_thread
    idea = requests.question_to_idea(actor=p["asker"], thread=thread)
    with pytest.raises(Conflict, match=f"#{idea.id}"):
        requests.question_to_idea(actor=p["staff"], thread=thread)
    other = make_idea(make_user(), title="Battery levels in the app", category="app")
    with pytest.raises(Conflict):
        requests.link_question(actor=p["staff"], idea=other, question_id=thread.id)


def test_linking_an_existing_question_counts_each_person_once(request_thread):
    thread, p = request_thread
    fan = make_user("fan")
    idea = make_idea(make_user("proposer"), title="Battery level for every sensor", category="app")
    services.vote_idea(actor=fan, idea=idea, value=1)
    services.vote_idea(actor=p["up1"], idea=idea, value=1)  # already voted here: not counted twice
    link = requests.link_question(actor=p["staff"], idea=idea, question_id=f"#{thread.id}")
    assert link.kind == "linked"
    db.session.expire_all()
    voters = _voters(idea.id)
    assert voters == {fan.id: None, p["up1"].id: None, p["asker"].id: thread.id, p["up2"].id: thread.id}
    assert db.session.get(Idea, idea.id).vote_count == 4 and queries.votes_from_questions(idea.id) == 2
    assert _followers(idea.id)[p["up1"].id] is None  # followed already, by voting: keeps its own row
    assert _followers(idea.id)[p["watcher"].id] == thread.id
    assert _told("idea_request", idea.id).count(p["up1"].id) == 1
    assert fan.id not in _told("idea_request", idea.id)  # not carried: nothing to tell
    # a linked question stays open to answers
    make_answer(db.session.get(Thread, thread.id), make_user(), body="A workaround until then: the web page.")
    assert db.session.get(Thread, thread.id).status == ThreadStatus.OPEN


@pytest.mark.parametrize("raw", ["", "abc", None, 0, -3, 10**30, True])
def test_linking_needs_a_question_number(request_thread, raw):
    _, p = request_thread
    idea = make_idea(make_user(), category="app")
    with pytest.raises(Invalid) as error:
        requests.link_question(actor=p["staff"], idea=idea, question_id=raw)
    assert "question_id" in error.value.fields


def test_linking_a_missing_or_hidden_question_is_refused(request_thread):
    thread, p = request_thread
    idea = make_idea(make_user(), category="app")
    thread.is_hidden = True
    db.session.commit()
    for number in (thread.id, thread.id + 999):
        with pytest.raises(Invalid) as error:
            requests.link_question(actor=p["staff"], idea=idea, question_id=number)
        assert error.value.fields["question_id"].startswith("There is no question")


@pytest.mark.parametrize("role", [Role.MEMBER])
def test_members_cannot_link_questions(request_thread, role):
    thread, p = request_thread
    idea = make_idea(make_user(), category="app")
    with pytest.raises(PermissionDenied):
        requests.link_question(actor=p["asker"], idea=idea, question_id=thread.id)


def test_status_changes_reach_carried_people_once_each(request_thread):
    thread, p = request_thread
    idea = requests.question_to_idea(actor=p["asker"], thread=thread)
    services.vote_idea(actor=p["watcher"], idea=idea, value=1)  # carried follower who then voted: one notice
    services.set_idea_status(actor=p["staff"], idea=idea, status="planned", note="In the spring release.")
    told = _told("idea_status", idea.id)
    assert told == sorted(p[n].id for n in ("asker", "up1", "up2", "watcher", "answerer"))


def test_shipping_shows_the_decision_on_each_linked_question(request_thread):
    thread, p = request_thread
    idea = make_idea(make_user(), title="Battery level for every sensor", category="app")
    second = make_thread(make_user(), title="Where do I see my sensors' batteries?", category="app")
    requests.link_question(actor=p["staff"], idea=idea, question_id=thread.id)
    requests.link_question(actor=p["staff"], idea=idea, question_id=second.id)
    services.set_idea_status(actor=p["staff"], idea=idea, status="shipped", note="Out in version 4.2.")
    from forum.policy import Policy
    from forum.questions.queries import idea_request
    for question in (thread, second):
        link = idea_request(question.id, Policy(None))
        assert (link.idea.status, link.idea.status_note) == ("shipped", "Out in version 4.2.")
    assert second.author_id in _told("idea_status", idea.id)


def test_merging_moves_the_links_and_keeps_the_marks(request_thread):
    thread, p = request_thread
    source = requests.question_to_idea(actor=p["asker"], thread=thread)
    target = make_idea(make_user(), title="Sensor batteries at a glance", category="app")
    services.merge_ideas(actor=p["staff"], idea=source, into=target.id, note="The same request.")
    assert [link.thread_id for link in queries.linked_questions(target.id, None)] == [thread.id]
    assert queries.votes_from_questions(target.id) == 3


def test_the_export_counts_the_demand_asked_as_questions(request_thread):
    thread, p = request_thread
    idea = make_idea(make_user(), title="Battery level for every sensor", category="app")
    services.vote_idea(actor=make_user(), idea=idea, value=1)
    requests.link_question(actor=p["staff"], idea=idea, question_id=thread.id)
    rows = list(export._rows(export.parse_filters({"format": "json"}), ""))
    row = next(row for row in rows if row["id"] == idea.id)
    assert (row["votes"], row["votes_from_questions"], row["linked_questions"]) == (4, 3, 1)


def test_voting_closed_on_a_shipped_idea_carries_followers_only(request_thread):
    thread, p = request_thread
    idea = make_idea(make_user(), category="app")
    services.set_idea_status(actor=p["staff"], idea=idea, status="shipped", note="Already there: Settings > Sensors.")
    requests.link_question(actor=p["staff"], idea=idea, question_id=thread.id)
    assert db.session.get(Idea, idea.id).vote_count == 0
    assert p["up1"].id in _followers(idea.id)
    assert all(n.text.endswith("follow it there") for n in db.session.scalars(
        sa.select(Notification).where(Notification.kind == "idea_request")))


def test_mentions_in_the_converted_idea_link_and_tell_only_the_newly_named(ctx):
    """The idea's description links @names as any idea does; a name the question already mentioned was told then,
    so only a name added while editing the idea is told (nobody twice for one text)."""
    asker, named, added = make_user("asker"), make_user("named"), make_user("added")
    staff = make_user("staff", role=Role.STAFF)
    thread = make_thread(asker, title="Can the app show battery levels for every sensor?", category="app",
                         body="I check each of my 12 sensors by hand, as @named does.")
    assert list(db.session.scalars(sa.select(Notification.user_id).where(Notification.kind == "mention"))) == \
        [named.id]
    idea = requests.question_to_idea(actor=staff, thread=thread,
                                     body="I check each of my 12 sensors by hand, as @named and @added do.")
    assert 'href="/users/named"' in idea.body_html and 'href="/users/added"' in idea.body_html
    told = list(db.session.scalars(sa.select(Notification.user_id).where(
        Notification.kind == "mention", Notification.idea_id == idea.id)))
    assert told == [added.id]


def test_the_idea_keeps_the_language_the_question_was_written_in(request_thread):
    thread, p = request_thread
    thread.language = "nl"
    db.session.commit()
    assert requests.question_to_idea(actor=p["staff"], thread=thread).language == "nl"


def test_a_carried_vote_follows_unless_the_member_turned_that_off(request_thread):
    """As a vote cast on the idea: up2 turned "follow the ideas I vote for" off, so their carried vote counts but
    they do not follow; up1 also watched the question, and a watch always follows. Each is still told once."""
    thread, p = request_thread
    p["up1"].follow_voted_ideas = p["up2"].follow_voted_ideas = False
    db.session.commit()
    idea = requests.question_to_idea(actor=p["staff"], thread=thread)
    assert set(_voters(idea.id)) == {p["asker"].id, p["up1"].id, p["up2"].id}
    assert set(_followers(idea.id)) == {p[n].id for n in ("asker", "up1", "watcher", "answerer")}
    assert _told("idea_request", idea.id) == sorted(p[n].id for n in ("asker", "up1", "up2", "watcher", "answerer"))
    services.set_idea_status(actor=p["staff"], idea=idea, status="planned", note="In the spring release.")
    assert p["up2"].id not in _told("idea_status", idea.id)  # like any voter who does not follow


def test_the_link_picker_leaves_out_questions_already_linked(request_thread):
    from forum.ideas.links import already_linked
    thread, p = request_thread
    other = make_thread(make_user(), title="Battery list for all my sensors please", category="app")
    idea = requests.question_to_idea(actor=p["staff"], thread=thread)
    assert already_linked([thread.id, other.id]) == {thread.id} and already_linked([]) == set()
    assert idea.id

"""Loads the demo community through the real services, with the clock set back to each post's time."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from pathlib import Path

import sqlalchemy as sa

from forum import clock
from forum.admin import synonyms as synonym_admin
from forum.auth.services import register_user
from forum.errors import Conflict
from forum.extensions import db
from forum.markup import render_markdown
from forum.escalations import services as escalations
from forum.ideas import services as ideas
from forum.moderation import services as moderation
from forum.models import (Category, Idea, IdeaStatus, Notification, OutboxMail, Post, SiteSettings, Thread,
                          User)
from forum.questions import services as questions

PASSWORD = "community-demo"
_DATA = Path(__file__).with_name("demo_data")
_COMMUNITY = json.loads((_DATA / "community.json").read_text(encoding="utf-8"))
CATEGORIES, USERS, IDEAS = _COMMUNITY["categories"], _COMMUNITY["users"], _COMMUNITY["ideas"]
SITE = _COMMUNITY["site"]  # the demo's name and brand; the code itself names no company
QUESTIONS = json.loads((_DATA / "questions.json").read_text(encoding="utf-8"))["questions"]


def seed() -> list[tuple[str, str]]:
    """Seed categories, people, questions, answers, votes and accepted answers; returns (username, role)."""
    now = clock.utcnow()
    mail_before = db.session.scalar(sa.select(sa.func.max(OutboxMail.id))) or 0
    notes_before = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0
    try:
        clock.freeze(now - timedelta(days=90))
        users = {spec["username"]: register_user(username=spec["username"], email=spec["email"],
                                                 password=PASSWORD, role=spec["role"]) for spec in USERS}
        for spec in USERS:
            users[spec["username"]].bio = spec["bio"]
        db.session.add_all(Category(**spec) for spec in CATEGORIES)
        _seed_site_settings()
        db.session.commit()
        _seed_synonyms()
        members = [user for user in users.values() if user.role == "member"]
        for spec in sorted(QUESTIONS, key=lambda q: -q["age_hours"]):
            _seed_question(spec, users, members, now)
        _seed_ideas(users, members, now)
        _seed_staff_work(users, now)
    finally:
        clock.freeze(None)
    _queue_no_mail(mail_before, notes_before, now)
    return [(spec["username"], spec["role"]) for spec in USERS]


def _queue_no_mail(mail_before: int, notes_before: int, now) -> None:
    """The demo's people are made up: nothing the seeding told them goes out by mail, now (the queued rows) or in
    tomorrow's digest (their notifications count as settled). They still see their notifications on the site.
    Rows queued before the seeding (`--force` on a live database) are left alone."""
    db.session.execute(sa.delete(OutboxMail).where(OutboxMail.id > mail_before))
    db.session.execute(sa.update(Notification).where(Notification.id > notes_before, Notification.mailed_at.is_(None))
                       .values(mailed_at=now))
    db.session.commit()


def _seed_synonyms() -> None:
    """The demo admins' search synonyms (/admin/synonyms), there since the site was set up. Seeding is nobody's
    action, so it leaves the audit log (/mod/audit) to the demo's moderation history. A group already there
    (`--force`) is kept."""
    for terms in _COMMUNITY.get("synonyms", []):
        try:
            synonym_admin.add_synonym_group(actor=None, terms=terms, audited=False)
        except Conflict:
            db.session.rollback()


def _seed_site_settings() -> None:
    """The demo company's identity, as an admin would have set it at /admin/settings (kept if already set)."""
    if db.session.get(SiteSettings, 1) is not None:
        return
    db.session.add(SiteSettings(id=1, community_name=SITE["community_name"], company_name=SITE["company_name"],
                                tagline=SITE["tagline"], guidelines_md=SITE["guidelines"],
                                guidelines_html=render_markdown(SITE["guidelines"]), accent_color=SITE["accent_color"],
                                default_language="en"))


def _voters(members: list[User], exclude: User, count: int, offset: int) -> list[User]:
    pool = [member for member in members if member.id != exclude.id]
    return [pool[(offset + i) % len(pool)] for i in range(min(count, len(pool)))]


def _cast(post, members: list[User], up: int, down: int, offset: int) -> None:
    voters = _voters(members, post.author, up + down, offset)
    for index, voter in enumerate(voters):
        questions.vote_post(actor=voter, post=post, value=1 if index < up else -1)


def _seed_question(spec: dict, users: dict[str, User], members: list[User], now) -> None:
    asked_at = now - timedelta(hours=spec["age_hours"])
    clock.freeze(asked_at)
    thread = questions.ask_question(actor=users[spec["author"]], title=spec["title"], body=spec["body"],
                                    category=spec["category"], tags=spec["tags"])
    _cast(thread.question, members, spec["votes"]["up"], spec["votes"]["down"], thread.id)
    accepted = None
    for index, answer_spec in enumerate(spec["answers"]):
        moment = min(asked_at + timedelta(hours=answer_spec["after_hours"]), now - timedelta(minutes=1))
        clock.freeze(moment)
        answer = questions.post_answer(actor=users[answer_spec["author"]], thread=thread, body=answer_spec["body"])
        _cast(answer, members, answer_spec["up"], answer_spec["down"], thread.id + index + 3)
        if answer_spec["accepted"]:
            accepted = (answer, moment)
    if accepted is not None:
        answer, moment = accepted
        clock.freeze(min(moment + timedelta(hours=2), now))
        questions.accept_answer(actor=users[spec["author"]], answer=answer)


# The steps an idea takes on its way to the status the demo shows (the last step carries the public note).
_IDEA_PATHS = {"new": [], "under_review": ["under_review"], "planned": ["under_review", "planned"],
               "in_progress": ["planned", "in_progress"], "shipped": ["planned", "in_progress", "shipped"],
               "declined": ["under_review", "declined"]}


_STEP_NOTES = {"planned": "On the roadmap: we will post updates here as the work moves.",
               "in_progress": "The team has started work on this.", "shipped": "This is out now.",
               "declined": "Not something we plan to build; thanks to everyone who voted."}


def _seed_ideas(users: dict[str, User], members: list[User], now) -> None:
    """Ideas with votes spread over their life, comments, pinned official answers and a status history.
    Events run in time order, so votes land before an idea ships or is declined (voting closes then)."""
    staff = [user for user in users.values() if user.role == "staff"]
    for number, spec in enumerate(sorted(IDEAS, key=lambda i: -i["age_days"])):
        created = now - timedelta(days=spec["age_days"])
        clock.freeze(created)
        idea = ideas.submit_idea(actor=users[spec["author"]], title=spec["title"], body=spec["body"],
                                 category=spec["category"])
        life = now - timedelta(hours=1) - created
        steps = _IDEA_PATHS[spec["status"]]
        events: list[tuple[datetime, str, Any]] = [
            (created + life * (0.45 + 0.4 * (i + 1) / (len(steps) + 1)), "status", step) for i, step in enumerate(steps)]
        votes_until = events[-1][0] if spec["status"] in ("shipped", "declined") else now - timedelta(hours=1)
        for i, voter in enumerate(_voters(members, users[spec["author"]], spec["voters"], number * 3)):
            events.append((created + (votes_until - created) * ((i + 1) / (spec["voters"] + 1)), "vote", voter))
        for i, comment in enumerate(spec["comments"]):
            share = 0.92 if comment["official"] else 0.2 + 0.1 * i
            events.append((created + life * share, "comment", comment))
        official = next((users[c["author"]] for c in spec["comments"] if c["official"]), None)
        actor = official or staff[number % len(staff)]
        for moment, kind, payload in sorted(events, key=lambda event: event[0]):
            clock.freeze(moment)
            if kind == "vote":
                ideas.vote_idea(actor=payload, idea=idea, value=1)
            elif kind == "status":
                # every decision carries a public note (issue 16): the last step the demo's own, earlier ones a line
                note = (spec["status_note"] if payload == spec["status"] else "") or _STEP_NOTES.get(payload, "")
                ideas.set_idea_status(actor=actor, idea=idea, status=payload, note=note)
            else:
                comment = ideas.comment_on_idea(actor=users[payload["author"]], idea=idea, body=payload["body"])
                if comment.is_official:
                    ideas.pin_idea_comment(actor=users[payload["author"]], comment=comment, pinned=True)


def _seed_private_idea_comment(users: dict[str, User], now) -> None:
    """A member who offered to beta test and sent their phone number privately: the idea board's escalation."""
    idea = db.session.execute(sa.select(Idea).where(Idea.status.in_((IdeaStatus.UNDER_REVIEW, IdeaStatus.PLANNED)))
                              .order_by(Idea.vote_count.desc(), Idea.id).limit(1)).scalar_one()
    member = next(user for user in users.values() if user.role == "member" and user.id != idea.author_id)
    clock.freeze(now - timedelta(hours=4))
    ideas.comment_on_idea(actor=member, idea=idea, private_to_staff=True, body=(
        "I'd happily beta test this. My Hub is on the latest firmware; call me on +44 20 7946 0958 if you "
        "want logs from a real house."))


ESCALATION_REASONS = (
    f"Nobody here has seen this error; I need someone from {SITE['company_name']} to look at my account.",
    "This has been going on for days and my family is locked out of the automations.",
    "Still broken after everything suggested here; could someone from the team take a look?",
    "Tried every answer in this thread and it still fails.",
)


def _seed_staff_work(users: dict[str, User], now) -> None:
    """A morning's staff queue: escalations in every state (one past its SLA), and flags to triage."""
    sam, priya, maria = users["staff_sam"], users["staff_priya"], users["mod_maria"]
    threads = list(db.session.scalars(sa.select(Thread).order_by(Thread.answer_count, Thread.created_at)))
    old = next(thread for thread in threads if thread.answer_count and thread.created_at < now - timedelta(days=3))
    for index, (thread, hours_ago) in enumerate(zip([*threads[:3], old], (30, 9, 3, 60), strict=True)):
        clock.freeze(max(thread.created_at, now - timedelta(hours=hours_ago)))
        escalation, _ = escalations.escalate_thread(actor=thread.author, thread=thread,
                                                    reason=ESCALATION_REASONS[index])
        if index == 1:
            escalations.assign_escalation(actor=priya, escalation=escalation)
        if index == 3:  # answered by staff within the SLA, then resolved
            escalations.assign_escalation(actor=sam, escalation=escalation)
            clock.freeze(clock.utcnow() + timedelta(hours=5))
            questions.post_answer(actor=sam, thread=thread, body=(
                "Thanks for your patience. I've checked your account and reset the pairing on our side; "
                "please power-cycle the Hub and re-add the device from **Settings → Devices**."))
            escalations.resolve_escalation(actor=sam, escalation=escalation,
                                           note="Pairing reset on the account; customer confirmed it works.")
    _seed_private_idea_comment(users, now)
    clock.freeze(now - timedelta(hours=2))
    answers = list(db.session.scalars(sa.select(Post).where(Post.position > 0).order_by(Post.score, Post.id).limit(2)))
    flaggers = [user for user in users.values() if user.role == "member"]
    for post, reason in zip(answers, ("off_topic", "spam"), strict=False):
        reporter = next(user for user in flaggers if user.id != post.author_id)
        moderation.flag_post(actor=reporter, post=post, reason=reason,
                             note="This doesn't answer the question." if reason == "off_topic" else "")
    clock.freeze(now - timedelta(hours=1))
    moderation.pin_thread(actor=maria, thread=threads[-1], note="A common question: pinned for newcomers.")

"""What a benchmark dataset holds: how many of each thing, the texts they are made of, and every table's rows
in dependency order from one seeded random stream (bench/dataset.py writes them)."""
from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.dataset_sink import Sink

SEED = 21
HISTORY = timedelta(days=3 * 365)
OPEN_QUEUE = 20  # open or assigned escalations, at every size
QUEUE_HISTORY = 2  # earlier escalations of each queue requester, at every size
MAX_ANSWERS, MEAN_ANSWERS = 30, 9.0
THREAD_ANSWERS = 20  # the benchmark's "thread with about 20 answers"


CATEGORIES = [("wifi", "Wi-Fi and network"), ("app", "The app"), ("devices", "Devices"),
              ("automations", "Automations"), ("billing", "Plans and billing"), ("security", "Security"),
              ("cameras", "Cameras"), ("heating", "Heating and energy")]


TAGS = ["hub", "wifi", "zigbee", "zwave", "firmware", "battery", "router", "mesh", "ios", "android", "alexa",
        "google-home", "homekit", "schedule", "camera", "doorbell", "thermostat", "offline", "pairing", "reset",
        "matter", "thread", "bluetooth", "sensor", "lock", "siren", "keypad", "bridge", "speaker", "repeater",
        "chime", "blinds", "valve", "leak", "remote", "display", "garage", "light-strip", "switch", "dimmer"]


DEVICES = ["hub", "thermostat", "doorbell", "camera", "sensor", "smart plug", "bulb", "lock", "siren", "keypad",
           "bridge", "speaker", "router", "repeater", "chime", "blind motor", "valve", "leak detector"]


PROBLEMS = ["goes offline", "keeps disconnecting", "will not pair", "shows a red light", "drains the battery",
            "stops responding", "reboots every night", "lags by ten seconds", "loses its schedule",
            "is not detected", "fails to update", "reports the wrong temperature", "beeps at random"]


CONTEXTS = ["after the firmware update", "since I changed my router", "when the Wi-Fi is busy", "at night",
            "after a power cut", "with the new app version", "on the 5 GHz band", "when I am away",
            "since moving house", "after adding a second hub", "in cold weather", "with a mesh network"]


IDEA_STATUSES = [("new", 50), ("under_review", 14), ("planned", 10), ("in_progress", 5), ("shipped", 11),
                 ("declined", 8), ("duplicate", 2)]


QUESTION_BODIES = [
    "My {d} {p} {c}. I have tried restarting it twice and it comes back for an hour or so.\n\n"
    "Things I checked:\n\n- the app is on the latest version\n- the router is within five metres\n"
    "- the batteries are new\n\nIs anyone else seeing this? The log shows `ERR_TIMEOUT` every few minutes.",
    "Since last week the {d} {p}. Nothing changed on my side except {c}.\n\n"
    "```\nhub: link lost (code 0x80070005)\nhub: retrying in 30 s\n```\n\n"
    "Support asked me to post here first. Any **ideas** before I send it back?",
    "Hello all, quick one: the {d} {p} {c}. Is there a way to see *why* it happens? "
    "The [status page](https://status.example.com) says everything is fine.",
    "I have three of these and only one {d} {p}. Same room, same firmware, same network.\n\n"
    "1. Removed it from the app\n2. Factory reset\n3. Paired again\n\nStill the same after a day. "
    "What else can I try?",
    "Not sure this is the right category. The {d} {p} {c} and the automation that depends on it "
    "never runs. I would rather not reinstall everything; is there a log I can send?",
]


ANSWER_BODIES = [
    "Same here. It started {c} for me too.",
    "Try a factory reset by holding the button for ten seconds, then pair it again **close to the hub**. "
    "That fixed mine.",
    "Switch the router to a fixed channel such as 1, 6 or 11. Auto channel selection makes the {d} "
    "drop off whenever the neighbours' networks get busy.",
    "This is a known issue with the current firmware. See [the release notes](https://example.com/notes) "
    "for the workaround:\n\n```\nsettings > advanced > legacy mode: on\n```",
    "Check these in order:\n\n- the hub has a reserved IP address\n- band steering is off\n"
    "- the device is on 2.4 GHz\n\nIf all three are fine, open a ticket and mention this thread.",
    "Thanks, that worked! Marking this as solved.",
    "I had the same problem {c}. Replacing the batteries with lithium ones made it go away; the "
    "alkaline ones sag in the cold and the {d} reboots.",
    "Are you on the beta app? The beta has a bug where the schedule is lost after a sync. Going back "
    "to the store version fixed it for me.",
    "> {p}\n\nThat usually means the {d} cannot reach the cloud. Look at the router's firewall log "
    "around the time it happens.",
    "A repeater halfway between the hub and the {d} solved it for me. Signal went from -82 dBm to -61.",
    "Staff here: we are looking into this. Could you send us the hub's diagnostic code from "
    "*Settings > About*? Please do not post your serial number publicly.",
    "+1, following.",
]


IDEA_BODIES = [
    "It would help a lot if the {d} could {x}. Today I have to work around it with two automations.",
    "Please add a way to {x} from the app. Many of us asked for this in the forum already.",
    "Proposal: let the {d} {x}.\n\n- saves battery\n- fewer support tickets\n- works offline",
]


IDEA_WISHES = ["work without the cloud", "share access with family", "export its history", "use a schedule",
               "send a weekly report", "show battery levels", "support Matter", "pause for an hour"]


COMMENT_BODIES = ["Yes please, I would use this every day.", "This would save me so much time.",
                  "Voted. Any news on this?", "We are reviewing this for next quarter. Thanks for the details!"]


@dataclass
class Plan:
    """How many of each thing a dataset of `posts` posts holds."""

    posts: int
    questions: int = 0
    ideas: int = 0
    users: int = 0
    staff: int = 10
    moderators: int = 3
    admins: int = 1

    def __post_init__(self) -> None:
        self.questions = self.questions or max(10, self.posts // 10)
        self.ideas = self.ideas or max(10, self.posts // 100)
        self.users = self.users or max(40, min(400, self.posts // 25))


def _render(texts: list[str], fill: Callable[[random.Random], dict[str, str]], count: int,
            rng: random.Random) -> list[tuple[str, str]]:
    """`count` (markdown, html) bodies, each rendered once by the app's own renderer."""
    from forum.markup import render_markdown
    bodies = []
    for n in range(count):
        text = texts[n % len(texts)].format(**fill(rng))
        bodies.append((text, render_markdown(text)))
    return bodies


def _answer_weights() -> list[float]:
    """Cumulative weights of 0..MAX_ANSWERS answers, geometric with a mean of MEAN_ANSWERS."""
    low, high = 0.5, 0.999
    for _ in range(60):  # bisect the ratio until the mean fits
        ratio = (low + high) / 2
        weights = [ratio ** k for k in range(MAX_ANSWERS + 1)]
        mean = sum(k * w for k, w in enumerate(weights)) / sum(weights)
        low, high = (ratio, high) if mean < MEAN_ANSWERS else (low, ratio)
    return list(itertools.accumulate(weights))


class Generator:
    """Every table's rows, in dependency order, from one seeded random stream."""

    def __init__(self, plan: Plan, now: datetime, seed: int = SEED) -> None:
        self.plan, self.now, self.rng = plan, now.replace(microsecond=0), random.Random(seed)
        fill = lambda rng: {"d": rng.choice(DEVICES), "p": rng.choice(PROBLEMS), "c": rng.choice(CONTEXTS),
                            "x": rng.choice(IDEA_WISHES)}
        self.question_bodies = _render(QUESTION_BODIES, fill, 40, self.rng)
        self.answer_bodies = _render(ANSWER_BODIES, fill, 96, self.rng)
        self.idea_bodies = _render(IDEA_BODIES, fill, 24, self.rng)
        self.comment_bodies = _render(COMMENT_BODIES, fill, 8, self.rng)
        self.cum_answers = _answer_weights()
        self.derived_post_columns = _derived_post_columns()
        first_staff = plan.users - plan.staff - plan.moderators - plan.admins + 1
        self.staff_ids = list(range(first_staff, plan.users + 1))
        self.member_ids = list(range(1, first_staff))
        self.thread_id = max(1, plan.questions // 2)  # gets exactly THREAD_ANSWERS answers
        self.post_count = 0

    def role(self, user_id: int) -> str:
        p = self.plan
        if user_id > p.users - p.admins:
            return "admin"
        if user_id > p.users - p.admins - p.moderators:
            return "moderator"
        return "staff" if user_id >= self.staff_ids[0] else "member"

    def username(self, user_id: int) -> str:
        role = self.role(user_id)
        return f"bench_{role}{user_id}" if role != "member" else f"member{user_id}"

    def users(self, password_hash: str) -> Iterator[dict]:
        for uid in range(1, self.plan.users + 1):
            yield {"id": uid, "username": self.username(uid), "email": f"{self.username(uid)}@example.com",
                   "password_hash": password_hash, "role": self.role(uid), "reputation": 1,
                   "created_at": self.now - HISTORY - timedelta(days=uid % 200),
                   "email_confirmed_at": self.now - HISTORY}  # long-standing members confirmed their address

    def categories(self) -> Iterator[dict]:
        for n, (slug, name) in enumerate(CATEGORIES, 1):
            yield {"id": n, "slug": slug, "name": name, "description": f"Questions about {name.lower()}.",
                   "position": n}

    def tags(self) -> Iterator[dict]:
        for n, name in enumerate(TAGS, 1):
            yield {"id": n, "name": name}

    def _author(self) -> int:
        """Every member writes, a few of them much more than the rest (a long tail, as communities have)."""
        members = self.member_ids
        if self.rng.random() < .6:
            return self.rng.choice(members)
        rank = min(len(members) - 1, int(self.rng.paretovariate(1.2)) - 1)
        return members[rank * 37 % len(members)]

    def threads(self, sink: Sink) -> None:
        """Threads, their posts, votes and tags, in order of creation time (ids rise with time)."""
        rng, plan, post_id, vote_id = self.rng, self.plan, 0, 0
        span = HISTORY.total_seconds()
        for tid in range(1, plan.questions + 1):
            asked = self.now - HISTORY + timedelta(seconds=span * (tid - 1) / plan.questions + rng.random() * 60)
            author = self._author()
            answers = THREAD_ANSWERS if tid == self.thread_id else \
                bisect.bisect(self.cum_answers, rng.random() * self.cum_answers[-1])
            moment, first_answer, accepted, solved_at = asked, None, None, None
            thread_score, hidden_thread = 0, rng.random() < .005 and tid != self.thread_id
            for position in range(answers + 1):
                post_id += 1
                if position:
                    moment = min(self.now, moment + timedelta(seconds=rng.expovariate(1 / 14_400)))
                    first_answer = first_answer or moment
                staff_reply = position > 0 and rng.random() < .06
                writer = author if not position else rng.choice(self.staff_ids) if staff_reply else self._author()
                md, html = (self.question_bodies if not position else self.answer_bodies)[
                    rng.randrange(len(self.question_bodies if not position else self.answer_bodies))]
                score = 0
                for voter in rng.sample(range(1, plan.users + 1), min(plan.users, int(rng.expovariate(1 / 1.5)))):
                    value = 1 if rng.random() < .88 else -1
                    vote_id += 1
                    score += value
                    sink.add("votes", {"id": vote_id, "user_id": voter, "post_id": post_id, "value": value,
                                       "created_at": min(self.now, moment + timedelta(hours=rng.random() * 72))})
                thread_score = score if not position else thread_score
                hidden = position > 0 and rng.random() < .003
                sink.add("posts", {"id": post_id, "thread_id": tid, "author_id": writer, "position": position,
                                   "body_md": md, "body_html": html, "created_at": moment, "score": score,
                                   "is_hidden": hidden, "is_staff_reply": staff_reply,
                                   **self.derived_post_columns(html)})
                if position and accepted is None and not hidden and rng.random() < .12:
                    accepted, solved_at = post_id, min(self.now, moment + timedelta(hours=rng.random() * 24))
            for tag_id in rng.sample(range(1, len(TAGS) + 1), rng.randint(0, 4)):
                sink.add("thread_tags", {"thread_id": tid, "tag_id": tag_id})
            device, problem, context = rng.choice(DEVICES), rng.choice(PROBLEMS), rng.choice(CONTEXTS)
            title = f"The {device} {problem} {context} (#{tid})"
            sink.add("threads", {
                "id": tid, "title": title, "slug": _slug(title), "category_id": rng.randint(1, len(CATEGORIES)),
                "author_id": author, "status": "solved" if accepted else "open", "accepted_post_id": accepted,
                "is_pinned": tid % 25_000 == 0, "is_locked": rng.random() < .002 and tid != self.thread_id,
                "is_hidden": hidden_thread, "created_at": asked, "last_activity_at": moment,
                "answer_count": answers, "score": thread_score, "view_count": int(rng.expovariate(1 / 120)),
                "first_answer_at": first_answer, "solved_at": solved_at})
        self.post_count = post_id

    def escalations(self, sink: Sink) -> None:
        """1 % of questions resolved over the years, and a queue of OPEN_QUEUE open or assigned ones on the newest
        questions, some past their SLA. The queue is the same size at every size: a support team's open queue
        follows its staff, not the community's history, so the queue page compares like with like."""
        rng, plan = self.rng, self.plan
        newest = range(max(1, plan.questions - OPEN_QUEUE + 1), plan.questions + 1)
        history = sorted(rng.sample(range(1, newest.start),
                                    min(newest.start - 1, max(QUEUE_HISTORY * OPEN_QUEUE + 5, plan.questions // 100))))
        # The queue's requesters have QUEUE_HISTORY earlier requests each at every size (the queue shows them
        # beside each case); the rest of the history goes to other members. With the members capped at 400, drawing
        # every requester at random gave the 1M queue's members several times the 10k queue's history.
        queue_requesters = [rng.choice(self.member_ids) for _ in newest]
        earlier = {tid: queue_requesters[i % OPEN_QUEUE]
                   for i, tid in enumerate(rng.sample(history, min(len(history), QUEUE_HISTORY * OPEN_QUEUE)))}
        in_queue = set(queue_requesters)
        others = [m for m in self.member_ids if m not in in_queue] or self.member_ids
        requester = {**{tid: earlier.get(tid) or rng.choice(others) for tid in history},
                     **dict(zip(newest, queue_requesters))}
        for n, tid in enumerate(history + list(newest), 1):
            created = self.now - HISTORY * (1 - tid / plan.questions) + timedelta(hours=6)
            created = min(created, self.now - timedelta(hours=1))
            if tid in newest:  # within the last two days
                created = self.now - timedelta(hours=1 + (plan.questions - tid) * 2)
            status = rng.choice(["open", "assigned"]) if tid in newest else "resolved"
            assignee = rng.choice(self.staff_ids) if status != "open" else None
            reply = created + timedelta(hours=rng.random() * 30) if status != "open" else None
            reply = reply if reply and reply < self.now else None
            sink.add("escalations", {
                "id": n, "thread_id": tid, "requested_by_id": requester[tid],
                "source": rng.choice(["member", "member", "moderator", "auto"]), "reason": "Still not working.",
                "status": status, "assignee_id": assignee, "created_at": created,
                "due_at": created + timedelta(hours=24), "assigned_at": created if assignee else None,
                "first_staff_reply_at": reply, "first_staff_reply_by_id": assignee if reply else None,
                "resolved_at": reply + timedelta(hours=2) if status == "resolved" and reply else None,
                "request_count": 1})

    def flags_and_audit(self, sink: Sink) -> None:
        rng, plan = self.rng, self.plan
        moderator = plan.users - plan.admins
        posts = rng.sample(range(1, self.post_count + 1), min(self.post_count, max(5, plan.posts // 2_000)))
        for n, post in enumerate(posts, 1):
            created = self.now - timedelta(days=rng.random() * 60)
            handled = rng.random() < .7
            sink.add("flags", {"id": n, "post_id": post, "reporter_id": rng.choice(self.member_ids),
                               "reason": rng.choice(["spam", "offensive", "off_topic", "other"]),
                               "status": rng.choice(["upheld", "dismissed"]) if handled else "open",
                               "handler_id": moderator if handled else None, "created_at": created,
                               "handled_at": created + timedelta(hours=3) if handled else None})
            if handled:
                sink.add("audit_entries", {"id": n, "actor_id": moderator, "action": "post.hide",
                                           "target_type": "post", "target_id": post, "target_label": f"post {post}",
                                           "created_at": created + timedelta(hours=3)})

    def ideas(self, sink: Sink) -> None:
        rng, plan, vote_id, comment_id, change_id = self.rng, self.plan, 0, 0, 0
        statuses, weights = zip(*IDEA_STATUSES)
        for iid in range(1, plan.ideas + 1):
            created = self.now - HISTORY + timedelta(seconds=HISTORY.total_seconds() * (iid - 1) / plan.ideas)
            status = rng.choices(statuses, weights)[0] if iid > 1 else "planned"
            voters = rng.sample(range(1, plan.users + 1), min(plan.users, int(rng.expovariate(1 / 30))))
            for voter in voters:
                vote_id += 1
                sink.add("idea_votes", {"id": vote_id, "user_id": voter, "idea_id": iid,
                                        "created_at": created + (self.now - created) * rng.random()})
            comments = int(rng.expovariate(1 / 2.5)) if iid != self.plan.ideas // 2 else 12
            last = created
            for _ in range(comments):
                comment_id += 1
                official = rng.random() < .1
                last = last + (self.now - last) * rng.random() * .3
                md, html = rng.choice(self.comment_bodies)
                sink.add("idea_comments", {"id": comment_id, "idea_id": iid, "author_id":
                                           rng.choice(self.staff_ids) if official else self._author(),
                                           "body_md": md, "body_html": html, "is_official": official,
                                           "created_at": last})
            changed = None
            if status != "new":
                change_id += 1
                changed = created + (self.now - created) * rng.random()
                sink.add("idea_status_changes", {"id": change_id, "idea_id": iid, "from_status": "new",
                                                 "to_status": status, "note": f"Moved to {status}.",
                                                 "actor_id": rng.choice(self.staff_ids), "created_at": changed})
            md, html = rng.choice(self.idea_bodies)
            wish = rng.choice(IDEA_WISHES)
            sink.add("ideas", {
                "id": iid, "title": f"Let the {rng.choice(DEVICES)} {wish} (#{iid})", "body_md": md,
                "body_html": html, "category_id": rng.randint(1, len(CATEGORIES)), "author_id": self._author(),
                "status": status, "status_note": f"Moved to {status}." if changed else None,
                "status_changed_at": changed, "merged_into_id": rng.randint(1, iid - 1)
                if status == "duplicate" and iid > 1 else None, "vote_count": len(voters),
                "comment_count": comments, "is_hidden": False, "created_at": created,
                "last_activity_at": max(last, changed or created),
                **self.derived_post_columns(html)})  # ideas derive the same excerpt (0003)


def _derived_post_columns() -> Callable[[str], dict[str, Any]]:
    """Columns the Post model derives from body_html in Python (a validator the raw inserts bypass).

    Looked up by name so the generator works before and after such a column exists; computed once per body."""
    from forum.models import threads
    excerpt_of = getattr(threads, "excerpt_of", None)
    if excerpt_of is None or "excerpt" not in threads.Post.__table__.columns:
        return lambda html: {}
    cache: dict[str, dict[str, Any]] = {}
    return lambda html: cache.get(html) or cache.setdefault(html, {"excerpt": str(excerpt_of(html))})


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())[:160]

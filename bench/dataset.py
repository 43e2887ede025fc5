"""Bulk datasets of 10k, 100k and 1M posts for the page benchmark, kept in a cache folder between runs.

    python -m bench pages --sizes 10k,100k,1m        (builds what is missing, then measures)
    python -c "from bench.dataset import build_sqlite; build_sqlite('demo.db', 2000)"   (a file of any size)

The schema comes from the migrations (`flask_migrate.upgrade()`), so the dataset is what production runs;
rows go in with executemany (SQLite) or COPY (PostgreSQL), then the derived tables (revisions,
subscriptions, notifications, reputation) with INSERT ... SELECT: a service call per row would take hours.
A size of N posts has N/10 questions with 0-30 answers each (about 9 on average), about one vote per post,
N/100 ideas with votes, comments and status history, 1 % of questions escalated, a few hundred people
(staff, moderators and an admin among them). Bodies are a few dozen Markdown texts rendered once with
forum.markup and reused. A dataset is keyed by its size and a digest of the migrated tables and of this file,
so a table change rebuilds it, while a changed index is applied to the cached SQLite file in place;
columns the generator does not know get their model defaults.
"""
from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(__file__).resolve().parent / ".cache"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
PASSWORD = "bench-password-1"  # every generated account; the page benchmark logs in with it
SEED = 21
BATCH = 20_000
HISTORY = timedelta(days=3 * 365)
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


@dataclass
class Manifest:
    """What a built dataset holds and where the benchmark finds its test objects."""

    key: str
    size: str
    posts: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    thread_id: int = 0           # a thread with THREAD_ANSWERS answers
    idea_id: int = 0             # an idea with votes and comments
    member: str = ""             # a member with notifications, for the member's pages
    staff: str = ""              # a staff member, for the staff pages
    build_seconds: float = 0.0
    built_at: str = ""
    commands_done: list[str] = field(default_factory=list)  # POST_LOAD_COMMANDS that ran; a failed one is retried

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        return cls(**json.loads(text))


def parse_size(label: str) -> int:
    """"10k" -> 10_000, "1m" -> 1_000_000, "2500" -> 2500."""
    label = label.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(label[-1:], 1)
    return int(float(label[:-1] if scale > 1 else label) * scale)


def schema_digest(schema: str = "migrations", *, with_indexes: bool = True) -> str:
    """Changes whenever the schema or this generator changes: the cache key besides the size.

    The schema is what the migrations build (their comments and data steps change nothing), or with
    `schema="models"` what `db.create_all()` builds: the escape hatch for a tree whose migrations lag behind
    its models. Without `with_indexes` only the tables count: SQLite datasets take new indexes in place."""
    digest = hashlib.sha1(Path(__file__).read_bytes())
    for kind, _, ddl in target_schema(schema):
        if with_indexes or kind == "table":
            digest.update(ddl.encode())
    return f"{_alembic_head() if schema != 'models' else 'models'}-{digest.hexdigest()[:10]}"


_SCHEMAS: dict[str, list[tuple[str, str, str]]] = {}


def target_schema(schema: str = "migrations") -> list[tuple[str, str, str]]:
    """(type, name, DDL) of an empty SQLite database built by the migrations or the models (about a second)."""
    if schema in _SCHEMAS:
        return _SCHEMAS[schema]
    import sqlite3

    import flask_migrate

    from config import Config
    from forum import create_app
    from forum.extensions import db
    with tempfile.TemporaryDirectory(prefix="bench-schema-") as folder:
        config = Config()
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/schema.db"
        config.SECRET_KEY, config.SEARCH_INDEX_DIR = "bench", f"{folder}/index"
        app = create_app(config)
        with app.app_context():
            if schema == "models":
                db.create_all()
            else:
                flask_migrate.upgrade()
            db.engine.dispose()
        with sqlite3.connect(f"{folder}/schema.db") as conn:
            _SCHEMAS[schema] = [tuple(row) for row in conn.execute(
                "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name <> 'alembic_version' "
                "ORDER BY type, name")]
    return _SCHEMAS[schema]


def sync_indexes(path: Path, schema: str = "migrations", progress: Callable[[str], None] = print) -> int:
    """Make a cached SQLite dataset's indexes the schema's: an index change costs seconds, not a rebuild."""
    import sqlite3
    wanted = {name: ddl for kind, name, ddl in target_schema(schema) if kind == "index"}
    with sqlite3.connect(path) as conn:
        present = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
        stale = [name for name, ddl in present.items() if wanted.get(name) != ddl]
        missing = [ddl for name, ddl in wanted.items() if present.get(name) != ddl]
        if not stale and not missing:
            return 0
        started = time.perf_counter()
        for name in stale:
            conn.execute(f'DROP INDEX "{name}"')
        for ddl in missing:
            conn.execute(ddl)
        conn.execute("ANALYZE")
    progress(f"  indexes brought in step with the schema ({len(stale)} dropped, {len(missing)} created) in "
             f"{time.perf_counter() - started:.1f} s")
    return len(stale) + len(missing)


def _alembic_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config).get_current_head() or "base"


# ---------------------------------------------------------------- generation


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
        fill = lambda rng: {"d": rng.choice(DEVICES), "p": rng.choice(PROBLEMS), "c": rng.choice(CONTEXTS),  # noqa
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
                   "created_at": self.now - HISTORY - timedelta(days=uid % 200)}

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
        """1 % of questions, newest the most often still open; some past their SLA."""
        rng, plan = self.rng, self.plan
        count = max(5, plan.questions // 100)
        for n, tid in enumerate(sorted(rng.sample(range(1, plan.questions + 1), count)), 1):
            created = self.now - HISTORY * (1 - tid / plan.questions) + timedelta(hours=6)
            created = min(created, self.now - timedelta(hours=1))
            recent = self.now - created < timedelta(days=14)
            status = rng.choice(["open", "assigned"]) if recent else "resolved"
            assignee = rng.choice(self.staff_ids) if status != "open" else None
            reply = created + timedelta(hours=rng.random() * 30) if status != "open" else None
            reply = reply if reply and reply < self.now else None
            sink.add("escalations", {
                "id": n, "thread_id": tid, "requested_by_id": rng.choice(self.member_ids),
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


# ---------------------------------------------------------------- loading


class Sink:
    """Buffers rows per table and writes them in batches: executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, connection: Any, metadata: sa.MetaData, dialect: str) -> None:
        self.connection, self.metadata, self.dialect = connection, metadata, dialect
        self.rows: dict[str, list[dict]] = {}
        self.columns: dict[str, tuple[list[str], list[str], list[Any]]] = {}
        self.counts: dict[str, int] = {}

    def add(self, table: str, row: dict) -> None:
        batch = self.rows.setdefault(table, [])
        batch.append(row)
        if len(batch) >= BATCH:
            self.flush(table)

    def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.rows):
            rows = self.rows.pop(name, [])
            if rows:
                self._write(name, rows)
                self.counts[name] = self.counts.get(name, 0) + len(rows)

    def _layout(self, table: str, given: Iterable[str]) -> tuple[list[str], list[Any]]:
        """The generator's columns the database has, plus every other NOT NULL column with its model default."""
        if table not in self.columns:
            present = self._database_columns(table)
            missing = [name for name in given if name not in present]
            if missing:  # a model ahead of its migration, or a column dropped: say so, load the rest
                print(f"  note: {table} has no column {', '.join(missing)} in the migrated schema; left out")
            kept, extra, values = [name for name in given if name in present], [], []
            for column in self.metadata.tables[table].columns:
                if column.name in kept or column.name not in present or column.nullable or column.default is None:
                    continue
                arg = column.default.arg
                extra.append(column.name)
                values.append(arg(None) if callable(arg) else arg)
            self.columns[table] = (kept, extra, values)
        kept, extra, values = self.columns[table]
        return kept + extra, values

    def _database_columns(self, table: str) -> set[str]:
        cursor = self.connection.cursor()
        if self.dialect == "postgresql":
            cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
                           "AND table_name = %s", (table,))
            return {row[0] for row in cursor.fetchall()}
        cursor.execute(f'PRAGMA table_info("{table}")')
        return {row[1] for row in cursor.fetchall()}

    def _write(self, table: str, rows: list[dict]) -> None:
        names, defaults = self._layout(table, rows[0].keys())
        kept = names[:len(names) - len(defaults)]
        if self.dialect == "postgresql":
            cursor = self.connection.cursor()
            with cursor.copy(f'COPY {table} ({", ".join(names)}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([*(row[name] for name in kept), *defaults])
            return
        tail = [_sqlite(value) for value in defaults]
        sql = f'INSERT INTO {table} ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
        self.connection.cursor().executemany(sql, [[_sqlite(row[name]) for name in kept] + tail for row in rows])


def _sqlite(value: Any) -> Any:
    """SQLAlchemy's own SQLite storage formats, so the ORM reads back what it would have written."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


DERIVED = [  # (table, SQL): rows the services would have written alongside, made from the loaded ones
    ("post_revisions", "INSERT INTO post_revisions (post_id, editor_id, title, body_md, created_at, note) "
                       "SELECT p.id, p.author_id, CASE WHEN p.position = 0 THEN t.title END, p.body_md, "
                       "p.created_at, '' FROM posts p JOIN threads t ON t.id = p.thread_id"),
    ("subscriptions", "INSERT INTO subscriptions (user_id, thread_id, created_at) "
                      "SELECT author_id, thread_id, MIN(created_at) FROM posts GROUP BY author_id, thread_id"),
    ("notifications", "INSERT INTO notifications (user_id, actor_id, kind, text, url, thread_id, post_id, "
                      "created_at, read_at) SELECT t.author_id, p.author_id, 'answer', "
                      "'Someone answered your question', '/questions/' || t.id || '#post-' || p.id, t.id, p.id, "
                      "p.created_at, CASE WHEN p.id % 7 = 0 THEN NULL ELSE p.created_at END "
                      "FROM posts p JOIN threads t ON t.id = p.thread_id "
                      "WHERE p.position > 0 AND p.author_id <> t.author_id"),
    ("reputation_events", "INSERT INTO reputation_events (user_id, delta, reason, post_id, created_at) "
                          "SELECT p.author_id, CASE WHEN v.value < 0 THEN -2 WHEN p.position = 0 THEN 5 ELSE 10 "
                          "END, CASE WHEN v.value < 0 THEN 'downvote' ELSE 'upvote' END, p.id, v.created_at "
                          "FROM votes v JOIN posts p ON p.id = v.post_id"),
    ("users", "UPDATE users SET reputation = 1 + COALESCE((SELECT SUM(delta) FROM reputation_events r "
              "WHERE r.user_id = users.id), 0)"),
]


def _drop_indexes(connection: Any, dialect: str, tables: list[str]) -> list[str]:
    """Secondary indexes make a bulk insert several times slower: drop them, return their DDL to recreate."""
    cursor = connection.cursor()
    if dialect == "postgresql":
        cursor.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
                       "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                       "WHERE c.conname = i.indexname)", (tables,))
    else:
        marks = ",".join("?" * len(tables))
        cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                       f"AND tbl_name IN ({marks})", tables)
    found = cursor.fetchall()
    for name, _ in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [ddl for _, ddl in found]


def _reset_sequences(connection: Any) -> None:
    """COPY with explicit ids leaves PostgreSQL's sequences at 1: move each past its table's largest id."""
    cursor = connection.cursor()
    cursor.execute("SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
                   "AND column_name = 'id' AND column_default LIKE 'nextval%%'")
    for (table,) in cursor.fetchall():
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")


def load(url: str, posts: int, *, plan: Plan | None = None, progress: Callable[[str], None] = print,
         schema: str = "migrations") -> Manifest:
    """Migrate an empty database at `url` to head (or create the models' tables) and fill it."""
    import flask_migrate

    from config import Config
    from forum import create_app
    from forum.auth.passwords import hash_password
    from forum.extensions import db

    started = time.perf_counter()
    config = Config()
    config.SQLALCHEMY_DATABASE_URI = url
    config.SECRET_KEY = "bench"
    config.SEARCH_INDEX_DIR = os.path.join(tempfile.gettempdir(), "forum-bench-unused-index")  # nothing indexes
    app = create_app(config)
    plan = plan or Plan(posts)
    with app.app_context():
        if schema == "models":
            db.create_all()
            flask_migrate.stamp()
            progress(f"  schema created from the models (--schema models) in {time.perf_counter() - started:.1f} s")
        else:
            flask_migrate.upgrade()
            progress(f"  schema migrated to {_alembic_head()} in {time.perf_counter() - started:.1f} s")
        generator = Generator(plan, datetime.utcnow())
        password_hash = hash_password(PASSWORD)
        engine = db.engine
        dialect = engine.dialect.name
        raw = engine.raw_connection()
        try:
            counts = _fill(raw, dialect, db.metadata, generator, password_hash, progress)
        finally:
            raw.close()
        done = _post_load_commands(app, progress)
        db.session.remove()
        engine.dispose()  # no connection may stay open: PostgreSQL copies the database as a template
    manifest = Manifest(key="", size="", posts=counts.get("posts", 0), counts=counts, thread_id=generator.thread_id,
                        idea_id=plan.ideas // 2, member=_busiest_member(url), staff=generator.username(
                            generator.staff_ids[0]), build_seconds=round(time.perf_counter() - started, 1),
                        built_at=datetime.utcnow().isoformat(timespec="seconds"), commands_done=done)
    return manifest


POST_LOAD_COMMANDS = [["forum", "refresh-stats"]]  # run when the app has them: derived state kept by commands


def _post_load_commands(app: Any, progress: Callable[[str], None], skip: Iterable[str] = ()) -> list[str]:
    """Run the app's commands that derive state from the loaded rows; a failure is reported, not fatal
    (the tree may be mid-change), and the next run retries it on the cached dataset."""
    from forum.cli import forum_cli
    done = list(skip)
    for args in POST_LOAD_COMMANDS:
        name = " ".join(args)
        if args[1] not in forum_cli.commands or name in done:
            continue
        started = time.perf_counter()
        outcome = app.test_cli_runner().invoke(args=args)
        if outcome.exit_code:
            progress(f"  WARNING: flask {name} failed ({outcome.output.strip()[-200:]}{outcome.exception!r}); "
                     f"retried next run")
            continue
        done.append(name)
        progress(f"  flask {name} in {time.perf_counter() - started:.1f} s: {outcome.output.strip()[:200]}")
    return done


def complete_commands(url: str, manifest: Manifest, progress: Callable[[str], None] = print) -> bool:
    """Run the post-load commands a cached dataset still lacks (one failed, or the app gained one)."""
    from forum.cli import forum_cli
    wanted = [" ".join(args) for args in POST_LOAD_COMMANDS if args[1] in forum_cli.commands]
    if all(name in manifest.commands_done for name in wanted):
        return False
    from config import Config
    from forum import create_app
    from forum.extensions import db
    config = Config()
    config.SQLALCHEMY_DATABASE_URI, config.SECRET_KEY = url, "bench"
    config.SEARCH_INDEX_DIR = os.path.join(tempfile.gettempdir(), "forum-bench-unused-index")
    app = create_app(config)
    with app.app_context():
        manifest.commands_done = _post_load_commands(app, progress, manifest.commands_done)
        db.session.remove()
        db.engine.dispose()
    return True


def _fill(raw: Any, dialect: str, metadata: sa.MetaData, generator: Generator, password_hash: str,
          progress: Callable[[str], None]) -> dict[str, int]:
    cursor = raw.cursor()
    if dialect == "sqlite":
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -400000", "temp_store = MEMORY",
                       "foreign_keys = OFF"):
            cursor.execute(f"PRAGMA {pragma}")
    else:
        cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading
    tables = [table.name for table in metadata.sorted_tables]
    indexes = _drop_indexes(raw, dialect, tables)
    sink = Sink(raw, metadata, dialect)
    step = time.perf_counter()
    for table, rows in (("users", generator.users(password_hash)), ("categories", generator.categories()),
                        ("tags", generator.tags())):
        for row in rows:
            sink.add(table, row)
    sink.flush()
    generator.threads(sink)
    generator.escalations(sink)
    generator.flags_and_audit(sink)
    generator.ideas(sink)
    sink.flush()
    raw.commit()
    progress(f"  {sink.counts.get('posts', 0):,} posts, {sink.counts.get('votes', 0):,} votes, "
             f"{sink.counts.get('ideas', 0):,} ideas inserted in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    counts = dict(sink.counts)
    for table, sql in DERIVED:
        cursor.execute(sql)
        if table != "users":
            counts[table] = cursor.rowcount
    raw.commit()
    progress(f"  revisions, subscriptions, notifications and reputation derived in {time.perf_counter() - step:.1f} s")
    step = time.perf_counter()
    for ddl in indexes:
        cursor.execute(ddl)
    if dialect == "postgresql":
        _reset_sequences(raw)
        cursor.execute("SET session_replication_role = DEFAULT")
    raw.commit()
    if dialect == "postgresql":
        driver = raw.driver_connection  # VACUUM (which also fills the visibility map) refuses a transaction
        driver.autocommit = True
        driver.execute("VACUUM ANALYZE")
        driver.autocommit = False
    else:
        cursor.execute("ANALYZE")
        raw.commit()
    progress(f"  {len(indexes)} indexes built and statistics gathered in {time.perf_counter() - step:.1f} s")
    return counts


def _busiest_member(url: str) -> str:
    """The member with the most unread notifications: the heaviest ordinary member's page."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                "SELECT u.username FROM users u JOIN notifications n ON n.user_id = u.id "
                "WHERE u.role = 'member' AND n.read_at IS NULL GROUP BY u.username ORDER BY COUNT(*) DESC "
                "LIMIT 1")).scalar() or "member1"
    finally:
        engine.dispose()


# ---------------------------------------------------------------- the cache


def sqlite_dataset(size: str, cache_dir: Path = CACHE_DIR, *, rebuild: bool = False,
                   progress: Callable[[str], None] = print, schema: str = "migrations") -> tuple[Path, Manifest]:
    """The cached SQLite file of `size` ("10k", "100k", "1m" or a number), built when missing or stale."""
    key = schema_digest(schema, with_indexes=False)
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"forum-{size}-{key}.db"
    meta = path.with_suffix(".json")
    if meta.exists() and path.exists() and not rebuild:
        sync_indexes(path, schema, progress)
        manifest = Manifest.from_json(meta.read_text())
        if complete_commands(f"sqlite:///{path}", manifest, progress):
            meta.write_text(manifest.to_json())
        return path, manifest
    for stale in cache_dir.glob(f"forum-{size}-*"):  # an older schema's files: a schema change rebuilds
        _remove(stale)
    progress(f"building the {size} SQLite dataset ({path.name})")
    manifest = build_sqlite(path, parse_size(size), progress=progress, schema=schema)
    manifest.key, manifest.size = key, size
    meta.write_text(manifest.to_json())
    progress(f"  built in {manifest.build_seconds:.0f} s, {path.stat().st_size / 1e6:,.0f} MB")
    return path, manifest


def build_sqlite(path: str | Path, posts: int, *, plan: Plan | None = None,
                 progress: Callable[[str], None] = print, schema: str = "migrations") -> Manifest:
    """A fresh SQLite file at `path` with a dataset of about `posts` posts (tests use a few hundred)."""
    path = Path(path)
    for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        leftover.unlink(missing_ok=True)
    return load(f"sqlite:///{path}", posts, plan=plan, progress=progress, schema=schema)


def postgres_dataset(server_url: str, size: str, *, rebuild: bool = False,
                     progress: Callable[[str], None] = print, schema: str = "migrations") -> tuple[str, Manifest]:
    """The database forum_bench_<size> on the server at `server_url`, built when missing or stale.

    Its manifest lives in a one-row table `bench_manifest`, so a schema change is noticed and rebuilds it."""
    key = schema_digest(schema)
    name = f"forum_bench_{size}"
    url = database_url(server_url, name)
    existing = _pg_manifest(url)
    if existing and existing.key == key and not rebuild:
        if complete_commands(url, existing, progress):
            _save_pg_manifest(url, existing, replace=True)
        return url, existing
    progress(f"building the {size} PostgreSQL dataset (database {name})")
    recreate_database(server_url, name)
    manifest = load(url, parse_size(size), progress=progress, schema=schema)
    manifest.key, manifest.size = key, size
    _save_pg_manifest(url, manifest)
    progress(f"  built in {manifest.build_seconds:.0f} s")
    return url, manifest


def _save_pg_manifest(url: str, manifest: Manifest, replace: bool = False) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            if replace:
                conn.execute(sa.text("DELETE FROM bench_manifest"))
            else:
                conn.execute(sa.text("CREATE TABLE bench_manifest (manifest TEXT NOT NULL)"))
            conn.execute(sa.text("INSERT INTO bench_manifest VALUES (:m)"), {"m": manifest.to_json()})
    finally:
        engine.dispose()


def database_url(server_url: str, name: str) -> str:
    return sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def recreate_database(server_url: str, name: str, template: str | None = None) -> None:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    finally:
        admin.dispose()


def drop_database(server_url: str, name: str) -> None:
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


def _pg_manifest(url: str) -> Manifest | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return Manifest.from_json(conn.execute(sa.text("SELECT manifest FROM bench_manifest")).scalar_one())
    except Exception:  # no such database or table yet: build it
        return None
    finally:
        engine.dispose()


def _remove(path: Path) -> None:
    if path.is_dir():
        import shutil
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


if __name__ == "__main__":  # python -m bench.dataset 10k [migrations|models]: build (or find) one cached dataset
    import sys
    found, info = sqlite_dataset(sys.argv[1] if len(sys.argv) > 1 else "10k",
                                 schema=sys.argv[2] if len(sys.argv) > 2 else "migrations")
    print(found, info.counts)

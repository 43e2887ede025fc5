"""Daily rollups: what one UTC day contributes to every dashboard figure, read from the source tables in one
statement (source.py), folded in Python, stored by `refresh()` (the `flask forum refresh-stats` command).

Why samples, not histogram buckets: the page promises percentile_cont's exact value (the median of 1,800 and
7,200 s is 4,500 s, not a bucket edge), identical on SQLite and PostgreSQL. Each day keeps the sorted whole
seconds of its questions' first and accepted answers, escalations' first staff replies and flags' handling:
one number per answered question, so a 90-day period at 100k questions a year reads about 25k integers
(a few milliseconds to parse and merge), bounded by the period's length and the community's daily volume,
never by its history. Percentiles are then computed in Python with percentile_cont's interpolation, so both
backends give the same number by construction.

Everything else is a count that adds across days and categories. The SLA's "decided" depends on the clock
(an unanswered escalation is decided once its due time passes), so a day keeps the due times of its
escalations not met within SLA and the reader counts those already past.
"""
from __future__ import annotations

import base64
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from forum.clock import utcnow
from forum.dashboard.period import PRESETS
from forum.dashboard.source import NO_CATEGORY, Range, answerer_branch, day_branches, idea_vote_branch, merge, run
from forum.extensions import db
from forum.models import (AuditEntry, DashboardAnswererDay, DashboardAnswererWindow, DashboardDay, DashboardDirtyDay,
                          DashboardIdeaDay, Escalation, Flag, Idea, IdeaStatusChange, IdeaVote, Post, Thread)

CHUNK_DAYS = 31
EPOCH = datetime(1970, 1, 1)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def micros(moment: datetime) -> int:
    """Epoch microseconds: due times compared with `now` to the microsecond, like the SQL `due_at <= now`."""
    delta = moment - EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass
class DayFigures:
    """One (day, category) cell, or the sum of several: counts add, samples concatenate."""

    asked: int = 0
    answered: int = 0
    solved: int = 0
    first_known: int = 0
    first_staff: int = 0
    first_seconds: list[int] = field(default_factory=list)
    accepted_staff: int = 0
    accepted_seconds: list[int] = field(default_factory=list)
    escalations_opened: int = 0
    escalations_met: int = 0
    escalation_unmet_due: list[int] = field(default_factory=list)
    escalation_reply_seconds: list[int] = field(default_factory=list)
    escalations_resolved: int = 0
    flags_raised: int = 0
    flag_handling_seconds: list[int] = field(default_factory=list)
    posts_hidden: int = 0
    ideas_submitted: int = 0
    idea_votes: int = 0
    idea_status_changes: int = 0

    def add(self, other: DayFigures) -> DayFigures:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in _LISTS:
            getattr(self, name).extend(getattr(other, name))
        return self

    def add_row(self, row: Any) -> DayFigures:
        """Add a stored row (its samples still encoded) without building another cell."""
        mine = self.__dict__  # about 20 fields per day: plain dict access
        for name in _COUNTS:
            mine[name] += getattr(row, name)
        for name in _LISTS:
            text = getattr(row, name)
            if text:
                mine[name].extend(decode(text))
        return self

    def columns(self) -> dict[str, Any]:
        return {f.name: encode(value) if isinstance(value := getattr(self, f.name), list) else value
                for f in fields(self)}


def encode(values: list[int]) -> str:
    """Sorted samples as base64 of little-endian int64: decoding 30k of them takes a millisecond in C, where
    parsing comma-separated text took 20 (the largest cost of a 90-day view at a million posts)."""
    packed = array("q", sorted(values))
    if sys.byteorder == "big":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def decode(text: str) -> array:
    packed = array("q", base64.b64decode(text))
    if sys.byteorder == "big":
        packed.byteswap()
    return packed


_LISTS = tuple(f.name for f in fields(DayFigures) if f.default_factory is list)
_COUNTS = tuple(f.name for f in fields(DayFigures) if f.name not in _LISTS)


# -- folding the rows -------------------------------------------------------------------------------

@dataclass
class Folded:
    days: dict[tuple[str, int], DayFigures] = field(default_factory=lambda: defaultdict(DayFigures))
    answerers: dict[tuple[str, int, int, bool], list[int]] = field(default_factory=dict)
    idea_votes: dict[tuple[str, int], int] = field(default_factory=dict)
    breached: dict[int, int] = field(default_factory=dict)
    backlog: dict[tuple[str, int], int] = field(default_factory=dict)


def fold(rows: Iterable[Any]) -> Folded:
    out = Folded()
    for row in rows:
        kind, tag, cat = row.kind, row.tag, row.cat
        if kind == "an":
            out.answerers[(tag, cat, row.x, bool(row.y))] = [row.z, row.w]
        elif kind == "vi":
            out.idea_votes[(tag, row.x)] = row.y
        elif kind == "br":
            out.breached[cat] = out.breached.get(cat, 0) + row.x
        elif kind == "bk":
            out.backlog[(tag, cat)] = row.x
        else:  # a per-day figure of one (tag, category) cell
            cell = out.days[(tag, cat)]
            if kind == "q":
                cell.asked += row.x
                cell.answered += row.y
                cell.solved += row.z
            elif kind == "fa":
                cell.first_seconds.append(row.x)
                cell.first_known += row.y is not None
                cell.first_staff += row.y or 0
            elif kind == "aa":
                cell.accepted_seconds.append(row.x)
                cell.accepted_staff += row.y or 0
            elif kind == "eo":
                cell.escalations_opened += 1
                cell.escalations_met += row.x
                if not row.x:
                    cell.escalation_unmet_due.append(micros(row.at))
                if row.y is not None:
                    cell.escalation_reply_seconds.append(row.y)
            elif kind == "er":
                cell.escalations_resolved += row.x
            elif kind == "fl":
                cell.flags_raised += 1
                if row.x is not None:
                    cell.flag_handling_seconds.append(row.x)
            elif kind in ("hd", "is", "iv", "ic"):
                name = {"hd": "posts_hidden", "is": "ideas_submitted", "iv": "idea_votes",
                        "ic": "idea_status_changes"}[kind]
                setattr(cell, name, getattr(cell, name) + row.x)
    return out


# -- storing ---------------------------------------------------------------------------------------

def _day_ranges(days: Iterable[date]) -> list[Range]:
    return merge((day_start(day), day_start(day) + timedelta(days=1)) for day in days)


def _store(days: list[date], folded: Folded, now: datetime) -> None:
    """Replace the days' rows. Every day gets its category-0 row, its total over all categories (what an
    unfiltered view reads: one row a day) and the mark that it is rolled up."""
    for model in (DashboardDay, DashboardAnswererDay, DashboardIdeaDay):
        db.session.execute(sa.delete(model).where(model.day.in_(days)))
    wanted = {day.isoformat() for day in days}
    cells = {(day, NO_CATEGORY): DayFigures() for day in wanted}  # the day's total over every category
    for (day, cat), cell in folded.days.items():
        if day in wanted:
            cells[(day, NO_CATEGORY)].add(cell)
            if cat != NO_CATEGORY:
                cells[(day, cat)] = cell
    db.session.execute(sa.insert(DashboardDay), [
        {"day": date.fromisoformat(day), "category_id": cat, "computed_at": now, **cell.columns()}
        for (day, cat), cell in cells.items() if day in wanted])
    if folded.answerers:
        db.session.execute(sa.insert(DashboardAnswererDay), [
            {"day": date.fromisoformat(day), "category_id": cat, "author_id": author, "is_staff": staff,
             "answers": n, "accepted": accepted}
            for (day, cat, author, staff), (n, accepted) in folded.answerers.items()])
    if folded.idea_votes:
        db.session.execute(sa.insert(DashboardIdeaDay), [
            {"day": date.fromisoformat(day), "idea_id": idea, "votes": n}
            for (day, idea), n in folded.idea_votes.items()])


def store_windows(today: date) -> None:
    """Per-author totals over each preset period's complete days (all but today), by category and overall,
    summed from the stored days in the same transaction, so they always agree with them."""
    A, W = DashboardAnswererDay, DashboardAnswererWindow
    db.session.execute(sa.delete(W))
    names = ["days", "category_id", "author_id", "is_staff", "last_day", "answers", "accepted"]
    for days in PRESETS:
        first, last = today - timedelta(days=days - 1), today - timedelta(days=1)
        for category in (A.category_id, None):
            keys = [A.author_id, A.is_staff] + ([category] if category is not None else [])
            totals = (sa.select(sa.literal(days), category if category is not None else sa.literal(0), A.author_id,
                                A.is_staff, sa.literal(last, sa.Date), sa.func.sum(A.answers), sa.func.sum(A.accepted))
                      .where(A.day.between(first, last)).group_by(*keys))
            db.session.execute(sa.insert(W).from_select(names, totals))


def _serialize() -> None:
    """Two refreshes at once (cron overlapping a manual run) must not interleave their delete-then-insert:
    SQLite's write lock already orders them; PostgreSQL takes a transaction-scoped advisory lock."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(210005)"))


def refresh(days: Iterable[date], today: date | None = None) -> int:
    """Recompute and store these days (in chunks of a month, one transaction each), then the preset
    windows. Returns days stored."""
    todo, stored = sorted(set(days)), 0
    for start in range(0, len(todo), CHUNK_DAYS):
        chunk = todo[start:start + CHUNK_DAYS]
        _serialize()
        ranges = _day_ranges(chunk)
        folded = fold(run([*day_branches(ranges), answerer_branch(ranges), idea_vote_branch(ranges)]))
        _store(chunk, folded, utcnow())
        if start + CHUNK_DAYS >= len(todo):
            store_windows(today or utcnow().date())
        db.session.commit()
        stored += len(chunk)
    return stored


def _first_day() -> date | None:
    """The earliest day any source table has a row for (each an indexed min())."""
    found = [db.session.scalar(sa.select(sa.func.min(column))) for column in (
        Thread.created_at, Post.created_at, Escalation.created_at, Flag.created_at, AuditEntry.created_at,
        Idea.created_at, IdeaVote.created_at, IdeaStatusChange.created_at)]
    moments = [moment for moment in found if moment is not None]
    return min(moments).date() if moments else None


def refresh_stats(*, everything: bool = False, today: date | None = None) -> dict[str, int]:
    """What cron runs every few minutes: the days marked dirty, today and yesterday, and every day not rolled
    up yet (all of history on the first run, or with `everything`). Markers are deleted by id, only those this
    run saw, so a write that commits meanwhile keeps its marker for the next run."""
    today = today or utcnow().date()
    seen = list(db.session.execute(sa.select(DashboardDirtyDay.id, DashboardDirtyDay.day)))
    days = {day for _, day in seen if day <= today} | {today, today - timedelta(days=1)}
    covered = db.session.scalar(sa.select(sa.func.max(DashboardDay.day)).where(
        DashboardDay.category_id == NO_CATEGORY))
    start = None if everything or covered is None else covered + timedelta(days=1)
    start = start or _first_day()
    if start is not None:
        days |= {start + timedelta(days=n) for n in range((today - start).days + 1)}
    stored = refresh(days, today)
    ids = [marker_id for marker_id, _ in seen]
    for chunk in range(0, len(ids), 500):
        db.session.execute(sa.delete(DashboardDirtyDay).where(DashboardDirtyDay.id.in_(ids[chunk:chunk + 500])))
    db.session.commit()
    return {"days": stored, "markers": len(ids)}

"""The dashboard's period and filters, read from a query string: presets, custom dates, one category."""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import format_date, format_number, get_timezone

from forum.clock import utcnow
from forum.extensions import db
from forum.i18n import _
from forum.models import Category
from forum.validation import FieldErrors

PRESETS = (7, 30, 90)
DEFAULT_DAYS = 30
MAX_DAYS = 366
EARLIEST = date(2000, 1, 1)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Period:
    """[since, until) in naive UTC, and the period of equal length just before it."""

    since: datetime
    until: datetime
    days: int | None = None          # set for a preset ("last 30 days"), None for custom dates
    category: Category | None = None

    @property
    def length(self) -> timedelta:
        return self.until - self.since

    @property
    def previous(self) -> Period:
        return Period(self.since - self.length, self.since, self.days, self.category)

    @property
    def first_day(self) -> date:
        return self.since.date()

    @property
    def last_day(self) -> date:
        return (self.until - timedelta(microseconds=1)).date()

    def day_list(self) -> list[str]:
        count = (self.last_day - self.first_day).days + 1
        return [(self.first_day + timedelta(days=n)).isoformat() for n in range(count)]

    @property
    def label(self) -> str:
        if self.days:
            return f"Last {self.days} days"
        return f"{self.first_day:%d %b %Y} – {self.last_day:%d %b %Y}"

    def query_args(self, **extra: Any) -> dict[str, Any]:
        """The query string that reproduces this period (links, CSV downloads)."""
        args: dict[str, Any] = {"days": self.days} if self.days else {
            "since": self.first_day.isoformat(), "until": self.last_day.isoformat()}
        if self.category is not None:
            args["category"] = self.category.slug
        return {**args, **extra}


def local_today(now: datetime) -> date:
    """The reader's date now: their time zone's (a staff member's choice in settings; else UTC)."""
    return now.replace(tzinfo=UTC).astimezone(get_timezone()).date()


def parse_period(args: Mapping[str, Any], now: datetime | None = None) -> Period:
    """Dates win over `days` when given. Anything that makes no sense is an Invalid naming the field.

    Which dates a period covers follows the reader's time zone: "the last 7 days" ends on their today, and a
    custom date is a date of their calendar. Each date is then counted as the UTC day of that date, because the
    figures are rolled up per UTC day (rollups.py): for a reader in Amsterdam a "day" runs 01:00-01:00 in
    winter. West of UTC, in the hours when UTC has already begun tomorrow, the period ends at UTC midnight, so
    those hours show from the reader's next day on; east of UTC the period simply ends now."""
    now = now or utcnow()
    errors = FieldErrors()
    category = _category(errors, args.get("category"))
    raw_since, raw_until = _text(args.get("since")), _text(args.get("until"))
    today = min(local_today(now), now.date())  # a UTC day after now's holds nothing yet
    if raw_since or raw_until:
        period = _custom(errors, raw_since, raw_until, now, category)
    else:
        days = _days(errors, args.get("days"))
        until = now if today == now.date() else datetime.combine(today + timedelta(days=1), time.min)
        period = Period(datetime.combine(today, time.min) - timedelta(days=days - 1), until, days, category)
    errors.check()
    return period


def _text(raw: Any) -> str:
    return (str(raw) if raw is not None else "").strip()


def _days(errors: FieldErrors, raw: Any) -> int:
    raw = _text(raw)
    if not raw:
        return DEFAULT_DAYS
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        errors.add("days", _("Days must be a whole number from 1 to %(max)d, such as 7, 30 or 90.", max=MAX_DAYS))
        return DEFAULT_DAYS
    return int(raw)


def _date(errors: FieldErrors, field: str, raw: str) -> date | None:
    try:
        if not _DATE.match(raw):
            raise ValueError
        return datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        errors.add(field, _("Use a real date written as YYYY-MM-DD, such as 2026-01-31."))
        return None


def _custom(errors: FieldErrors, raw_since: str, raw_until: str, now: datetime,
            category: Category | None) -> Period:
    """Both ends inclusive; the period ends now when it runs to today."""
    if not raw_since:
        errors.add("since", _("Give a start date as well as an end date."))
    start = _date(errors, "since", raw_since) if raw_since else None
    end = _date(errors, "until", raw_until) if raw_until else min(local_today(now), now.date())
    if start is not None and start < EARLIEST:
        errors.add("since", _("Pick a start date from %(date)s onwards.",
                                 date=format_date(EARLIEST, "dd MMMM yyyy")))
    if end is not None and end > max(local_today(now), now.date()):
        errors.add("until", _("The end date is in the future; pick today or an earlier day."))
    if start is not None and end is not None and "since" not in errors.errors and "until" not in errors.errors:
        if start > end:
            errors.add("until", _("The end date is before the start date."))
        elif (end - start).days + 1 > MAX_DAYS:
            errors.add("since", _("A period can cover at most %(max)d days; this one covers %(days)s.",
                                  max=MAX_DAYS, days=format_number((end - start).days + 1)))
    if errors.errors or start is None or end is None:  # a missing date has added its error above
        return Period(now, now)
    since = datetime.combine(start, time.min)
    return Period(since, min(datetime.combine(end + timedelta(days=1), time.min), now), None, category)


def _category(errors: FieldErrors, raw: Any) -> Category | None:
    slug = _text(raw)
    if not slug:
        return None
    category = db.session.scalar(sa.select(Category).where(Category.slug == slug))
    if category is None:
        errors.add("category", _("There is no category “%(slug)s”.", slug=slug[:60]))
    return category

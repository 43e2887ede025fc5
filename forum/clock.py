"""The one clock: naive UTC datetimes everywhere (SQLite keeps no zone), replaceable in tests."""
from __future__ import annotations

from datetime import UTC, datetime

_frozen: datetime | None = None


def utcnow() -> datetime:
    return _frozen if _frozen is not None else datetime.now(UTC).replace(tzinfo=None)


def freeze(moment: datetime | None) -> None:
    """Pin the clock (tests with SLAs and ages); None lets it run again."""
    global _frozen
    _frozen = moment


def isoformat(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a Z, the API's time format."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"

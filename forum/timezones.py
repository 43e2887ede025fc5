"""Time zones a member may choose: the IANA names both zoneinfo (the standard library) and pytz (which
Flask-Babel converts with) know, the common ones first, the rest grouped by region for the settings page."""
from __future__ import annotations

import functools
import zoneinfo

import pytz

UTC = "UTC"
_ALIASES = ("Etc/", "SystemV/", "US/", "Brazil/", "Canada/", "Chile/", "Mexico/")
# What most members of a Dutch/English community pick: offered above the long list so nobody scrolls for them.
COMMON = ("UTC", "Europe/Amsterdam", "Europe/Brussels", "Europe/London", "Europe/Dublin", "Europe/Berlin",
          "Europe/Paris", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
          "America/Sao_Paulo", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
          "Pacific/Auckland", "America/Paramaribo", "America/Curacao")


@functools.cache
def available() -> frozenset[str]:
    """Region/City names only: "posixrules", "Factory" and the old aliases ("US/Eastern", "EST5EDT") are left out
    because nobody recognises their own zone in them."""
    known = zoneinfo.available_timezones() & pytz.all_timezones_set
    return frozenset(name for name in known if "/" in name and not name.startswith(_ALIASES))\
        | {UTC}


def is_valid(name: object) -> bool:
    return isinstance(name, str) and name in available()


@functools.cache
def grouped() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(region, names) pairs for <optgroup>s, after the common zones: ("Europe", ("Europe/Amsterdam", ...))."""
    regions: dict[str, list[str]] = {}
    for name in sorted(available() - {UTC}):
        regions.setdefault(name.split("/", 1)[0], []).append(name)
    return tuple((region, tuple(names)) for region, names in sorted(regions.items()))


def common() -> tuple[str, ...]:
    return tuple(name for name in COMMON if name in available())

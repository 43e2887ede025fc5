"""The CLDR data a worker keeps in memory.

Babel loads every field of a language at its first formatted number or date (unit, currency, territory and zone
names: about 1.5 MB a language) and, to find the language's parent, its global tables (2 MB, mostly likely
subtags). The forum formats numbers, dates and language names only, so once the shipped languages are loaded the
fields nothing reads are dropped: a worker serving every page holds about 5 MB less. A field read after all is
loaded again from Babel's own files at that moment, and logged, so a rarer path costs one file read, never an error.
"""
from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel import core, localedata

log = logging.getLogger(__name__)

# What formatting numbers, dates and times with patterns, and naming languages, read from a language's data.
KEPT_FIELDS = frozenset({
    "number_symbols", "decimal_formats", "percent_formats", "scientific_formats", "default_numbering_system",
    "numbering_systems", "months", "days", "quarters", "eras", "day_periods", "date_formats", "time_formats",
    "datetime_formats", "datetime_skeletons", "languages", "scripts", "territories", "variants",
    "locale_display_pattern", "locale_separator", "locale_key_type_pattern", "plural_form", "ordinal_form",
    "week_data", "zone_formats", "character_order", "measurement_systems",
})
# What Locale.parse and finding a language's parent read from the global tables (likely subtags are read only for
# an identifier Babel does not ship directly, such as "pt_MZ": never one of the forum's languages).
KEPT_GLOBALS = frozenset({
    "language_aliases", "territory_aliases", "script_aliases", "variant_aliases", "parent_exceptions",
    "zone_aliases", "cldr",
})

_lock = threading.Lock()


class _Fields(dict):
    """A language's kept fields; a dropped one is read back from Babel's files on first use."""

    def __init__(self, name: str, data: dict[Any, Any]) -> None:
        super().__init__((key, value) for key, value in data.items() if key in KEPT_FIELDS)
        self.name = name

    def __missing__(self, key: Any) -> Any:
        full = _read_merged(self.name)
        if key not in full:
            raise KeyError(key)
        log.info("CLDR field %r of %r read again: add it to forum/cldr.py's KEPT_FIELDS", key, self.name)
        self[key] = full[key]
        return full[key]


class _Tables(dict):
    """The kept global tables; Babel reads them with .get(key, {}), so a dropped one is read back there."""

    def get(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            with open(Path(core.__file__).with_name("global.dat"), "rb") as handle:
                tables = pickle.load(handle)
            if key in tables:
                log.info("CLDR table %r read again: add it to forum/cldr.py's KEPT_GLOBALS", key)
                self[key] = tables[key]
        return super().get(key, default)


def _parent(name: str) -> str | None:
    if name == "root":
        return None
    parent = core.get_global("parent_exceptions").get(name)
    parts = name.split("_")
    return parent or ("root" if len(parts) == 1 else "_".join(parts[:-1]))


def _read_merged(name: str) -> dict[Any, Any]:
    """The language's whole data, merged over its parents' as babel.localedata.load merges it."""
    chain = []
    current: str | None = name
    while current:
        chain.append(current)
        current = _parent(current)
    data: dict[Any, Any] = {}
    for each in reversed(chain):
        with open(localedata.resolve_locale_filename(each), "rb") as handle:
            localedata.merge(data, pickle.load(handle))
    return data


def keep_only_used(languages: Iterable[str]) -> None:
    """Load each language once and drop what the forum never reads, in every language Babel has loaded so far."""
    with _lock:
        for language in languages:
            if localedata.exists(language):
                localedata.load(language)
        for name, data in list(localedata._cache.items()):
            if not isinstance(data, _Fields):
                localedata._cache[name] = _Fields(name, data)
        tables = core._global_data
        if tables is not None and not isinstance(tables, _Tables):
            core._global_data = _Tables((key, value) for key, value in tables.items() if key in KEPT_GLOBALS)

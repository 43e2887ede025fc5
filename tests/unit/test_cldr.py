"""The CLDR data a worker keeps: what the forum formats still formats, and a dropped field comes back on use."""
from __future__ import annotations

import logging
from datetime import datetime

from babel import Locale, core, dates, localedata, numbers

from forum import cldr


def test_the_shipped_languages_keep_only_what_the_forum_reads():
    cldr.keep_only_used(["en", "nl"])
    for name in ("root", "en", "nl"):
        kept = localedata._cache[name]
        assert isinstance(kept, cldr._Fields)
        assert "unit_patterns" not in kept and "territory_currencies" not in kept
    assert isinstance(core._global_data, cldr._Tables)
    assert "likely_subtags" not in core._global_data and "territory_languages" not in core._global_data


def test_numbers_dates_and_language_names_format_from_the_kept_fields(caplog):
    cldr.keep_only_used(["en", "nl"])
    moment = datetime(2026, 3, 29, 14, 5)
    with caplog.at_level(logging.INFO, logger="forum.cldr"):
        assert numbers.format_decimal(1234.5, "#,##0.0", locale="nl") == "1.234,5"
        assert numbers.format_decimal(1234567, locale="en") == "1,234,567"
        assert dates.format_datetime(moment, "d MMM y, HH:mm", locale="nl") == "29 mrt 2026, 14:05"
        assert dates.format_date(moment.date(), "dd MMMM yyyy", locale="en") == "29 March 2026"
        assert dates.format_datetime(moment, "h:mm a", locale="en") == "2:05 PM"
        assert Locale.parse("nl").get_display_name("nl") == "Nederlands"
        assert Locale.parse("en").get_display_name("nl") == "Engels"
    assert not [record for record in caplog.records if record.name == "forum.cldr"]


def test_a_dropped_field_is_read_again_from_babels_files(caplog):
    cldr.keep_only_used(["en"])
    with caplog.at_level(logging.INFO, logger="forum.cldr"):
        assert numbers.format_currency(3.5, "EUR", locale="en") == "€3.50"
        assert Locale.parse("en").currencies["EUR"] == "Euro"
    assert any("currency" in record.getMessage() for record in caplog.records)

"""How each content language is stemmed, in each backend (issue 20).

A question or idea is analysed in the language it is written in, so a Dutch search for "storing" finds
"storingen" and an English one for "crash" finds "crashes". A query is stemmed in every language the site
offers and matches a document through its own language's stems only.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_app_context
from whoosh.analysis import Analyzer, LanguageAnalyzer, StemmingAnalyzer

DEFAULT = "en"
# language code -> PostgreSQL text search configuration; Whoosh has an analyzer for each of these too
POSTGRES_CONFIGS = {"en": "english", "nl": "dutch", "de": "german", "fr": "french", "es": "spanish"}


def stemmed(code: str | None) -> str:
    """The language a document is analysed in: its own when search can stem it, else English."""
    return code if code in POSTGRES_CONFIGS else DEFAULT


def offered() -> tuple[str, ...]:
    """The site's languages that search can stem, English always among them (content written before issue 20)."""
    configured: Iterable[str] = current_app.config.get("LANGUAGES") or () if has_app_context() else ()
    return tuple(dict.fromkeys([DEFAULT, *(stemmed(code) for code in configured)]))


def whoosh_analyzer(code: str) -> Analyzer:
    """English keeps the analyzer the index was built with, so English documents need no reindex."""
    return StemmingAnalyzer() if code == DEFAULT else LanguageAnalyzer(code)


def whoosh_field(field: str, code: str) -> str:
    """`content` and `title` hold English; `content_nl`, `title_nl`… the other languages."""
    return field if code == DEFAULT else f"{field}_{code}"


def postgres_config_sql(column: str) -> str:
    """A SQL expression naming the text search configuration for a language-code column."""
    cases = " ".join(f"WHEN '{code}' THEN '{config}'" for code, config in POSTGRES_CONFIGS.items())
    return f"(CASE {column} {cases} ELSE 'english' END)::regconfig"

"""The texts static/js shows, in the page's language: base.html embeds them as JSON for forum.js's `_()`.

The scripts mark their texts with `_("...")` and `ngettext(singular, plural, n)` in English, which `make
translations` extracts (babel.cfg's javascript section) into the same catalogue as the templates. Here the same
extractor lists those messages once per process, and each page gets the ones its language translates: nothing
for English, where the English in the scripts is the text. No second catalogue, no request for it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract_from_file
from flask import current_app
from flask_babel import get_translations

Message = str | tuple[str, str]


@lru_cache(maxsize=4)
def script_messages(folder: str) -> tuple[Message, ...]:
    """Every message marked in folder's *.js, in file order: a msgid, or (singular, plural)."""
    found: dict[Message, None] = {}
    for path in sorted(Path(folder).glob("*.js")):
        for _line, message, _comments, _context in extract_from_file("javascript", path):
            found[message if isinstance(message, str) else (message[0], message[1])] = None
    return tuple(found)


def js_strings() -> dict[str, str | list[str]]:
    """{msgid: translation} and {singular: [one, other]} for the page's language, translated entries only."""
    translations = get_translations()
    if getattr(translations, "_catalog", None) == {}:  # English: an empty catalogue, the scripts' own text
        return {}
    folder = str(Path(current_app.static_folder or "static") / "js")
    strings: dict[str, str | list[str]] = {}
    for message in script_messages(folder):
        if isinstance(message, str):
            text = translations.gettext(message)
            if text != message:
                strings[message] = text
        else:
            singular, plural = message
            forms = [translations.ngettext(singular, plural, 1), translations.ngettext(singular, plural, 2)]
            if forms != [singular, plural]:
                strings[singular] = forms
    return strings

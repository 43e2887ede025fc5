"""Issue 20: the scripts' texts reach the page in its language (forum/js_strings.py, forum.js's _())."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask

from forum import js_strings as module

JS = Path(__file__).resolve().parents[2] / "static" / "js"


class _Upper:
    """A stand-in catalogue that "translates" into capitals, so the test needs no compiled language."""

    def gettext(self, message: str) -> str:
        return message.upper()

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return (singular if n == 1 else plural).upper()


def test_the_scripts_marked_texts_are_found_with_their_plurals():
    messages = module.script_messages(str(JS))
    assert "Hide preview" in messages  # forum.js
    assert "You no longer watch this." in messages  # watch.js
    assert ("%(num)s vote", "%(num)s votes") in messages  # ideas.js: a plural keeps both forms
    assert len(messages) == len(set(messages))


def test_no_script_shows_an_unmarked_sentence():
    """A quoted English sentence assigned to textContent/title or announced must go through _() or ngettext()."""
    shown = re.compile(r"""(?:textContent|title|placeholder)\s*=\s*(?:[^;]*\?\s*)?["'][A-Z][a-z]+ [^"']*["']"""
                       r"""|announce\(\s*["'][A-Z]""")
    offenders = [f"{path.name}:{number}" for path in sorted(JS.glob("*.js"))
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if shown.search(line) and "_(" not in line and "ngettext(" not in line]
    assert offenders == []


@pytest.fixture
def static_app() -> Flask:
    return Flask("forum", static_folder=str(JS.parent))


def test_only_translated_texts_are_embedded(static_app, monkeypatch):
    with static_app.app_context():
        monkeypatch.setattr(module, "get_translations", lambda: _Upper())
        strings = module.js_strings()
    assert strings["Hide preview"] == "HIDE PREVIEW"
    assert strings["%(num)s vote"] == ["%(NUM)S VOTE", "%(NUM)S VOTES"]
    json.dumps(strings)  # base.html embeds it with |tojson


def test_english_embeds_nothing(static_app, monkeypatch):
    class _Same(_Upper):
        def gettext(self, message: str) -> str:
            return message

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return singular if n == 1 else plural

    with static_app.app_context():
        monkeypatch.setattr(module, "get_translations", lambda: _Same())
        assert module.js_strings() == {}

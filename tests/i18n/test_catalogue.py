"""Issue 20 (a): every string the code marks is in the catalogue, translated in every shipped language, and
the compiled .mo says what the .po says. Fails after a new _() until `make translations` and a translator ran."""
from __future__ import annotations

import subprocess
import sys
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "forum" / "translations"
# every catalogue in the tree is a shipped language (English is the msgids themselves)
SHIPPED = sorted(path.parent.parent.name for path in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def _key(message) -> str:
    return message.id[0] if message.pluralizable else message.id


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> dict[str, object]:
    """The strings marked in the code now, extracted as `make translations` does (same babel.cfg and keywords)."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_ngettext:1,2", "--ignore-dirs", ".*", "--no-location", "--sort-output",
                    "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {_key(message): message for message in read_po(handle) if message.id}


def _catalogue(language: str):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_marked_string_has_a_translation(extracted, language):
    catalogue = {_key(message): message for message in _catalogue(language) if message.id}
    missing = sorted(msgid for msgid in extracted if msgid not in catalogue)
    empty = sorted(msgid for msgid, message in catalogue.items() if msgid in extracted and (
        not all(message.string) if isinstance(message.string, (tuple, list)) else not message.string))
    fuzzy = sorted(msgid for msgid, message in catalogue.items() if msgid in extracted and message.fuzzy)
    assert missing == [], f"not in {language}/messages.po (run `make translations`): {missing[:20]}"
    assert empty == [], f"untranslated in {language}: {empty[:20]}"
    assert fuzzy == [], f"fuzzy (unreviewed) in {language}: {fuzzy[:20]}"


@pytest.mark.parametrize("language", SHIPPED)
def test_plural_messages_have_every_form_the_language_needs(language):
    catalogue = _catalogue(language)
    short = [_key(message) for message in catalogue if message.id and message.pluralizable
             and len([form for form in message.string if form]) != catalogue.num_plurals]
    assert short == []


@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalogue_is_current(language):
    """The .mo must say what the .po says: a translation fixed in the .po but not compiled never shows."""
    folder = TRANSLATIONS / language / "LC_MESSAGES"
    with (folder / "messages.mo").open("rb") as handle:
        compiled = GNUTranslations(handle)
    stale = []
    for message in _catalogue(language):
        if not message.id or message.fuzzy:
            continue
        if message.pluralizable:
            singular, plural = message.id
            got = tuple(compiled.ngettext(singular, plural, n) for n in (1, 2))
            want = (message.string[0] or singular, message.string[-1] or plural)
        else:
            got = (compiled.pgettext(message.context, message.id) if message.context  # pgettext's own entry
                   else compiled.gettext(message.id))
            want = message.string or message.id
        if got != want:
            stale.append(_key(message))
    assert stale == [], f"{language}/messages.mo is older than the .po (run `make translations`): {stale[:20]}"

"""Fill a catalogue's empty translations from JSON files: a maintainer's tool for translations written apart.

Several people translating at once each keep their work in a JSON file ({"msgid": "msgstr"}; for a plural,
{"singular msgid": ["form 1", "form 2", ...]} with as many forms as the language has). After `make translations`
has extracted the new strings into the .po file, this fills every empty msgstr it has a translation for, never
overwriting one already there (unless --overwrite), and reports what is still untranslated.

    .venv/bin/python scripts/merge_translations.py /tmp/i18n/                  # every *.json in the folder
    .venv/bin/python scripts/merge_translations.py a.json b.json --po forum/translations/nl/LC_MESSAGES/messages.po
    .venv/bin/python scripts/merge_translations.py /tmp/i18n/ --compile --strict

--compile writes the .mo next to the .po (what `pybabel compile` does); --strict exits 1 while any message is
left untranslated (for CI). Two files giving different translations of one msgid: the first (in the order given,
files in a folder sorted by name) wins, and the conflict is reported.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

DEFAULT_PO = Path(__file__).resolve().parent.parent / "forum" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
Translation = str | list[str]


def json_files(sources: list[str]) -> list[Path]:
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return files


def load_translations(files: list[Path], report: list[str]) -> dict[str, Translation]:
    merged: dict[str, Translation] = {}
    for path in files:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
        if not isinstance(data, dict):
            raise SystemExit(f"{path}: expected a JSON object of msgid -> translation")
        for msgid, text in data.items():
            if not isinstance(text, (str, list)) or (isinstance(text, list)
                                                     and not all(isinstance(form, str) for form in text)):
                report.append(f"{path}: {msgid!r}: a translation is a string or a list of strings")
                continue
            if msgid in merged and merged[msgid] != text:
                report.append(f"{path}: {msgid!r}: differs from an earlier file's translation (kept the first)")
                continue
            merged.setdefault(msgid, text)
    return merged


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
    return all(strings) and bool(strings)


def fill(catalog: Catalog, translations: dict[str, Translation], *, overwrite: bool = False) -> tuple[int, list[str]]:
    """Fill the catalogue's messages; (how many were filled, problems found)."""
    filled, problems = 0, []
    for message in catalog:
        if not message.id or (_translated(message) and not overwrite):
            continue
        key = message.id[0] if message.pluralizable else message.id
        if message.context:  # pgettext: the JSON key is gettext's own "context\x04msgid"
            key = f"{message.context}\x04{key}"
        text = translations.get(key)
        if text is None or text == "" or text == []:
            continue
        if message.pluralizable:
            forms = [text] if isinstance(text, str) else list(text)
            if len(forms) != catalog.num_plurals or not all(forms):
                problems.append(f"{key!r}: needs {catalog.num_plurals} plural forms, got {len(forms)}")
                continue
            message.string = tuple(forms)
        else:
            if not isinstance(text, str):
                problems.append(f"{key!r}: not a plural in the catalogue, but given a list")
                continue
            message.string = text
        if "fuzzy" in message.flags:
            message.flags.discard("fuzzy")
        filled += 1
    return filled, problems


def untranslated(catalog: Catalog) -> list[str]:
    return [str(message.id[0] if message.pluralizable else message.id) for message in catalog
            if message.id and not _translated(message)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="+", help="JSON files, or folders holding them")
    parser.add_argument("--po", default=str(DEFAULT_PO), help="the .po file to fill (default: Dutch)")
    parser.add_argument("--overwrite", action="store_true", help="replace translations already in the .po")
    parser.add_argument("--compile", action="store_true", help="write the .mo next to the .po afterwards")
    parser.add_argument("--strict", action="store_true", help="exit 1 while messages are left untranslated")
    args = parser.parse_args(argv)

    report: list[str] = []
    translations = load_translations(json_files(args.sources), report)
    po_path = Path(args.po)
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    filled, problems = fill(catalog, translations, overwrite=args.overwrite)
    with po_path.open("wb") as handle:
        write_po(handle, catalog, width=76)
    if args.compile:
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)

    known = {(f"{message.context}\x04" if message.context else "") + (message.id[0] if message.pluralizable
                                                                      else message.id)
             for message in catalog if message.id}
    unused = sorted(msgid for msgid in translations if msgid not in known)
    missing = untranslated(catalog)
    print(f"{po_path}: filled {filled} of {len(known)} messages from {len(translations)} translations")
    for line in report + problems:
        print(f"problem: {line}")
    for msgid in unused:
        print(f"not in the catalogue (a changed or removed string?): {msgid!r}")
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(missing)} untranslated, {len(unused)} not in the catalogue, {len(report) + len(problems)} problems")
    return 1 if args.strict and missing else 0


if __name__ == "__main__":
    sys.exit(main())

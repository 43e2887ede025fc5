"""Personal-data detection in text a member is about to publish: pure functions, no Flask.

Rules are deliberately narrow, because a hint that fires on every version number teaches people to
ignore it: an email address; a phone number only in a shape people write phone numbers in (a leading
+country code, a bracketed area code, 3-3-4 groups, or a national number starting with 0); a payment
card number only when Luhn-valid; and whatever patterns the company configures (PII_PATTERNS).
Dates, version numbers, prices, ISBNs and bare order-like numbers are left alone. Nothing here blocks
a post: callers warn and the author may always post anyway.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from forum.i18n import _, _l

log = logging.getLogger(__name__)

MAX_SCAN = 60_000          # characters scanned; posts are capped at 50,000, so this only bounds abuse
MAX_PATTERN_LENGTH = 300   # a company pattern longer than this is refused
MAX_PATTERNS = 50

EMAIL = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}\b")

# Not glued to a word, a decimal point, a currency sign, a slash or another number.
_BEFORE = r"(?<![\w$€£¥.,/:#+-])"
_AFTER = r"(?![\w])(?![.,/:-]?\d)"
PHONE_SHAPES = (
    # +44 20 7946 0958, +1-202-555-0143, +33 (0)1 42 68 53 00, +4915123456789
    re.compile(_BEFORE + r"\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){1,6}" + _AFTER),
    # (555) 123-4567, 555-123-4567, 555.123.4567, 555 123 4567, 1-800-555-0199
    re.compile(_BEFORE + r"(?:1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}" + _AFTER),
    # 020 7946 0958, 07700 900123, 0161-496-0000 (a national number with its trunk 0)
    re.compile(_BEFORE + r"0\d{1,4}(?:[ -]\d{3,8}){1,2}" + _AFTER),
)
CARD_CANDIDATE = re.compile(r"(?<![\w.,/-])\d(?:[ -]?\d){12,18}(?![\w])(?![.,/-]\d)")
CARD_GROUPINGS = ((4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 4, 4, 4, 2), (4, 4, 4, 1), (4, 6, 5), (4, 6, 4), (4, 4, 5))
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)\s*[+*{]")


@dataclass(frozen=True)
class Finding:
    kind: str      # email | phone | card | custom
    label: str     # what to call it in a sentence: "an email address", "an order number"
    text: str      # the matched text, shown back to its own author only
    start: int
    end: int


@dataclass(frozen=True)
class CustomPattern:
    name: str
    pattern: re.Pattern

    @property
    def label(self) -> str:
        """"an order number" for a lowercase name; a proper name ("Customer ID") stays as it is."""
        if not self.name[:1].islower():
            return self.name
        return _("an %(name)s", name=self.name) if self.name[0] in "aeiou" else _("a %(name)s", name=self.name)


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit() or not 13 <= len(digits) <= 19 or set(digits) == {"0"}:
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_card(candidate: str) -> bool:
    digits = re.sub(r"[ -]", "", candidate)
    if digits.startswith(("978", "979")) and len(digits) == 13:
        return False  # an ISBN-13; no card network issues numbers from 97
    groups = tuple(len(group) for group in re.split(r"[ -]", candidate))
    if len(groups) > 1 and groups not in CARD_GROUPINGS:
        return False  # 978-3-16-148410-0 and other numbers grouped unlike cards
    return luhn_valid(digits)


def _phone_digits_ok(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if candidate.startswith("+"):
        return 8 <= len(digits) <= 15
    if candidate.startswith("0"):
        return 10 <= len(digits) <= 11
    return len(digits) in (10, 11)


def find_pii(text: str, patterns: tuple[CustomPattern, ...] | list[CustomPattern] = ()) -> list[Finding]:
    """Every personal detail found in `text`, in order, without overlaps (a card is not also a phone)."""
    if not text:
        return []
    text = text[:MAX_SCAN]
    found: list[Finding] = []
    for match in EMAIL.finditer(text):
        found.append(Finding("email", "an email address", match.group(), match.start(), match.end()))
    for match in CARD_CANDIDATE.finditer(text):
        if _is_card(match.group()):
            found.append(Finding("card", "a payment card number", match.group(), match.start(), match.end()))
    for shape in PHONE_SHAPES:
        for match in shape.finditer(text):
            if _phone_digits_ok(match.group()):
                found.append(Finding("phone", "a phone number", match.group(), match.start(), match.end()))
    for custom in patterns:
        for match in custom.pattern.finditer(text):
            if match.end() > match.start():
                found.append(Finding("custom", custom.label, match.group(), match.start(), match.end()))
    return _without_overlaps(found)


def _without_overlaps(found: list[Finding]) -> list[Finding]:
    """Earlier kinds win on the same span (email, card, phone, then company patterns)."""
    kept: list[Finding] = []
    for finding in found:
        if not any(finding.start < other.end and other.start < finding.end for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda finding: finding.start)


def redact(text: str, findings: list[Finding], placeholder: str = "[removed]") -> str:
    """The text with each finding replaced, for posting publicly what was sent privately to staff."""
    for finding in sorted(findings, key=lambda f: f.start, reverse=True):
        text = text[:finding.start] + placeholder + text[finding.end:]
    return text


def describe(findings: list[Finding]) -> str:
    """"an email address and a phone number": the kinds found, each once, for a sentence."""
    labels = list(dict.fromkeys(str(_BUILT_IN_LABELS.get(finding.kind, finding.label)) for finding in findings))
    if len(labels) <= 1:
        return "".join(labels)
    return _("%(first)s and %(last)s", first=", ".join(labels[:-1]), last=labels[-1])


# the built-in kinds' names in the reader's language; a company's own patterns keep the names it configured
_BUILT_IN_LABELS = {"email": _l("an email address"), "card": _l("a payment card number"), "phone": _l("a phone number")}


def parse_patterns(raw: object) -> tuple[CustomPattern, ...]:
    """PII_PATTERNS: a JSON list of {"name", "pattern"} objects (or of plain regexes), or one regex per line.

    A pattern that does not compile, is too long, or nests quantifiers (the shape of catastrophic
    backtracking, like (a+)+) is skipped with a logged warning: a typo in configuration must never
    turn every post into a 500.
    """
    if not raw:
        return ()
    items: list[object]
    if isinstance(raw, str):
        stripped = raw.strip()
        if stripped.startswith(("[", "{")):
            try:
                parsed = json.loads(stripped)
            except ValueError as error:
                log.warning("PII_PATTERNS is not valid JSON (%s); no company patterns are in force.", error)
                return ()
            items = parsed if isinstance(parsed, list) else [parsed]
        else:
            items = [line for line in stripped.splitlines() if line.strip()]
    elif isinstance(raw, (list, tuple)):
        items = list(raw)
    else:
        log.warning("PII_PATTERNS must be a JSON list or one pattern per line; ignored.")
        return ()
    compiled = []
    for number, item in enumerate(items[:MAX_PATTERNS], start=1):
        pattern = _compile_one(number, item)
        if pattern is not None:
            compiled.append(pattern)
    return tuple(compiled)


def _compile_one(number: int, item: object) -> CustomPattern | None:
    if isinstance(item, dict):
        name, source = str(item.get("name") or "reference number").strip()[:60], item.get("pattern")
    else:
        name, source = "reference number", item
    if not isinstance(source, str) or not source.strip():
        log.warning("PII_PATTERNS entry %d has no pattern; ignored.", number)
        return None
    source = source.strip()
    if len(source) > MAX_PATTERN_LENGTH or _NESTED_QUANTIFIER.search(source):
        log.warning("PII_PATTERNS entry %d (%s) is too long or nests quantifiers; ignored.", number, name)
        return None
    try:
        return CustomPattern(name=name, pattern=re.compile(source))
    except re.error as error:
        log.warning("PII_PATTERNS entry %d (%s) is not a valid regular expression (%s); ignored.",
                    number, name, error)
        return None

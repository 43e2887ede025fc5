"""Personal-data detection: what must be caught, what must be left alone, and company patterns."""
from __future__ import annotations

import logging
import time

import pytest

from forum.pii import describe, find_pii, luhn_valid, parse_patterns, redact


def kinds(text: str, patterns=()) -> list[tuple[str, str]]:
    return [(finding.kind, finding.text) for finding in find_pii(text, patterns)]


@pytest.mark.parametrize("text, expected", [
    ("write to jo.smith@example.co.uk today", ("email", "jo.smith@example.co.uk")),
    ("JO+forum@Mail.Example.com", ("email", "JO+forum@Mail.Example.com")),
    ("London office +44 20 7946 0958.", ("phone", "+44 20 7946 0958")),
    ("call (555) 123-4567 after six", ("phone", "(555) 123-4567")),
    ("call 555-123-4567", ("phone", "555-123-4567")),
    ("or 555.123.4567", ("phone", "555.123.4567")),
    ("support: +1-202-555-0143", ("phone", "+1-202-555-0143")),
    ("Paris +33 (0)1 42 68 53 00", ("phone", "+33 (0)1 42 68 53 00")),
    ("mobile +4915123456789", ("phone", "+4915123456789")),
    ("at home 020 7946 0958", ("phone", "020 7946 0958")),
    ("text 07700 900123", ("phone", "07700 900123")),
    ("toll free 1-800-555-0199", ("phone", "1-800-555-0199")),
    ("card 4111 1111 1111 1111 expired", ("card", "4111 1111 1111 1111")),
    ("card 4111-1111-1111-1111", ("card", "4111-1111-1111-1111")),
    ("card 4111111111111111", ("card", "4111111111111111")),
    ("amex 3782 822463 10005", ("card", "3782 822463 10005")),
    ("mastercard 5555 5555 5555 4444", ("card", "5555 5555 5555 4444")),
])
def test_finds_personal_data(text, expected):
    assert kinds(text) == [expected]


@pytest.mark.parametrize("text", [
    "Since the update on 2024-03-15 it drops out",
    "on 15/03/2024 at 10:30",
    "firmware 4.3.1 fixed it",
    "Windows 10.0.19045 and app 2.14.3-build.5521",
    "version 1.2.3.4567",
    "The hub costs $1,299.00 or €1 299,00",
    "ISBN 978-3-16-148410-0",
    "ISBN 9783161484100",
    "order 123456789012",
    "tracking 5551234567",
    "a card-like 4111 1111 1111 1112 that fails Luhn",
    "0000 0000 0000 0000",
    "router at 192.168.1.100, port 8080-8090",
    "MAC 00:1A:2B:3C:4D:5E",
    "uuid 123e4567-e89b-12d3-a456-426614174000",
    "thanks @jordan and @nina.k",
    "HUB-2 v3.10.2024 build 20240315",
    "serial 0012345",
    "",
])
def test_leaves_ordinary_numbers_alone(text):
    assert kinds(text) == []


def test_several_findings_in_order_without_overlap():
    found = find_pii("Mail a@b.io or call +1 202 555 0143; card 4111 1111 1111 1111.")
    assert [f.kind for f in found] == ["email", "phone", "card"]
    assert describe(found) == "an email address, a phone number and a payment card number"


@pytest.mark.parametrize("digits, valid", [("4111111111111111", True), ("4111111111111112", False),
                                           ("378282246310005", True), ("12345", False), ("41111111111111a1", False)])
def test_luhn(digits, valid):
    assert luhn_valid(digits) is valid


def test_redact_replaces_each_finding():
    text = "call 555-123-4567 or mail a@b.io"
    assert redact(text, find_pii(text)) == "call [removed] or mail [removed]"


def test_company_patterns_from_json_and_lines():
    patterns = parse_patterns('[{"name": "order number", "pattern": "ORD-\\\\d{8}"}]')
    assert kinds("my order ORD-12345678 is late", patterns) == [("custom", "ORD-12345678")]
    assert find_pii("ORD-12345678", patterns)[0].label == "an order number"
    lines = parse_patterns("ACC\\d{6}\n\nCUST-[A-Z]{3}\n")
    assert [p.pattern.pattern for p in lines] == ["ACC\\d{6}", "CUST-[A-Z]{3}"]
    assert kinds("account ACC123456", lines) == [("custom", "ACC123456")]


def test_order_numbers_count_only_when_configured():
    assert kinds("order ORD-12345678") == []


@pytest.mark.parametrize("raw", ['[{"name": "broken", "pattern": "("}]', "(a+)+$", '[{"name": "x", "pattern": 5}]',
                                 "[not json", '{"name": "x"}', "x" * 400])
def test_bad_patterns_are_skipped_with_a_warning(raw, caplog):
    with caplog.at_level(logging.WARNING, logger="forum.pii"):
        assert parse_patterns(raw) == ()
    assert caplog.records, "a skipped pattern must be logged"


def test_a_bad_pattern_does_not_drop_the_good_ones(caplog):
    patterns = parse_patterns('[{"name": "bad", "pattern": "[z-a]"}, {"name": "ticket", "pattern": "TK\\\\d+"}]')
    assert [p.name for p in patterns] == ["ticket"]


def test_long_hostile_input_is_fast():
    hostile = ("1-" * 30_000) + ("a@" * 20_000) + ("+1 " * 20_000)
    started = time.perf_counter()
    find_pii(hostile, parse_patterns("[0-9]+-X"))
    assert time.perf_counter() - started < 2.0

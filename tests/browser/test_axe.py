"""Issue 18 item 9: axe-core finds no violation of any impact on the main pages a first-time walk visits, as a
visitor, a member, staff, a moderator and an admin, on the demo community; and again in Dutch (issue 20), whose
longer words must not break a layout or a label. `pytest -s` prints the per-page totals at the end of the module.

axe-core is not committed: it comes from the pinned PyPI package axe-playwright-python (requirements-dev.txt,
installed by `make test`), whose wheel ships axe.min.js; the test injects that file into each page."""
from __future__ import annotations

from collections.abc import Iterator
from importlib import resources

import pytest

from tests.browser.demo_site import demo_server, dutch_visitor, tabs, visit, visit_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

# (who, path): the 23 pages of a first-time walk. {thread} is a solved thread (its accepted-answer band),
# {idea} an idea with an official answer, {member} the member's own profile.
PAGES = [
    ("visitor", "/"),
    ("visitor", "/questions?sort=unanswered"),
    ("visitor", "/questions?category=connectivity-and-wifi"),
    ("visitor", "/questions?tag=wifi"),
    ("visitor", "{thread}"),
    ("visitor", "/search?q=wifi"),
    ("visitor", "/ideas"),
    ("visitor", "{idea}"),
    ("visitor", "/ideas/roadmap"),
    ("visitor", "/login"),
    ("visitor", "/register"),
    ("visitor", "/users/{member}"),
    ("member", "{thread}"),
    ("member", "/questions/ask"),
    ("member", "/ideas/new"),
    ("member", "/notifications"),
    ("member", "/settings"),
    ("staff", "{thread}"),
    ("staff", "/staff/dashboard"),
    ("staff", "/staff/escalations"),
    ("moderator", "/mod/flags"),
    ("moderator", "/mod/audit"),
    ("admin", "/admin"),
]


def axe_source() -> str:
    """axe.min.js from the installed package; never a copy in the repository, never a CDN."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """Every violation axe-core reports on the loaded page, of any impact, in a short readable form."""
    page.evaluate(axe_source())  # through the DevTools protocol: the site's CSP (script-src 'self') stays on
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [node["target"] for node in v["nodes"]][:5]} for v in result["violations"]]


TOTALS: dict[str, int] = {}  # "en member /settings" -> violations, printed as a table after the module


@pytest.fixture(scope="module", autouse=True)
def totals_table() -> Iterator[None]:
    yield
    if TOTALS:
        width = max(map(len, TOTALS))
        print("\n\naxe-core violations per page (any impact)\n" + "\n".join(
            f"{page.ljust(width)}  {count}" for page, count in TOTALS.items())
            + f"\n{'total'.ljust(width)}  {sum(TOTALS.values())} over {len(TOTALS)} pages")


def _check(page, language: str, who: str, path: str) -> None:
    violations = axe_violations(page)
    TOTALS[f"{language} {who} {path}"] = len(violations)
    assert violations == [], "\n".join(f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in violations)


@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{who}:{path}" for who, path in PAGES])
def test_axe_finds_no_violation(demo_server, tabs, who, path):
    _check(visit(tabs, demo_server, who, path), "en", who, path)


@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{who}:{path}" for who, path in PAGES])
def test_axe_finds_no_violation_in_dutch(demo_server, tabs, dutch_visitor, who, path):
    """The same pages with the member's language set to Dutch (a visitor's browser asking for Dutch)."""
    _check(visit_in("nl", tabs, dutch_visitor, demo_server, who, path), "nl", who, path)


def test_the_search_landmarks_are_named(demo_server, tabs):
    """The header's search and the home page's hero search are two search landmarks, each with its own name."""
    page = visit(tabs, demo_server, "visitor", "/")
    names = page.eval_on_selector_all("[role=search]", "forms => forms.map(form => form.getAttribute('aria-label'))")
    assert names == ["Site search", "Search the community"]
    assert page.get_by_role("search", name="Site search").count() == 1

"""Issue 18 item 8 in Chromium on the demo community: at 360 px no page scrolls sideways, for a visitor, a
member, staff and a moderator; no table borrows another table's labels; the header and hero search fields show
their whole placeholder on a phone and, logged in, at 1366 px."""
from __future__ import annotations

import pytest

from tests.browser.demo_site import demo_server, tabs, visit  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
PAGES = [
    ("visitor", "/"), ("visitor", "/questions?sort=unanswered"), ("visitor", "/questions?tag=wifi"),
    ("visitor", "{thread}"), ("visitor", "/search?q=wifi"), ("visitor", "/ideas"), ("visitor", "{idea}"),
    ("visitor", "/ideas/roadmap"), ("visitor", "/login"), ("visitor", "/register"), ("visitor", "/users/{member}"),
    ("member", "/"), ("member", "{thread}"), ("member", "/questions/ask"), ("member", "/ideas/new"),
    ("member", "/notifications"), ("member", "/settings"),
    ("staff", "{thread}"), ("staff", "/staff/dashboard"), ("staff", "/staff/escalations"),
    ("moderator", "{thread}"), ("moderator", "/mod/flags"), ("moderator", "/mod/audit"), ("admin", "/admin"),
    ("visitor", "/ideas/top-participants"), ("admin", "/admin/categories"), ("admin", "/admin/users"),
]

# How much of an input's placeholder fits: its text width (canvas, the input's own font) against the box.
PLACEHOLDER_FITS = """input => {
  const style = getComputedStyle(input);
  const context = document.createElement('canvas').getContext('2d');
  context.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return {text: input.placeholder, needed: Math.ceil(context.measureText(input.placeholder).width), room,
          visible: input.offsetParent !== null};
}"""

# Every table cell's ::before text, and the label the cell carries itself.
CELL_LABELS = """() => Array.from(document.querySelectorAll('td, th')).map(cell => ({
  before: getComputedStyle(cell, '::before').content, label: cell.dataset.label || null}))"""


def _assert_no_sideways_scroll(page, who: str, path: str, limit: int) -> None:
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    if width > limit:
        wide = page.evaluate("""limit => Array.from(document.querySelectorAll('body *'))
            .filter(el => el.getBoundingClientRect().right > limit + 1 && !el.closest('.table-wrap, .tabs, .side-nav'))
            .slice(0, 6).map(el => el.tagName.toLowerCase() + '.' + el.className)""", limit)
        pytest.fail(f"{path} as {who} is {width}px wide at {limit}px: {wide}")


@pytest.mark.parametrize(("who", "path"), PAGES, ids=[f"{who}:{path}" for who, path in PAGES])
def test_no_page_scrolls_sideways_on_a_phone(demo_server, tabs, who, path):
    tabs[who].set_viewport_size(PHONE)
    _assert_no_sideways_scroll(visit(tabs, demo_server, who, path), who, path, PHONE["width"])


@pytest.mark.parametrize("who", ["visitor", "member", "staff", "moderator", "admin"])
def test_a_thread_fits_a_laptop_for_every_role(demo_server, tabs, who):
    """The moderator's sidebar once ran 1px past a 1280px window (a button label that would not wrap)."""
    tabs[who].set_viewport_size({"width": 1280, "height": 900})
    _assert_no_sideways_scroll(visit(tabs, demo_server, who, "{thread}"), who, "{thread}", 1280)


@pytest.mark.parametrize(("who", "path"), [("moderator", "/mod/audit"), ("staff", "/staff/dashboard"),
                                           ("member", "/settings")])
def test_tables_label_their_own_cells_on_a_phone(demo_server, tabs, who, path):
    """The token table's "Created" and "Last used" once showed on every table: now a cell's label is its own."""
    tabs[who].set_viewport_size(PHONE)
    page = visit(tabs, demo_server, who, path)
    if path == "/settings" and not page.locator("td[data-label='Created']").count():  # the token table itself
        page.locator("#token-name").fill("Home Assistant")
        page.get_by_role("button", name="Create token").click()
        page = visit(tabs, demo_server, who, path)
    cells = page.evaluate(CELL_LABELS)
    assert cells, f"{path} has no table"
    for cell in cells:
        if cell["label"] is None:
            assert cell["before"] in ("none", "normal"), f"{path}: a cell without a label shows {cell['before']}"
        else:
            assert cell["before"] == f'"{cell["label"]}: "', cell
    mine = {"/mod/audit": "Action", "/settings": "Last used"}.get(path)
    if mine:
        assert page.locator(f"td[data-label='{mine}']").first.evaluate(
            "cell => getComputedStyle(cell, '::before').content") == f'"{mine}: "'


def _assert_placeholder_fits(page, selector: str) -> None:
    fit = page.locator(selector).evaluate(PLACEHOLDER_FITS)
    assert fit["visible"], f"{selector} is not shown"
    assert fit["needed"] <= fit["room"], f"{selector}: “{fit['text']}” needs {fit['needed']}px, has {fit['room']}px"


def test_search_placeholders_fit_on_a_phone(demo_server, tabs):
    page = tabs["visitor"]
    page.set_viewport_size(PHONE)
    visit(tabs, demo_server, "visitor", "/")
    _assert_placeholder_fits(page, "#hero-search-q")
    page.get_by_role("button", name="Menu").click()  # on a phone the header search is in the menu panel
    _assert_placeholder_fits(page, "#site-search-q")


@pytest.mark.parametrize("who", ["member", "staff", "admin"])
def test_search_placeholders_fit_for_a_member_on_a_laptop(demo_server, tabs, who):
    page = tabs[who]
    page.set_viewport_size({"width": 1366, "height": 800})
    visit(tabs, demo_server, who, "/")
    _assert_placeholder_fits(page, "#site-search-q")
    _assert_placeholder_fits(page, "#hero-search-q")

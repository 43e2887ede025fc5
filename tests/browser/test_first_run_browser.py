"""In Chromium, issue 14's first run: from an empty database the operator creates the first admin and a member
with `flask forum create-user`; the admin sees the setup checklist, is told plainly that questions need a
category, creates one, renames the community and promotes the member to staff, who then works the escalation
queue. CSRF is on, as for real users."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, new_page

pytestmark = pytest.mark.browser

ADMIN, MEMBER = ("ada_admin", "ada@example.com", "first-admin-pw"), ("sam_member", "sam@example.com", "member-pw-123")


def _create_user(live_server, username: str, email: str, password: str, role: str) -> None:
    """As an operator would on the server: `flask forum create-user NAME EMAIL --password P --role ROLE`."""
    result = live_server.app.test_cli_runner().invoke(
        args=["forum", "create-user", username, email, "--password", password, "--role", role])
    assert result.exit_code == 0, result.output
    assert f"Created {role} {username}" in result.output


def _watch_js_errors(tab) -> list[str]:
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def operator_setup(live_server):
    """An empty database (no categories, no users, no settings row) and the two accounts the CLI creates."""
    live_server.app.config["MAIL_DELIVERY"] = "cron"  # see tests/views: the mail thread races the next request
    _create_user(live_server, *ADMIN, role="admin")
    _create_user(live_server, *MEMBER, role="member")
    return live_server


def _checklist_item(page, key: str):
    return page.locator(f".checklist__item[data-check='{key}']")


def test_first_admin_sets_up_an_empty_community_and_promotes_staff(page, browser, operator_setup):
    live_server = operator_setup
    admin_name, _, admin_password = ADMIN
    member_name, member_email, member_password = MEMBER
    log_in(page, live_server, admin_name, admin_password)

    # The first admin page: the setup checklist, nothing about categories or staff ticked yet.
    page.goto(live_server.path("/admin"))
    expect(page.get_by_role("heading", name="Setup checklist")).to_be_visible()
    expect(_checklist_item(page, "categories")).to_have_attribute("data-done", "false")
    expect(_checklist_item(page, "categories")).to_contain_text("(not done yet)")
    expect(_checklist_item(page, "staff")).to_have_attribute("data-done", "false")

    # Asking before any category exists: a plain notice linking to the categories page, not a form that fails.
    page.goto(live_server.path("/questions/ask"))
    notice = page.locator("#no-categories")
    expect(notice).to_contain_text("There is no category to post in yet.")
    expect(notice.get_by_role("link", name="Create a category")).to_have_attribute("href", "/admin/categories")
    expect(page.get_by_label("Title", exact=True)).to_have_count(0)
    notice.get_by_role("link", name="Create a category").click()
    page.wait_for_url(live_server.path("/admin/categories"))

    # The first category, through the form.
    expect(page.get_by_role("heading", name="No categories yet")).to_be_visible()
    new_category = page.get_by_role("form", name="New category")
    new_category.get_by_label("Name", exact=True).fill("Billing & Plans")
    new_category.get_by_label("Slug", exact=True).fill("billing-and-plans")
    new_category.get_by_label("Description").fill("Invoices, payment methods and changing your plan.")
    new_category.get_by_role("button", name="Create category").click()
    expect(page.locator(".flashes")).to_contain_text("Category “Billing & Plans” created.")
    expect(page.locator("table.admin-categories").get_by_role("rowheader")).to_contain_text("billing-and-plans")

    # The ask form now offers it.
    page.goto(live_server.path("/questions/ask"))
    expect(page.locator("#no-categories")).to_have_count(0)
    expect(page.get_by_label("Category").locator("option", has_text="Billing & Plans")).to_have_count(1)

    # Rename the community on a fresh database (no settings row yet): the header and the title say so on the
    # next page, for members and visitors alike.
    page.goto(live_server.path("/admin/settings"))
    page.get_by_label("Community name", exact=True).fill("Acme Community")
    page.get_by_label("Company name (optional)").fill("Acme")  # the optional fields stay blank
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".flashes")).to_contain_text("Site settings saved.")
    page.goto(live_server.path("/questions"))
    expect(page.locator(".site-header .brand__name")).to_have_text("Acme Community")
    expect(page).to_have_title(re.compile(r"· Acme Community$"))

    visitor = new_page(browser)
    visitor_errors = _watch_js_errors(visitor)
    visitor.goto(live_server.path("/questions"))
    expect(visitor.get_by_role("link", name="Log in")).to_be_visible()
    expect(visitor.locator(".site-header .brand__name")).to_have_text("Acme Community")
    expect(visitor).to_have_title(re.compile(r"· Acme Community$"))
    visitor.context.close()

    # Find the member by name and make them staff.
    page.goto(live_server.path("/admin/users"))
    page.get_by_role("search").get_by_label("Username or email").fill(member_name[:5])
    page.get_by_role("button", name="Find").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=member_name, exact=True))
    expect(row).to_have_count(1)
    expect(row.get_by_label(f"Role of {member_name}")).to_have_value("member")
    row.get_by_label(f"Role of {member_name}").select_option("staff")
    row.get_by_role("button", name=f"Save the role of {member_name}").click()
    expect(page.locator(".flashes")).to_contain_text(f"{member_name} is now staff")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=member_name, exact=True))
    expect(row.get_by_label(f"Role of {member_name}")).to_have_value("staff")

    # The checklist ticks categories and staff now.
    page.goto(live_server.path("/admin"))
    expect(_checklist_item(page, "categories")).to_have_attribute("data-done", "true")
    expect(_checklist_item(page, "categories")).to_contain_text("(done)")
    expect(_checklist_item(page, "staff")).to_have_attribute("data-done", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up Acme Community")

    # The new staff member, in a browser of their own, works the escalation queue.
    staff = new_page(browser)
    staff_errors = _watch_js_errors(staff)
    log_in(staff, live_server, member_email, member_password)
    staff_tools = staff.get_by_role("navigation", name="Staff tools")
    expect(staff_tools.get_by_role("link", name="Escalations")).to_be_visible()
    expect(staff_tools.get_by_role("link", name="Admin")).to_have_count(0)
    response = staff.goto(live_server.path("/staff/escalations"))
    assert response is not None and response.status == 200
    expect(staff.get_by_role("heading", level=1)).to_have_text("Escalation queue")
    expect(staff_tools.get_by_role("link", name="Escalations")).to_have_attribute("aria-current", "page")
    # ... but not the admin pages
    assert staff.goto(live_server.path("/admin")).status == 403
    staff.context.close()

    assert page.js_errors == []
    assert visitor_errors == []
    assert staff_errors == []

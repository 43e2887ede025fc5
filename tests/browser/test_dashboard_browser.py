"""In Chromium: a staff member opens the dashboard; the three charts render with labelled data and tables."""
from __future__ import annotations

import pytest

from forum import clock
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, make_user
from tests.services import dashboard_data
from tests.services.dashboard_data import NOW

pytestmark = pytest.mark.browser


@pytest.fixture
def community(live_server):
    with live_server.app.app_context():
        dashboard_data.build()
        make_user("member_mia")
    clock.freeze(NOW)  # the server thread reads the same clock: "last 7 days" ends at NOW
    yield
    clock.freeze(None)


def test_staff_sees_charts_with_labelled_data(page, live_server, community):
    log_in(page, live_server, "sven", PASSWORD)
    page.click("nav >> text=Dashboard")
    page.wait_for_url("**/staff/dashboard")
    page.click(".dash-presets >> text=7 days")
    page.wait_for_url("**/staff/dashboard?days=7")
    charts = page.locator("figure.chart svg[role=img]")
    assert charts.count() == 3
    questions = page.locator("#chart-questions-figure svg.chart__svg")
    assert questions.get_attribute("aria-labelledby") == "chart-questions-title chart-questions-desc"
    assert "8 questions asked from 4 Mar to 10 Mar" in questions.locator("desc").text_content()
    box = questions.bounding_box()
    assert box["width"] > 800 and box["height"] > 150              # drawn at a readable size
    assert questions.locator("rect title", has_text="5 Mar: 2 asked").count() == 1
    for label in ("Asked", "Answered", "Solved", "Questions", "Day (UTC)", "4 Mar"):
        assert questions.locator("text", has_text=label).count() >= 1, label
    assert page.locator("#chart-first-answer-figure svg.chart__svg circle title", has_text="5 Mar: median 1.2 h").count() == 1
    sla = page.locator("#chart-sla-figure svg.chart__svg")
    assert sla.get_by_text("Within SLA", exact=True).count() == 1 and sla.get_by_text("Share within SLA").count() == 1
    assert sla.locator("rect title", has_text="6 Mar: 0 of 1 within SLA").count() == 1
    assert sla.get_by_text("100%", exact=True).count() == 1
    # the numbers behind each chart are one click away, as a table
    table = page.locator("#chart-questions-figure details table")
    assert not table.is_visible()
    page.click("#chart-questions-figure summary")
    assert table.is_visible()
    assert table.locator("tr", has_text="5 Mar").locator("td").all_text_contents() == ["2", "2", "2"]
    assert page.locator('[data-figure="questions_asked"] .tile__value').text_content() == "8"
    assert page.js_errors == []


def test_custom_period_with_a_mistake_shows_the_message(page, live_server, community):
    log_in(page, live_server, "sven", PASSWORD)
    page.goto(live_server.path("/staff/dashboard"))
    page.fill("#since", "2026-03-09")
    page.fill("#until", "2026-03-01")
    page.click(".dash-custom button[type=submit]")
    assert page.locator("#until-error").text_content().strip() == "The end date is before the start date."
    assert page.locator("figure.chart").count() == 0


def test_member_is_refused(page, live_server, community):
    log_in(page, live_server, "member_mia", PASSWORD)
    response = page.goto(live_server.path("/staff/dashboard"))
    assert response.status == 403
    assert page.locator("nav >> text=Dashboard").count() == 0

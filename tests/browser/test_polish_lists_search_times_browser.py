"""In Chromium (issue 18): a pinned known issue leads the home page; `category:wifi` from the search page's own tip
finds "Connectivity and Wi-Fi" and an unknown category is said back with a link that works; times show in the
reader's own zone and language, with the UTC text when scripts are off."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forum.extensions import db
from forum.models import Role, Thread
from forum.moderation.services import pin_thread
from tests.browser.conftest import CHROMIUM, LiveServer, log_in  # noqa: F401
from tests.factories import PASSWORD, make_category, make_thread, make_user

pytestmark = pytest.mark.browser

ASKED_AT = datetime(2026, 7, 1, 18, 30)  # UTC; 14:30 in New York (EDT), 03:30 next day in Tokyo


@pytest.fixture
def community(live_server):
    with live_server.app.app_context():
        make_category("connectivity", "Connectivity and Wi-Fi")
        make_category("smart-home-devices", "Smart home devices")
        moderator = make_user("mod", role=Role.MODERATOR)
        known = make_thread(title="Known issue: hubs offline after firmware 2.1", category="smart-home-devices",
                            body="We are on it. Workaround inside.")
        for n in range(10):
            make_thread(title=f"Newer question number {n} about my hub", category="smart-home-devices")
        wifi = make_thread(title="Hub drops off the Wi-Fi every night", category="connectivity",
                           body="At two in the morning the hub goes offline.")
        db.session.get(Thread, known.id).last_activity_at = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=60)
        db.session.get(Thread, wifi.id).created_at = ASKED_AT
        db.session.get(Thread, wifi.id).question.created_at = ASKED_AT  # the byline's "asked" time
        db.session.commit()
        pin_thread(actor=moderator, thread=db.session.get(Thread, known.id))
        return {"known": known.id, "wifi": wifi.id, "wifi_slug": wifi.slug}


def test_a_pinned_known_issue_leads_the_home_page(page, live_server, community):
    page.goto(live_server.path("/"))
    first = page.locator(".q-list > li").first
    assert "Known issue: hubs offline after firmware 2.1" in first.inner_text()
    assert first.locator(".badge--pinned").is_visible()
    assert page.locator(".q-list > li .badge--pinned").count() == 1
    page.goto(live_server.path("/questions?sort=newest"))
    assert "Known issue" in page.locator(".q-list > li").first.inner_text()
    assert page.js_errors == []


def test_the_search_tip_category_wifi_works(page, live_server, community):
    page.goto(live_server.path("/search"))
    assert page.locator("#search-help code", has_text="category:wifi").is_visible()
    page.fill("#search-q", "hub category:wifi")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/search?q=hub+category*wifi")
    hits = page.locator(".search-hit")
    hits.first.wait_for()
    assert hits.count() == 1 and "Hub drops off the Wi-Fi every night" in hits.first.inner_text()
    assert page.locator(".search-notice").count() == 0
    assert page.js_errors == []


def test_an_unknown_category_is_said_back_with_a_link_that_works(page, live_server, community):
    page.goto(live_server.path("/search?q=hub+category%3Aconectivity"))
    notice = page.locator(".search-notice")
    assert "No category called ‘conectivity’ — did you mean one of these?" in notice.inner_text()
    notice.get_by_role("link", name="Connectivity and Wi-Fi").click()
    page.wait_for_url("**/search?q=hub+category*connectivity")
    assert page.locator(".search-notice").count() == 0
    assert page.locator(".search-hit").count() == 1
    assert page.locator("#search-q").input_value() == "hub category:connectivity"


def _asked_time(browser, live_server, community, **context):
    tab = browser.new_context(viewport={"width": 1280, "height": 900}, **context).new_page()
    tab.goto(live_server.path(f"/questions/{community['wifi']}/{community['wifi_slug']}"))
    moment = tab.locator("time[datetime='2026-07-01T18:30:00Z']").first
    moment.wait_for()
    return tab, moment


def test_times_show_in_the_readers_zone_and_language(browser, live_server, community):
    tab, moment = _asked_time(browser, live_server, community, timezone_id="America/New_York", locale="de-DE")
    tab.wait_for_function("document.querySelector('time[data-localized]') !== null")
    # "5 months ago" in the page's language; the date and clock time in the reader's zone and locale
    assert "months ago" in moment.inner_text() and "UTC" not in moment.inner_text()
    assert "1. Juli 2026" in moment.get_attribute("title") and "14:30" in moment.get_attribute("title")
    tab.context.close()
    tab, moment = _asked_time(browser, live_server, community, timezone_id="Asia/Tokyo", locale="en-GB")
    tab.wait_for_function("document.querySelector('time[data-localized]') !== null")
    assert "ago" in moment.inner_text()
    assert "2 July 2026" in moment.get_attribute("title") and "03:30" in moment.get_attribute("title")
    tab.context.close()


def test_without_scripts_the_utc_text_stays(browser, live_server, community):
    tab, moment = _asked_time(browser, live_server, community, timezone_id="Asia/Tokyo", java_script_enabled=False)
    assert moment.inner_text() == "1 Jul 2026, 18:30 UTC"
    tab.context.close()


def _member_tab(browser, live_server, username: str, **context):
    tab = browser.new_context(viewport={"width": 1280, "height": 900}, **context).new_page()
    log_in(tab, live_server, username, PASSWORD)
    return tab


def test_a_member_who_chose_a_zone_sees_it_on_any_device(browser, live_server, community):
    """Issue 20 on top of item 12: the member's saved zone wins over the device's, with or without scripts."""
    with live_server.app.app_context():
        member = make_user("kenji")
        member.time_zone, member.language = "Asia/Tokyo", "nl"
        db.session.commit()
    thread_path = f"/questions/{community['wifi']}/{community['wifi_slug']}"
    moment_selector = "time[datetime='2026-07-01T18:30:00Z']"
    for scripts in (True, False):
        tab = _member_tab(browser, live_server, "kenji", timezone_id="America/New_York", locale="en-GB",
                          java_script_enabled=scripts)
        tab.goto(live_server.path(thread_path))
        assert tab.locator("html").get_attribute("data-time-zone") == "Asia/Tokyo"
        moment = tab.locator(moment_selector).first
        if scripts:
            tab.wait_for_function("document.querySelector('time[data-localized]') !== null")
            assert "03:30" in moment.get_attribute("title") and "2 July 2026" in moment.get_attribute("title")
        else:  # the server wrote the member's zone and language, and says which clock it is
            assert moment.inner_text() == "2 jul 2026, 03:30 JST"
        tab.context.close()


def test_cached_visitor_pages_keep_each_languages_utc_text(browser, live_server, community):
    """Visitors' pages are cached whole: an English copy never answers a Dutch browser, nor the other way."""
    for locale, text in (("en-GB", "1 Jul 2026, 18:30 UTC"), ("nl-NL", "1 jul 2026, 18:30 UTC"),
                         ("en-GB", "1 Jul 2026, 18:30 UTC")):
        tab, moment = _asked_time(browser, live_server, community, locale=locale, java_script_enabled=False)
        assert moment.inner_text() == text, locale
        tab.context.close()


def test_a_dutch_reader_still_sees_the_pinned_known_issue_first(browser, live_server, community):
    """Issue 18 item 1 with issue 20's reader's-language-first lists: the English known issue leads a Dutch
    reader's home page, above the Dutch questions."""
    with live_server.app.app_context():
        dutch = make_thread(title="Hub valt elke nacht weg van de wifi", category="connectivity")
        db.session.get(Thread, dutch.id).language = "nl"
        db.session.commit()
    tab = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL").new_page()
    tab.goto(live_server.path("/"))
    rows = tab.locator(".q-list > li")
    assert "Known issue: hubs offline after firmware 2.1" in rows.first.inner_text()
    assert rows.first.locator(".badge--pinned").is_visible()
    assert "Hub valt elke nacht weg" in rows.nth(1).inner_text()  # then the reader's language
    tab.context.close()


def test_url_filters_are_shown_and_removed_and_the_list_takes_a_word(page, live_server, community):
    page.goto(live_server.path("/search?q=hub&category=wifi"))
    chip = page.locator(".active-filters .chip")
    assert chip.count() == 1 and "Category: Connectivity and Wi-Fi" in chip.inner_text()
    assert page.locator(".search-hit").count() == 1
    chip.click()
    page.wait_for_url(lambda url: "category" not in url)
    assert page.locator(".active-filters").count() == 0 and page.locator(".search-hit").count() > 1
    page.goto(live_server.path("/questions?category=wifi"))
    assert page.url.endswith("/questions?category=connectivity")
    assert "Hub drops off the Wi-Fi every night" in page.locator(".q-list").inner_text()
    page.goto(live_server.path("/questions?category=conectivity"))
    page.locator("[data-filter-notice]").get_by_role("link", name="Connectivity and Wi-Fi").click()
    page.wait_for_url("**/questions?category=connectivity")
    assert page.js_errors == []

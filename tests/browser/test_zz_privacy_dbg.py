from tests.browser.test_privacy_browser import *  # noqa

def test_dbg(page, live_server, community):
    _log_in(page, live_server, "helper")
    page.goto(live_server.path(community["url"]))
    page.fill("#answer-form textarea#body", PHONE_ANSWER)
    page.click("#answer-form button[type=submit]:has-text('Post your answer')")
    page.locator("[data-pii-warning]").wait_for()
    page.wait_for_timeout(1000)
    print("ACTIVE", page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)"))
    print("SCRIPTS", page.evaluate("() => Array.from(document.scripts).map(s => s.src)"))
    print("ERR", page.js_errors)

"""A live server on loopback and Debian's Chromium driven by Playwright (never a downloaded browser)."""
from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from forum import create_app
from forum.extensions import db
from tests.conftest import build_config

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def _require_browser() -> None:
    if shutil.which(CHROMIUM) is None and not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but Chromium is missing at {CHROMIUM}")
        pytest.skip("Chromium is not installed")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    _require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class LiveServer:
    def __init__(self, app, url: str) -> None:
        self.app, self.url = app, url

    def path(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    """The app on a free loopback port with its own SQLite file; CSRF stays on, as for real users."""
    _require_browser()
    config = build_config(f"sqlite:///{tmp_path / 'live.db'}", tmp_path, WTF_CSRF_ENABLED=True)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.js_errors = errors
    yield tab
    context.close()


def new_page(browser):
    """A second, independent person (own cookies) in the same test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def log_in(page, live_server: LiveServer, username: str, password: str) -> None:
    """Log in through the real form, as a person would."""
    page.goto(live_server.path("/login"))
    page.fill("#login", username)
    page.fill("#password", password)
    page.click("button[type=submit]:has-text('Log in')")
    page.wait_for_url(lambda url: "/login" not in url)

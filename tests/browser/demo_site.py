"""The demo community on a live server, seeded once per test module, and one logged-in tab per role: the
fixtures behind the whole-product walks (tests/browser/test_axe.py, tests/browser/test_mobile.py).

Import the fixtures into a test module (`from tests.browser.demo_site import demo_server, tabs`)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from forum import create_app, demo
from forum.extensions import db
from forum.models import Idea, Thread, User
from tests.browser.conftest import LiveServer, _require_browser, log_in
from tests.conftest import build_config

PEOPLE = {"member": "jordan_lee", "staff": "staff_sam", "moderator": "mod_maria", "admin": "admin_alex"}


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    """The demo community on a loopback port, CSRF on, and the paths a walk fills in: {thread} a solved
    question (its accepted-answer band), {idea} the most voted idea, {member} a member's name."""
    _require_browser()
    tmp_path = tmp_path_factory.mktemp("demo")
    app = create_app(build_config(f"sqlite:///{tmp_path / 'live.db'}", tmp_path, WTF_CSRF_ENABLED=True,
                                  MAIL_DELIVERY="cron"))
    with app.app_context():
        db.create_all()
        demo.seed()
        solved = db.session.scalar(sa.select(Thread).where(Thread.accepted_post_id.is_not(None))
                                   .order_by(Thread.answer_count.desc(), Thread.id).limit(1))
        idea = db.session.scalar(sa.select(Idea).order_by(Idea.vote_count.desc(), Idea.id).limit(1))
        names = {"thread": f"/questions/{solved.id}", "idea": f"/ideas/{idea.id}", "member": PEOPLE["member"]}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}"), names
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def tabs(demo_server, browser) -> Iterator[dict]:
    """A tab per role ("visitor", "member", "staff", "moderator", "admin"), each logged in once, in the session's
    Chromium (tests/browser/conftest.py) at 1280 px; a test may change its viewport."""
    server, _ = demo_server
    contexts, opened = [], {}
    for who in ("visitor", *PEOPLE):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        opened[who] = context.new_page()
        if who != "visitor":
            log_in(opened[who], server, PEOPLE[who], demo.PASSWORD)
    yield opened
    for context in contexts:
        context.close()


def visit(tabs: dict, demo_server, who: str, path: str):
    """Open `path` ({thread}, {idea}, {member} filled in) as `who`; the page must answer 200."""
    server, names = demo_server
    page = tabs[who]
    response = page.goto(server.path(path.format(**names)))
    assert response is not None and response.status == 200, f"{who} {path} answered {response and response.status}"
    page.wait_for_load_state("networkidle")
    return page


@contextmanager
def speaking(demo_server, who: str, language: str | None) -> Iterator[None]:
    """`who`'s account set to `language` (and, for Dutch, the Amsterdam clock) while the block runs; a visitor's
    language comes from their browser instead (see `dutch_visitor`)."""
    server, _ = demo_server

    def choose(chosen: str | None) -> None:
        with server.app.app_context():
            user = db.session.scalar(sa.select(User).filter_by(username=PEOPLE[who]))
            user.language, user.time_zone = chosen, ("Europe/Amsterdam" if chosen else None)
            db.session.commit()
    if who == "visitor":
        yield
        return
    choose(language)
    try:
        yield
    finally:
        choose(None)


@pytest.fixture(scope="module")
def dutch_visitor(demo_server, browser) -> Iterator:
    """A visitor whose browser asks for Dutch (Accept-Language: nl), in Amsterdam, at 1280 px."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL",
                                  timezone_id="Europe/Amsterdam")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def visit_in(language: str, tabs: dict, dutch_visitor, demo_server, who: str, path: str):
    """`visit` in English, or in Dutch: the Dutch visitor's tab, or the member's tab with their language set."""
    if language == "en":
        return visit(tabs, demo_server, who, path)
    if who == "visitor":
        page = visit({"visitor": dutch_visitor}, demo_server, who, path)
    else:
        with speaking(demo_server, who, language):
            page = visit(tabs, demo_server, who, path)
    assert page.locator("html").get_attribute("lang") == language, f"{who} {path} is not in {language}"
    return page

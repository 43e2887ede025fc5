"""Operable logs and static files (issue 14 item 10): one access line per request with its id, JSON lines on
request, and static files under content-hashed URLs cached immutable for a year, gzipped, through WhiteNoise."""
from __future__ import annotations

import gzip
import io
import json
import logging
import re
from pathlib import Path

import pytest

from forum import requestlog
from tests.conftest import login_as
from tests.factories import make_user

STATIC = Path(__file__).resolve().parents[2] / "static"


def _access_lines(caplog) -> list[dict]:
    return [record.access for record in caplog.records if record.name == "forum.access"]


def test_one_access_line_per_request_with_id_method_path_status_duration_and_user(app, client, caplog):
    with app.app_context():
        user_id = make_user().id
    login_as(client, user_id)
    with caplog.at_level(logging.INFO, logger="forum.access"):
        response = client.get("/settings", headers={"X-Request-ID": "edge-4f2a.17"})
        anonymous = app.test_client().get("/questions?sort=top")
    [mine, theirs] = _access_lines(caplog)
    assert response.headers["X-Request-ID"] == "edge-4f2a.17"
    assert mine["request_id"] == "edge-4f2a.17" and mine["method"] == "GET" and mine["path"] == "/settings"
    assert mine["status"] == 200 and mine["user_id"] == user_id and mine["duration_ms"] >= 0
    assert re.fullmatch(r"[0-9a-f]{32}", theirs["request_id"]) and theirs["request_id"] == anonymous.headers[
        "X-Request-ID"]
    assert theirs["user_id"] is None and theirs["path"] == "/questions" and theirs["status"] == 200


@pytest.mark.parametrize("given", ["two\nlines", "x" * 200, "<script>", "a b", ""])
def test_an_unusable_request_id_is_replaced_not_logged(client, caplog, given):
    with caplog.at_level(logging.INFO, logger="forum.access"):
        response = client.get("/healthz", environ_base={"HTTP_X_REQUEST_ID": given})  # as a raw server passes it
    [line] = _access_lines(caplog)
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) and response.headers["X-Request-ID"] == line["request_id"]


def test_tokens_in_paths_stay_out_of_the_log(client, caplog):
    with caplog.at_level(logging.INFO, logger="forum.access"):
        client.get("/reset-password/eyJ1aWQiOjF9.secret-part")
        client.get("/unsubscribe/another.secret")
    assert [line["path"] for line in _access_lines(caplog)] == ["/reset-password/[token]", "/unsubscribe/[token]"]
    assert "secret" not in caplog.text


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_log_format_writes_json_lines_or_text(app, client, log_format):
    logger = logging.getLogger("forum")
    level = logger.level
    handler = requestlog.configure_logging(log_format)
    stream = io.StringIO()
    handler.setStream(stream)
    try:
        client.get("/healthz", headers={"X-Request-ID": "probe-1"})
        with app.test_request_context("/", environ_base={requestlog.ENVIRON_ID: "req-9"}):
            logging.getLogger("forum.mail").warning("inside a request")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    if log_format == "json":
        access, warning = (json.loads(line) for line in lines)
        assert {key: access[key] for key in ("request_id", "method", "path", "status", "logger")} == {
            "request_id": "probe-1", "method": "GET", "path": "/healthz", "status": 200, "logger": "forum.access"}
        assert access["user_id"] is None and access["duration_ms"] >= 0 and access["time"].endswith("+00:00")
        assert warning["message"] == "inside a request" and warning["request_id"] == "req-9"
        assert warning["level"] == "WARNING"
    else:
        assert "request_id=probe-1 method=GET path=/healthz status=200 duration_ms=" in lines[0]
        assert "user_id=-" in lines[0] and "inside a request" in lines[1]


def _hashed_url(client, name: str) -> str:
    page = client.get("/").get_data(as_text=True)
    stem, extension = name.rsplit(".", 1)
    [url] = set(re.findall(rf'/static/{re.escape(stem)}\.[0-9a-f]{{12}}\.{extension}', page))
    return url


def test_pages_name_static_files_by_content_hash_served_immutable_for_a_year_and_gzipped(client, caplog):
    url = _hashed_url(client, "css/forum.css")
    original = (STATIC / "css" / "forum.css").read_bytes()
    with caplog.at_level(logging.INFO, logger="forum.access"):
        plain = client.get(url)
        packed = client.get(url, headers={"Accept-Encoding": "gzip, br"})
    assert plain.status_code == 200 and plain.data == original
    assert plain.headers["Cache-Control"] == "max-age=31536000, public, immutable"
    assert plain.headers["Content-Type"].startswith("text/css")
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.data) == original
    assert "Accept-Encoding" in packed.headers["Vary"] and len(packed.data) < len(original) / 2
    assert [line["path"] for line in _access_lines(caplog)] == [url, url]  # static requests are logged too


def test_unhashed_static_urls_still_answer_with_a_short_cache(client):
    response = client.get("/static/css/forum.css")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "max-age=60, public"
    assert client.get("/static/css/forum.0123456789ab.css").status_code == 404  # a hash that was never built
    assert client.get("/static/css/nothing.css").status_code == 404


def test_every_stylesheet_and_script_a_page_names_is_hashed(client):
    page = client.get("/").get_data(as_text=True)
    named = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert named and all(re.search(r"\.[0-9a-f]{12}\.\w+$", url) for url in named), named
    for url in named:
        assert client.get(url).status_code == 200


@pytest.mark.config(DEBUG=True)
def test_with_debug_on_files_are_served_as_they_are_on_disk(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/static/css/forum.css"' in page
    assert client.get("/static/css/forum.css").headers["Cache-Control"] == "max-age=0, public"

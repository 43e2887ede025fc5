"""A Redis outage (issue 14 item 8): logins, pages and probes keep working on per-process rate limits, /readyz
says Redis is down, one warning is logged, and Redis is used again once it is back. The test runs a Redis of its
own on a free port, kills it and starts it again."""
from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import time

import pytest
import redis

from forum.extensions import limiter
from tests.factories import PASSWORD, make_thread, make_user

REDIS_SERVER = shutil.which("redis-server")
if REDIS_SERVER is None and not os.environ.get("REQUIRE_BROWSER"):  # CI sets it and has redis-server
    pytest.skip("redis-server is not installed", allow_module_level=True)


class RedisServer:
    def __init__(self, port: int, directory: str) -> None:
        self.port, self.directory = port, directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.directory], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def keys(self, pattern: str) -> list[bytes]:
        return redis.Redis.from_url(self.url).keys(pattern)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(_free_port(), str(tmp_path))
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _limiter_state():
    """The limiter is one object for every app in the process: an outage in this test must not outlive it."""
    yield
    limiter._storage_dead = False


@pytest.fixture
def app_config(app_config, redis_server):
    """Rate limits, the page cache and the view counts all in this test's Redis, as in production."""
    app_config.REDIS_URL = app_config.RATELIMIT_STORAGE_URI = redis_server.url
    app_config.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    app_config.RATELIMIT_ENABLED = True
    return app_config


def _login(client, password: str = PASSWORD):
    return client.post("/login", data={"login": "carol", "password": password})


def test_the_forum_keeps_working_through_a_redis_outage_and_recovers(app, client, redis_server, caplog):
    with app.app_context():
        make_user("carol")
        thread = make_thread(title="Doorbell chime stopped working")
        thread_url = f"/questions/{thread.id}/{thread.slug}"

    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"]["redis"]["ok"] is True
    assert _login(client, "wrong-password").status_code == 422
    assert redis_server.keys("LIMITS*"), "the failed login is counted in Redis while it is up"

    redis_server.stop()
    with caplog.at_level(logging.WARNING):
        not_ready = client.get("/readyz")
        assert not_ready.status_code == 503
        checks = not_ready.get_json()["checks"]
        assert checks["redis"]["ok"] is False and checks["database"]["ok"] is True
        assert client.get("/healthz").status_code == 200
        for _ in range(3):
            assert _login(client, "wrong-password").status_code == 422  # a form with its message, not a 500
        assert _login(client).status_code == 302  # the right password logs in
        client.post("/logout")
        assert client.post("/reset-password", data={"email": "carol@example.com"}).status_code == 302
        assert client.get(thread_url).status_code == 200  # the page cache and the view count give way
        assert client.get("/").status_code == 200
    fallbacks = [r for r in caplog.records if "falling back to in-memory storage" in r.getMessage()]
    assert len(fallbacks) == 1, "one warning for the outage, not one per request"
    for quiet in ("forum.pagecache.store", "forum.viewcounts"):  # these fail on every page while Redis is down
        assert len([r for r in caplog.records if r.name == quiet]) <= 2, quiet
    for _ in range(3):  # the budgets still hold, counted in this process
        _login(client, "wrong-password")
    assert _login(client, "wrong-password").status_code == 429

    redis_server.start()
    assert client.get("/readyz").status_code == 200
    # Flask-Limiter looks for the storage again with back-off (1, 2, 4, ... s); once found, counts go to Redis.
    deadline = time.monotonic() + 70
    while limiter._storage_dead and time.monotonic() < deadline:
        client.post("/login", data={"login": f"nobody{time.monotonic()}", "password": "x"})
        time.sleep(0.5)
    assert not limiter._storage_dead, "the rate limiter went back to Redis"
    assert client.post("/login", data={"login": "someone-new", "password": "x"}).status_code == 422
    assert redis_server.keys("LIMITS*someone-new*"), "new counts land in Redis again"

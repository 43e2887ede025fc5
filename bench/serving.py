"""How the page benchmark serves and drives an app: gunicorn in a subprocess on a free loopback port, plain HTTP
requests (logging in through the real form), and wrk runs parsed into figures."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from bench.report import Run

ROOT = Path(__file__).resolve().parent.parent
USER_AGENT = "forum-bench/1.0"  # the same on login and under wrk: Flask-Login ties a session to it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn master in a subprocess: started, awaited until it answers, stopped by its own pid."""

    def __init__(self, app: str, env: dict[str, str], workers: int, log: Path) -> None:
        self.port = free_port()
        self.log = log
        command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
                   "--timeout", "300", "--log-level", "warning", app]
        self.handle = log.open("wb")  # this run's log only: a 500's explanation must be this run's error
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.handle, stderr=subprocess.STDOUT)

    def wait_ready(self, path: str = "/healthz", timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                if fetch(self.port, path)[0] < 500:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer {path} within {timeout:.0f} s; see {self.log}")

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    status = (entry / "status").read_text()
                except OSError:
                    continue
                if re.search(rf"^PPid:\s+{self.process.pid}$", status, re.MULTILINE):
                    pids.append(int(entry.name))
        return sorted(pids)

    def memory(self) -> list[dict[str, int]]:
        """Each worker's RssAnon and VmRSS in kB (Linux /proc)."""
        found = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            values = dict(re.findall(r"^(RssAnon|VmRSS):\s+(\d+) kB", status, re.MULTILINE))
            found.append({"pid": pid, "rss_anon_kb": int(values.get("RssAnon", 0)),
                          "rss_kb": int(values.get("VmRSS", 0))})
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.handle.close()


def app_env(database_url: str, index_dir: str, redis_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, SEARCH_INDEX_DIR=index_dir, FLASK_APP="wsgi", SECRET_KEY="bench-secret",
               FORUM_CONFIG=os.environ.get("FORUM_CONFIG", "config.DevelopmentConfig"), PYTHONUNBUFFERED="1",
               POSTING_LIMITS="off",  # the write path's cost is timed, not a member's hourly allowance
               PYTHONOPTIMIZE="2")  # workers as docs/deploy.md serves them (python -OO: no docstrings, 5 MB less)
    env.pop("REDIS_URL", None)
    if redis_url:
        env["REDIS_URL"] = redis_url
    return env


def fetch(port: int, path: str, *, method: str = "GET", body: bytes | None = None,
          headers: dict[str, str] | None = None, timeout: float = 120.0) -> tuple[int, dict, bytes, list[str]]:
    """(status, headers, body, Set-Cookie values) of one request, no redirect followed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"User-Agent": USER_AGENT, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        return response.status, dict(response.getheaders()), data, response.msg.get_all("Set-Cookie") or []
    finally:
        conn.close()


def resolve(port: int, path: str, headers: dict[str, str]) -> tuple[str, int, int]:
    """Follow redirects (a thread's id URL answers 301 to its slug URL): final path, status and size."""
    for _ in range(5):
        status, answer_headers, body, _ = fetch(port, path, headers=headers)
        location = answer_headers.get("Location")
        if status in (301, 302, 303, 307, 308) and location:
            parts = urllib.parse.urlsplit(location)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            continue
        return path, status, len(body)
    return path, status, len(body)


def login(port: int, username: str, password: str) -> dict[str, str]:
    """A real login through the form (CSRF token included): the Cookie header the member's pages need."""
    cookies: dict[str, str] = {}

    def keep(values: list[str]) -> None:
        for value in values:
            name, _, rest = value.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]

    status, _, body, set_cookies = fetch(port, "/login")
    keep(set_cookies)
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body) or \
        re.search(rb'value="([^"]+)"[^>]*name="csrf_token"', body)
    form = {"login": username, "password": password}
    if match:
        form["csrf_token"] = match.group(1).decode()
    status, _, body, set_cookies = fetch(
        port, "/login", method="POST", body=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": _cookie_header(cookies)})
    keep(set_cookies)
    if status not in (302, 303):
        raise RuntimeError(f"login as {username} answered {status}, not a redirect")
    # The page after the login shows the "welcome back" message and rewrites the session without it, as a
    # browser's next request would: wrk then replays a session with no message waiting.
    status, _, _, set_cookies = fetch(port, "/settings", headers={"Cookie": _cookie_header(cookies)})
    keep(set_cookies)
    return {"Cookie": _cookie_header(cookies)}


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def wrk_missing() -> bool:
    return shutil.which("wrk") is None


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> Run:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+(?:us|ms|s|m))\s*$", output, re.MULTILINE))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    if not requests:  # nothing finished within the run: wrk prints zero latencies, which would read as fast
        return Run(rps=0.0, p50_ms=float("nan"), p99_ms=float("nan"), requests=0, errors=errors)
    return Run(rps=rps, p50_ms=_ms(latency["50"]) if "50" in latency else float("nan"),
               p99_ms=_ms(latency["99"]) if "99" in latency else float("nan"), requests=requests, errors=errors)

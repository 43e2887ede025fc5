"""Settings, read from the environment when the app is built (never at import)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

INSTANCE_DIR = Path(__file__).resolve().parent / "instance"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip().isdigit() else default


def _env_float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


def _dev_secret_key() -> str:
    """A key generated once and kept in instance/, so sessions survive restarts in development."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


TRUST_INT_SETTINGS = ("EMAIL_CONFIRM_MAX_AGE", "NEW_ACCOUNT_QUESTIONS_PER_HOUR", "NEW_ACCOUNT_ANSWERS_PER_HOUR",
                      "NEW_ACCOUNT_IDEAS_PER_HOUR", "NEW_ACCOUNT_IDEA_COMMENTS_PER_HOUR", "QUESTIONS_PER_HOUR",
                      "ANSWERS_PER_HOUR", "IDEAS_PER_HOUR", "IDEA_COMMENTS_PER_HOUR", "TRUST_MIN_REPUTATION",
                      "TRUST_MIN_AGE_DAYS", "DUPLICATE_POST_WINDOW_HOURS", "NEW_ACCOUNT_MAX_LINKS")
TRUST_RATE_SETTINGS = ("REGISTER_LIMIT", "CONFIRM_RESEND_LIMIT", "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
                       "LOGIN_LIMIT_PER_ADDRESS")  # Flask-Limiter's notation: "5/hour;20/day"


class Config:
    """Shared defaults; subclasses read the environment in __init__ so imports stay side-effect free."""

    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {}
    MAX_CONTENT_LENGTH = 1024 * 1024  # bounds ordinary form fields too, which Flask's form limits do not
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; a stale form is not an error
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    # A Redis outage must not turn every login into a 500: Flask-Limiter counts in this process's memory while
    # the storage is unreachable, checks it again with back-off, and goes back to Redis when it answers.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True  # the rare failure the fallback cannot catch (Redis dies mid-request) too
    PASSWORD_RESET_MAX_AGE = 3600
    # -- accounts that earn trust (issue 17; forum/auth/confirmation.py, forum/trust.py) --------------------
    EMAIL_CONFIRM_MAX_AGE = 3 * 24 * 3600
    CONFIRM_LINK_ON_PAGE = True  # only without MAIL_SERVER, and never in production (ProductionConfig)
    REGISTER_LIMIT = "5/hour;20/day"  # per IP address
    CONFIRM_RESEND_LIMIT = "3/hour"  # per IP address
    # Failed logins count per (account, address) pair, so hammering one account from elsewhere does not lock
    # its owner out, and per address across accounts. Limits use Flask-Limiter's notation.
    LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS = "5/minute;20/hour"
    LOGIN_LIMIT_PER_ADDRESS = "20/minute;100/hour"
    # Rates, duplicate text and held posts (off in tests unless a test turns them on). POSTING_LIMITS=off turns
    # them off, for `make bench` alone: it posts 200 answers a minute as one member to time the write path.
    POSTING_LIMITS_ENABLED = os.environ.get("POSTING_LIMITS", "on") != "off"
    # Posting: per account and hour; "new" until TRUST_MIN_REPUTATION or TRUST_MIN_AGE_DAYS. Staff are exempt.
    NEW_ACCOUNT_QUESTIONS_PER_HOUR = 3
    NEW_ACCOUNT_ANSWERS_PER_HOUR = 10
    NEW_ACCOUNT_IDEAS_PER_HOUR = 3
    NEW_ACCOUNT_IDEA_COMMENTS_PER_HOUR = 10
    QUESTIONS_PER_HOUR = 20
    ANSWERS_PER_HOUR = 60
    IDEAS_PER_HOUR = 20
    IDEA_COMMENTS_PER_HOUR = 60
    TRUST_MIN_REPUTATION = 10
    TRUST_MIN_AGE_DAYS = 7
    DUPLICATE_POST_WINDOW_HOURS = 24  # the same text twice by one account within this is refused
    NEW_ACCOUNT_MAX_LINKS = 2  # more links than this in a new account's post hold it for a moderator
    # What a fresh database shows until an admin fills in /admin/settings (forum/site.py): names no company.
    COMMUNITY_NAME = "Community"
    COMPANY_NAME = ""
    ACCENT_COLOR = "#1747b8"  # 8:1 against the white text the stylesheet puts on it
    DEFAULT_LANGUAGE = "en"  # the site's default language until an admin picks one (one of LANGUAGES)
    LANGUAGES = ("en", "nl")  # shipped: each has a catalogue in forum/translations (docs/translations.md)
    TESTING = False

    def __init__(self) -> None:
        env = os.environ
        self.SQLALCHEMY_DATABASE_URI = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'forum.db'}"
        self.SEARCH_BACKEND = env.get("SEARCH_BACKEND", "whoosh")
        self.SEARCH_INDEX_DIR = env.get("SEARCH_INDEX_DIR") or str(INSTANCE_DIR / "search-index")
        # Seconds between each worker's background drains of the search queue; 0 runs none (tests drain it
        # themselves; every search drains first anyway, so readers never see a stale index).
        self.SEARCH_DRAIN_INTERVAL = 0 if self.TESTING else _env_int("SEARCH_DRAIN_INTERVAL", 1)
        # PostgreSQL: a pooled connection idle this many seconds is pinged before use (a restart or a firewall may
        # have dropped it); 0 pings on every checkout, a round trip on every request (forum/database.py).
        ping = env.get("DATABASE_PING_AFTER_IDLE", "").strip()
        self.DATABASE_PING_AFTER_IDLE = 0.0 if ping in ("0", "0.0") else _env_float("DATABASE_PING_AFTER_IDLE", 10.0)
        self.REDIS_URL = env.get("REDIS_URL", "")
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        if self.REDIS_URL:  # short timeouts: an unreachable Redis costs a login half a second once, not a hang
            self.RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        # Reverse-proxy hops whose X-Forwarded-For/-Proto/-Host are believed (0: none; nginx in front: 1).
        self.TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)
        self.LOG_FORMAT = "json" if env.get("LOG_FORMAT", "").strip().lower() == "json" else "text"
        # forum/viewcounts.py: buffered views reach threads.view_count this often (and what a killed worker may lose)
        self.VIEW_COUNT_FLUSH_SECONDS = _env_int("VIEW_COUNT_FLUSH_SECONDS", 5)
        # Bounds what page versions cannot see: a byline's reputation on other threads, "3 minutes ago".
        self.PAGE_CACHE_SECONDS = _env_int("PAGE_CACHE_SECONDS", 300)
        self.PAGE_CACHE_ITEMS = _env_int("PAGE_CACHE_ITEMS", 500)  # in-process store only: ~25 MB of pages a worker
        # forum/memory.py: hand freed heap memory back to the system every this many requests (0: never)
        self.MEMORY_TRIM_EVERY = _env_int("MEMORY_TRIM_EVERY", 4)
        # forum/memory.py: freeze what a worker holds once its first response is sent (gc.freeze; 0: never)
        self.MEMORY_FREEZE = False if self.TESTING else _env_int("MEMORY_FREEZE", 1) != 0
        self.MAIL_SERVER = env.get("MAIL_SERVER", "")
        self.MAIL_PORT = _env_int("MAIL_PORT", 25)
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_USE_TLS = env.get("MAIL_USE_TLS", "").lower() in ("1", "true", "yes")
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER", "community@localhost")
        self.ESCALATION_SLA_HOURS = _env_int("ESCALATION_SLA_HOURS", 24)
        self.AUTO_ESCALATE_AFTER_HOURS = _env_int("AUTO_ESCALATE_AFTER_HOURS", 48)
        self.SITE_URL = env.get("SITE_URL", "http://127.0.0.1:5000")
        # detect-spikes (forum/listening/alerts.py): an hour spikes at this many posts and this many times its
        # baseline (the same hour's average over the previous seven days)
        self.SPIKE_MIN_POSTS = _env_int("SPIKE_MIN_POSTS", 5)
        self.SPIKE_FACTOR = _env_float("SPIKE_FACTOR", 3.0)
        # A JSON list of {"name", "pattern"} or one regex per line; bad ones are skipped (forum/pii.py).
        self.PII_PATTERNS = env.get("PII_PATTERNS", "")
        self.SECRET_KEY = env.get("SECRET_KEY") or self._default_secret_key()
        # Issue 17's limits: each class default above may be overridden by an environment variable of its name
        # (docs/reference.md); a malformed number falls back to the default.
        for name in TRUST_INT_SETTINGS:
            setattr(self, name, _env_int(name, getattr(self, name)))
        for name in TRUST_RATE_SETTINGS:
            setattr(self, name, env.get(name, "").strip() or getattr(self, name))

    def _default_secret_key(self) -> str:
        return _dev_secret_key()


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    """Function-scoped apps in tests; the fixtures override the database URL and index dir."""

    TESTING = True
    RATELIMIT_ENABLED = False
    POSTING_LIMITS_ENABLED = False  # builders post the same text many times a minute; tests/hardening turn it on
    PASSWORD_HASH_FAST = True  # argon2 at test cost; production keeps the library defaults
    WTF_CSRF_ENABLED = False
    MAIL_BACKEND = "locmem"

    def _default_secret_key(self) -> str:
        return "test-secret-key"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    CONFIRM_LINK_ON_PAGE = False  # the page would prove who has an account; the link goes by mail only
    REMEMBER_COOKIE_SECURE = True

    def __init__(self) -> None:
        super().__init__()
        # Every link in mail, feeds and exports is built from SITE_URL: the development default would send
        # members to 127.0.0.1, so production refuses to start rather than mail broken links.
        site_url = os.environ.get("SITE_URL", "").strip()
        parts = urlsplit(site_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise RuntimeError("SITE_URL must be set in production to the forum's public address, "
                               "e.g. SITE_URL=https://community.example.com (links in mail, feeds and exports).")
        self.SITE_URL = site_url.rstrip("/")
        self.WARN_WITHOUT_MAIL_SERVER = True  # create_app warns, once its log format is set (forum/__init__.py)

    def _default_secret_key(self) -> str:
        raise RuntimeError("SECRET_KEY must be set in production.")

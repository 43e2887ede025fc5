"""Where `?next=` may send a user: only to a path on this site."""
from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """A local path or None. Browsers read `//x`, `/\\x`, `/<TAB>/x` and `///x` as other hosts,
    so any backslash, control character, scheme or host is refused outright."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return None
    return target

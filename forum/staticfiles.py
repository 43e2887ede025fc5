"""Static files through WhiteNoise: content-hashed URLs cached immutable for a year, gzip, a short cache otherwise.

At start-up every file under static/ is hashed (SHA-256, 12 hex digits) and copied once into STATIC_BUILD_DIR
as `css/forum.<hash>.css`, with a `.gz` beside it when that is smaller. The copies are named by their content,
so workers and servers starting together write identical files (each atomically), pages rendered before a
deploy keep finding the version they name, and a hashed URL can be cached `immutable` for a year: changing a
file changes its URL. Templates get those URLs from forum.templating.url_for('static', filename=...). The plain
`/static/css/forum.css` still answers, cached for a minute, for whatever names it directly (an old bookmark,
a stylesheet's relative `url(...)`). With DEBUG on, files are served as they are on disk, uncached and unhashed,
so an edited stylesheet shows on the next reload.

WhiteNoise answers before Flask, so it also adds `X-Content-Type-Options: nosniff` itself; the CSP in
forum/web.py (`'self'` for styles, scripts and images) covers both URL forms.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor

log = logging.getLogger(__name__)

MANIFEST_KEY = "forum.static_manifest"  # app.extensions: {"css/forum.css": "css/forum.<hash>.css"}
HASH_LENGTH = 12
YEAR = 365 * 24 * 60 * 60
SHORT_MAX_AGE = 60  # unhashed URLs: a deploy reaches them within a minute


class _WhiteNoise(WhiteNoise):  # type: ignore[misc]  # WhiteNoise ships no type information
    FOREVER = YEAR  # what an `immutable` file gets; WhiteNoise's own default is ten years


def init_app(app: Flask) -> None:
    """Put WhiteNoise in front of the app for /static/, and keep the manifest templates build URLs from."""
    prefix = app.static_url_path or "/static"
    folder = app.static_folder
    if app.debug or not folder:
        app.extensions[MANIFEST_KEY] = {}
        app.wsgi_app = _WhiteNoise(  # type: ignore[method-assign]  # Flask's documented middleware hook
            app.wsgi_app, root=folder, prefix=prefix, autorefresh=True, max_age=0, add_headers_function=_extra_headers)
        return
    build = os.path.abspath(app.config.get("STATIC_BUILD_DIR") or os.path.join(app.instance_path, "static-build"))
    try:
        manifest = build_hashed_copies(folder, build)
    except OSError as error:  # a read-only instance/: the site still works, with short-cached URLs only
        log.warning("static files are served unhashed: cannot write %s (%s); set STATIC_BUILD_DIR", build, error)
        manifest = {}
    app.extensions[MANIFEST_KEY] = manifest
    build_root = build + os.sep
    server = _WhiteNoise(app.wsgi_app, max_age=SHORT_MAX_AGE, add_headers_function=_extra_headers,
                         immutable_file_test=lambda path, url: path.startswith(build_root))
    server.add_files(folder, prefix=prefix)
    if manifest:
        server.add_files(build, prefix=prefix)  # every version ever built: old pages keep their stylesheets
    app.wsgi_app = server  # type: ignore[method-assign]  # Flask's documented middleware hook


def hashed_filename(app: Flask, filename: Any) -> Any:
    """The content-hashed name for a file under static/, or the name unchanged when it has none."""
    manifest = app.extensions.get(MANIFEST_KEY)
    if not manifest or not isinstance(filename, str):
        return filename
    return manifest.get(filename, filename)


def build_hashed_copies(folder: str, build: str) -> dict[str, str]:
    """Copy each file to its hashed name (and a .gz) unless already there; returns name -> hashed name."""
    manifest: dict[str, str] = {}
    compressor = Compressor(use_brotli=False, quiet=True)
    scratch = build.rstrip(os.sep) + ".tmp"
    root = Path(folder)
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in relative.split("/")):
            continue
        data = path.read_bytes()
        hashed = _hashed_name(relative, hashlib.sha256(data).hexdigest()[:HASH_LENGTH])
        target = os.path.join(build, *hashed.split("/"))
        if not os.path.exists(target):
            if compressor.should_compress(hashed):
                packed = Compressor.compress_gzip(data)
                if len(packed) <= 0.95 * len(data):
                    # first: a worker that sees the file sees its .gz too
                    _write_atomically(target + ".gz", packed, scratch)
            _write_atomically(target, data, scratch)
        manifest[relative] = hashed
    return manifest


def _hashed_name(relative: str, digest: str) -> str:
    directory, _, name = relative.rpartition("/")
    stem, dot, extension = name.rpartition(".")
    hashed = f"{stem}.{digest}.{extension}" if dot and stem else f"{name}.{digest}"
    return f"{directory}/{hashed}" if directory else hashed


def _write_atomically(target: str, data: bytes, scratch: str) -> None:
    """Written in `scratch` beside the build directory, not in it (WhiteNoise scans that), then renamed."""
    os.makedirs(os.path.dirname(target), exist_ok=True)
    os.makedirs(scratch, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=scratch)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def _extra_headers(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"

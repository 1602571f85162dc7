"""Static files with content-hashed URLs and long-lived caching, compressed once.

``url_for("static", filename=...)`` (and its short name ``asset_url(path)`` in templates) adds ``?v=<hash of the
file's content>``. A request that names the current hash is answered with ``Cache-Control: public,
max-age=31536000, immutable``: a phone keeps leaflet.js for a year and never asks again; a new release changes
the hash, so the URL. Without ``v`` (or with an old one) the answer must be revalidated (``no-cache``, ETag).

Text files (CSS, JS, SVG, GeoJSON) are compressed once per content, brotli and gzip, and kept in memory (the
vendored files are a few hundred KB); Flask-Compress, which leaves file answers alone, sees the
``Content-Encoding`` and passes them on. The same serving answers the map's GeoJSON boundary files
(``send_versioned``).
"""
from __future__ import annotations

import gzip
import hashlib
import mimetypes
import os
import threading
from dataclasses import dataclass

from flask import Response, abort, current_app, request, url_for
from werkzeug.security import safe_join

try:  # brotli is a dependency; without it the files go gzip-compressed
    import brotli
except ImportError:  # pragma: no cover
    brotli = None

LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
MAX_IN_MEMORY = 4 * 1024 * 1024  # larger files are sent from disk, uncompressed
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/geo+json", "application/manifest+json",
                "image/svg+xml")
mimetypes.add_type("application/geo+json", ".geojson")
mimetypes.add_type("application/manifest+json", ".webmanifest")


@dataclass(frozen=True)
class _Entry:
    key: tuple
    digest: str
    mimetype: str
    plain: bytes | None
    gzipped: bytes | None
    brotli: bytes | None


_entries: dict[str, _Entry] = {}
_lock = threading.Lock()


def _entry(path: str) -> _Entry | None:
    """The file at ``path`` hashed (and, if text, compressed) once per size and modification time."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not os.path.isfile(path):
        return None
    key = (st.st_size, st.st_mtime_ns)
    entry = _entries.get(path)
    if entry is not None and entry.key == key:
        return entry
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    with open(path, "rb") as fh:
        if st.st_size > MAX_IN_MEMORY:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()[:12]
            entry = _Entry(key, digest, mimetype, None, None, None)
        else:
            body = fh.read()
            digest = hashlib.sha256(body).hexdigest()[:12]
            text = mimetype.startswith(COMPRESSIBLE) and len(body) >= 500
            entry = _Entry(key, digest, mimetype, body, gzip.compress(body, 9, mtime=0) if text else None,
                           brotli.compress(body, quality=11) if text and brotli else None)
    with _lock:
        _entries[path] = entry
    return entry


def content_hash(path: str) -> str | None:
    entry = _entry(path)
    return entry.digest if entry else None


def _static_path(filename: str) -> str | None:
    return safe_join(current_app.static_folder, filename)


def version_static_urls(endpoint: str, values: dict) -> None:
    """``url_defaults``: every ``url_for("static", filename=...)`` carries ``v=<content hash>``."""
    if endpoint == "static" and "filename" in values and "v" not in values:
        path = _static_path(values["filename"])
        digest = content_hash(path) if path else None
        if digest:
            values["v"] = digest


def asset_url(filename: str) -> str:
    """The URL of a static file, versioned by its content (cache it for a year)."""
    return url_for("static", filename=filename)


def send_versioned(path: str | None) -> Response:
    """Answer with the file at ``path``: compressed as the client accepts (brotli, else gzip), ETag per variant,
    cached for a year when the request's ``v`` names this content, else revalidated."""
    entry = _entry(path) if path else None
    if entry is None:
        abort(404)
    if entry.plain is None:  # too large to keep: from disk, as Flask would
        from flask import send_file

        response = send_file(path, mimetype=entry.mimetype, conditional=True, etag=entry.digest)
    else:
        accepts = request.accept_encodings
        if entry.brotli is not None and accepts["br"]:
            body, encoding = entry.brotli, "br"
        elif entry.gzipped is not None and accepts["gzip"]:
            body, encoding = entry.gzipped, "gzip"
        else:
            body, encoding = entry.plain, None
        response = Response(body, mimetype=entry.mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        if entry.gzipped is not None:
            response.vary.add("Accept-Encoding")
        response.set_etag(f"{entry.digest}-{encoding}" if encoding else entry.digest)
        response.make_conditional(request)
    response.headers["Cache-Control"] = LONG_CACHE if request.args.get("v") == entry.digest else REVALIDATE
    return response


def serve_static(filename: str) -> Response:
    return send_versioned(_static_path(filename))


def init_app(app) -> None:
    app.url_defaults(version_static_urls)
    app.view_functions["static"] = serve_static
    app.jinja_env.globals["asset_url"] = asset_url

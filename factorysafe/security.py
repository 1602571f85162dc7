"""Hardening at the edge of the app, one home each:

- **security headers** on every answer (Flask-Talisman): a Content-Security-Policy with a per-request nonce for
  inline scripts and styles (``{{ csp_nonce() }}``; folium's map parts get it through ``|nonced``), no framing
  (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``), ``nosniff``, a referrer policy; HTTPS redirects,
  HSTS and Secure cookies only with ``FORCE_HTTPS`` (for deployments behind TLS);
- **ids** in URLs: the ``int`` URL converter of every route only matches 1..2^31-1 (what a PostgreSQL ``integer``
  id column holds), so ``/factories/99999999999`` is a 404, never a database error; ``db_id`` does the same for
  ids in query strings and cursors;
- **NUL bytes**: a request whose query, form, JSON or path text holds a NUL character is refused with 400
  (PostgreSQL text cannot store it; no text a person types holds one).

The ``Server`` header: under gunicorn (``make serve``) it is ``gunicorn``, without a version. Werkzeug's development
server (``make run``) names its and Python's versions; that server is for development only and its header is
written below the app (an ``after_request`` cannot remove it), so it is left as it is.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from flask_talisman import Talisman
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from factorysafe.errors import UserFacingError

#: The largest id the database stores: PostgreSQL ``integer`` (SQLite's reach 2^63-1, ids never get there).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: a database id, 1..2^31-1. Anything else does not match the route (404)."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def db_id(raw) -> int:
    """An id from a query string or a cursor: an int 1..2^31-1, else ``ValueError`` (``request.args.get(name,
    type=db_id)`` then gives the default)."""
    value = raw if isinstance(raw, int) and not isinstance(raw, bool) else int(str(raw).strip())
    if not 1 <= value <= MAX_ID:
        raise ValueError(f"not an id: {raw!r}")
    return value


# --- security headers --------------------------------------------------------------------------------------
#: Answers a browser renders as a document that could run code: they get the CSP and the framing ban.
DOCUMENT_TYPES = ("text/html", "application/xhtml+xml", "image/svg+xml")
#: Probes of the host's load balancer or monitor, answered over plain http even with FORCE_HTTPS.
PLAIN_HTTP_ENDPOINTS = ("main.healthz", "main.readyz")


class _Talisman(Talisman):
    """Talisman, with two exceptions. An answer that set its own Content-Security-Policy keeps it (photo files:
    ``default-src 'none'; sandbox``, stricter than the pages'). Other answers that are not documents (PDF, CSV,
    JSON, images, scripts) get ``nosniff`` and the referrer policy but no CSP and no X-Frame-Options: nothing in
    them runs, and Chrome's PDF viewer shows nothing under a page's CSP (crbug.com/271452)."""

    def _force_https(self):
        if request.endpoint in PLAIN_HTTP_ENDPOINTS:
            return None
        return super()._force_https()

    def _set_response_headers(self, response):
        own = response.headers.get("Content-Security-Policy")
        response = super()._set_response_headers(response)
        if own:
            response.headers["Content-Security-Policy"] = own
        elif response.mimetype not in DOCUMENT_TYPES:
            del response.headers["Content-Security-Policy"]
            del response.headers["X-Frame-Options"]
        return response


def _tile_source(tile_url: str | None) -> str | None:
    """The CSP source of a configured web tile layer (``https://{s}.tile.example.org/...`` ->
    ``https://*.tile.example.org``), so its images may load; None without one."""
    if not tile_url:
        return None
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    if "*" in host.lstrip("*"):  # a placeholder that is not the leftmost label: allow the scheme only
        return f"{parts.scheme}:"
    return f"{parts.scheme}://{host}"


def content_security_policy(config) -> dict[str, str]:
    """The CSP of every answer. Scripts and ``<style>`` elements: this site's files, or inline with the request's
    nonce (Talisman appends ``'nonce-...'`` to script-src and style-src). No ``'unsafe-inline'``: ``style``
    attributes in HTML are refused too (the pages use classes; styles set by scripts, as Leaflet's, are
    allowed by CSP). Images: this site, ``data:`` and ``blob:`` (Leaflet), and the tile server when one is
    configured."""
    images = ["'self'", "data:", "blob:"]
    tiles = _tile_source(config["MAP_TILE_URL"])
    if tiles:
        images.append(tiles)
    return {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(images),
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }


_INLINE_TAG = re.compile(r"<(script|style)\b", re.IGNORECASE)


def nonced(html) -> Markup:
    """``{{ html|nonced }}``: HTML made elsewhere (folium's map header) with this request's CSP nonce on each
    ``<script>`` and ``<style>`` element, so the policy lets them run."""
    nonce = current_app.jinja_env.globals["csp_nonce"]()  # Talisman's, as in templates
    return Markup(_INLINE_TAG.sub(lambda m: f'<{m.group(1)} nonce="{nonce}"', str(html)))


# --- NUL bytes -----------------------------------------------------------------------------------------------
def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_holds_nul(v) for v in value)
    return False


def refuse_nul_bytes() -> None:
    """before_request: 400 when the path, the query, the form (names, values, file names) or a JSON body holds
    a NUL character."""
    texts = [request.path, *(text for pair in request.args.items(multi=True) for text in pair)]
    if request.view_args:
        texts.extend(v for v in request.view_args.values() if isinstance(v, str))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            texts.extend(text for pair in request.form.items(multi=True) for text in pair)
            texts.extend(text for name, file in request.files.items(multi=True) for text in (name, file.filename or ""))
        elif request.is_json:
            texts.append(request.get_json(silent=True))
    if any(_holds_nul(t) for t in texts):
        raise UserFacingError(_("The request holds a NUL character (a zero byte), which no text here may contain. "
                                "Remove it and send it again."), 400)


def init_app(app) -> None:
    """Call before any blueprint is registered: the routes take the ``int`` converter when they are added."""
    app.url_map.converters["int"] = IdConverter
    force_https = bool(app.config["FORCE_HTTPS"])
    # One Talisman per app: its hooks read the app's own policy (a test suite builds many apps).
    app.extensions["talisman"] = _Talisman(
        app,
        force_https=force_https,
        strict_transport_security=force_https,
        session_cookie_secure=force_https,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        frame_options="DENY",
        content_security_policy=content_security_policy(app.config),
        content_security_policy_nonce_in=["script-src", "style-src"],
        referrer_policy=app.config["REFERRER_POLICY"],
    )
    app.jinja_env.filters["nonced"] = nonced
    app.before_request(refuse_nul_bytes)  # after Talisman's: the error page has its nonce

"""Offline capture: the service worker (``/sw.js``, scope ``/``), the page listing what waits to be sent
(``/outbox``), the page shown offline for pages not kept on the phone (``/offline``) and the signed-in user's
id with a fresh CSRF token (``/offline/session``), read before a queued form is sent.

The queue itself lives in the browser (IndexedDB, ``static/js/outbox.js``); the routes that take the queued
forms (finding new/edit, report a fix) are the ordinary ones, with an ``Idempotency-Key`` header.
"""
from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, jsonify, render_template
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from factorysafe.assets import asset_url, content_hash

bp = Blueprint("offline", __name__)

#: Static files the service worker keeps from its installation on (cache-first): what the capture pages need.
PRECACHE = (
    "vendor/pico/pico.min.css", "css/app.css", "css/inspections.css", "css/actions.css", "css/hazards.css",
    "js/page-focus.js", "js/inspections.js", "js/hazard-suggest.js", "js/outbox.js", "js/offline.js", "js/capture.js",
    "img/favicon.svg", "img/icon-192.png", "img/icon-512.png", "manifest.webmanifest",
    "vendor/noto-sans-bengali/noto-sans-bengali-bengali-400-normal.woff2",
    "vendor/noto-sans-bengali/noto-sans-bengali-bengali-700-normal.woff2",
)


def cache_version() -> str:
    """One version for the worker's caches: the content hashes of the kept files and of the worker itself. A
    deploy that changes any of them names new caches, and the new worker deletes the old ones."""
    import os

    folder = current_app.static_folder
    digest = hashlib.sha256()
    for name in PRECACHE:
        digest.update(f"{name}={content_hash(os.path.join(folder, name))};".encode())
    template = os.path.join(current_app.root_path, "templates", "offline", "sw.js")
    digest.update((content_hash(template) or "").encode())
    return digest.hexdigest()[:12]


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from the root so that its scope is the whole site. Always revalidated: the
    browser checks for a new one on each visit."""
    body = render_template("offline/sw.js", version=cache_version(),
                           precache=[asset_url(name) for name in PRECACHE])
    response = current_app.response_class(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/offline")
def offline_page():
    """Shown by the service worker, without a connection, for a page this phone did not keep."""
    return render_template("offline/offline.html")


@bp.route("/outbox")
@login_required
def outbox():
    """What waits on this phone to be sent: read from the browser's queue by ``static/js/offline.js``."""
    return render_template("offline/outbox.html")


@bp.route("/offline/session")
def session_info():
    """Who is signed in, and a fresh CSRF token for a queued form (the kept form's may be from an old
    session). Never cached. 401 when nobody is signed in: the queue waits."""
    if not current_user.is_authenticated:
        response = jsonify(user_id=None)
        response.status_code = 401
    else:
        response = jsonify(user_id=current_user.id, csrf_token=generate_csrf())
    response.headers["Cache-Control"] = "no-store"
    return response

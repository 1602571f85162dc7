"""Offline capture's server side: the web app manifest linked from signed-in pages, the service worker at /sw.js
(scope /, revalidated, its caches named by the assets' version, nothing from another site), the policy that lets
it run, the outbox and offline pages, and the session answer a queued form reads its fresh CSRF token from."""
from __future__ import annotations

import io
import json
import re

from PIL import Image

from factorysafe import offline
from test_security_headers import csp

ENG = "offline.pages@example.test"


def _manifest_href(html: str) -> str | None:
    match = re.search(r'<link rel="manifest" href="([^"]+)"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_the_manifest_is_linked_from_signed_in_pages_only_and_names_the_app(client, auth, build):
    assert _manifest_href(client.get("/").text) is None  # a visitor installs nothing
    build.user("engineer", email=ENG)
    auth.login(ENG)
    for path in ("/dashboard", "/outbox"):
        assert _manifest_href(client.get(path).text), path
    answer = client.get(_manifest_href(client.get("/dashboard").text))
    assert answer.status_code == 200
    assert answer.mimetype == "application/manifest+json"
    manifest = json.loads(answer.get_data())
    assert manifest["start_url"] == "/dashboard" and client.get(manifest["start_url"]).status_code == 200
    assert manifest["display"] == "standalone" and manifest["short_name"] == "factorysafe"
    assert manifest["theme_color"] == "#0b5d3b"  # the CSS's primary colour
    assert '<meta name="theme-color" content="#0b5d3b">' in client.get("/dashboard").text
    sizes = set()
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(client.get(icon["src"]).get_data()))
        assert image.format == "PNG" and icon["sizes"] == f"{image.width}x{image.height}"
        sizes.add(image.width)
    assert sizes == {192, 512}


def test_the_service_worker_is_served_from_the_root_revalidated_and_names_its_caches_by_version(client, app):
    answer = client.get("/sw.js")
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript"
    assert answer.headers["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in answer.headers  # served from / already: its scope is the whole site
    body = answer.text
    with app.test_request_context():
        version = offline.cache_version()
    assert f'var VERSION = "{version}";' in body
    assert not re.search(r"https?://", body)  # no CDN, no other site
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body).group(1))
    assert "/static/js/outbox.js?v=" in " ".join(precache)
    for url in precache:  # each kept file is there, at its versioned URL (cached for a year)
        kept = client.get(url)
        assert kept.status_code == 200, url
        assert "immutable" in kept.headers["Cache-Control"], url
    # never kept: the public API and exports, photo files
    never = re.search(r"var NEVER = \[(.*?)\];", body).group(1)
    for part in (r"^\/api\/", r"^\/photos\/", r"^\/open-data"):
        assert part in never


def test_a_changed_asset_names_new_caches(app, monkeypatch):
    with app.test_request_context():
        before = offline.cache_version()
        monkeypatch.setattr(offline, "content_hash", lambda path: "changed" if path.endswith("capture.js") else "same")
        changed = offline.cache_version()
        monkeypatch.setattr(offline, "content_hash", lambda path: "same")
        assert len({before, changed, offline.cache_version()}) == 3


def test_the_content_security_policy_lets_the_worker_run_from_this_site(client, auth, build):
    build.user("engineer", email=ENG)
    auth.login(ENG)
    policy = csp(client.get("/dashboard"))
    worker_sources = policy.get("worker-src") or policy.get("child-src") or policy.get("script-src")
    assert "'self'" in worker_sources
    assert policy["connect-src"] == ["'self'"]  # the queue posts to this site only
    assert "'unsafe-inline'" not in policy["script-src"]
    page = client.get("/dashboard").text
    nonce = re.search(r"'nonce-([^']+)'", client.get("/dashboard").headers["Content-Security-Policy"])
    assert nonce and 'id="offline-strings"' in page
    assert 'src="/static/js/offline.js?v=' in page and 'data-sw-url="/sw.js"' in page


def test_the_offline_page_and_the_outbox_page(client, auth, build):
    offline_page = client.get("/offline")
    assert offline_page.status_code == 200 and "No connection" in offline_page.text
    assert client.get("/outbox").status_code == 302  # to the login page
    build.user("engineer", email=ENG)
    auth.login(ENG)
    page = client.get("/outbox")
    assert page.status_code == 200
    assert 'id="outbox-list"' in page.text and "Nothing waits to be sent." in page.text
    assert 'href="/outbox" id="outbox-link"' in client.get("/dashboard").text  # the navigation links it
    bangla = client.get("/outbox?lang=bn")
    assert "Not yet sent" not in bangla.text  # every word of the page and of its scripts in Bangla


def test_the_session_answer_gives_a_fresh_token_to_the_signed_in_user_only(client, auth, build):
    anonymous = client.get("/offline/session")
    assert anonymous.status_code == 401 and anonymous.json == {"user_id": None}
    user = build.user("owner", email="offline.owner@example.test")
    auth.login("offline.owner@example.test")
    answer = client.get("/offline/session")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.json["user_id"] == user.id and answer.json["csrf_token"]
    auth.logout()
    assert client.get("/offline/session").status_code == 401

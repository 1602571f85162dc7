"""Security headers on every answer (Flask-Talisman): a nonce-based Content-Security-Policy without 'unsafe-inline',
no framing, nosniff, a referrer policy; HTTPS only when FORCE_HTTPS is set."""
from __future__ import annotations

import re

import pytest

from factorysafe.db import db
from factorysafe.security import _tile_source, content_security_policy


def csp(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in header.split(";") if part.strip())}


def assert_common_headers(response, document: bool = True):
    """Every answer: nosniff, the referrer policy, no HSTS over plain http (tests, FORCE_HTTPS off). Documents
    (HTML) also: no framing, and a CSP; other answers (JSON, CSV, PDF) no CSP: nothing in them runs."""
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers
    if document:
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Content-Security-Policy" in response.headers
    else:
        assert "X-Frame-Options" not in response.headers and "Content-Security-Policy" not in response.headers


def assert_strict_csp(response):
    policy = csp(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    for directive in ("script-src", "style-src"):
        sources = policy[directive]
        assert sources[0] == "'self'" and len(sources) == 2 and sources[1].startswith("'nonce-"), sources
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert policy["script-src"][1] == policy["style-src"][1]
    return policy["script-src"][1][len("'nonce-"):-1]


def inline_tags(html: str) -> list[str]:
    """Opening tags of every <script> and <style> element of a page."""
    return re.findall(r"<(?:script|style)\b[^>]*>", html, flags=re.IGNORECASE)


def assert_nonced(html: str, nonce: str):
    """Every inline script and style element carries the request's nonce; no style="..." attribute anywhere."""
    for tag in inline_tags(html):
        if "src=" in tag or 'type="application/json"' in tag:
            continue  # a file of this site ('self'), or data that is never run
        assert f'nonce="{nonce}"' in tag, tag
    assert not re.search(r"\sstyle\s*=", html), "a style attribute would need 'unsafe-inline'"


@pytest.fixture
def world(app, build):
    from helpers_maps import public_world

    return public_world(app, build)


def test_the_public_map_has_a_strict_csp_and_its_inline_folium_parts_carry_the_nonce(client, world):
    r = client.get("/map")
    assert r.status_code == 200
    assert_common_headers(r)
    nonce = assert_strict_csp(r)
    html = r.get_data(as_text=True)
    tags = inline_tags(html)
    assert sum(f'nonce="{nonce}"' in t for t in tags if t.lower().startswith("<script")) >= 2  # folium's two
    assert sum(f'nonce="{nonce}"' in t for t in tags if t.lower().startswith("<style")) >= 2  # folium's, legend
    assert_nonced(html, nonce)
    assert ".swatch-behind_schedule { background: #" in html  # the legend's colours, as classes


def test_each_request_gets_a_new_nonce(client, world):
    first, second = (assert_strict_csp(client.get("/map")) for _ in range(2))
    assert first != second and len(first) >= 32


@pytest.mark.parametrize("path", ["/", "/login", "/hazards", "/open-data", "/no/such/page", "/factories/{id}"])
def test_public_pages_and_error_pages_carry_the_headers(client, world, path):
    r = client.get(path.format(id=world["behind"]))
    assert r.status_code == (404 if path == "/no/such/page" else 200)
    assert_common_headers(r)
    assert_nonced(r.get_data(as_text=True), assert_strict_csp(r))


def test_signed_in_form_pages_carry_the_headers(client, auth, build):
    engineer = build.user("engineer")
    factory = build.factory()
    inspection = build.inspection(factory)
    finding = build.finding(inspection)
    auth.login(engineer.email)
    for path in (f"/actions/{finding.action_id}", f"/manage/factories/{factory.id}/cap", "/dashboard",
                 f"/inspections/{inspection.id}"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert_common_headers(r)
        assert_nonced(r.get_data(as_text=True), assert_strict_csp(r))


def test_json_answers_are_not_sniffed(client, world):
    for path in ("/api/v1/factories", "/api/v1/factories/99999999", "/map/markers.json", "/healthz"):
        r = client.get(path)
        assert r.is_json and r.status_code in (200, 404), path
        assert_common_headers(r, document=False)


def test_downloads_are_not_sniffed_and_a_pdf_has_no_page_policy(client, world):
    r = client.get(f"/factories/{world['behind']}/findings.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert_common_headers(r, document=False)
    r = client.get(f"/factories/{world['behind']}/cap.pdf")  # Chrome's PDF viewer shows nothing under a page CSP
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert_common_headers(r, document=False)
    r = client.get("/static/img/favicon.svg")  # an SVG may hold scripts: a document
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert_common_headers(r)


def test_http_is_served_as_is_by_default_and_the_session_cookie_works_over_it(client, auth, build):
    user = build.user("engineer")
    r = auth.login(user.email)
    assert r.status_code == 302 and r.headers["Location"].endswith("/dashboard")
    assert "Secure" not in r.headers["Set-Cookie"] and "HttpOnly" in r.headers["Set-Cookie"]
    assert client.get("/dashboard").status_code == 200


def test_force_https_redirects_and_sends_hsts(app_config):
    from factorysafe import create_app

    app = create_app({**app_config, "FORCE_HTTPS": True})
    client = app.test_client()
    r = client.get("/open-data")
    assert r.status_code == 302 and r.headers["Location"] == "https://localhost/open-data"
    r = client.get("/open-data", base_url="https://localhost")
    assert r.status_code == 200
    assert r.headers["Strict-Transport-Security"].startswith("max-age=31556926")
    r = client.get("/open-data", headers={"X-Forwarded-Proto": "https"})  # behind the TLS proxy
    assert r.status_code == 200
    assert client.get("/healthz").status_code == 200  # the load balancer's probe stays on plain http
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_configured_tile_server_may_send_images(app_config):
    from factorysafe import create_app

    app = create_app({**app_config, "MAP_TILE_URL": "https://{s}.tile.example.org/{z}/{x}/{y}.png"})
    r = app.test_client().get("/open-data")
    assert csp(r)["img-src"] == ["'self'", "data:", "blob:", "https://*.tile.example.org"]


@pytest.mark.parametrize("url, source", [
    (None, None),
    ("", None),
    ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
    ("http://{s}.tile.example.org/{z}/{x}/{y}.png", "http://*.tile.example.org"),
    ("https://tile.{s}.example.org/{z}/{x}/{y}.png", "https:"),
    ("/static/tiles/{z}/{x}/{y}.png", None),
    ("javascript:alert(1)", None),
])
def test_tile_source(url, source):
    assert _tile_source(url) == source


def test_the_policy_has_no_unsafe_sources():
    policy = content_security_policy({"MAP_TILE_URL": None})
    assert not any("unsafe" in sources or "*" in sources for sources in policy.values())


def test_a_photo_file_keeps_its_own_stricter_policy(app, client, build):
    import io

    import helpers_photos as hp
    from factorysafe.db import db
    from factorysafe.uploads import ingest_photo

    finding = build.finding(build.inspection(build.factory()))
    with app.app_context():
        photo = ingest_photo(io.BytesIO(hp.jpeg((400, 300), seed=1)), "p.jpg", finding_id=finding.id)
        db.session.commit()
        photo_id = photo.id
    r = client.get(f"/photos/{photo_id}/thumb")
    assert r.status_code == 200 and r.mimetype == "image/jpeg"
    assert r.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert_common_headers(r)

"""Who may fetch which photo file (/photos/<id>/<kind>), with cache headers and conditional requests."""
from __future__ import annotations

import io

import pytest

import helpers_photos as hp
from factorysafe.db import db
from factorysafe.uploads import derivative_path, ingest_photo


@pytest.fixture
def world(app, build):
    mine = build.factory(name="Own Garments")
    theirs = build.factory(name="Other Garments")
    build.user("engineer", email="eng@example.test")
    build.user("admin", email="admin@example.test")
    build.user("owner", email="own@example.test", factories=[mine])
    build.user("owner", email="other@example.test", factories=[theirs])
    photos, seed = {}, 0
    for state in ("draft", "submitted", "published"):
        finding = build.finding(build.inspection(mine, state=state))
        for private in (False, True):
            seed += 1
            photos[(state, private)] = add_photo(app, seed, private=private, finding_id=finding.id)
            if state != "draft":
                seed += 1
                photos[("evidence", state, private)] = add_photo(app, seed, private=private,
                                                                 action_id=finding.action_id)
    return photos


def add_photo(app, seed: int, **fields) -> int:
    with app.app_context():
        photo = ingest_photo(io.BytesIO(hp.jpeg((400, 300), seed=seed)), "p.jpg", **fields)
        db.session.commit()
        return photo.id


def fetch(client, auth, who, photo_id, kind="thumb", **kw):
    if who != "public":
        auth.login(who)
    return client.get(f"/photos/{photo_id}/{kind}", **kw)


OWN, OTHER, ENG, ADMIN = "own@example.test", "other@example.test", "eng@example.test", "admin@example.test"

# (photo key, who, kind) -> expected status
RULES = [
    # published, not private: derivatives are public; originals for engineers only
    (("published", False), "public", "thumb", 200),
    (("published", False), "public", "web", 200),
    (("published", False), "public", "original", 404),
    (("published", False), OTHER, "web", 200),
    (("published", False), OWN, "original", 403),
    (("published", False), ENG, "original", 200),
    # published but private: owner and engineers only
    (("published", True), "public", "thumb", 404),
    (("published", True), OTHER, "thumb", 403),
    (("published", True), OWN, "thumb", 200),
    (("published", True), ENG, "web", 200),
    # submitted: not public yet; the factory's owner sees it
    (("submitted", False), "public", "thumb", 404),
    (("submitted", False), OTHER, "thumb", 403),
    (("submitted", False), OWN, "web", 200),
    (("submitted", False), ENG, "thumb", 200),
    # draft: engineers only; for the factory's owner a draft's photo does not exist yet (404, like its actions)
    (("draft", False), "public", "thumb", 404),
    (("draft", False), OWN, "thumb", 404),
    (("draft", True), ADMIN, "original", 200),
    # fix evidence of a corrective action follows its finding's inspection
    (("evidence", "published", False), "public", "thumb", 200),
    (("evidence", "published", True), "public", "thumb", 404),
    (("evidence", "published", True), OWN, "thumb", 200),
    (("evidence", "submitted", False), "public", "web", 404),
    (("evidence", "submitted", False), OWN, "web", 200),
    (("evidence", "submitted", False), OTHER, "web", 403),
]


def test_photo_access_rules(app, world):
    """Every rule of RULES, each with a fresh client (one sign-in per case); all mismatches reported."""
    from conftest import AuthActions

    wrong = []
    for key, who, kind, status in RULES:
        client = app.test_client()
        r = fetch(client, AuthActions(client), who, world[key], kind)
        if r.status_code != status:
            wrong.append((key, who, kind, status, r.status_code))
        elif status == 200:
            assert r.mimetype == "image/jpeg" and r.data[:2] == b"\xff\xd8"
            assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert wrong == []


def test_public_derivative_is_publicly_cacheable_with_content_etag(app, client, world):
    pid = world[("published", False)]
    r = client.get(f"/photos/{pid}/thumb")
    with app.app_context():
        from factorysafe.inspections.models import Photo

        sha = db.session.get(Photo, pid).sha256
        assert r.data == derivative_path(db.session.get(Photo, pid), "thumb").read_bytes()
    assert r.headers["ETag"] == f'"{sha}-thumb"'
    assert "public" in r.headers["Cache-Control"] and "max-age=3600" in r.headers["Cache-Control"]
    again = client.get(f"/photos/{pid}/thumb", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    other_kind = client.get(f"/photos/{pid}/web", headers={"If-None-Match": r.headers["ETag"]})
    assert other_kind.status_code == 200  # the etag names the kind too


def test_private_answers_are_not_shared_caches(client, auth, world):
    r = fetch(client, auth, OWN, world[("submitted", False)])
    assert "private" in r.headers["Cache-Control"] and "no-cache" in r.headers["Cache-Control"]
    assert "Cookie" in r.headers["Vary"]


def test_original_is_an_attachment_for_engineers(client, auth, world):
    r = fetch(client, auth, ENG, world[("published", False)], "original")
    assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("attachment")
    assert b"FieldCam" in r.data  # the evidence keeps its camera data


def test_etag_does_not_bypass_access_checks(app, client, world):
    pid = world[("draft", False)]
    with app.app_context():
        from factorysafe.inspections.models import Photo

        sha = db.session.get(Photo, pid).sha256
    r = client.get(f"/photos/{pid}/thumb", headers={"If-None-Match": f'"{sha}-thumb"'})
    assert r.status_code == 404


@pytest.mark.parametrize("url", ["/photos/", "/photos/1", "/photos/1/", "/photos/1/big", "/photos/999/thumb",
                                 "/photos/1/../../secret_key", "/photos/1/original.jpg", "/instance/photos/"])
def test_nothing_is_browsable(client, world, url):
    assert client.get(url).status_code == 404


def test_missing_file_is_404_not_500(app, client, world):
    pid = world[("published", False)]
    with app.app_context():
        from factorysafe.inspections.models import Photo

        derivative_path(db.session.get(Photo, pid), "web").unlink()
    assert client.get(f"/photos/{pid}/web").status_code == 404

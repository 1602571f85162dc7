"""``Idempotency-Key`` on form posts (``factorysafe.idempotency``): a retried capture never creates a second
finding, photo or fix report; the same key with another body is refused with 422."""
from __future__ import annotations

import datetime as dt
import functools
import io
import threading

import pytest
import requests
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

import helpers_photos as hp
from factorysafe import idempotency
from factorysafe.actions.models import CorrectiveAction
from factorysafe.db import db, utcnow
from factorysafe.idempotency import IdempotencyKey, fingerprint
from factorysafe.inspections.models import Finding, Photo
from conftest import PASSWORD
from helpers_actions import World, version_of

ENG = "eng@example.test"


@pytest.fixture
def draft(build):
    factory = build.factory(name="Retry Knit Ltd")
    build.user("engineer", email=ENG)
    build.user("engineer", email="eng2@example.test")
    return build.inspection(factory, state="draft", inspected_on=dt.date(2026, 11, 2))


@functools.cache
def photo_bytes(seed: int) -> bytes:
    """One photo per seed, made once (the camera's noise differs at each make)."""
    return hp.jpeg((400, 300), seed=seed)


def finding_data(observation="No fire-rated door at stair 2.", photo_seed=1):
    data = {"discipline": "fire", "hazard_code": "FIRE-DOOR-MISSING", "floor": "2nd floor", "area": "stair 2",
            "observation": observation, "recommendation": "Install a rated door.", "severity": "",
            "csrf_token": "ignored-in-tests"}
    if photo_seed is not None:
        data["photos"] = [(io.BytesIO(photo_bytes(photo_seed)), "stair.jpg")]
    return data


def post_finding(client, inspection_id, key=None, json=False, **kw):
    headers = {}
    if key is not None:
        headers[idempotency.HEADER] = key
    if json:
        headers["Accept"] = "application/json"
    return client.post(f"/inspections/{inspection_id}/findings/new", data=finding_data(**kw), headers=headers,
                       content_type="multipart/form-data")


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count(Finding.id))),
                db.session.scalar(sa.select(sa.func.count(Photo.id))))


def test_the_same_post_twice_with_one_key_creates_one_finding_and_one_photo(app, client, auth, draft):
    auth.login(ENG)
    first = post_finding(client, draft.id, key="capture-0001")
    again = post_finding(client, draft.id, key="capture-0001")
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert counts(app) == (1, 1)
    page = client.get(again.headers["Location"])
    assert b"saved with 1 photo" in page.data  # the retry still tells the engineer it was saved
    # Without a key, the same post is a second finding (nothing changed for plain forms).
    assert post_finding(client, draft.id).status_code in (302, 303)
    assert counts(app) == (2, 2)


def test_json_answers_for_the_offline_queue(app, client, auth, draft):
    auth.login(ENG)
    first = post_finding(client, draft.id, key="capture-json-1", json=True)
    assert first.status_code == 200 and first.is_json
    assert first.json["ok"] is True and first.json["replayed"] is False
    assert first.json["location"].startswith(f"/inspections/{draft.id}#finding-")
    assert "saved with 1 photo" in first.json["message"]
    again = post_finding(client, draft.id, key="capture-json-1", json=True)
    assert again.json == {**first.json, "replayed": True}
    assert counts(app) == (1, 1)


def test_same_key_with_another_body_is_refused_with_422_and_nothing_is_written(app, client, auth, draft):
    auth.login(ENG)
    assert post_finding(client, draft.id, key="capture-0002").status_code in (302, 303)
    other_text = post_finding(client, draft.id, key="capture-0002", observation="Another door.")
    assert other_text.status_code == 422
    assert b"already used for a different request" in other_text.data
    other_photo = post_finding(client, draft.id, key="capture-0002", photo_seed=2)
    assert other_photo.status_code == 422
    assert counts(app) == (1, 1)
    # The same key on another route is another request too.
    with app.app_context():
        finding = db.session.scalars(sa.select(Finding)).one()
        fid, version = finding.id, finding.version
    edit = client.post(f"/findings/{fid}/edit", data={**finding_data(photo_seed=None), "version": str(version)},
                       headers={idempotency.HEADER: "capture-0002"})
    assert edit.status_code == 422


def test_a_failed_post_frees_its_key_for_the_corrected_capture(app, client, auth, draft):
    auth.login(ENG)
    bad = post_finding(client, draft.id, key="capture-0003", observation="")
    assert bad.status_code == 400 and counts(app) == (0, 0)
    good = post_finding(client, draft.id, key="capture-0003")
    assert good.status_code in (302, 303) and counts(app) == (1, 1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(IdempotencyKey.id))) == 1


def test_a_conflict_is_not_replayed_as_success(app, client, auth, build, draft):
    """The inspection was submitted meanwhile: the queued finding is refused with the reason each time (an
    amendment needs a reason), and nothing is created: the refusal is never stored as the key's answer."""
    auth.login(ENG)
    with app.app_context():
        from factorysafe.inspections.models import Inspection, InspectionState

        db.session.get(Inspection, draft.id).state = InspectionState.SUBMITTED
        db.session.commit()
    for _ in range(2):
        r = post_finding(client, draft.id, key="capture-0004")
        assert r.status_code == 400 and b"needs a reason" in r.data
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("key", ["short", "x" * 101, "has space in it", "ünïcode-key-1"])
def test_a_malformed_key_is_a_400(app, client, auth, draft, key):
    auth.login(ENG)
    r = client.post(f"/inspections/{draft.id}/findings/new", data=finding_data(photo_seed=None),
                    headers={idempotency.HEADER: key.encode("utf-8").decode("latin-1")})
    assert r.status_code == 400 and b"Idempotency-Key" in r.data
    assert counts(app) == (0, 0)


def test_a_key_still_running_gets_409_with_retry_after_and_a_dead_claim_is_taken_over(app, client, auth, draft):
    auth.login(ENG)
    data = finding_data()
    with app.test_request_context(f"/inspections/{draft.id}/findings/new", method="POST", data=data,
                                  content_type="multipart/form-data"):
        from flask import request

        from factorysafe.auth.models import User

        user = db.session.scalar(sa.select(User).where(User.email == ENG))
        files = [(n, s.filename, s.stream.read()) for n, s in request.files.items(multi=True)]
        print_ = fingerprint("POST", request.path, list(request.form.items(multi=True)), files)
        db.session.add(IdempotencyKey(user_id=user.id, key="capture-0005", request=f"POST {request.path}",
                                      fingerprint=print_, created_at=utcnow()))
        db.session.commit()
    busy = post_finding(client, draft.id, key="capture-0005")
    assert busy.status_code == 409 and busy.headers["Retry-After"] == "2"
    assert counts(app) == (0, 0)
    with app.app_context():  # the first request died three minutes ago without committing anything
        db.session.execute(sa.update(IdempotencyKey).values(created_at=utcnow() - dt.timedelta(minutes=3)))
        db.session.commit()
    assert post_finding(client, draft.id, key="capture-0005").status_code in (302, 303)
    assert counts(app) == (1, 1)


def test_keys_are_per_user_and_kept_thirty_days(app, client, auth, draft):
    auth.login(ENG)
    post_finding(client, draft.id, key="capture-0006")
    auth.logout()
    auth.login("eng2@example.test")
    post_finding(client, draft.id, key="capture-0006")  # another engineer's phone made the same key
    assert counts(app) == (2, 2)
    with app.app_context():
        db.session.execute(sa.update(IdempotencyKey).values(created_at=utcnow() - dt.timedelta(days=31)))
        db.session.commit()
    post_finding(client, draft.id, key="capture-0007")
    with app.app_context():
        assert db.session.scalars(sa.select(IdempotencyKey.key)).all() == ["capture-0007"]


def test_an_owners_fix_report_sent_twice_is_one_report(app, client, auth, build):
    world = World(build)
    auth.login("owner@example.test")

    version = str(version_of(app, world.action_id))  # what the owner's phone saw when the form was filled

    def send():
        data = {"report-note": "Cartons removed; exit marked.", "report-version": version,
                "report-photos": [(io.BytesIO(photo_bytes(7)), "fixed.jpg")]}
        return client.post(f"/actions/{world.action_id}/report-fix", data=data, content_type="multipart/form-data",
                           headers={idempotency.HEADER: "fix-report-01", "Accept": "application/json"})

    first = send()
    assert first.status_code == 200 and first.json["ok"] and first.json["location"] == f"/actions/{world.action_id}"
    again = send()  # the version moved with the first report: only the key makes this a replay, not a 409
    assert again.status_code == 200 and again.json["replayed"] is True
    with app.app_context():
        action = db.session.get(CorrectiveAction, world.action_id)
        assert action.status.value == "pending_verification"
        assert db.session.scalar(sa.select(sa.func.count(Photo.id)).where(Photo.action_id == action.id)) == 1
        from factorysafe.audit import AuditEvent

        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.verb == "report_fix")) == 1


def test_two_copies_racing_on_a_live_server_make_one_finding(app, live_server, live_build):
    live_build.user("engineer", email=ENG)
    factory = live_build.factory(name="Race Knit Ltd")
    draft = live_build.inspection(factory, state="draft", inspected_on=dt.date(2026, 11, 2))
    session = requests.Session()
    login = session.get(f"{live_server.url}/login")
    import re

    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login.text).group(1)
    session.post(f"{live_server.url}/login", data={"email": ENG, "password": PASSWORD,
                                                  "csrf_token": token}, allow_redirects=False)
    form = session.get(f"{live_server.url}/inspections/{draft.id}/findings/new")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
    photo = hp.jpeg((1600, 1200), seed=3)
    data = {k: v for k, v in finding_data(photo_seed=None).items()} | {"csrf_token": token}
    answers: list[int] = []

    def send():
        r = session.post(f"{live_server.url}/inspections/{draft.id}/findings/new", data=data,
                         files={"photos": ("stair.jpg", photo, "image/jpeg")},
                         headers={idempotency.HEADER: "race-key-0001", "Accept": "application/json"},
                         allow_redirects=False)
        answers.append(r.status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(answers)) <= [200, 409] and 200 in answers
    assert counts(live_server.app) == (1, 1)


# --- the fingerprint, a pure function ------------------------------------------------------------------
fields = st.lists(st.tuples(st.sampled_from(["observation", "floor", "area", "photos_note"]), st.text(max_size=20)),
                  max_size=5)


@given(fields, st.text(min_size=1, max_size=40))
def test_fingerprint_ignores_the_csrf_token_but_nothing_else(items, token):
    base = fingerprint("POST", "/inspections/1/findings/new", items, [("photos", "a.jpg", b"\xff\xd8 jpeg")])
    with_token = fingerprint("POST", "/inspections/1/findings/new", items + [("csrf_token", token)],
                             [("photos", "a.jpg", b"\xff\xd8 jpeg")])
    assert base == with_token
    assert base != fingerprint("POST", "/inspections/1/findings/new", items + [("observation", "x")],
                               [("photos", "a.jpg", b"\xff\xd8 jpeg")])
    assert base != fingerprint("POST", "/inspections/1/findings/new", items, [("photos", "a.jpg", b"\xff\xd8 jpe")])
    assert base != fingerprint("POST", "/inspections/2/findings/new", items, [("photos", "a.jpg", b"\xff\xd8 jpeg")])


@given(st.text(max_size=10), st.text(max_size=10))
def test_fingerprint_parts_cannot_run_into_each_other(a, b):
    """("ab", "") and ("a", "b") are different bodies: each part is length-prefixed."""
    assert (fingerprint("POST", "/x", [("f", a + b), ("g", "")], []) == fingerprint("POST", "/x", [("f", a), ("g", b)], [])) \
        == (b == "")


@given(st.text(min_size=0, max_size=120))
def test_valid_key_accepts_only_the_documented_shape(key):
    import re

    assert idempotency.valid_key(key) == (re.fullmatch(r"[A-Za-z0-9_\-:.]{8,100}", key) is not None)

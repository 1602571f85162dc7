"""Offline capture on a phone, in a real headless Chromium: findings saved without a connection are kept in the
browser (IndexedDB), survive a reload, and are sent once, in order, with an Idempotency-Key when the connection
returns; an upload cut off mid-way and retried still makes exactly one finding and one photo."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import helpers_photos as hp
from conftest import browser_login
from factorysafe.db import db

pytestmark = pytest.mark.browser


def _counts(app, inspection_id: int) -> tuple[int, int]:
    from factorysafe.inspections.models import Finding, Photo

    with app.app_context():
        findings = db.session.scalar(sa.select(sa.func.count()).select_from(Finding)
                                     .where(Finding.inspection_id == inspection_id))
        photos = db.session.scalar(sa.select(sa.func.count()).select_from(Photo).join(Finding, Photo.finding_id == Finding.id)
                                   .where(Finding.inspection_id == inspection_id))
        return findings, photos


def _queue(page) -> list[dict]:
    return page.evaluate("""() => Outbox.list(FSOffline.userId).then(items => items.map(i => ({
        state: i.state, key: i.key, files: i.files.length, bytes: i.files.reduce((s, f) => s + f.blob.size, 0),
        observation: (i.fields.find(p => p[0] === 'observation') || [])[1]})))""")


def _controlled(page) -> None:
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _photo(name: str, seed: int) -> dict:
    return {"name": name, "mimeType": "image/jpeg",
            "buffer": hp.jpeg((1600, 1200), gps=(hp.FACTORY_LAT, hp.FACTORY_LON), seed=seed)}


def _fill_finding(page, observation: str, photo: dict) -> None:
    page.get_by_label("Observation").click()
    page.get_by_label("Observation").fill(observation)
    page.get_by_label("Recommendation").fill("Clear it and keep it clear.")
    page.get_by_label("Hazard category").fill("FIRE-EXIT-BLOCKED")
    page.get_by_label("Photos").set_input_files(files=[photo])


def test_two_findings_saved_offline_survive_a_reload_and_are_sent_once(phone_page, live_server, live_build):
    page = phone_page
    factory = live_build.factory(name="Offline Garments Ltd")
    engineer = live_build.user("engineer", email="offline.engineer@example.test")
    insp = live_build.inspection(factory, state="draft", engineer=engineer)
    browser_login(page, live_server, "offline.engineer@example.test")
    sent = []
    page.on("request", lambda r: sent.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and "/findings/new" in r.url else None)

    page.goto(f"{live_server.url}/inspections/{insp.id}")
    _controlled(page)
    page.reload()  # the worker now controls the page and keeps its forms
    page.wait_for_function("() => caches.keys().then(ks => Promise.all(ks.filter(k => k.startsWith('fs-pages-'))"
                           ".map(k => caches.open(k).then(c => c.keys())))).then(ls => ls.flat().length >= 5)")

    page.context.set_offline(True)
    for n, text in enumerate(["Exit on the 3rd floor blocked by cartons.", "Second stair door locked with a chain."], 1):
        page.get_by_role("button", name="Add finding (Fire)").click()
        page.wait_for_selector("form.finding-form")
        _fill_finding(page, text, _photo(f"IMG_{n}.jpg", n))
        assert page.locator(".photo-preview img").count() == 1
        page.get_by_role("button", name="Save finding").click()
        page.wait_for_url(f"{live_server.url}/inspections/{insp.id}")
        assert "kept on this phone, not yet sent" in page.inner_text("main")
        page.wait_for_selector(f".outbox-item:has-text('{text}')")

    queue = _queue(page)
    print(f"\noffline queue held {len(queue)} findings and {sum(q['files'] for q in queue)} photos "
          f"({sum(q['bytes'] for q in queue)} bytes of original photos)")
    assert [q["state"] for q in queue] == ["waiting", "waiting"]
    assert [q["files"] for q in queue] == [1, 1]
    assert _counts(live_server.app, insp.id) == (0, 0)

    page.reload()  # offline: the kept page, and the queue is still there
    fire = page.locator("#discipline-fire")
    assert fire.locator(".outbox-item").count() == 2
    assert fire.locator(".badge-unsent").first.inner_text() == "Not yet sent"
    assert "not yet sent" in page.locator("#outbox-count").evaluate("e => e.closest('a').textContent").lower()

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_function("() => Outbox.list(FSOffline.userId).then(items => items.length === 0)")
    page.wait_for_selector("article.finding[id^=finding-] >> nth=1")  # the page reloaded with both
    assert _counts(live_server.app, insp.id) == (2, 2)
    keys = [k for k in sent if k]
    assert len(keys) == len(set(keys)) == 2  # each sent once, each with its own key
    assert "F-2" in page.inner_text("#discipline-fire")


def test_an_upload_cut_off_midway_and_retried_makes_one_finding_and_one_photo(phone_page, live_server, live_build):
    page = phone_page
    factory = live_build.factory(name="Cut Off Garments Ltd")
    engineer = live_build.user("engineer", email="cutoff.engineer@example.test")
    insp = live_build.inspection(factory, state="draft", engineer=engineer)
    browser_login(page, live_server, "cutoff.engineer@example.test")
    page.goto(f"{live_server.url}/inspections/{insp.id}/findings/new?discipline=fire")
    _fill_finding(page, "Sprinkler valve closed on the 2nd floor.", _photo("IMG_9.jpg", 9))
    assert page.locator(".photo-preview progress").count() == 1

    keys = []

    def cut(route):
        keys.append(route.request.headers.get("idempotency-key"))
        route.fetch()  # the server gets the whole request and saves the finding...
        route.abort("connectionreset")  # ...but the phone never hears the answer

    page.route("**/findings/new*", cut, times=1)
    page.get_by_role("button", name="Save finding").click()
    warning = page.locator(".capture-message")
    warning.wait_for()
    assert "The upload was cut off" in warning.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('capture-message')")  # where the eye is
    assert _counts(live_server.app, insp.id) == (1, 1)  # it did arrive
    assert [q["state"] for q in _queue(page)] == ["waiting"]

    retried = []
    page.on("request", lambda r: retried.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and "/findings/new" in r.url else None)
    page.get_by_role("button", name="Try again").click()
    page.wait_for_selector("article.finding .flash")  # the answer, at the finding it names
    page.wait_for_url(f"{live_server.url}/inspections/{insp.id}#finding-*")
    assert retried == keys and keys[0]  # the same key: the server answered with the first answer
    assert _counts(live_server.app, insp.id) == (1, 1)
    message = page.locator(".flash:has-text('Finding F-1 saved with 1 photo(s).')")
    assert message.count() == 1
    assert page.evaluate("document.activeElement.classList.contains('flash')")
    assert page.evaluate("document.activeElement.closest('article').id") == page.url.split("#")[1]
    assert _queue(page) == []

"""Offline capture on a phone, in a real headless Chromium: findings saved without a connection are kept in the
browser (IndexedDB), survive a reload, and are sent once, in order, with an Idempotency-Key when the connection
returns; an upload cut off mid-way and retried still makes exactly one finding and one photo."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import helpers_photos as hp
from conftest import browser_login, browser_logout
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
    """The service worker is active and controls the page (a page opened while it was installing is not
    controlled until it is opened again)."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def _draft_of(page, live_server, live_build, factory_name: str, email: str):
    """A draft inspection of a new factory, its engineer signed in on ``page``."""
    factory = live_build.factory(name=factory_name)
    engineer = live_build.user("engineer", email=email)
    insp = live_build.inspection(factory, state="draft", engineer=engineer)
    browser_login(page, live_server, email)
    insp.engineer_id = engineer.id
    return insp


def _open_kept(page, url: str) -> None:
    """Open ``url`` under the service worker's control and wait until it kept the page's forms."""
    page.goto(url)
    _controlled(page)
    page.reload()  # the worker now controls the page and keeps its forms
    page.wait_for_function("() => caches.keys().then(ks => ks.some(k => k.startsWith('fs-pages-')))")


def _cache_storage(page) -> dict[str, dict[str, int]]:
    """{cache name: {path and query: body bytes}} of the page's Cache Storage (bodies as kept, uncompressed)."""
    return page.evaluate("""async () => {
        const out = {};
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            out[name] = {};
            for (const request of await cache.keys()) {
                const body = await (await cache.match(request)).arrayBuffer();
                const url = new URL(request.url);
                out[name][url.pathname + url.search] = body.byteLength;
            }
        }
        return out;
    }""")


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
    insp = _draft_of(page, live_server, live_build, "Offline Garments Ltd", "offline.engineer@example.test")
    sent = []
    page.on("request", lambda r: sent.append(r.headers.get("idempotency-key"))
            if r.method == "POST" and "/findings/new" in r.url else None)

    page.goto(f"{live_server.url}/inspections/{insp.id}")
    _controlled(page)
    page.reload()  # the worker now controls the page and keeps its forms
    page.wait_for_function("() => caches.keys().then(ks => Promise.all(ks.filter(k => k.startsWith('fs-pages-'))"
                           ".map(k => caches.open(k).then(c => c.keys())))).then(ls => ls.flat().length >= 5)")

    cached = _cache_storage(page)
    print("\nservice worker caches after opening the inspection: " + "; ".join(
        f"{name}: {len(entries)} entries, {sum(entries.values())} bytes" for name, entries in sorted(cached.items())))
    pages = next(entries for name, entries in cached.items() if name.startswith("fs-pages-"))
    assert {url.split("?")[0] for url in pages} == {f"/inspections/{insp.id}", f"/inspections/{insp.id}/findings/new"}
    assert not any(url.startswith(("/photos/", "/api/")) for entries in cached.values() for url in entries)

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
    page.wait_for_function("() => caches.keys().then(ks => Promise.all(ks.filter(k => k.startsWith('fs-pages-'))"
                           ".map(k => caches.open(k).then(c => c.keys())))).then(ls => ls.flat()"
                           ".filter(r => /\\/findings\\/\\d+\\/edit$/.test(r.url)).length === 2)")  # their edit forms open offline


def test_an_upload_cut_off_midway_and_retried_makes_one_finding_and_one_photo(phone_page, live_server, live_build):
    page = phone_page
    insp = _draft_of(page, live_server, live_build, "Cut Off Garments Ltd", "cutoff.engineer@example.test")
    page.goto(f"{live_server.url}/inspections/{insp.id}/findings/new?discipline=fire")
    _fill_finding(page, "Sprinkler valve closed on the 2nd floor.", _photo("IMG_9.jpg", 9))
    assert page.locator(".photo-preview progress").count() == 1

    keys = []

    def cut(route):
        keys.append(route.request.headers.get("idempotency-key"))
        route.fetch()  # the server gets the whole request and saves the finding...
        route.abort("connectionreset")  # ...but the phone never hears the answer

    page.route("**/findings/new*", cut, times=1)
    # a double tap on Save: one request (the button is disabled and the form busy until the answer)
    busy = page.evaluate("""() => { const f = document.querySelector('form.finding-form'); f.requestSubmit();
                                    f.requestSubmit(); const b = f.querySelector('button[type=submit]');
                                    return [b.disabled, b.textContent]; }""")
    assert busy == [True, "Saving…"]
    warning = page.locator(".capture-message")
    warning.wait_for()
    assert "The upload was cut off" in warning.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('capture-message')")  # where the eye is
    assert len(keys) == 1
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


def _kept_pages(page) -> int:
    return page.evaluate("() => caches.keys().then(ks => Promise.all(ks.filter(k => k.startsWith('fs-pages-'))"
                         ".map(k => caches.open(k).then(c => c.keys())))).then(ls => ls.flat().length)")


def test_an_owner_reports_a_fix_offline_and_it_is_sent_when_the_connection_returns(phone_page, live_server, live_build):
    from factorysafe.actions.models import CorrectiveAction

    page = phone_page
    factory = live_build.factory(name="Owner Offline Garments Ltd")
    live_build.user("owner", email="offline.owner@example.test", factories=[factory])
    insp = live_build.inspection(factory, state="published")
    finding = live_build.finding(insp)
    browser_login(page, live_server, "offline.owner@example.test")
    page.goto(f"{live_server.url}/actions/{finding.action_id}")
    _controlled(page)
    page.reload()
    page.wait_for_function("() => caches.keys().then(ks => ks.some(k => k.startsWith('fs-pages-')))")

    page.context.set_offline(True)
    page.reload()  # the copy kept on the phone
    assert "You are offline" in page.inner_text("main")
    page.get_by_label("What was done").click()
    page.get_by_label("What was done").fill("Cartons removed; the exit is marked and kept clear.")
    page.get_by_label("Evidence photos").set_input_files(files=[_photo("fixed.jpg", 21)])
    page.get_by_role("button", name="Report fixed").click()
    page.wait_for_selector(".flash:has-text('kept on this phone, not yet sent')")
    card = page.locator("[data-outbox-slot] .outbox-item")
    assert "Cartons removed" in card.inner_text() and "Not yet sent" in card.inner_text()
    with live_server.app.app_context():
        assert db.session.get(CorrectiveAction, finding.action_id).status.value == "in_progress"

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#action-status:has-text('Pending verification')")
    with live_server.app.app_context():
        action = db.session.get(CorrectiveAction, finding.action_id)
        assert action.status.value == "pending_verification"
        assert len(action.evidence) == 1
    assert page.locator(".outbox-item").count() == 0
    assert "Fix reported. An engineer will verify it." in page.inner_text("main")


def test_the_outbox_page_lists_a_refused_finding_which_opens_back_in_the_form(phone_page, live_server, live_build):
    page = phone_page
    insp = _draft_of(page, live_server, live_build, "Refused Garments Ltd", "refused.engineer@example.test")
    _open_kept(page, f"{live_server.url}/inspections/{insp.id}")
    page.context.set_offline(True)
    page.get_by_role("button", name="Add finding (Fire)").click()
    photo = _photo("IMG_31.jpg", 31)
    _fill_finding(page, "Fire door wedged open above the cutting table.", photo)
    page.get_by_role("button", name="Save finding").click()
    page.wait_for_url(f"{live_server.url}/inspections/{insp.id}")
    assert page.locator("#outbox-count").inner_text() == "1"

    # meanwhile the inspection was submitted: the kept finding now needs an amendment reason
    from factorysafe.inspections.models import Inspection
    with live_server.app.app_context():
        db.session.get(Inspection, insp.id).state = "submitted"
        db.session.commit()
    page.context.set_offline(False)
    page.goto(f"{live_server.url}/outbox")
    item = page.locator("#outbox-list .outbox-item")
    item.locator(".badge-attention").wait_for()
    assert "Fire door wedged open" in item.inner_text()
    assert "Needs attention" in item.inner_text()
    assert item.locator(".outbox-message").inner_text().strip()  # the server's words are kept with it
    assert _counts(live_server.app, insp.id) == (0, 0)

    item.get_by_role("link", name="Open in the form").click()
    page.wait_for_selector(".capture-message")
    assert page.get_by_label("Observation").input_value() == "Fire door wedged open above the cutting table."
    assert page.get_by_label("Photos").evaluate("i => [i.files.length, i.files[0].name, i.files[0].size]") == [
        1, "IMG_31.jpg", len(photo["buffer"])]  # the original bytes, not the preview
    assert page.locator(".photo-preview img").count() == 1
    page.get_by_label("Reason for the amendment").fill("Found on the day, sent late.")
    page.get_by_role("button", name="Save finding").click()
    page.wait_for_selector("article.finding .flash")
    assert _counts(live_server.app, insp.id) == (1, 1)
    assert _queue(page) == []
    assert page.locator("#outbox-count").is_hidden()


def test_leaving_a_half_filled_form_asks_first_and_signing_out_forgets_kept_pages_not_the_queue(
        phone_page, live_server, live_build):
    page = phone_page
    insp = _draft_of(page, live_server, live_build, "Guarded Garments Ltd", "guard.engineer@example.test")
    _open_kept(page, f"{live_server.url}/inspections/{insp.id}")
    page.get_by_role("button", name="Add finding (Fire)").click()
    page.get_by_label("Observation").click()
    page.keyboard.type("Half a sentence")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.get_by_role("link", name="Guarded Garments Ltd").click()
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert "/findings/new" in page.url  # stayed, the text is still there
    assert page.get_by_label("Observation").input_value() == "Half a sentence"

    page.context.set_offline(True)  # saved offline: kept, so leaving asks nothing more
    page.get_by_label("Recommendation").fill("Finish it.")
    page.get_by_role("button", name="Save finding").click()
    page.wait_for_url(f"{live_server.url}/inspections/{insp.id}")
    assert dialogs == ["beforeunload"]
    page.context.set_offline(False)
    page.route("**/findings/new*", lambda route: route.abort())  # keep it unsent through the sign-out
    assert _kept_pages(page) > 0
    browser_logout(page, live_server)
    assert _kept_pages(page) == 0  # another person may use this phone
    kept = page.evaluate("""() => new Promise(ok => { const r = indexedDB.open('factorysafe');
        r.onsuccess = () => { const q = r.result.transaction('outbox').objectStore('outbox').getAll();
                              q.onsuccess = () => ok(q.result.map(i => [i.userId, i.state])); }; })""")
    assert kept == [[insp.engineer_id, "waiting"]]  # the unsent finding stays for its author


def test_pages_kept_for_one_person_go_when_another_signs_in_without_a_sign_out(phone_page, live_server, live_build):
    page = phone_page
    factory = live_build.factory(name="Shared Phone Garments Ltd")
    first = live_build.user("engineer", email="first.engineer@example.test")
    live_build.user("engineer", email="second.engineer@example.test")
    insp = live_build.inspection(factory, state="draft", engineer=first)
    browser_login(page, live_server, "first.engineer@example.test")
    page.goto(f"{live_server.url}/inspections/{insp.id}")
    _controlled(page)
    page.reload()
    kept = "() => caches.keys().then(ks => Promise.all(ks.filter(k => k.startsWith('fs-pages-')).map(k => caches.open(k)" \
           ".then(c => c.keys())))).then(ls => ls.flat().map(r => new URL(r.url).pathname))"
    page.wait_for_function(kept.replace(".map(r => new URL(r.url).pathname))", ".length >= 5)"))
    page.context.clear_cookies()  # the session ran out; nobody signed out
    browser_login(page, live_server, "second.engineer@example.test")
    page.wait_for_function(kept.replace(".map(r => new URL(r.url).pathname))",
                                        f".every(r => !r.url.includes('/inspections/{insp.id}')))"))
    assert f"/inspections/{insp.id}" not in page.evaluate(kept)


def test_an_edit_kept_offline_meets_a_newer_version_and_keeps_the_engineers_text(phone_page, live_server, live_build):
    from factorysafe.inspections.models import Finding

    page = phone_page
    factory = live_build.factory(name="Version Garments Ltd")
    engineer = live_build.user("engineer", email="version.engineer@example.test")
    insp = live_build.inspection(factory, state="draft", engineer=engineer)
    finding = live_build.finding(insp, severity="priority_1")  # as the catalogue says for its hazard
    browser_login(page, live_server, "version.engineer@example.test")
    page.goto(f"{live_server.url}/inspections/{insp.id}")
    _controlled(page)
    page.reload()
    page.wait_for_function("() => caches.keys().then(ks => Promise.all(ks.filter(k => k.startsWith('fs-pages-'))"
                           f".map(k => caches.open(k).then(c => c.keys())))).then(ls => ls.flat().some(r => r.url.endsWith('/findings/{finding.id}/edit')))")
    page.context.set_offline(True)
    page.get_by_role("link", name="Edit F-1").click()  # the kept edit form
    page.get_by_label("Observation").click()
    page.get_by_label("Observation").fill("Main exit blocked by cartons and a parked trolley.")
    page.get_by_role("button", name="Save finding").click()
    page.wait_for_url(f"{live_server.url}/inspections/{insp.id}")
    page.locator(f"#finding-{finding.id} .outbox-item:has-text('Not yet sent')").wait_for()

    with live_server.app.app_context():  # meanwhile a colleague saved the finding
        row = db.session.get(Finding, finding.id)
        row.recommendation = "Clear the exit today."
        db.session.commit()
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    card = page.locator(f"#finding-{finding.id} .outbox-item")
    card.locator(".badge-attention").wait_for()
    assert "Saved meanwhile by someone else" in card.inner_text()
    with live_server.app.app_context():
        assert db.session.get(Finding, finding.id).observation == "Main exit blocked by cartons."  # nothing dropped,
    card.get_by_role("link", name="Open in the form").click()  # nothing overwritten unseen
    page.wait_for_selector(".capture-message")
    assert page.get_by_label("Observation").input_value() == "Main exit blocked by cartons and a parked trolley."
    page.get_by_role("button", name="Save finding").click()
    page.wait_for_selector(f"#finding-{finding.id} .flash:has-text('Finding F-1 saved.')")
    with live_server.app.app_context():
        assert db.session.get(Finding, finding.id).observation == "Main exit blocked by cartons and a parked trolley."
    assert _queue(page) == []

"""Issue 13's whole journey in real Chromium, CSRF on: a worker on a 390 px phone in Bangla reports a locked gate with
a photo and notes the receipt; an engineer triages it into a complaint inspection with a new finding, links it and
asks a question; the worker answers with the receipt; the engineer resolves it; the worker says it is not fixed; the
public register shows it reopened. The worker's part is counted in steps and bytes (printed)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

import helpers_photos as hp
from conftest import browser_login

pytestmark = pytest.mark.browser


def _check(page, base: str, code: str) -> None:
    page.goto(base + "/report/status")
    page.get_by_label("রসিদ কোড").fill(code)
    page.get_by_role("button", name="দেখুন").click()


def test_report_triage_answer_resolve_dispute_and_the_register(bangla_phone, page, live_server, live_build, tmp_path):
    base = live_server.url
    factory = live_build.factory(name="Rahman Knitwear Ltd", district="Gazipur", upazila="Tongi")
    live_build.user("engineer", email="triage.engineer@example.test")
    worker = bangla_phone
    loaded: list[int] = []
    worker.on("response", lambda r: loaded.append(len(r.body())) if r.ok and r.request.method != "HEAD" else None)
    steps = 0

    # --- the worker reports (Bangla, phone) ----------------------------------------------------------------
    worker.goto(base + "/report")
    worker.get_by_label("ধাপ ১: আপনার কারখানার নাম, জেলা বা উপজেলা").fill("rahman")
    worker.get_by_role("button", name="আমার কারখানা খুঁজুন").click()
    worker.get_by_role("link", name="Rahman Knitwear Ltd").click()
    worker.locator("label.tile", has_text="গেট বা দরজা তালাবন্ধ").click()
    worker.locator("#description").fill("রাতের শিফটে পেছনের গেট তালা দেওয়া থাকে।")
    photo = tmp_path / "gate.jpg"
    photo.write_bytes(hp.jpeg(gps=(hp.FACTORY_LAT, hp.FACTORY_LON)))
    worker.locator("#photo").set_input_files(str(photo))
    worker.get_by_role("button", name="অভিযোগ পাঠান").click()
    code = worker.locator("#receipt-code").inner_text().strip()
    steps += 8  # open, type, search, choose factory, choose category, describe, photo, send
    assert re.fullmatch(r"(\d{3} ){6}\d{3}", code)
    worker_bytes = sum(loaded)
    _check(worker, base, code)
    steps += 3  # open the status page, type the code, look
    assert worker.locator("#complaint-status").inner_text().strip() == "গৃহীত"

    with live_server.app.app_context():
        from factorysafe.complaints.models import Complaint
        from factorysafe.db import db

        cid = db.session.scalars(sa.select(Complaint.id)).one()

    # --- an engineer triages it into a complaint inspection with a new finding and asks a question ------------
    browser_login(page, live_server, "triage.engineer@example.test")
    page.goto(base + f"/complaints/manage/{cid}")
    assert "রাতের শিফটে পেছনের গেট তালা দেওয়া থাকে।" in page.inner_text("#complaint-description")
    assert page.locator("#complaint-messages img").count() == 1  # the worker's photo, stripped, for handlers only
    page.locator("#inspection-form button, #inspection-form input[type=submit]").first.click()
    page.wait_for_url(base + "/inspections/*")
    page.get_by_role("button", name="Add finding (Fire)").click()
    page.get_by_label("Floor").fill("Ground floor")
    page.get_by_label("Area").fill("Back gate")
    page.get_by_label("Observation").fill("Back gate padlocked during the night shift.")
    page.get_by_label("Recommendation").fill("Remove the padlock; keep the gate unlocked while anyone works.")
    page.locator('.hz-suggestions button[data-code="FIRE-EXIT-LOCKED"]').first.click()
    page.get_by_role("button", name="Save finding").click()
    page.wait_for_url(base + "/inspections/*#finding-*")
    page.goto(base + f"/complaints/manage/{cid}")
    page.locator("#link-form input[type=checkbox]").first.check()
    page.locator("#link-form button, #link-form input[type=submit]").first.click()
    page.wait_for_url(base + f"/complaints/manage/{cid}*")
    assert "Back gate padlocked" in page.inner_text("#linked-findings")
    page.locator("#message-body").fill("Is the gate locked every night, or only on some nights?")
    page.locator("#message-submit").click()
    page.wait_for_url(base + f"/complaints/manage/{cid}*")

    # --- the worker reads the question and answers with the receipt ------------------------------------------
    _check(worker, base, code)
    assert "Is the gate locked every night" in worker.inner_text("main")
    assert "triage.engineer@example.test" not in worker.content()  # the handler is "the safety team"
    worker.get_by_label("আপনার উত্তর").fill("প্রতি রাতেই, রাত ১০টার পরে।")
    worker.get_by_role("button", name="পাঠান", exact=True).click()
    assert "প্রতি রাতেই, রাত ১০টার পরে।" in worker.inner_text("main")

    # --- the engineer resolves it with an outcome ---------------------------------------------------------------
    page.goto(base + f"/complaints/manage/{cid}")
    assert "প্রতি রাতেই" in page.inner_text("#complaint-messages")
    page.locator("#status-status").select_option("resolved")
    page.locator("#status-outcome").fill("The engineers found the gate padlocked; the factory removed the padlock.")
    page.locator("#status-submit").click()
    page.wait_for_url(base + f"/complaints/manage/{cid}*")

    # --- "is it fixed?": the worker says no, which reopens it ---------------------------------------------------
    _check(worker, base, code)
    assert worker.locator("#complaint-status").inner_text().strip() == "সমাধান হয়েছে"
    assert "removed the padlock" in worker.inner_text("main")
    worker.locator("button[name=verdict][value=disputed]").click()
    assert worker.locator("#complaint-status").inner_text().strip() == "পর্যালোচনাধীন"

    # --- the public register shows it reopened, with the factory's name withheld (the default) ----------------
    worker.goto(base + "/complaints")
    register = worker.inner_text("main")
    assert "Rahman Knitwear Ltd" not in register
    row = worker.locator("tr, li, article", has_text="C-").filter(has_text="পর্যালোচনাধীন").first
    assert row.count() == 1
    with live_server.app.app_context():
        from factorysafe.complaints.models import Complaint
        from factorysafe.db import db

        complaint = db.session.get(Complaint, cid)
        assert complaint.reopened == 1 and complaint.verdict.value == "disputed"
        assert [f.observation for f in complaint.findings] == ["Back gate padlocked during the night shift."]
        assert complaint.inspection.factory_id == factory.id
    print(f"\nworker's report: {steps} steps, {worker_bytes / 1024:.0f} KB received (uncompressed) up to the receipt")

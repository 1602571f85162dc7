"""A worker on a phone (390x844, Chromium, Bangla): find the factory by part of its name, report a locked gate with
a photo carrying GPS, note the receipt code, check the report with it ("Received" in Bangla) and answer.
With CSRF on (the live server's setting), no JavaScript of ours, and no CSP violation."""
from __future__ import annotations

import io

import sqlalchemy as sa
from PIL import Image


from helpers_photos import FACTORY_LAT, FACTORY_LON, jpeg

RECEIVED_BN = "গৃহীত"


def test_worker_reports_a_locked_gate_with_a_photo_and_checks_it_in_bangla(bangla_phone, live_server, live_build,
                                                                           tmp_path):
    page = bangla_phone
    live_build.factory(name="Rahman Knitwear Ltd", district="Gazipur", upazila="Tongi")
    live_build.factory(name="Other Garments Ltd", district="Dhaka", upazila="Mirpur")
    loaded: list[int] = []
    page.on("response", lambda r: loaded.append(len(r.body())) if r.ok and r.request.method != "HEAD" else None)
    steps = []

    page.goto(live_server.url + "/report")
    assert page.locator("html").get_attribute("lang") == "bn"
    steps.append("open /report")
    page.get_by_label("ধাপ ১: আপনার কারখানার নাম, জেলা বা উপজেলা").fill("rahm")
    page.get_by_role("button", name="আমার কারখানা খুঁজুন").click()
    steps.append("type part of the name, search")
    page.get_by_role("link", name="Rahman Knitwear Ltd").click()
    steps.append("choose the factory")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("label.tile", has_text="গেট বা দরজা তালাবন্ধ").click()
    assert page.locator("#cat-locked_gate").is_checked()
    steps.append("tap 'locked gate'")
    photo = tmp_path / "gate.jpg"
    photo.write_bytes(jpeg(gps=(FACTORY_LAT, FACTORY_LON)))
    page.locator("#photo").set_input_files(str(photo))
    steps.append("add a photo")
    page.get_by_role("button", name="অভিযোগ পাঠান").click()
    steps.append("send")

    code = page.locator("#receipt-code").inner_text().strip()
    assert len(code.replace(" ", "")) == 21 and code.count(" ") == 6
    assert code.replace(" ", "") not in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "receipt.png"), full_page=True)
    steps.append("note the receipt code")

    page.get_by_role("link", name="আমার অভিযোগ দেখুন").first.click()
    steps.append("open 'check my report'")
    page.get_by_label("রসিদ কোড").fill(code)
    page.get_by_role("button", name="দেখুন").click()
    steps.append("type the code, check")
    assert page.locator("#complaint-status").inner_text().strip() == RECEIVED_BN
    assert code.replace(" ", "") not in page.url
    page.get_by_label("আপনার উত্তর").fill("পেছনের গেট, প্রতি রাতে।")
    page.get_by_role("button", name="পাঠান", exact=True).click()
    steps.append("answer")
    assert "আপনার উত্তর পাঠানো হয়েছে" in page.inner_text("main")
    assert "পেছনের গেট, প্রতি রাতে।" in page.inner_text("main")
    print(f"\nworker's part: {len(steps)} steps ({'; '.join(steps)}), "
          f"{sum(loaded) / 1024:.0f} KB loaded (uncompressed, {len(loaded)} responses)")

    app = live_server.app
    with app.app_context():
        from factorysafe.complaints.models import Complaint
        from factorysafe.db import db
        from factorysafe.uploads import Photo, derivative_path

        complaint = db.session.scalars(sa.select(Complaint)).one()
        assert complaint.category.value == "locked_gate" and complaint.lang == "bn"
        stored = db.session.scalars(sa.select(Photo)).one()
        assert stored.latitude is None and stored.complaint_id == complaint.id
        with Image.open(io.BytesIO(derivative_path(stored, "original").read_bytes())) as img:
            assert not img.getexif().get_ifd(0x8825)

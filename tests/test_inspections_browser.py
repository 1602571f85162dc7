"""An engineer's day on a phone, in a real headless Chromium: inspection, finding with a photo, submit."""
from __future__ import annotations

import datetime as dt

import pytest

import helpers_photos as hp
from conftest import browser_login

pytestmark = pytest.mark.browser


def test_engineer_on_a_phone_logs_a_finding_with_a_photo_and_submits(phone_page, live_server, live_build):
    page = phone_page
    live_build.factory(name="Phone Journey Garments Ltd")
    live_build.user("engineer", email="phone.engineer@example.test")
    browser_login(page, live_server, "phone.engineer@example.test")

    page.get_by_role("button", name="New inspection").click()
    page.get_by_label("Factory").select_option(label="Phone Journey Garments Ltd (Gazipur)")
    page.get_by_label("Inspection type").select_option("initial")
    page.get_by_label("Date of the visit").fill("2025-03-01")
    assert page.get_by_label("Structural").is_checked()  # all four disciplines by default
    page.get_by_role("button", name="Create inspection").click()
    page.wait_for_url(live_server.url + "/inspections/*")
    assert page.get_by_role("heading", name="Initial inspection, 2025-03-01").is_visible()

    page.get_by_role("button", name="Add finding (Fire)").click()
    page.get_by_label("Floor").fill("3rd floor")
    page.get_by_label("Area").fill("North stair")
    page.get_by_label("Observation").fill("Exit door padlocked during working hours.")
    page.get_by_label("Recommendation").fill("Remove the padlock and fit panic bars.")
    # the catalogue's live suggestion fills the hazard category; severity and deadline follow from it
    page.locator('.hz-suggestions button[data-code="FIRE-EXIT-LOCKED"]').first.click()
    assert page.get_by_label("Hazard category").input_value() == "FIRE-EXIT-LOCKED"
    photo = hp.jpeg((1600, 1200), orientation=6, gps=(hp.FACTORY_LAT, hp.FACTORY_LON),
                    taken=dt.datetime(2025, 3, 1, 11, 0))
    page.get_by_label("Photos").set_input_files(files=[{"name": "IMG_2001.jpg", "mimeType": "image/jpeg",
                                                        "buffer": photo}])
    assert page.locator(".photo-preview img").count() == 1  # previewed before sending
    page.get_by_role("button", name="Save finding").click()
    page.wait_for_url(live_server.url + "/inspections/*#finding-*")
    assert "Finding F-1 saved with 1 photo(s)." in page.inner_text("main")

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Submit inspection").click()
    page.wait_for_selector("#inspection-state:has-text('Submitted')")
    assert "Inspection submitted" in page.inner_text("main")

    thumb = page.locator("img.finding-thumb").first
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumb.element_handle())
    width, height = thumb.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert (width, height) == (240, 320)  # the orientation-6 photo stands upright
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone

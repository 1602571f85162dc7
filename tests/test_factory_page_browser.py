"""A worker on a 390 x 844 phone in Bangla: the first overdue item's Bangla title is on the first screen, the page
does not scroll sideways, and the PDF link gives the Bangla PDF."""
import datetime as dt
import os
import re
from pathlib import Path

import pytest

from helpers_reports import add_photo, pdf_text

pytestmark = pytest.mark.browser

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
SCREEN = {"width": 390, "height": 844}
SHOTS = os.environ.get("I18N_SCREENSHOTS")  # a folder to keep the first screen in (as test_i18n_browser does)


def test_phone_in_bangla_reads_the_first_overdue_item_then_gets_the_bangla_pdf(bangla_phone, live_server, live_build):
    from factorysafe.hazards import registry

    page, build = bangla_phone, live_build
    factory = build.factory(name="Phone Check Garments Ltd", latitude=23.9, longitude=90.4)
    old = build.inspection(factory, inspected_on=TODAY - 300 * DAY)
    # a long verified history first (the page used to list it before the open items) ...
    for k in range(12):
        build.finding(old, "fire", "medium", status="corrected", deadline=TODAY - 200 * DAY,
                      hazard_code="FIRE-EXTINGUISHERS", reported_fixed_on=TODAY - 210 * DAY,
                      verified_on=TODAY - 205 * DAY, observation=f"Extinguisher {k} empty.")
    for k in range(6):
        build.finding(old, "electrical", "medium", deadline=TODAY + (30 + k) * DAY, hazard_code="ELEC-CABLE-UNSUPPORTED",
                      observation="Cables hanging over the sewing line.")
    overdue = build.finding(build.inspection(factory, type="follow_up", inspected_on=TODAY - 60 * DAY), "fire", "high",
                            deadline=TODAY - 12 * DAY, hazard_code="FIRE-ALARM-MISSING", origin="new",
                            observation="No alarm on the fourth floor.")
    add_photo(live_server.app, overdue.id, caption="Fourth floor, no bell", width=640, height=480)
    with live_server.app.app_context():
        expected = registry.title("FIRE-ALARM-MISSING", "bn")

    page.goto(f"{live_server.url}/factories/{factory.id}?lang=bn")
    first = page.locator("#overdue-list li .now-title").first
    assert first.inner_text() == expected and re.search(r"[\u0980-\u09FF]", expected)
    box = first.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] < SCREEN["height"], box
    assert page.evaluate("() => window.scrollY") == 0
    # nothing spills sideways at 390 px
    assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    # the items are stacked cards: the card of the overdue item is as narrow as the screen
    card = page.locator(f"#finding-{overdue.id}").bounding_box()
    assert card["x"] >= 0 and card["x"] + card["width"] <= SCREEN["width"]
    # the photo sits in the item's card, captioned, and loads
    figure = page.locator(f"#finding-{overdue.id} figure")
    assert figure.locator("figcaption").inner_text() == "Fourth floor, no bell"
    figure.scroll_into_view_if_needed()
    page.wait_for_function(f"() => document.querySelector('#finding-{overdue.id} figure img').naturalWidth > 0")
    page.evaluate("() => window.scrollTo(0, 0)")
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / "factory-phone-bn.png"))

    link = page.get_by_role("link", name="সংশোধনমূলক কর্মপরিকল্পনা (PDF)")
    href = link.get_attribute("href")
    assert "lang=bn" in href
    response = page.request.get(live_server.url + href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text, _pages = pdf_text(response.body())
    assert "Phone Check Garments Ltd" in text
    assert len(re.findall(r"[\u0980-\u09FF]", text)) > 100  # the Bangla report, not the English one

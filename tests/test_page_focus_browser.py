"""Chromium on a 390 px phone: where the eye and the keyboard go after a form was sent (page-focus.js).
A saved finding's confirmation is in the viewport beside the finding; a bad form focuses its first error;
the verification queue focuses its message or first error after a verify/reject; date fields echo the chosen
day in year-month-day order (Bangla digits in Bangla)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import browser_login
from helpers_actions import World, action_row
from test_actions_queue import _report

pytestmark = pytest.mark.browser

IN_VIEW = """el => { const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""


def _long_draft(build):
    """A draft inspection with ten fire findings: the last one sits far below the page's top on a phone."""
    factory = build.factory(name="Focus Garments Ltd")
    eng = build.user("engineer", email="focus.engineer@example.test")
    insp = build.inspection(factory, state="draft", engineer=eng, inspected_on=dt.date(2025, 3, 1))
    findings = [build.finding(insp, hazard_code=None, observation=f"Exit {n} blocked by cartons on every floor.")
                for n in range(10)]
    return insp, findings


def test_saved_finding_confirmation_is_in_view_beside_it(phone_page, live_server, live_build):
    page = phone_page
    insp, findings = _long_draft(live_build)
    last = findings[-1]
    browser_login(page, live_server, "focus.engineer@example.test")
    page.goto(f"{live_server.url}/findings/{last.id}/edit")
    page.get_by_label("Observation").fill("Exit 9 blocked by rolls of fabric.")
    page.get_by_role("button", name="Save finding").click()
    page.wait_for_url(f"{live_server.url}/inspections/{insp.id}#finding-{last.id}")
    flash = page.locator("#flashes .flash").first
    flash.wait_for()
    assert "saved" in flash.inner_text()
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('#flashes') !== null")
    assert flash.evaluate(IN_VIEW), "the confirmation is out of view"
    assert page.locator(f"#finding-{last.id} #flashes").count() == 1  # beside the item it is about
    assert page.evaluate("window.scrollY") > 300  # the page did not jump back to its top
    assert page.locator(f"#finding-{last.id}").evaluate("el => el.getBoundingClientRect().top < window.innerHeight")


def test_bad_form_focuses_its_first_error(phone_page, live_server, live_build):
    page = phone_page
    insp, findings = _long_draft(live_build)
    browser_login(page, live_server, "focus.engineer@example.test")
    page.goto(f"{live_server.url}/findings/{findings[3].id}/edit")
    page.get_by_label("Recommendation").fill("")
    page.get_by_label("Observation").fill("")
    page.get_by_role("button", name="Save finding").click()
    page.wait_for_selector('[aria-invalid="true"]')
    first = page.evaluate("() => document.querySelector('[aria-invalid=\"true\"]').id")
    assert first == "observation"  # the first of the two in the form's order
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'observation'")
    assert page.locator("#observation").evaluate(IN_VIEW)


def test_queue_focuses_its_message_or_first_error(phone_page, live_server, live_build):
    page = phone_page
    app = live_server.app
    w = World(live_build)
    second = live_build.finding(w.inspection, discipline="electrical", severity="medium",
                                deadline=dt.date(2025, 3, 1), hazard_code=None, observation="Open junction box.")
    _report(app, w.action_id, w.owner.id, dt.date(2025, 2, 1))
    _report(app, second.action_id, w.owner.id, dt.date(2025, 2, 2))
    browser_login(page, live_server, "engineer@example.test")
    page.goto(f"{live_server.url}/actions/verify")
    assert page.evaluate("() => document.activeElement === document.body")  # a plain visit moves nothing
    first = int(page.locator("#queue-item").get_attribute("data-action-id"))
    then = w.action_id if first == second.action_id else second.action_id
    # a refusal (a check date in the future): the item comes back with its first error focused
    page.locator("#queue-verify input[type=date]").fill("2999-01-01")
    page.get_by_role("button", name="Verify and next").click()
    page.wait_for_selector("#queue-error, #queue-verify [aria-invalid='true']")
    page.wait_for_function("""() => { const a = document.activeElement;
        return a === document.querySelector("[aria-invalid='true']") || a.id === 'queue-error'; }""")
    focused = page.evaluate("() => document.activeElement.id")
    assert focused in ("verify-verified_on", "queue-error")
    assert page.locator(f"#{focused}").evaluate(IN_VIEW)
    assert action_row(app, first)["status"].value == "pending_verification"
    # done: the next item opens and its confirmation has the focus, in view
    page.locator("#queue-verify input[type=date]").fill("2025-02-10")
    page.get_by_role("button", name="Verify and next").click()
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('#flashes') !== null")
    flash = page.locator("#flashes .flash").first
    assert "verified: the action is corrected" in flash.inner_text() and flash.evaluate(IN_VIEW)
    assert action_row(app, first)["status"].value == "corrected"
    # reject and next: the same
    page.get_by_label("Reason").fill("The photo shows another stair.")
    page.get_by_role("button", name="Reject and next").click()
    page.wait_for_function("() => document.activeElement && /rejected/.test(document.activeElement.textContent)")
    assert action_row(app, then)["status"].value == "in_progress"


def test_date_fields_echo_the_day_in_year_month_day(bangla_phone, live_server, live_build):
    page = bangla_phone
    live_build.factory(name="Echo Garments Ltd")
    live_build.user("engineer", email="echo.engineer@example.test")
    browser_login_bn(page, live_server, "echo.engineer@example.test")
    page.goto(f"{live_server.url}/inspections/new?lang=bn")
    echo = page.locator("#inspected_on-date output")
    assert echo.inner_text() != "" and all(c in "০১২৩৪৫৬৭৮৯-" for c in echo.inner_text())  # today, prefilled
    page.locator("#inspected_on").fill("2025-03-01")
    page.wait_for_function("() => document.querySelector('#inspected_on-date output').textContent === '২০২৫-০৩-০১'")
    assert page.locator("#inspected_on").get_attribute("aria-describedby").split() == ["inspected_on-date"]


def browser_login_bn(page, server, email):
    """Sign in on a Bangla phone (the sign-in page's labels are in Bangla there)."""
    from conftest import PASSWORD

    page.goto(server.url + "/login?lang=en")
    browser_login(page, server, email, PASSWORD)


def test_bangla_map_popup_prints_the_evacuation_date_in_bangla_digits(page, live_server, live_build):
    """The map's popup (maps.js) says since when an evacuation is in force as the pages do: Bangla digits."""
    from helpers_maps import public_world

    public_world(live_server.app, live_build)
    page.goto(live_server.url + "/map?lang=bn&district=Chittagong")
    page.wait_for_selector(".folium-map[data-ready='1']")
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.shown === '1'")
    page.wait_for_selector(".folium-map[data-loaded='1'] path.fs-marker")
    page.locator("path.fs-marker").first.click()
    text = page.locator(".leaflet-popup-content .popup-evacuation").inner_text()
    assert re.search(r"[০-৯]{4}-[০-৯]{2}-[০-৯]{2}", text) and not re.search(r"[0-9]{4}-[0-9]{2}", text), text

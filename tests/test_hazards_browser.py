"""Live hazard suggestions and the column check in a real headless Chromium."""
import pytest

from conftest import browser_login

pytestmark = pytest.mark.browser


def test_suggestions_appear_while_typing_and_fill_the_hazard_code(page, live_server, live_build):
    live_build.user("engineer", email="eng.suggest@example.test")
    browser_login(page, live_server, "eng.suggest@example.test")
    page.goto(live_server.url + "/hazards/suggest/try")
    page.get_by_label("Observation").press_sequentially("Collapsible gate at stair 2 found locked", delay=10)
    buttons = page.locator(".hz-suggestions button.hz-suggestion")
    buttons.first.wait_for()
    assert 1 <= buttons.count() <= 3
    assert buttons.first.get_attribute("data-code") == "FIRE-EXIT-LOCKED"
    buttons.first.click()
    assert page.get_by_label("Hazard", exact=True).input_value() == "FIRE-EXIT-LOCKED"
    assert buttons.first.get_attribute("aria-pressed") == "true"
    # Bangla, replacing the text: suggestions follow
    page.get_by_label("Observation").fill("বয়লারের সনদের মেয়াদ শেষ")
    page.locator('.hz-suggestions button[data-code="BOILER-CERT-MISSING"]').first.wait_for()


def test_column_check_on_a_phone(phone_page, live_server, live_build):
    live_build.user("engineer", email="eng.column@example.test")
    browser_login(phone_page, live_server, "eng.column@example.test")
    phone_page.goto(live_server.url + "/hazards/column-check")
    values = {"Width b": "300", "Depth h": "300", "Concrete strength": "20", "Number of longitudinal bars": "4",
              "Bar diameter": "16", "Tributary area": "25", "Floors carried": "5"}
    for label, value in values.items():
        phone_page.get_by_label(label).fill(value)
    phone_page.get_by_role("button", name="Calculate DCR").click()
    assert phone_page.locator("output.hz-dcr").inner_text() == "1.46"
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1, f"page is {width}px wide on a 390px phone"

"""Chromium on a phone (390 px): an engineer opens the follow-up calendar, starts the follow-up inspection of a
factory and verifies an item the factory reported fixed, from the inspection's "Items to check"."""
import datetime as dt

import pytest

from conftest import browser_login

pytestmark = pytest.mark.browser

TODAY = dt.date.today()


def test_engineer_starts_a_follow_up_and_verifies_an_item_on_a_phone(phone_page, live_server, live_build):
    page, app = phone_page, live_server.app
    lead = live_build.user("engineer", "lead@example.test")
    factory = live_build.factory(name="Gamma Sweaters Ltd")
    ins = live_build.inspection(factory, engineer=lead, inspected_on=TODAY - dt.timedelta(days=30))
    reported = live_build.finding(ins, status="pending_verification", deadline=TODAY - dt.timedelta(days=1),
                                  reported_fixed_on=TODAY - dt.timedelta(days=3), fix_note="Exit door rehung.")
    live_build.finding(ins, discipline="electrical", deadline=TODAY + dt.timedelta(days=60))

    browser_login(page, live_server, "lead@example.test")
    assert "Follow-ups due" in page.inner_text("main")
    page.get_by_role("link", name="Follow-up calendar").click()
    card = page.locator(f"#follow-up-{factory.id}")
    assert card.is_visible() and "Gamma Sweaters Ltd" in card.inner_text()
    assert page.locator("#follow-ups-overdue").locator(f"#follow-up-{factory.id}").count() == 1
    assert (TODAY - dt.timedelta(days=1)).isoformat() in card.inner_text()
    # cards, not a wide table: nothing wider than the phone's screen
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390

    card.get_by_role("button", name="Start follow-up inspection").click()
    page.wait_for_url("**/inspections/*#items-to-check")
    items = page.locator("#items-to-check")
    assert "Follow-up inspection started" in page.inner_text("main")
    assert items.locator("article.check").count() == 2
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    item = items.locator("article.check", has_text="Exit door rehung.")
    item.get_by_label("Fixed: verify").check()
    item.get_by_role("button", name="Record").click()
    page.wait_for_function("() => document.querySelector('main').innerText.includes('Item checked')")
    done = page.locator("#items-to-check article.check", has_text="Exit door rehung.")
    assert done.get_attribute("data-outcome") == "verified"
    assert done.locator("form").count() == 0  # decided for good

    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.db import db

    with app.app_context():
        action = db.session.get(CorrectiveAction, reported.action_id)
        assert action.status.value == "corrected" and action.verified_on == TODAY

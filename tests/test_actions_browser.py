"""Browser journey in Chromium: owner reports a fix with a photo, engineer verifies, the public sees Corrected."""
import datetime as dt

import pytest

from conftest import browser_login, browser_logout
from helpers_actions import World, jpeg_bytes

pytestmark = pytest.mark.browser


def test_owner_reports_fix_with_photo_engineer_verifies_public_sees_corrected(browser, page, live_server, live_build):
    world = World(live_build)
    action_url = f"{live_server.url}/actions/{world.action_id}"

    browser_login(page, live_server, "owner@example.test")
    page.goto(action_url)
    page.get_by_label("Planned action").fill("Remove cartons; paint the exit path.")
    page.get_by_role("button", name="Save plan").click()
    assert "Plan saved." in page.inner_text("main")
    page.get_by_label("What was done").fill("Cartons moved to the store room; exit path painted.")
    page.get_by_label("Evidence photos").set_input_files(
        files=[{"name": "exit.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    page.get_by_role("button", name="Report fixed").click()
    page.wait_for_selector(".flash:has-text('Fix reported')")  # sent by the offline-capable form, then the page
    assert "Fix reported" in page.inner_text("main")
    assert page.locator("#action-status").inner_text() == "Pending verification"
    browser_logout(page, live_server)

    browser_login(page, live_server, "engineer@example.test")
    page.locator("#verification-queue").get_by_role("link", name="F-1").click()
    assert page.url == action_url
    today = dt.date.today().isoformat()
    page.get_by_label("Checked on").fill(today)
    page.get_by_role("button", name="Verify: corrected").click()
    assert "the action is corrected" in page.inner_text("main")

    public = browser.new_context().new_page()
    public.goto(action_url)
    assert public.locator("#action-status").inner_text() == "Corrected"
    assert public.locator("#verified-on").inner_text() == f"Verified on {today}"
    text = public.inner_text("main")
    assert "Cartons moved to the store room" in text and "engineer@example.test" not in text
    public.context.close()

    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.db import db

    with live_server.app.app_context():
        assert len(db.session.get(CorrectiveAction, world.action_id).evidence) == 1


def test_action_page_fits_a_phone_for_owner_and_engineer(phone_page, live_server, live_build):
    world = World(live_build)
    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User
    from factorysafe.db import db

    with live_server.app.app_context():
        a = db.session.get(CorrectiveAction, world.action_id)
        owner = db.session.get(User, world.owner.id)
        services.request_extension(a, dt.date(2025, 5, 1), "Fire doors on order; the supplier needs eight weeks.", by=owner,
                                   version=a.version)
        services.update_plan(a, "Install rated doors on both stairs and remove the wooden ones.", "Compliance manager",
                             dt.date(2025, 4, 1), by=owner, version=a.version)
        db.session.commit()
    browser_login(phone_page, live_server, "owner@example.test")
    phone_page.goto(f"{live_server.url}/actions/{world.action_id}")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone_page.get_by_label("What was done").is_visible()
    browser_logout(phone_page, live_server)
    browser_login(phone_page, live_server, "engineer@example.test")
    phone_page.goto(f"{live_server.url}/actions/{world.action_id}")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone_page.get_by_role("button", name="Decide").is_visible()
    phone_page.screenshot(path="/tmp/issue5_eng_action.png", full_page=True)

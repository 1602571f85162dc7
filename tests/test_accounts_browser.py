"""An administrator invites a factory owner; the owner opens the e-mailed link, chooses a password and signs
in (real headless Chromium, CSRF on)."""
import re

import pytest
import sqlalchemy as sa

from conftest import browser_login, browser_logout

pytestmark = pytest.mark.browser


def test_invite_accept_and_sign_in(page, live_server, live_build):
    from factorysafe.actions.models import OutboxMessage
    from factorysafe.db import db

    factory = live_build.factory(name="Browser Invite Knit Ltd")
    live_build.user("admin", email="boss@example.test")
    browser_login(page, live_server, "boss@example.test")
    page.get_by_role("link", name="Invite a user").first.click()
    page.get_by_label("Email").fill("new.owner@example.test")
    page.get_by_label("Name").fill("Nasrin Owner")
    page.get_by_label("Role").select_option("owner")
    page.get_by_label("Factories (numbers, owners only)").fill(str(factory.id))
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_url(live_server.url + "/admin/users")
    assert "Invitation sent to new.owner@example.test" in page.inner_text("main")
    assert "Invited" in page.locator("tr", has_text="new.owner@example.test").inner_text()
    browser_logout(page, live_server)

    with live_server.app.app_context():
        body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.recipient == "new.owner@example.test"))
    link = re.search(r"http://127\.0\.0\.1:\d+/invite/[A-Za-z0-9_-]+", body).group(0)
    page.goto(link)
    page.locator("#password").fill("password123")
    page.locator("#confirm").fill("password123")
    page.get_by_role("button", name="Set the password").click()
    assert "most common passwords" in page.inner_text("main")
    page.locator("#password").fill("tin roof monsoon 1971")
    page.locator("#confirm").fill("tin roof monsoon 1971")
    page.get_by_role("button", name="Set the password").click()
    page.wait_for_url(live_server.url + "/login")
    assert "Your password is set" in page.inner_text("main")
    browser_login(page, live_server, "new.owner@example.test", "tin roof monsoon 1971")
    assert "Browser Invite Knit Ltd" in page.inner_text("main")

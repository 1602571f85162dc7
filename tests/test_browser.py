"""Journeys in a real headless Chromium (Debian's), driven by Playwright."""
import pytest

from conftest import browser_login

pytestmark = pytest.mark.browser


def test_engineer_logs_in_and_sees_their_dashboard(page, live_server, live_build):
    live_build.factory(name="Dashboard Garments Ltd")
    live_build.user("engineer", email="field.engineer@example.test")
    browser_login(page, live_server, "field.engineer@example.test")
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    assert page.locator(".user-email").inner_text() == "field.engineer@example.test"
    assert "1 factories covered" in page.content() or "1 factor" in page.inner_text("main")


def test_owner_on_a_phone_sees_only_their_factory(phone_page, live_server, live_build):
    mine = live_build.factory(name="Phone Owner Garments Ltd")
    live_build.factory(name="Somebody Else Knit Ltd")
    live_build.user("owner", email="owner.phone@example.test", factories=[mine])
    browser_login(phone_page, live_server, "owner.phone@example.test")
    text = phone_page.inner_text("main")
    assert "Phone Owner Garments Ltd" in text and "Somebody Else Knit Ltd" not in text

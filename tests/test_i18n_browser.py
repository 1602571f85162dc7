"""Bangla pages in real Chromium: the vendored Noto Sans Bengali renders the text, and nothing spills
sideways on a phone."""
import os
from pathlib import Path

from conftest import browser_login
from helpers_actions import World

SHOTS = os.environ.get("I18N_SCREENSHOTS")  # a folder to keep the screenshots in, to look at them


def _fonts_loaded(page) -> bool:
    page.evaluate("document.fonts.ready.then(() => true)")
    return page.evaluate("""() => [...document.fonts].some(f => f.family.replace(/"/g, '') === 'Noto Sans Bengali'
                                                        && f.status === 'loaded')""")


def _bengali_font_in_use(page, selector) -> bool:
    family = page.eval_on_selector(selector, "e => getComputedStyle(e).fontFamily")
    return family.strip().startswith('"Noto Sans Bengali"')


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def _shot(page, name, tmp_path):
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_hazard_catalogue_in_bangla_renders_with_noto(live_server, live_build, page, phone_page, tmp_path):
    for p, name in ((page, "hazards-bn-desktop"), (phone_page, "hazards-bn-phone")):
        p.goto(live_server.url + "/hazards?lang=bn")
        assert p.locator("html").get_attribute("lang") == "bn"
        assert _fonts_loaded(p) and _bengali_font_in_use(p, "main h1")
        assert "ঝুঁকি" in p.locator("main h1").inner_text()
        _shot(p, name, tmp_path)
    assert _overflow(phone_page) <= 1


def test_owner_dashboard_in_bangla_on_a_phone(live_server, live_build, phone_page, tmp_path):
    world = World(live_build)
    browser_login(phone_page, live_server, "owner@example.test")
    phone_page.goto(live_server.url + "/dashboard?lang=bn")
    assert phone_page.get_by_text("এরপর কী করবেন").is_visible()
    assert _fonts_loaded(phone_page) and _bengali_font_in_use(phone_page, "main")
    _shot(phone_page, "dashboard-owner-bn-phone", tmp_path)
    assert _overflow(phone_page) <= 1
    phone_page.goto(live_server.url + f"/actions/{world.action_id}")
    _shot(phone_page, "action-owner-bn-phone", tmp_path)
    assert _overflow(phone_page) <= 1

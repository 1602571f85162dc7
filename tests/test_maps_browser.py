"""The public map in a real headless Chromium: clusters and markers, filters, popups, offline, Bangla."""
import re

import pytest

from helpers_maps import public_world

pytestmark = pytest.mark.browser


# Conditions are functions ("() => ..."): Playwright evals a bare expression in the page, which the site's
# Content-Security-Policy (no 'unsafe-eval') refuses.
SHOWN_JS = ("() => [...document.querySelectorAll('.marker-cluster span')]"
            ".reduce((n, s) => n + parseInt(s.textContent, 10), 0)"
            " + document.querySelectorAll('path.fs-marker').length")


def shown_on_map(page) -> int:
    """Factories represented on screen: single markers plus the counts on cluster icons."""
    return page.evaluate(f"({SHOWN_JS})()")


def wait_shown(page, expected: int) -> None:
    """Clusters animate when they form or split; wait until the screen settles on ``expected``."""
    page.wait_for_function(f"() => ({SHOWN_JS})() === {expected}", timeout=10_000)
    assert shown_on_map(page) == expected


def watch_requests(page) -> list[str]:
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    return seen


def test_map_shows_markers_filters_opens_popups_and_stays_on_the_server(page, live_server, live_build):
    world = public_world(live_server.app, live_build)
    requests = watch_requests(page)
    page.goto(live_server.url + "/map")
    page.wait_for_selector(".folium-map[data-ready='1']")
    page.wait_for_selector(".marker-cluster, path.fs-marker")
    wait_shown(page, 4)
    assert page.locator(".marker-cluster").count() >= 1  # the Dhaka-area factories cluster at country zoom
    assert page.locator("#map-count").inner_text() == "Showing 4 of 4 factories"
    assert page.locator("path.leaflet-interactive").count() > 60  # the district layer (64 districts)

    page.get_by_label("CAP status").select_option("behind_schedule")
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.shown === '1'")
    assert page.locator("#map-count").inner_text() == "Showing 1 of 4 factories"
    assert page.locator("#map-results li").all_inner_texts()[0].startswith("Gazipur Behind Ltd")
    assert "status=behind_schedule" in page.url
    page.wait_for_selector(".folium-map[data-loaded='1'] path.fs-marker")
    wait_shown(page, 1)

    page.locator("path.fs-marker").first.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Gazipur Behind Ltd" in popup.inner_text() and "Behind schedule" in popup.inner_text()
    assert "Fire" in popup.inner_text()
    link = popup.get_by_role("link", name="Open the factory page")
    assert link.get_attribute("href") == f"/factories/{world['behind']}"
    # The popup pans the map into view; click once the map has come to rest, as a person would.
    page.wait_for_function("() => !document.querySelector('.leaflet-pan-anim, .leaflet-zoom-anim')")
    with page.expect_navigation(url=f"{live_server.url}/factories/{world['behind']}"):
        link.click()
    assert page.get_by_role("heading", name="Gazipur Behind Ltd").is_visible()
    assert page.evaluate("() => !window.L")  # Leaflet is fetched only when the small map comes near the screen
    page.locator("#factory-map").scroll_into_view_if_needed()
    page.wait_for_selector("#factory-map[data-ready='1']")

    page.goto(live_server.url + "/map?q=danger")
    page.wait_for_function("() => document.querySelector('.folium-map') && document.querySelector('.folium-map').dataset.shown === '1'")
    page.get_by_label("Factory name").fill("")
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.shown === '4'")
    listed = page.locator("#map-results li a").all_inner_texts()
    assert len(listed) == 4 and listed == sorted(listed)  # markers.json comes by latitude; the list is by name

    assert requests, "no request was seen"
    outside = [u for u in requests if not (u.startswith(live_server.url + "/") or u.startswith(("data:", "blob:")))]
    assert outside == []


def test_bangla_map_in_the_bengali_font(page, live_server, live_build):
    public_world(live_server.app, live_build)
    requests = watch_requests(page)
    page.goto(live_server.url + "/map?lang=bn")
    page.wait_for_selector(".folium-map[data-ready='1']")
    assert page.get_by_role("heading", level=1).inner_text() == "কারখানা নিরাপত্তা মানচিত্র"
    page.get_by_label("জেলা", exact=True).select_option("Gazipur")
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.shown === '1'")
    assert re.search(r"৪টি কারখানার মধ্যে ১টি|4টি কারখানার মধ্যে 1টি", page.locator("#map-count").inner_text())
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Bengali\"', 'কারখানা')")
    assert any("noto-sans-bengali" in u for u in requests)
    assert all(u.startswith(live_server.url) or u.startswith(("data:", "blob:")) for u in requests)


def test_map_fits_a_phone(phone_page, live_server, live_build):
    public_world(live_server.app, live_build)
    phone_page.goto(live_server.url + "/map")
    phone_page.wait_for_selector(".folium-map[data-ready='1']")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    box = phone_page.locator(".folium-map").bounding_box()
    assert box["width"] > 300 and box["height"] > 300


def test_in_bangla_a_person_finds_gazipur_factories_behind_schedule_and_their_passed_deadlines(
        page, live_server, live_build):
    world = public_world(live_server.app, live_build)
    page.goto(live_server.url + "/map?lang=bn")
    page.wait_for_selector(".folium-map[data-loaded='1']")
    page.get_by_label("জেলা", exact=True).select_option(label="গাজীপুর")
    page.get_by_label("সংশোধন পরিকল্পনার অবস্থা").select_option(label="সময়সূচির পিছনে")
    page.wait_for_function("() => document.querySelector('.folium-map').dataset.shown === '1'")
    results = page.locator("#map-results li")
    assert results.count() == 1 and "গাজীপুর" in results.first.inner_text()
    results.first.get_by_role("link", name="Gazipur Behind Ltd").click()
    page.wait_for_url(f"{live_server.url}/factories/{world['behind']}")
    row = page.locator(f"#finding-{world['overdue_finding']}")
    assert "সময়সীমা পেরিয়েছে" in row.inner_text()  # Overdue
    assert "অগ্নি" in row.inner_text()  # Fire: each item card names its discipline
    assert page.locator("#overdue-list li").count() >= 1  # and the overdue item is listed at the top

"""The public map on a 390 px phone in Bangla (issue 14): the map on the first screen with the filters folded,
cluster icons in the colour of their worst member, place names in Bangla at the right zooms."""
import pytest

from factorysafe.actions.rules import CapStatus
from factorysafe.maps import palette
from helpers_maps import public_world

pytestmark = pytest.mark.browser

MAP_VAR = "Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k].setView)"


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i:i + 2], 16) for i in (1, 3, 5)))


def set_view(page, lat: float, lon: float, zoom: int) -> None:
    page.evaluate(f"() => window[{MAP_VAR}].setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    page.wait_for_function(f"() => window[{MAP_VAR}].getZoom() === {zoom}")


def test_phone_map_comes_first_with_filters_folded_and_bangla_places(phone_page, live_server, live_build):
    page = phone_page
    public_world(live_server.app, live_build)
    page.set_default_timeout(45_000)  # the first /map of a fresh server builds its data set and map
    page.goto(live_server.url + "/map?lang=bn")
    page.wait_for_selector(".folium-map[data-ready='1']")

    # the map is on the first screen (844 px high); the filters are one folded line above it
    box = page.locator("#safety-map").bounding_box()
    assert box["y"] < 844 / 2 and box["y"] + box["height"] <= 844, box
    assert page.locator("#map-filters-fold").evaluate("d => d.open") is False
    assert not page.locator("#f-q").is_visible()
    page.locator("#map-filters-fold > summary").click()  # a tap opens them
    assert page.locator("#f-q").is_visible()
    page.locator("#map-filters-fold > summary").click()

    # the list under the map names districts as the dropdown does: in Bangla
    options = page.locator("#f-district option").evaluate_all("os => os.map(o => o.textContent)")
    assert "গাজীপুর" in options and "Gazipur" not in options
    places = page.locator("#map-results li small").all_inner_texts()
    assert any("গাজীপুর" in p for p in places) and not any("Gazipur" in p for p in places)

    # the Dhaka-area factories (behind schedule, on track, completed) share a cluster: it wears the worst colour
    set_view(page, 23.8, 90.4, 7)
    cluster = page.locator(".fs-cluster", has_text="3")
    cluster.wait_for()
    assert "fs-status-behind_schedule" in cluster.get_attribute("class")
    colour = cluster.locator("div").evaluate("d => getComputedStyle(d).backgroundColor")
    assert colour == rgb(palette.CAP_COLOURS[palette.worst(
        [CapStatus.BEHIND_SCHEDULE, CapStatus.ON_TRACK, CapStatus.COMPLETED])])
    legend = page.locator(".swatch-behind_schedule").evaluate("d => getComputedStyle(d).backgroundColor")
    assert legend == colour  # one palette for the legend and the clusters

    # district names at zoom 7, in Bangla; none at zoom 6; upazila outlines and names from zoom 10
    page.wait_for_selector(".folium-map[data-districts='1']")
    labels = page.locator(".place-label.district").all_inner_texts()
    assert "গাজীপুর" in labels and "ঢাকা" in labels and "Gazipur" not in labels
    set_view(page, 23.8, 90.4, 6)
    page.wait_for_function("() => document.querySelectorAll('.place-label.district').length === 0")
    assert page.locator(".place-label.upazila").count() == 0
    set_view(page, 23.86, 90.27, 10)
    page.wait_for_selector(".folium-map[data-upazilas='1']")
    page.wait_for_function("() => [...document.querySelectorAll('.place-label.upazila')]"
                           ".some(l => l.textContent === 'সাভার')")
    assert "Savar" not in page.locator(".place-label.upazila").all_inner_texts()

    # the boundary layers come from their cached files, not the page
    assert page.locator("path.leaflet-interactive").count() >= 64


def test_english_map_names_places_in_english_and_opens_filters_on_a_wide_screen(page, live_server, live_build):
    public_world(live_server.app, live_build)
    page.set_default_timeout(45_000)
    page.goto(live_server.url + "/map?lang=en")
    page.wait_for_selector(".folium-map[data-districts='1']")
    assert page.locator("#map-filters-fold").evaluate("d => d.open") is True  # 1280 px: filters open
    assert page.locator("#f-q").is_visible()
    set_view(page, 23.8, 90.4, 7)
    page.wait_for_function("() => [...document.querySelectorAll('.place-label.district')]"
                           ".some(l => l.textContent === 'Gazipur')")

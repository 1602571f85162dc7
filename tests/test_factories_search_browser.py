"""A worker on a 390 px phone, in Bangla, types their factory's Bangla name into the map's search and finds it."""
import pytest

pytestmark = pytest.mark.browser


def _public(build, **values) -> int:
    f = build.factory(**values)
    build.inspection(f)
    return f.id


SHOWN = "() => document.querySelector('.folium-map').dataset.shown === '{n}'"


def test_on_a_phone_in_bangla_a_worker_finds_the_factory_by_its_bangla_name(phone_page, live_server, live_build):
    page = phone_page
    crystal = _public(live_build, name="Crystal Garments Ltd", name_bn="ক্রিস্টাল গার্মেন্টস লিমিটেড",
                      registration_no="DHA-10042", district="Dhaka", upazila="Savar", latitude=23.86, longitude=90.27)
    _public(live_build, name="Babylon Knitwear Ltd", name_bn="ব্যাবিলন নিটওয়্যার লিমিটেড", district="Gazipur",
            latitude=24.0, longitude=90.42)
    _public(live_build, name="Crystal Clear Textiles Ltd", district="Gazipur", latitude=24.01, longitude=90.41)
    page.goto(live_server.url + "/map?lang=bn")
    page.wait_for_selector(".folium-map[data-loaded='1']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#map-filters-fold summary").click()  # on a phone the map comes first, the filters are folded
    search = page.locator("input[name='q']")

    search.fill("ক্রিস্টাল")
    page.wait_for_function(SHOWN.format(n=1))
    results = page.locator("#map-results li a")
    assert results.all_inner_texts() == ["ক্রিস্টাল গার্মেন্টস লিমিটেড"]  # the Bangla name on a Bangla page
    assert "q=" in page.url

    search.fill("ক্রিষ্টাল")  # spelt with ষ: still found (the server's forgiving matcher)
    page.wait_for_function(SHOWN.format(n=1))
    assert results.all_inner_texts() == ["ক্রিস্টাল গার্মেন্টস লিমিটেড"]

    search.fill("Cristal")  # Latin with a typo finds both Crystal factories
    page.wait_for_function(SHOWN.format(n=2))
    assert sorted(results.all_inner_texts()) == sorted(["ক্রিস্টাল গার্মেন্টস লিমিটেড", "Crystal Clear Textiles Ltd"])

    search.fill("dha-10042")  # the registration number
    page.wait_for_function(SHOWN.format(n=1))
    results.first.scroll_into_view_if_needed()
    with page.expect_navigation(url=f"{live_server.url}/factories/{crystal}"):
        results.first.click()
    assert "ক্রিস্টাল গার্মেন্টস লিমিটেড" in page.get_by_role("heading", level=1).inner_text()

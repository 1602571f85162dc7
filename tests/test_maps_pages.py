"""The public map and factory pages: published data only, offline assets, filters, district layer, Bangla."""
import re

import pytest

from helpers_maps import TODAY, external_urls, marker_rows, public_world


@pytest.fixture
def world(app, build):
    return public_world(app, build)


def marker_names(client) -> set[str]:
    return {row[3] for row in marker_rows(client)}


def test_map_shows_every_factory_with_a_published_inspection_and_no_other(client, world):
    r = client.get("/map")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert marker_names(client) == {"Gazipur Behind Ltd", "Dhaka Ontrack Knit Ltd", "Narayanganj Done Apparels Ltd",
                                  "Chittagong Danger Denim Ltd"}
    assert "Draft Only Garments" not in html
    assert "Showing 4 of 4 factories" in html
    # legend with every published CAP status
    for label in ("CAP pending", "On track", "Behind schedule", "Initial CAP completed", "Ineligible"):
        assert label in html
    assert "L.markerClusterGroup" in html and "factorysafeMarker" in html


def test_map_loads_nothing_from_outside_the_server(client, world):
    html = client.get("/map").get_data(as_text=True)
    assert external_urls(html) == []
    assert "cdn" not in html.lower()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    paths = [a.split("?v=")[0] for a in assets]  # versioned by content (factorysafe.assets)
    assert "/static/vendor/leaflet/leaflet.js" in paths
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in paths
    for path in assets:
        assert client.get(path).status_code == 200, path


def test_without_a_tile_url_the_district_layer_is_the_basemap(client, world):
    html = client.get("/map").get_data(as_text=True)
    assert "L.tileLayer" not in html
    assert "Gazipur" in html and "Share behind schedule" in html


def test_map_filters_are_prefilled_from_the_query_and_list_the_matches(client, world):
    html = client.get("/map?district=Gazipur&status=behind_schedule").get_data(as_text=True)
    assert "Showing 1 of 4 factories" in html
    results = html.split('id="map-results"')[1].split("</ul>")[0]
    assert "Gazipur Behind Ltd" in results and "Dhaka Ontrack" not in results
    assert '<option value="behind_schedule" selected>' in html
    html = client.get("/map?discipline=fire").get_data(as_text=True)
    assert "Showing 1 of 4 factories" in html
    html = client.get("/map?danger=1").get_data(as_text=True)
    results = html.split('id="map-results"')[1].split("</ul>")[0]
    assert "Chittagong Danger Denim Ltd" in results and "Gazipur Behind" not in results
    html = client.get("/map?q=ontrack").get_data(as_text=True)
    assert "Showing 1 of 4 factories" in html


def test_map_and_pages_in_bangla(client, world):
    html = client.get("/map?lang=bn").get_data(as_text=True)
    assert 'lang="bn"' in html
    assert "কারখানা নিরাপত্তা মানচিত্র" in html
    assert "সময়সূচির পিছনে" in html  # Behind schedule
    assert "গাজীপুর" in html  # district name in Bangla
    # remembered in the session
    page = client.get(f"/factories/{world['behind']}").get_data(as_text=True)
    assert "সংশোধনমূলক কর্মপরিকল্পনা" in page and "অগ্নি" in page
    assert "Corrective action plan" not in page
    open_data = client.get("/open-data").get_data(as_text=True)
    assert "উন্মুক্ত তথ্য" in open_data and "কারখানার নিবন্ধিত নাম।" in open_data
    assert "Factory safety map" in client.get("/map?lang=en").get_data(as_text=True)


def test_factory_page_shows_profile_status_and_actions_per_discipline(client, world):
    r = client.get(f"/factories/{world['behind']}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for text in ("Gazipur Behind Ltd", "Plot 1, Road 2, Gazipur Sadar", "2300", "Behind schedule",
                 "Exit blocked by cartons.", "ELEC-WIRING-HAPHAZARD", "STRUCT-CRACK", ">High<"):
        assert text in html, text
    overdue_row = html.split(f'id="finding-{world["overdue_finding"]}"')[1].split("</article>")[0]
    assert "badge-overdue" in overdue_row and (TODAY.fromordinal(TODAY.toordinal() - 10)).isoformat() in overdue_row
    assert "Fire doors delayed at the port." in overdue_row and "Approved" in overdue_row
    verified_row = html.split(f'id="finding-{world["verified_finding"]}"')[1].split("</article>")[0]
    assert (TODAY.fromordinal(TODAY.toordinal() - 70)).isoformat() in verified_row
    assert "badge-overdue" not in verified_row


def test_owner_reported_fixes_are_shown_apart_from_verified_fixes(client, world):
    html = client.get(f"/factories/{world['behind']}").get_data(as_text=True)
    reported_section = html.split("Reported fixed by the factory, not yet verified")[1].split("</section>")[0]
    verified_section = html.split("Verified as corrected by an engineer")[1].split("</section>")[0]
    assert f'finding-{world["reported_finding"]}' in reported_section
    assert f'finding-{world["reported_finding"]}' not in verified_section
    assert f'finding-{world["verified_finding"]}' in verified_section
    assert f'finding-{world["verified_finding"]}' not in reported_section
    assert "1 items wait for an engineer to verify them." in html
    assert "1 items were checked and corrected." in html


def test_factory_page_shows_an_evacuation_in_force(client, world):
    html = client.get(f"/factories/{world['danger']}").get_data(as_text=True)
    assert "Evacuation in force" in html and "3rd to 5th floor" in html and 'role="alert"' in html
    assert "Evacuation in force" not in client.get(f"/factories/{world['on_track']}").get_data(as_text=True)


def test_factory_page_has_a_small_offline_location_map(client, world):
    html = client.get(f"/factories/{world['behind']}").get_data(as_text=True)
    assert 'id="factory-map"' in html and 'data-lat="24.0"' in html
    assert '"ADM2_EN": "Gazipur"' in html  # the district polygon as the offline basemap
    assert external_urls(html) == []


def test_factory_without_a_published_inspection_is_not_public(client, world):
    assert client.get(f"/factories/{world['hidden']}").status_code == 404
    assert client.get("/factories/999999").status_code == 404


def test_published_inspection_appears_at_once_after_publication(app, client, world):
    from factorysafe.db import db
    from factorysafe.inspections.models import Inspection, InspectionState

    assert client.get(f"/factories/{world['hidden']}").status_code == 404
    with app.app_context():
        insp = db.session.query(Inspection).filter_by(factory_id=world["hidden"]).one()
        insp.state = InspectionState.PUBLISHED
        db.session.commit()
    assert client.get(f"/factories/{world['hidden']}").status_code == 200
    assert "Draft Only Garments" in marker_names(client)


def test_a_factory_computed_alone_equals_its_row_in_the_whole_set(app, world):
    from factorysafe.maps import services

    with app.app_context():
        alone = {fid: services.build_public_data(TODAY, [fid]).by_id[fid]
                 for fid in (world["behind"], world["danger"], world["done"])}
        whole = services.build_public_data(TODAY)
        assert services.build_public_data(TODAY, [world["hidden"]]).by_id == {}
    for fid, row in alone.items():
        assert row == whole.by_id[fid]

"""Map settings: a configured tile layer, and the public data cache's time limit."""
import pytest

from helpers_maps import TODAY, external_urls, public_world


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAP_TILE_URL": "http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png",
            "MAP_TILE_ATTRIBUTION": "Local tiles", "MAP_CACHE_SECONDS": 0}


def test_a_configured_tile_url_adds_a_tile_layer(app, client, build):
    world = public_world(app, build)
    html = client.get("/map").get_data(as_text=True)
    assert "L.tileLayer" in html and "127.0.0.1:8081/tiles" in html and "Local tiles" in html
    assert external_urls(html) == []
    page = client.get(f"/factories/{world['behind']}").get_data(as_text=True)
    assert 'data-tiles="http://127.0.0.1:8081/tiles/{z}/{x}/{y}.png"' in page


def test_status_changes_show_once_the_cache_time_is_up(app, client, build):
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.db import db

    world = public_world(app, build)
    assert "Showing 1 of 4" in client.get("/map?status=behind_schedule").get_data(as_text=True)
    with app.app_context():
        action = db.session.query(CorrectiveAction).filter_by(finding_id=world["overdue_finding"]).one()
        action.status = "corrected"
        action.verified_on = TODAY
        db.session.commit()
    assert "Showing 0 of 4" in client.get("/map?status=behind_schedule").get_data(as_text=True)
    assert client.get(f"/api/v1/factories/{world['behind']}").get_json()["overdue_actions"]["total"] == 0

"""The public data set is read from the status read model: a change shows at once, without a whole rebuild;
markers come from their own endpoint (ETag, gzip); factory pages are cached until their factory changes."""
import gzip
import json

import pytest

from helpers_maps import TODAY, public_world


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAP_CACHE_SECONDS": 0.2}


def test_a_status_change_shows_at_once_and_patches_the_set_without_a_rebuild(app, client, build, monkeypatch):
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.db import db
    from factorysafe.maps import services

    world = public_world(app, build)
    assert "Showing 1 of 4" in client.get("/map?status=behind_schedule").get_data(as_text=True)
    builds = []
    real = services._build
    monkeypatch.setattr(services, "_build", lambda *a, **kw: builds.append(a) or real(*a, **kw))
    with app.app_context():
        action = db.session.query(CorrectiveAction).filter_by(finding_id=world["overdue_finding"]).one()
        action.status = "corrected"
        action.verified_on = TODAY
        db.session.commit()
    assert "Showing 0 of 4" in client.get("/map?status=behind_schedule").get_data(as_text=True)
    assert client.get(f"/api/v1/factories/{world['behind']}").get_json()["cap_status"] == "on_track"
    assert builds == []  # the app's copy was patched with the one changed row, not rebuilt


def test_markers_have_their_own_endpoint_with_etag_and_gzip(app, client, build):
    from factorysafe.db import db
    from factorysafe.factories.models import Factory

    world = public_world(app, build)
    html = client.get("/map").get_data(as_text=True)
    assert "/map/markers.json" in html and "Gazipur Behind Ltd" not in html.split("<script nonce=")[-1]
    plain = client.get("/map/markers.json")
    zipped = client.get("/map/markers.json", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert json.loads(gzip.decompress(zipped.get_data())) == plain.get_json()
    assert len(zipped.get_data()) < len(plain.get_data())
    etag = plain.headers["ETag"]
    assert client.get("/map/markers.json", headers={"If-None-Match": etag}).status_code == 304
    with app.app_context():
        db.session.get(Factory, world["on_track"]).name = "Renamed Knit Ltd"
        db.session.commit()
    again = client.get("/map/markers.json", headers={"If-None-Match": etag})
    assert again.status_code == 200 and again.headers["ETag"] != etag
    assert "Renamed Knit Ltd" in {row[3] for row in again.get_json()["rows"]}


def test_factory_pages_are_cached_until_their_factory_changes(app, client, build):
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.db import db
    from factorysafe.maps import pages

    world = public_world(app, build)
    url = f"/factories/{world['behind']}"
    first = client.get(url).get_data(as_text=True)
    assert 'class="badge badge-behind_schedule"' in first
    calls = []
    real = pages.factory_context

    def counting(*a, **kw):
        calls.append(a)
        return real(*a, **kw)

    pages.factory_context, restore = counting, real
    try:
        assert client.get(url).get_data(as_text=True) == first and calls == []  # served from the cache
        assert client.get(f"/factories/{world['on_track']}").status_code == 200 and len(calls) == 1
        with app.app_context():
            action = db.session.query(CorrectiveAction).filter_by(finding_id=world["overdue_finding"]).one()
            action.status = "corrected"
            action.verified_on = TODAY
            db.session.commit()
        after = client.get(url).get_data(as_text=True)
        assert len(calls) == 2 and 'class="badge badge-on_track"' in after and "badge-behind_schedule" not in after
        assert client.get(f"/factories/{world['on_track']}").status_code == 200 and len(calls) == 2
    finally:
        pages.factory_context = restore


def test_a_publication_is_shown_at_once_even_within_the_cache_time(app, client, build):
    from factorysafe.db import db
    from factorysafe.inspections.models import Inspection, InspectionState

    world = public_world(app, build)
    assert client.get(f"/api/v1/factories/{world['hidden']}").status_code == 404
    with app.app_context():
        inspection = db.session.query(Inspection).filter_by(factory_id=world["hidden"]).one()
        inspection.state = InspectionState.PUBLISHED
        db.session.commit()
    assert client.get(f"/api/v1/factories/{world['hidden']}").status_code == 200

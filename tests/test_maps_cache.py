"""The public data cache: a stale set is served while one background rebuild runs, then replaced."""
import time

import pytest

from helpers_maps import TODAY, public_world


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAP_CACHE_SECONDS": 0.2}


def test_stale_data_is_served_while_a_background_rebuild_runs(app, client, build):
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.db import db

    world = public_world(app, build)
    assert "Showing 1 of 4" in client.get("/map?status=behind_schedule").get_data(as_text=True)
    with app.app_context():
        action = db.session.query(CorrectiveAction).filter_by(finding_id=world["overdue_finding"]).one()
        action.status = "corrected"
        action.verified_on = TODAY
        db.session.commit()
    time.sleep(0.3)
    # the change marker did not move (a status change): the previous set answers at once...
    assert "Showing 1 of 4" in client.get("/map?status=behind_schedule").get_data(as_text=True)
    # ...and the rebuild started by that request replaces it shortly after
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if "Showing 0 of 4" in client.get("/map?status=behind_schedule").get_data(as_text=True):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the background rebuild never replaced the stale data")


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

"""The finding form takes severity and deadline from the hazard catalogue; overrides need a reason."""
import datetime as dt

import sqlalchemy as sa

from factorysafe.db import db
from factorysafe.hazards import deadline_for_hazard, get
from factorysafe.inspections.models import Finding


def _draft(build):
    factory = build.factory(name="Catalogue Knit Ltd")
    build.user("engineer", email="eng@example.test")
    return build.inspection(factory, state="draft", inspected_on=dt.date(2025, 3, 1))


def _post(client, inspection_id, **values):
    data = {"discipline": "fire", "hazard_code": "FIRE-DOOR-MISSING", "floor": "2nd floor", "area": "stair 2",
            "observation": "No fire-rated self-closing door at stair 2.", "recommendation": "Install a rated door.",
            "severity": ""}
    data.update(values)
    return client.post(f"/inspections/{inspection_id}/findings/new", data=data)


def test_blank_severity_takes_the_catalogue_severity_and_deadline(app, client, auth, build):
    insp = _draft(build)
    auth.login("eng@example.test")
    assert _post(client, insp.id).status_code == 302
    with app.app_context():
        finding = db.session.scalars(sa.select(Finding)).one()
        hazard = get("FIRE-DOOR-MISSING")
        assert finding.severity == hazard.severity
        assert finding.action.deadline == deadline_for_hazard("FIRE-DOOR-MISSING", dt.date(2025, 3, 1), hazard.severity)


def test_other_severity_without_reason_is_refused_and_nothing_is_written(app, client, auth, build):
    insp = _draft(build)
    auth.login("eng@example.test")
    with app.app_context():  # the catalogue is the app's
        other = "low" if get("FIRE-DOOR-MISSING").severity.value != "low" else "high"
    response = _post(client, insp.id, severity=other, observation="Typed observation kept")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "say why" in page and "Typed observation kept" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Finding.id))) == 0
    assert _post(client, insp.id, severity=other, severity_override_reason="Door exists, only the closer is missing.").status_code == 302
    with app.app_context():
        finding = db.session.scalars(sa.select(Finding)).one()
        assert finding.severity.value == other and "closer" in finding.severity_override_reason


def test_unknown_hazard_code_is_refused(client, auth, build):
    insp = _draft(build)
    auth.login("eng@example.test")
    response = _post(client, insp.id, hazard_code="FIRE-NOT-A-CODE")
    assert response.status_code == 400 and "not a code of the hazard catalogue" in response.get_data(as_text=True)


def test_finding_form_offers_the_catalogue_and_live_suggestions(client, auth, build):
    insp = _draft(build)
    auth.login("eng@example.test")
    page = client.get(f"/inspections/{insp.id}/findings/new").get_data(as_text=True)
    assert '<option value="STRUCT-COLUMN-WEAK">' in page and "hazard-suggest.js" in page


def test_immediate_danger_finding_offers_the_evacuation_order(app, client, auth, build):
    insp = _draft(build)
    auth.login("eng@example.test")
    assert _post(client, insp.id, immediate_danger="y").status_code == 302
    with app.app_context():
        finding_id = db.session.scalars(sa.select(Finding.id)).one()
    page = client.get(f"/inspections/{insp.id}").get_data(as_text=True)
    assert f"/hazards/findings/{finding_id}/evacuate" in page
    with app.app_context():
        version = str(db.session.get(Finding, finding_id).version)
    order = client.post(f"/hazards/findings/{finding_id}/evacuate",
                        data={"ordered_on": "2025-03-01", "scope": "floors", "floors": "2nd floor",
                              "workers_affected": "640", "version": version})
    assert order.status_code == 302
    assert "Evacuation in force" in client.get(f"/manage/factories/{insp.factory_id}").get_data(as_text=True)

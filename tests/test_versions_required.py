"""Every state-changing form carries the version it was based on and states its intent: a missing or
malformed version, or an empty POST, is a 400 with a clear message and the typed text kept, never a change
applied to whatever the record is now (one submitted an inspection, one ordered a whole-building evacuation)."""
import datetime as dt

import pytest
import sqlalchemy as sa

from factorysafe.db import db
from helpers_actions import World, action_row, audit_verbs, report_fix_via_service, version_of_world

MISSING = "did not say which version"


@pytest.fixture
def world(build):
    return World(build)


def _events(app) -> int:
    from factorysafe.audit import AuditEvent

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


# --- action forms -----------------------------------------------------------------------------------
OWNER_POSTS = [
    ("/plan", {"plan-planned_action": "Typed plan that must be kept.", "plan-responsible_person": "Karim"}, "plan"),
    ("/report-fix", {"report-note": "Typed fix note that must be kept."}, "report"),
    ("/extensions", {"extension-new_deadline": "2025-06-01", "extension-reason": "Typed reason that must be kept."},
     "extension"),
]


@pytest.mark.parametrize("version", [None, "", "abc", "1.0", "-1", "١", "99999999999999999999"])
@pytest.mark.parametrize("path,data,prefix", OWNER_POSTS)
def test_owner_forms_without_a_whole_number_version_are_refused(app, client, auth, world, path, data, prefix, version):
    before, events = action_row(app, world.action_id), _events(app)
    auth.login("owner@example.test")
    posted = dict(data) if version is None else {**data, f"{prefix}-version": version}
    r = client.post(f"/actions/{world.action_id}{path}", data=posted,
                    content_type="multipart/form-data" if path == "/report-fix" else None)
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert MISSING in html and "Typed" in html and "must be kept." in html
    assert action_row(app, world.action_id) == before and _events(app) == events


@pytest.mark.parametrize("path,data,prefix", [
    ("/verify", {"verify-verified_on": "2025-02-02", "verify-note": "Typed note."}, "verify"),
    ("/reject", {"reject-reason": "Typed reason."}, "reject"),
])
def test_engineer_forms_without_a_version_are_refused(app, client, auth, world, path, data, prefix):
    report_fix_via_service(app, world)
    before, events = action_row(app, world.action_id), _events(app)
    auth.login("engineer@example.test")
    r = client.post(f"/actions/{world.action_id}{path}", data=data)
    assert r.status_code == 400 and MISSING in r.get_data(as_text=True) and "Typed" in r.get_data(as_text=True)
    assert action_row(app, world.action_id) == before and _events(app) == events


def test_extension_decision_without_a_version_is_refused(app, client, auth, world):
    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction, DeadlineExtension, ExtensionStatus
    from factorysafe.auth.models import User

    with app.app_context():
        a = db.session.get(CorrectiveAction, world.action_id)
        ext = services.request_extension(a, dt.date(2025, 6, 1), "Parts.", by=db.session.get(User, world.owner.id),
                                         version=a.version)
        db.session.commit()
        ext_id = ext.id
    auth.login("engineer@example.test")
    r = client.post(f"/actions/extensions/{ext_id}/decide", data={f"decide-{ext_id}-decision": "approve"})
    assert r.status_code == 400 and MISSING in r.get_data(as_text=True)
    # an empty POST chooses nothing: no default decision
    r = client.post(f"/actions/extensions/{ext_id}/decide", data={f"decide-{ext_id}-version": version_of_world(world)})
    assert r.status_code == 400
    with app.app_context():
        assert db.session.get(DeadlineExtension, ext_id).status == ExtensionStatus.REQUESTED
    assert audit_verbs(app, world.action_id) == ["request_extension"]


def test_the_missing_version_message_reads_in_bangla(app, client, auth, world):
    from flask_babel import force_locale

    from factorysafe.errors import VERSION_MISSING_MESSAGE

    with app.test_request_context(), force_locale("bn"):
        bangla = str(VERSION_MISSING_MESSAGE)
    assert MISSING not in bangla
    auth.login("owner@example.test")
    r = client.post(f"/actions/{world.action_id}/plan?lang=bn", data={"plan-planned_action": "x"})
    assert r.status_code == 400 and bangla in r.get_data(as_text=True)


def test_services_require_the_version_keyword(app, world):
    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User
    from factorysafe.errors import MissingVersion

    with app.test_request_context():
        a = db.session.get(CorrectiveAction, world.action_id)
        owner = db.session.get(User, world.owner.id)
        with pytest.raises(TypeError):
            services.update_plan(a, "Plan", "", None, by=owner)  # noqa - the point: no default
        with pytest.raises(MissingVersion) as refused:
            services.update_plan(a, "Plan", "", None, by=owner, version=None)
        assert refused.value.status == 400
        with pytest.raises(MissingVersion):
            services.request_extension(a, dt.date(2025, 6, 1), "r", by=owner, version="x")
        db.session.rollback()
    assert action_row(app, world.action_id)["planned_action"] == ""


# --- escalation -------------------------------------------------------------------------------------
def test_escalation_needs_the_factorys_version_and_a_chosen_stage(app, client, auth, world):
    from factorysafe.models import Escalation, Factory

    f = world.factory.id
    auth.login("engineer@example.test")
    r = client.post(f"/manage/factories/{f}/escalate", data={"esc-stage": "1", "esc-note": "Typed escalation note."})
    assert r.status_code == 400 and MISSING in r.get_data(as_text=True)
    assert "Typed escalation note." in r.get_data(as_text=True)
    with app.app_context():
        v = str(db.session.get(Factory, f).version)
    r = client.post(f"/manage/factories/{f}/escalate", data={"esc-note": "No stage chosen.", "esc-version": v})
    assert r.status_code == 400 and "No stage chosen." in r.get_data(as_text=True)
    r = client.post(f"/manage/factories/{f}/escalate", data={"esc-stage": "1", "esc-note": "Stale page.",
                                                            "esc-version": str(int(v) + 5)})
    assert r.status_code == 409 and "Stale page." in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Escalation)) == 0
        assert db.session.get(Factory, f).escalation_stage == 0


# --- inspections ------------------------------------------------------------------------------------
@pytest.fixture
def draft(app, build):
    factory = build.factory(name="Riverside Knit Ltd")
    eng = build.user("engineer", email="eng@example.test")
    insp = build.inspection(factory, state="draft", engineer=eng)
    finding = build.finding(insp)
    return type("Draft", (), dict(factory=factory, engineer=eng, inspection=insp, finding=finding))


def _state(app, inspection_id):
    from factorysafe.inspections.models import Inspection

    with app.app_context():
        return db.session.get(Inspection, inspection_id).state.value


@pytest.mark.parametrize("data", [{}, {"intent": "submit"}, {"version": "1"}, {"intent": "publish", "version": "1"},
                                  {"intent": "submit", "version": "one"}])
def test_submit_needs_version_and_intent(app, client, auth, draft, data):
    events = _events(app)
    auth.login("eng@example.test")
    r = client.post(f"/inspections/{draft.inspection.id}/submit", data=data)
    assert r.status_code == 400
    assert "nothing was changed" in r.get_data(as_text=True) or "nothing was" in r.get_data(as_text=True)
    assert _state(app, draft.inspection.id) == "draft" and _events(app) == events
    ok = client.post(f"/inspections/{draft.inspection.id}/submit", data={"intent": "submit", "version": "1"})
    assert ok.status_code == 302 and _state(app, draft.inspection.id) == "submitted"


def test_publish_needs_version_and_intent(app, client, auth, build, draft):
    from factorysafe.inspections.models import Inspection

    auth.login("eng@example.test")
    assert client.post(f"/inspections/{draft.inspection.id}/submit",
                       data={"intent": "submit", "version": "1"}).status_code == 302
    build.review(draft.inspection, build.user("engineer", email="reviewer@example.test"))  # REVIEW_REQUIRED
    assert client.post(f"/inspections/{draft.inspection.id}/publish", data={}).status_code == 400
    assert client.post(f"/inspections/{draft.inspection.id}/publish", data={"intent": "submit", "version": "2"}
                       ).status_code == 400
    assert _state(app, draft.inspection.id) == "submitted"
    with app.app_context():
        v = str(db.session.get(Inspection, draft.inspection.id).version)
    assert client.post(f"/inspections/{draft.inspection.id}/publish", data={"intent": "publish", "version": v}
                       ).status_code == 302
    assert _state(app, draft.inspection.id) == "published"


def test_inspection_and_finding_edits_without_a_version_are_refused_with_the_form_kept(app, client, auth, draft):
    from factorysafe.inspections.models import Finding, Inspection

    auth.login("eng@example.test")
    r = client.post(f"/inspections/{draft.inspection.id}/edit", data={
        "type": "initial", "inspected_on": "2025-03-03", "disciplines": ["fire"], "summary": "Typed summary kept.",
        "engineer_ids": [draft.engineer.id]})
    assert r.status_code == 400 and MISSING in r.get_data(as_text=True) and "Typed summary kept." in r.get_data(as_text=True)
    r = client.post(f"/findings/{draft.finding.id}/edit", data={
        "discipline": "fire", "observation": "Typed observation kept.", "recommendation": "Fix.", "severity": "high",
        "version": "v1"})
    assert r.status_code == 400 and MISSING in r.get_data(as_text=True) and "Typed observation kept." in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Inspection, draft.inspection.id).inspected_on == dt.date(2025, 1, 1)
        assert db.session.get(Finding, draft.finding.id).observation == "Main exit blocked by cartons."


# --- evacuations ------------------------------------------------------------------------------------
def _evacuations(app) -> int:
    from factorysafe.factories.models import Evacuation

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Evacuation))


def _finding_version(app, finding_id) -> str:
    from factorysafe.inspections.models import Finding

    with app.app_context():
        return str(db.session.get(Finding, finding_id).version)


def test_an_empty_evacuation_order_orders_nothing(app, client, auth, draft):
    auth.login("eng@example.test")
    url = f"/hazards/findings/{draft.finding.id}/evacuate"
    v = _finding_version(app, draft.finding.id)
    r = client.post(url, data={"ordered_on": "2025-06-02", "version": v, "workers_affected": "321"})
    assert r.status_code == 400 and "Choose what to evacuate" in r.get_data(as_text=True)
    assert 'value="321"' in r.get_data(as_text=True)  # the form is kept
    r = client.post(url, data={"ordered_on": "2025-06-02", "scope": "whole"})  # no version
    assert r.status_code == 400 and MISSING in r.get_data(as_text=True)
    r = client.post(url, data={"ordered_on": "2025-06-02", "scope": "floors", "floors": "", "version": v})
    assert r.status_code == 400 and "Name the floors" in r.get_data(as_text=True)
    r = client.post(url, data={"ordered_on": "2025-06-02", "scope": "whole", "floors": "3rd", "version": v})
    assert r.status_code == 400
    r = client.post(url, data={"ordered_on": "2025-06-02", "scope": "everything", "version": v})
    assert r.status_code == 400
    r = client.post(url, data={"ordered_on": "2025-06-02", "scope": "whole", "version": str(int(v) + 1)})
    assert r.status_code == 409
    assert _evacuations(app) == 0
    r = client.post(url, data={"ordered_on": "2025-06-02", "scope": "whole", "version": v})
    assert r.status_code == 302 and _evacuations(app) == 1


def test_resumption_needs_the_evacuations_version(app, client, auth, draft):
    from factorysafe.factories.models import Evacuation

    auth.login("eng@example.test")
    v = _finding_version(app, draft.finding.id)
    assert client.post(f"/hazards/findings/{draft.finding.id}/evacuate",
                       data={"ordered_on": "2025-06-02", "scope": "whole", "version": v}).status_code == 302
    with app.app_context():
        ev = db.session.scalars(sa.select(Evacuation)).one()
        ev_id, ev_version = ev.id, ev.version
    r = client.post(f"/hazards/evacuations/{ev_id}", data={"resumed_on": "2025-07-01", "note": "Typed note kept."})
    assert r.status_code == 400 and MISSING in r.get_data(as_text=True)
    r = client.post(f"/hazards/evacuations/{ev_id}", data={"resumed_on": "2025-07-01", "version": str(ev_version + 1)})
    assert r.status_code == 409
    with app.app_context():
        assert db.session.get(Evacuation, ev_id).resumed_on is None
    r = client.post(f"/hazards/evacuations/{ev_id}", data={"resumed_on": "2025-07-01", "version": str(ev_version)})
    assert r.status_code == 302
    with app.app_context():
        assert db.session.get(Evacuation, ev_id).resumed_on == dt.date(2025, 7, 1)


COLUMN = {"column_label": "C4", "floor": "Ground floor", "b_mm": "300", "h_mm": "300", "fc_mpa": "20", "bars": "4",
          "bar_diameter_mm": "16", "fy_mpa": "415", "tributary_area_m2": "25", "dead_load_kpa": "6",
          "live_load_kpa": "2.5", "floors_above": "9", "create_finding": "Record"}  # DCR 2.62: immediate danger


def test_column_check_immediate_danger_needs_an_evacuation_choice(app, client, auth, draft):
    from factorysafe.inspections.models import Finding

    auth.login("eng@example.test")
    data = {**COLUMN, "inspection_id": str(draft.inspection.id)}
    r = client.post("/hazards/column-check", data=data)
    assert r.status_code == 400 and "Choose what to evacuate" in r.get_data(as_text=True)
    assert _evacuations(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Finding)) == 1  # only the fixture's
    r = client.post("/hazards/column-check", data={**data, "evacuation": "none"})
    assert r.status_code == 302 and _evacuations(app) == 0
    r = client.post("/hazards/column-check", data={**data, "evacuation": "whole"})
    assert r.status_code == 302 and _evacuations(app) == 1

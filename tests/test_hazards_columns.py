"""Column axial DCR (ACI 318-19 §22.4.2 / BNBC 2020): hand-computed cases and the page."""
import datetime as dt
import math

import pytest
import sqlalchemy as sa

from factorysafe.hazards.columns import (
    ColumnInput,
    ColumnInputError,
    ColumnVerdict,
    check_column,
    verdict,
)


def col(**kw):
    base = dict(b_mm=300, h_mm=300, fc_mpa=20, bars=4, bar_diameter_mm=16, fy_mpa=415,
                tributary_area_m2=25, dead_load_kpa=6, live_load_kpa=2.5, floors_above=5)
    return ColumnInput(**{**base, **kw})


def test_case_1_square_300_four_16mm_bars():
    # Ag = 300 x 300 = 90,000 mm2; Ast = 4 x pi x 16^2 / 4 = 804.25 mm2
    # Po = 0.85 x 20 x (90,000 - 804.25) + 415 x 804.25 = 1,516,327.8 + 333,763.0 = 1,850,090.6 N
    # Pn,max = 0.80 x Po = 1,480,072.5 N; phi Pn,max = 0.65 x 1,480,072.5 = 962,047.1 N = 962.05 kN
    # wu = 1.2 x 6 + 1.6 x 2.5 = 11.2 kN/m2; Pu = 11.2 x 25 m2 x 5 floors = 1,400 kN
    # DCR = 1,400 / 962.05 = 1.455  -> weak column (over 1.0, under 2.0)
    r = check_column(col())
    assert r.gross_area_mm2 == 90_000
    assert r.steel_area_mm2 == pytest.approx(804.25, abs=0.01)
    assert r.po_kn == pytest.approx(1850.09, abs=0.01)
    assert r.phi_pn_max_kn == pytest.approx(962.05, abs=0.01)
    assert r.pu_kn == pytest.approx(1400.0)
    assert r.dcr == pytest.approx(1.4552, abs=1e-4)
    assert verdict(r.dcr) == ColumnVerdict.WEAK


def test_case_2_small_column_weak_concrete_is_immediate_danger():
    # Ag = 250 x 250 = 62,500 mm2; Ast = 4 x pi x 12^2 / 4 = 452.39 mm2
    # Po = 0.85 x 10 x (62,500 - 452.39) + 275 x 452.39 = 527,404.7 + 124,407.1 = 651,811.8 N
    # phi Pn,max = 0.65 x 0.80 x 651,811.8 = 338,942.1 N = 338.94 kN
    # wu = 1.2 x 7 + 1.6 x 3 = 13.2 kN/m2; Pu = 13.2 x 30 x 3 = 1,188 kN
    # DCR = 1,188 / 338.94 = 3.505 -> over 2.0: immediate danger
    r = check_column(col(b_mm=250, h_mm=250, fc_mpa=10, bars=4, bar_diameter_mm=12, fy_mpa=275,
                         tributary_area_m2=30, dead_load_kpa=7, live_load_kpa=3, floors_above=3))
    assert r.phi_pn_max_kn == pytest.approx(338.94, abs=0.01)
    assert r.pu_kn == pytest.approx(1188.0)
    assert r.dcr == pytest.approx(3.505, abs=1e-3)
    assert verdict(r.dcr, 1.0, 2.0) == ColumnVerdict.IMMEDIATE_DANGER
    assert any("below the 1 % minimum" in w for w in r.warnings)  # rho = 0.72 %


def test_case_3_large_column_is_within_capacity():
    # Ag = 500 x 500 = 250,000 mm2; Ast = 8 x pi x 20^2 / 4 = 2,513.27 mm2
    # Po = 0.85 x 25 x (250,000 - 2,513.27) + 415 x 2,513.27 = 5,259,093.4 + 1,043,008.2 = 6,302,101.7 N
    # phi Pn,max = 0.65 x 0.80 x 6,302,101.7 = 3,277,092.9 N = 3,277.09 kN
    # wu = 1.2 x 6 + 1.6 x 3 = 12.0 kN/m2; Pu = 12 x 36 x 4 = 1,728 kN; DCR = 1,728 / 3,277.09 = 0.527
    r = check_column(col(b_mm=500, h_mm=500, fc_mpa=25, bars=8, bar_diameter_mm=20, fy_mpa=415,
                         tributary_area_m2=36, dead_load_kpa=6, live_load_kpa=3, floors_above=4))
    assert r.phi_pn_max_kn == pytest.approx(3277.09, abs=0.01)
    assert r.dcr == pytest.approx(0.5273, abs=1e-4)
    assert verdict(r.dcr) == ColumnVerdict.OK and r.warnings == ()


def test_verdict_boundaries_are_strictly_over_the_limits():
    assert verdict(1.0, 1.0, 2.0) == ColumnVerdict.OK
    assert verdict(1.0001, 1.0, 2.0) == ColumnVerdict.WEAK
    assert verdict(2.0, 1.0, 2.0) == ColumnVerdict.WEAK
    assert verdict(2.01, 1.0, 2.0) == ColumnVerdict.IMMEDIATE_DANGER
    assert verdict(1.2, 1.5, 3.0) == ColumnVerdict.OK


@pytest.mark.parametrize("bad, field", [({"fc_mpa": 0}, "fc_mpa"), ({"b_mm": math.nan}, "b_mm"),
                                        ({"floors_above": 0}, "floors_above"),
                                        ({"bars": 100, "bar_diameter_mm": 50, "b_mm": 300, "h_mm": 300}, "bars")])
def test_impossible_inputs_are_refused(bad, field):
    with pytest.raises(ColumnInputError, match=field):
        check_column(col(**bad))


FORM = {"column_label": "C4", "floor": "Ground floor", "b_mm": "300", "h_mm": "300", "fc_mpa": "20", "bars": "4",
        "bar_diameter_mm": "16", "fy_mpa": "415", "tributary_area_m2": "25", "dead_load_kpa": "6",
        "live_load_kpa": "2.5", "floors_above": "5"}


def test_column_check_is_for_engineers_only(client, auth, build):
    assert client.get("/hazards/column-check").status_code == 302  # to sign in
    f = build.factory()
    build.user("owner", email="o@example.test", factories=[f])
    auth.login("o@example.test")
    assert client.get("/hazards/column-check").status_code == 403
    assert client.post("/hazards/column-check", data=FORM).status_code == 403


def test_column_check_page_computes_and_explains(client, auth, build):
    build.user("engineer", email="e@example.test")
    auth.login("e@example.test")
    assert client.get("/hazards/column-check").status_code == 200
    r = client.post("/hazards/column-check", data={**FORM, "calculate": "Calculate DCR"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "DCR = <output class=\"hz-dcr\">1.46</output>" in html
    assert "962 kN" in html and "1400 kN" in html and "STRUCT-COLUMN-WEAK" in html
    ok = client.post("/hazards/column-check", data={**FORM, "floors_above": "2"}).get_data(as_text=True)
    assert "0.58" in ok and "Within capacity" in ok


def test_column_check_limit_comes_from_config(app, client, auth, build):
    app.config["DCR_LIMIT"] = 1.5
    build.user("engineer", email="e@example.test")
    auth.login("e@example.test")
    html = client.post("/hazards/column-check", data=FORM).get_data(as_text=True)
    assert "Within capacity" in html


def test_bad_input_rerenders_the_form_with_400(client, auth, build):
    build.user("engineer", email="e@example.test")
    auth.login("e@example.test")
    r = client.post("/hazards/column-check", data={**FORM, "fc_mpa": "-5", "column_label": "C-typed"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    assert 'value="C-typed"' in html and "field-error" in html and "hz-dcr" not in html


def _findings(app, inspection_id):
    from factorysafe.db import db
    from factorysafe.inspections.models import Finding

    with app.app_context():
        return db.session.execute(sa.select(Finding).where(Finding.inspection_id == inspection_id)
                                  .order_by(Finding.id)).scalars().all()


def test_weak_column_becomes_finding_with_next_structural_item_number(app, client, auth, build):
    f = build.factory()
    eng = build.user("engineer", email="e@example.test")
    insp = build.inspection(f, state="draft", inspected_on=dt.date(2025, 5, 1), engineer=eng)
    build.finding(insp, discipline="structural", hazard_code="STRUCT-CRACK", severity="high")  # S-1
    build.finding(insp, discipline="fire")  # F-1
    auth.login("e@example.test")
    page = client.post("/hazards/column-check", data={**FORM, "inspection_id": str(insp.id)}).get_data(as_text=True)
    assert "Record STRUCT-COLUMN-WEAK finding" in page
    r = client.post("/hazards/column-check", data={**FORM, "inspection_id": str(insp.id),
                                                     "create_finding": "Record"})
    assert r.status_code == 302
    new = _findings(app, insp.id)[-1]
    assert new.item_number == "S-2" and new.hazard_code == "STRUCT-COLUMN-WEAK"
    assert new.severity.value == "priority_1" and new.immediate_danger is False
    assert "DCR = 1.46" in new.observation and new.floor == "Ground floor" and new.area == "C4"
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.audit import AuditEvent, verify_chain
    from factorysafe.db import db

    with app.app_context():
        action = db.session.execute(sa.select(CorrectiveAction).filter_by(finding_id=new.id)).scalar_one()
        assert action.deadline == dt.date(2025, 5, 1)  # immediate
        ev = db.session.execute(sa.select(AuditEvent).filter_by(verb="record_column_check", subject_id=new.id)).scalar_one()
        assert ev.actor_email == "e@example.test" and ev.after_data["dcr"] == pytest.approx(1.455, abs=1e-3)
        assert verify_chain() is None


def test_dcr_over_immediate_danger_marks_finding_and_orders_evacuation(app, client, auth, build):
    f = build.factory(name="Danger Knit Ltd")
    build.user("engineer", email="e@example.test")
    insp = build.inspection(f, state="draft", inspected_on=dt.date(2025, 5, 1))
    auth.login("e@example.test")
    data = {**FORM, "floors_above": "9", "inspection_id": str(insp.id), "evacuation": "floors",
            "evacuate_floors": "3rd to 6th", "workers_affected": "850", "create_finding": "Record"}  # DCR = 2.62
    r = client.post("/hazards/column-check", data=data)
    assert r.status_code == 302 and "/hazards/evacuations/" in r.headers["Location"]
    finding = _findings(app, insp.id)[-1]
    assert finding.immediate_danger is True and finding.item_number == "S-1"
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Evacuation in force" in page and "3rd to 6th" in page and "850" in page


def test_finding_only_for_a_draft_inspection(app, client, auth, build):
    f = build.factory()
    build.user("engineer", email="e@example.test")
    published = build.inspection(f, state="published")
    auth.login("e@example.test")
    r = client.post("/hazards/column-check", data={**FORM, "inspection_id": str(published.id), "create_finding": "x"})
    assert r.status_code == 400
    assert "findings can only be added to a draft" in r.get_data(as_text=True)
    assert _findings(app, published.id) == []
    r = client.post("/hazards/column-check", data={**FORM, "inspection_id": "99999", "create_finding": "x"})
    assert r.status_code == 400 and "There is no inspection 99999" in r.get_data(as_text=True)


def test_within_capacity_creates_no_finding(app, client, auth, build):
    f = build.factory()
    build.user("engineer", email="e@example.test")
    insp = build.inspection(f, state="draft")
    auth.login("e@example.test")
    r = client.post("/hazards/column-check", data={**FORM, "floors_above": "2", "inspection_id": str(insp.id),
                                                     "create_finding": "x"})
    assert r.status_code == 400 and "within the limit" in r.get_data(as_text=True)
    assert _findings(app, insp.id) == []


def test_item_numbers_continue_after_the_highest_never_reusing_gaps(app, build):
    from factorysafe.db import db
    from factorysafe.inspections.services import next_item_number
    from factorysafe.inspections.models import Discipline, Finding, Inspection

    insp = build.inspection(build.factory(), state="draft")
    for _ in range(3):
        build.finding(insp, discipline="structural", hazard_code="STRUCT-CRACK")  # S-1, S-2, S-3
    with app.app_context():
        s2 = db.session.execute(sa.select(Finding).filter_by(inspection_id=insp.id, item_number="S-2")).scalar_one()
        db.session.delete(s2)
        db.session.commit()
        inspection = db.session.get(Inspection, insp.id)
        assert next_item_number(inspection, Discipline.STRUCTURAL) == "S-4"
        assert next_item_number(inspection, Discipline.BOILER) == "B-1"

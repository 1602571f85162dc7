"""Public catalogue page, evacuation orders and resumption, dashboard notices."""
import datetime as dt
import re

import sqlalchemy as sa

from factorysafe.hazards import get


def _row(html: str, code: str) -> str:
    m = re.search(rf'<tr id="{code}".*?</tr>', html, re.S)
    assert m, code
    return m.group(0)


def _counts(html: str, code: str) -> tuple[int, int]:
    row = _row(html, code)
    open_ = re.search(r'class="num hz-open">(\d+)<', row).group(1)
    corrected = re.search(r'class="num hz-corrected">(\d+)<', row).group(1)
    return int(open_), int(corrected)


def test_public_catalogue_lists_all_disciplines_with_counts_of_published_findings(app, client, build):
    f1, f2 = build.factory(), build.factory()
    pub1 = build.inspection(f1, state="published")
    pub2 = build.inspection(f2, state="published")
    draft = build.inspection(f2, state="draft")
    build.finding(pub1, hazard_code="FIRE-EXIT-BLOCKED", status="in_progress")
    build.finding(pub1, hazard_code="FIRE-EXIT-BLOCKED", status="pending_verification")
    build.finding(pub2, hazard_code="FIRE-EXIT-BLOCKED", status="corrected")
    build.finding(pub2, discipline="boiler", hazard_code="BOILER-LOCATION", status="corrected")
    build.finding(draft, hazard_code="FIRE-EXIT-BLOCKED", status="in_progress")  # not public yet
    build.finding(pub2, hazard_code=None, status="in_progress")  # no code: not counted anywhere
    r = client.get("/hazards")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    for heading in ("Fire", "Electrical", "Structural", "Boiler"):
        assert f">{heading} <small" in html
    assert _counts(html, "FIRE-EXIT-BLOCKED") == (2, 1)
    assert _counts(html, "BOILER-LOCATION") == (0, 1)
    assert _counts(html, "ELEC-EARTHING-MISSING") == (0, 0)
    with app.app_context():  # the catalogue is the app's
        assert get("FIRE-EXIT-BLOCKED").title_en in html


def test_public_catalogue_in_bangla(app, client):
    html = client.get("/hazards?lang=bn").get_data(as_text=True)
    with app.app_context():  # the catalogue is the app's
        assert get("FIRE-EXIT-LOCKED").title_bn in _row(html, "FIRE-EXIT-LOCKED")
        assert get("FIRE-EXIT-LOCKED").title_en not in html


def test_catalogue_counts_use_one_query(app, client, build, monkeypatch):
    f = build.factory()
    insp = build.inspection(f)
    for code in ("FIRE-EXIT-BLOCKED", "FIRE-STORAGE", "FIRE-ALARM-MISSING"):
        build.finding(insp, hazard_code=code)
    statements = []
    from factorysafe.db import db

    with app.app_context():
        engine = db.engine

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", count)
        try:
            client.get("/hazards")
        finally:
            sa.event.remove(engine, "before_cursor_execute", count)
    finding_queries = [s for s in statements if "findings" in s]
    assert len(finding_queries) == 1 and "GROUP BY" in finding_queries[0]


def _evacuation(app, **filters):
    from factorysafe.db import db
    from factorysafe.factories.models import Evacuation

    with app.app_context():
        return db.session.execute(sa.select(Evacuation).filter_by(**filters)).scalar_one()


def _finding_version(app, finding_id) -> str:
    from factorysafe.db import db
    from factorysafe.inspections.models import Finding

    with app.app_context():
        return str(db.session.get(Finding, finding_id).version)


def test_engineer_orders_evacuation_and_records_resumption(app, client, auth, build):
    f = build.factory(name="Rana Knit Ltd")
    build.user("engineer", email="e@example.test")
    insp = build.inspection(f, state="published")
    fnd = build.finding(insp, discipline="structural", hazard_code="STRUCT-CRACK", severity="high")
    auth.login("e@example.test")
    assert client.get(f"/hazards/findings/{fnd.id}/evacuate").status_code == 200
    r = client.post(f"/hazards/findings/{fnd.id}/evacuate",
                    data={"ordered_on": "2025-06-02", "scope": "floors", "floors": "4th, 5th", "workers_affected": "600",
                          "note": "Wide cracks", "version": _finding_version(app, fnd.id)})
    assert r.status_code == 302
    ev = _evacuation(app, finding_id=fnd.id)
    assert ev.floors == "4th, 5th" and ev.workers_affected == 600 and ev.resumed_on is None
    from factorysafe.db import db
    from factorysafe.inspections.models import Finding

    with app.app_context():
        assert db.session.get(Finding, fnd.id).immediate_danger is True
    # a second evacuation for the same finding while the first is in force is refused
    again = client.post(f"/hazards/findings/{fnd.id}/evacuate", data={
        "ordered_on": "2025-06-03", "scope": "whole", "version": _finding_version(app, fnd.id)})
    assert again.status_code == 409 and "already in force" in again.get_data(as_text=True)
    page = client.get(f"/hazards/evacuations/{ev.id}").get_data(as_text=True)
    assert "Evacuation in force" in page and "2025-06-02" in page and "4th, 5th" in page
    assert "সরিয়ে নেওয়ার নির্দেশ বহাল" in page and "২০২৫-০৬-০২" in page
    # resumption before the order is refused, form kept
    bad = client.post(f"/hazards/evacuations/{ev.id}", data={"resumed_on": "2025-05-30", "workers_affected": "610",
                                                             "version": str(ev.version)})
    assert bad.status_code == 400 and "cannot resume before" in bad.get_data(as_text=True)
    ok = client.post(f"/hazards/evacuations/{ev.id}", data={"resumed_on": "2025-07-12", "workers_affected": "610",
                                                            "note": "Columns jacketed", "version": str(ev.version)},
                     follow_redirects=True)
    html = ok.get_data(as_text=True)
    assert "40 days closed" in html and 'class="hz-days-closed">40<' in html and "24400" in html
    assert "Evacuation in force" not in html and "work resumed 2025-07-12 after 40 days" in html
    ev = _evacuation(app, id=ev.id)
    assert ev.resumed_on == dt.date(2025, 7, 12) and ev.workers_affected == 610
    assert ev.note == "Wide cracks\nColumns jacketed"
    from factorysafe.audit import AuditEvent, verify_chain

    with app.app_context():
        verbs = db.session.execute(sa.select(AuditEvent.verb).where(AuditEvent.factory_id == f.id)
                                   .order_by(AuditEvent.id)).scalars().all()
        assert verbs[-3:] == ["mark_immediate_danger", "order_evacuation", "record_resumption"]
        last = db.session.execute(sa.select(AuditEvent).filter_by(verb="record_resumption")).scalar_one()
        assert last.after_data["days_closed"] == 40 and last.before_data["resumed_on"] is None
        assert verify_chain() is None


def test_owner_cannot_order_or_lift_an_evacuation(app, client, auth, build):
    f = build.factory()
    build.user("owner", email="o@example.test", factories=[f])
    insp = build.inspection(f)
    fnd = build.finding(insp)
    auth.login("o@example.test")
    assert client.post(f"/hazards/findings/{fnd.id}/evacuate", data={
        "ordered_on": "2025-06-02", "scope": "whole", "version": _finding_version(app, fnd.id)}).status_code == 403
    from factorysafe.db import db
    from factorysafe.factories.models import Evacuation

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Evacuation.id))) == 0
    assert client.get("/hazards/evacuations/1").status_code == 403


def test_dashboards_show_evacuation_notices(app, client, auth, build):
    from factorysafe.db import db
    from factorysafe.factories.models import Factory
    from factorysafe.hazards import services
    from factorysafe.inspections.models import Finding

    mine, _other = build.factory(name="Mine Ltd"), build.factory(name="Other Ltd")
    build.user("owner", email="o@example.test", factories=[mine])
    build.user("engineer", email="e@example.test")
    fnd = build.finding(build.inspection(mine), discipline="structural", hazard_code="STRUCT-CRACK")
    with app.app_context():
        finding = db.session.get(Finding, fnd.id)
        services.order_evacuation(db.session.get(Factory, mine.id), finding, "", dt.date(2025, 6, 2), 300,
                                  version=finding.version)
        db.session.commit()
    auth.login("o@example.test")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Evacuation in force" in html and "the whole building" in html and "পুরো ভবন" in html
    assert "Record when work may resume" not in html  # owners cannot lift it
    auth.logout()
    auth.login("e@example.test")
    html = client.get("/dashboard").get_data(as_text=True)
    assert "Evacuations in force" in html and "Mine Ltd" in html and "Other Ltd" not in html

"""Dashboards, the per-factory CAP page and escalation through HTTP."""
import contextlib
import datetime as dt

import pytest
import sqlalchemy as sa

from factorysafe.db import db
from helpers_actions import World, version_of

D = dt.date


@contextlib.contextmanager
def count_queries(app):
    counter = {"n": 0}

    def before(*_a, **_k):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


def many_actions(build, world, n, today):
    insp = world.inspection
    for i in range(n):
        build.finding(insp, discipline=("fire", "electrical", "structural", "boiler")[i % 4],
                      severity=("priority_1", "high", "medium", "low")[i % 4],
                      deadline=today + dt.timedelta(days=(i % 40) - 20),
                      status=("in_progress", "in_progress", "pending_verification", "corrected")[i % 4],
                      reported_fixed_on=today - dt.timedelta(days=i % 9) if i % 4 == 2 else None)


def test_owner_dashboard_lists_due_overdue_pending_and_next_steps_in_few_queries(app, client, auth, build):
    world = World(build)
    today = dt.date.today()
    many_actions(build, world, 240, today)
    auth.login("owner@example.test")
    with count_queries(app) as q:
        r = client.get("/dashboard")
    assert r.status_code == 200
    page = r.get_data(as_text=True)
    for heading in ("What to do next", "Due in the next 14 days", "Overdue", "Waiting for verification"):
        assert heading in page
    assert "Write the planned action" in page and "Fix the overdue items first" in page
    assert "Reported fixed, not yet verified" in page and "Due soon" in page
    assert q["n"] <= 30, q["n"]  # no N+1: the count does not grow with 240 actions
    auth.logout()
    auth.login("other@example.test")
    assert "Rahman Knitwear" not in client.get("/dashboard").get_data(as_text=True)


def test_engineer_dashboard_shows_queue_oldest_first_extensions_and_proposals(app, client, auth, build):
    world = World(build)
    today = dt.date.today()
    many_actions(build, world, 120, today)
    old = build.finding(world.inspection, severity="priority_1", deadline=today - dt.timedelta(days=100),
                        status="in_progress")
    auth.login("owner@example.test")
    r = client.post(f"/actions/{old.action_id}/extensions", data={
        "extension-new_deadline": (today + dt.timedelta(days=30)).isoformat(),
        "extension-reason": "Waiting for the contractor.", "extension-version": str(version_of(app, old.action_id))})
    assert r.status_code == 302
    auth.logout()
    auth.login("engineer@example.test")
    with count_queries(app) as q:
        r = client.get("/dashboard")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and q["n"] <= 30, q["n"]
    assert "Verification queue (30)" in page
    assert "Extension requests (1)" in page and "Rahman Knitwear Ltd" in page
    assert 'id="escalation-proposals"' in page


def test_cap_page_filters_and_guards(app, client, auth, build):
    world = World(build)
    build.finding(world.inspection, discipline="boiler", severity="low", deadline=D(2099, 1, 1),
                  observation="Boiler without certificate.")
    auth.login("owner@example.test")
    base = f"/manage/factories/{world.factory.id}/cap"
    page = client.get(base).get_data(as_text=True)
    assert "Main exit blocked" in page and "Boiler without certificate." in page
    page = client.get(base + "?discipline=boiler").get_data(as_text=True)
    assert "Main exit blocked" not in page and "Boiler without certificate." in page
    page = client.get(base + "?overdue=y").get_data(as_text=True)
    assert "Main exit blocked" in page and "Boiler without certificate." not in page
    assert "Escalation" not in page  # owners do not see the escalation panel
    auth.logout()
    assert client.get(base).status_code in (302, 401)
    auth.login("other@example.test")
    assert client.get(base).status_code == 403


def test_engineer_applies_escalation_up_to_termination(app, client, auth, build):
    world = World(build)
    f = world.factory.id
    auth.login("owner@example.test")
    from factorysafe.models import Factory

    def fv() -> str:
        with app.app_context():
            return str(db.session.get(Factory, f).version)

    assert client.post(f"/manage/factories/{f}/escalate", data={"esc-stage": "1", "esc-note": "x",
                                                                "esc-version": fv()}).status_code == 403
    auth.logout()
    auth.login("engineer@example.test")
    page = client.get("/actions/escalations").get_data(as_text=True)
    assert "Rahman Knitwear Ltd" in page  # the 2025 High action is long overdue
    seen = fv()
    assert client.post(f"/manage/factories/{f}/escalate", data={"esc-stage": "1", "esc-note": "Notice letter sent.",
                                                                "esc-version": seen}).status_code == 302
    assert client.post(f"/manage/factories/{f}/escalate", data={"esc-stage": "1", "esc-note": "again",
                                                                "esc-version": fv()}).status_code == 409
    r = client.post(f"/manage/factories/{f}/escalate", data={"esc-stage": "3", "esc-note": "", "esc-version": fv()})
    assert r.status_code == 400  # no note: refused, nothing applied, the page shown again
    assert "Choose a stage and write a note" in r.get_data(as_text=True)
    r = client.post(f"/manage/factories/{f}/escalate", data={"prefix": f"esc-{f}", "next": "list",
                                                             f"esc-{f}-stage": "3", f"esc-{f}-note": "Terminated after meeting.",
                                                             f"esc-{f}-version": fv()})
    assert r.status_code == 302
    from factorysafe.actions.queries import status_of
    from factorysafe.actions.rules import add_months
    from factorysafe.models import Escalation

    with app.app_context():
        fac = db.session.get(Factory, f)
        today = dt.date.today()
        assert fac.escalation_stage == 3 and fac.ineligible_since == today and fac.requalify_on == add_months(today, 18)
        assert [e.stage for e in db.session.scalars(sa.select(Escalation).order_by(Escalation.id))] == [1, 3]
        assert status_of(f, today).value == "ineligible"
    page = client.get(f"/manage/factories/{f}/cap").get_data(as_text=True)
    assert "Ineligible" in page and "Terminated after meeting." in page


@pytest.mark.parametrize("months", [6])
def test_requalify_months_is_configurable(app, build, months):
    from factorysafe.actions import services
    from factorysafe.auth.models import User
    from factorysafe.models import Factory

    world = World(build)
    app.config["REQUALIFY_MONTHS"] = months
    with app.app_context():
        fac = db.session.get(Factory, world.factory.id)
        services.apply_escalation(fac, 3, "Terminated.", by=db.session.get(User, world.admin.id), today=D(2025, 8, 31),
                                  version=fac.version)
        db.session.commit()
        assert fac.requalify_on == D(2026, 2, 28)

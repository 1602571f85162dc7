"""The factory status read model (``factories.status``) equals a from-scratch computation.

Random sequences of operations through the services (add findings, submit and publish inspections, report,
verify and reject fixes, approve extensions, agree a CAP, advance the day) leave every factory's stored rows,
for every audience, equal to ``actions.queries.factory_summaries`` under that audience's states, once the
readers' refresh of expired rows (``status.refresh_expired``) has run; and the hook, not the refresh, keeps
them after each write.
"""
from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import PASSWORD, _empty_all_tables
from factorysafe.db import db

START = dt.date(2026, 3, 2)
DISCIPLINES = ("fire", "electrical", "structural", "boiler")

add = st.tuples(st.just("add"), st.integers(0, 1), st.sampled_from(["initial", "follow_up"]),
               st.sampled_from(DISCIPLINES), st.integers(-3, 12), st.booleans())
advance = st.tuples(st.just("advance"), st.integers(1, 10))
ops = st.one_of(
    add, add, advance,
    st.tuples(st.just("submit"), st.integers(0, 1), st.sampled_from(["initial", "follow_up"])),
    st.tuples(st.just("publish"), st.integers(0, 1), st.sampled_from(["initial", "follow_up"])),
    st.tuples(st.just("report"), st.integers(0, 50)),
    st.tuples(st.just("verify"), st.integers(0, 50)),
    st.tuples(st.just("reject"), st.integers(0, 50)),
    st.tuples(st.just("extend"), st.integers(0, 50), st.integers(1, 30)),
    st.tuples(st.just("agree"), st.integers(0, 1)),
)


def _setup(app) -> dict:
    from factorysafe.auth.services import create_user
    from factorysafe.factories.services import create_factory
    from factorysafe.inspections.services import create_inspection

    with app.app_context():
        _empty_all_tables()
        engineer = create_user("eng@example.test", PASSWORD, "engineer")
        reviewer = create_user("reviewer@example.test", PASSWORD, "engineer")  # the second pair of eyes
        db.session.flush()
        factories = [create_factory({"name": "Agreed Knit Ltd", "district": "Gazipur", "latitude": 23.9,
                                     "longitude": 90.4, "cap_agreed_on": START - dt.timedelta(days=30)}),
                     create_factory({"name": "Pending Denim Ltd", "district": "Dhaka", "latitude": 23.8,
                                     "longitude": 90.3})]
        db.session.flush()
        owner = create_user("owner@example.test", PASSWORD, "owner", factory_ids=[f.id for f in factories])
        inspections = {}
        for i, f in enumerate(factories):
            for kind, days in (("initial", 60), ("follow_up", 10)):
                insp = create_inspection(f, {"type": kind, "inspected_on": START - dt.timedelta(days=days)},
                                         by=engineer)
                inspections[(i, kind)] = insp.id
        db.session.commit()
        return {"engineer": engineer.id, "reviewer": reviewer.id, "owner": owner.id, "factories": [f.id for f in factories],
                "inspections": inspections}


def _apply(op, ids, today) -> None:
    from factorysafe.actions import services as actions
    from factorysafe.actions.models import CorrectiveAction, ExtensionStatus
    from factorysafe.auth.models import User
    from factorysafe.factories.models import Factory
    from factorysafe.factories.services import update_factory
    from factorysafe.inspections import services as inspections
    from factorysafe.inspections.models import Inspection

    engineer, owner = db.session.get(User, ids["engineer"]), db.session.get(User, ids["owner"])
    kind = op[0]
    action_ids = db.session.scalars(sa.select(CorrectiveAction.id).order_by(CorrectiveAction.id)).all()

    def action(pick):
        return db.session.get(CorrectiveAction, action_ids[pick % len(action_ids)]) if action_ids else None

    if kind == "add":
        _, f, which, discipline, offset, danger = op
        insp = db.session.get(Inspection, ids["inspections"][(f, which)])
        inspections.add_finding(insp, {"discipline": discipline, "severity": "high", "observation": "Seen.",
                                       "immediate_danger": danger},
                                by=engineer, deadline_override=today + dt.timedelta(days=offset),
                                deadline_override_reason="Test deadline.", reason="Amended in the test.")
    elif kind in ("submit", "publish"):
        insp = db.session.get(Inspection, ids["inspections"][(op[1], op[2])])
        if kind == "publish" and insp.state.value == "submitted":  # REVIEW_REQUIRED: a second engineer approves
            inspections.review_inspection(insp, "approve", "", by=db.session.get(User, ids["reviewer"]),
                                          version=insp.version)
        (inspections.submit_inspection if kind == "submit" else inspections.publish_inspection)(
            insp, by=engineer, version=insp.version)
    elif kind == "report" and action(op[1]) is not None:
        actions.report_fix(action(op[1]), "Fixed.", by=owner, today=today, version=action(op[1]).version)
    elif kind == "verify" and action(op[1]) is not None:
        actions.verify_fix(action(op[1]), by=engineer, verified_on=today, today=today, version=action(op[1]).version)
    elif kind == "reject" and action(op[1]) is not None:
        actions.reject_fix(action(op[1]), "Not fixed.", by=engineer, version=action(op[1]).version)
    elif kind == "extend" and action(op[1]) is not None:
        a = action(op[1])
        ext = actions.request_extension(a, a.deadline + dt.timedelta(days=op[2]), "Parts delayed.", by=owner,
                                        version=a.version)
        actions.decide_extension(ext, True, "", by=engineer, version=a.version)
        assert ext.status == ExtensionStatus.APPROVED
    elif kind == "agree":
        f = db.session.get(Factory, ids["factories"][op[1]])
        update_factory(f, {"cap_agreed_on": today}, actor=engineer)


def _check(ids, today) -> None:
    from factorysafe.actions.models import ActionStatus, CorrectiveAction
    from factorysafe.actions.queries import factory_summaries
    from factorysafe.factories import status
    from factorysafe.factories.models import factory_status
    from factorysafe.inspections.models import Finding, Inspection, InspectionState

    status.refresh_expired(today)  # what every reader does first
    stored = {(r.factory_id, r.audience): r for r in db.session.execute(sa.select(factory_status))}
    assert {fid for fid, _ in stored} == set(ids["factories"])
    for audience, states in status.AUDIENCE_STATES.items():
        expected = factory_summaries(today, states=states)
        for fid in ids["factories"]:
            row = stored[(fid, audience)]
            got, want = status.summary(row), dict(expected[fid])
            want["cap_status"] = want["cap_status"].value
            want.pop("counts")
            danger = db.session.scalar(
                sa.select(sa.func.count()).select_from(Finding)
                .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
                .join(Inspection, Inspection.id == Finding.inspection_id)
                .where(Finding.factory_id == fid, Finding.immediate_danger.is_(True),
                       CorrectiveAction.status != ActionStatus.CORRECTED, Inspection.state.in_(list(states))))
            want["immediate_danger_open"] = danger
            assert got == want, (audience, fid, today)
            published = db.session.scalars(sa.select(Inspection.inspected_on).where(
                Inspection.factory_id == fid, Inspection.state == InspectionState.PUBLISHED)).all()
            assert row.published_inspections == len(published)
            assert row.last_published_on == (max(published) if published else None)
            assert row.computed_on <= today and (row.valid_until is None or row.valid_until > today)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(ops, min_size=1, max_size=14))
def test_read_model_equals_a_computation_from_scratch(app, steps):
    from factorysafe.errors import DomainError

    ids = _setup(app)
    day = {"today": START}
    with mock.patch("factorysafe.web.today", lambda: day["today"]):
        with app.test_request_context():
            _check(ids, day["today"])
            for op in steps:
                if op[0] == "advance":
                    day["today"] += dt.timedelta(days=op[1])
                else:
                    try:
                        _apply(op, ids, day["today"])
                        db.session.commit()
                    except DomainError:
                        db.session.rollback()
                    # the hook alone kept today's rows: nothing is stale after a write
                    from factorysafe.factories import status

                    assert status.stale_ids(day["today"]) == []
                _check(ids, day["today"])
            db.session.remove()


def test_a_deadline_passing_recomputes_that_factory_only(app, build):
    """``valid_until`` is the day after the next open deadline; only factories whose day came are recomputed."""
    from factorysafe.factories import status
    from factorysafe.factories.models import factory_status

    today = dt.date.today()
    soon, later = build.factory(name="Soon Ltd"), build.factory(name="Later Ltd")
    build.finding(build.inspection(soon, inspected_on=today - dt.timedelta(days=10)), "fire", "high",
                  deadline=today + dt.timedelta(days=2))
    build.finding(build.inspection(later, inspected_on=today - dt.timedelta(days=10)), "fire", "high",
                  deadline=today + dt.timedelta(days=9))
    with app.app_context():
        rows = {(r.factory_id, r.audience): r for r in db.session.execute(sa.select(factory_status))}
        assert rows[(soon.id, "public")].valid_until == today + dt.timedelta(days=3)
        assert rows[(later.id, "public")].valid_until == today + dt.timedelta(days=10)
        assert rows[(soon.id, "public")].cap_status == "on_track"
        assert status.stale_ids(today + dt.timedelta(days=2)) == []
        assert status.refresh_expired(today + dt.timedelta(days=3)) == [soon.id]
        row = db.session.execute(sa.select(factory_status).where(
            factory_status.c.factory_id == soon.id, factory_status.c.audience == "public")).one()
        assert row.cap_status == "behind_schedule" and row.overdue == 1 and row.valid_until is None


def test_status_rebuild_command_fills_rows_for_bulk_loaded_factories(app, runner):
    from factorysafe.factories.models import Factory, factory_status

    with app.app_context():
        db.session.execute(sa.insert(Factory.__table__), [{"name": f"Bulk {i} Ltd", "version": 1,
                                                           "created_at": dt.datetime(2026, 1, 1)} for i in range(3)])
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(factory_status)) == 0
    result = runner.invoke(args=["status", "rebuild"])
    assert result.exit_code == 0 and "Status rebuilt for 3 factories" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(factory_status)) == 9

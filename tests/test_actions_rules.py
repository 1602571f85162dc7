"""Escalation rules as pure functions, and the SQL behind dashboards and proposals agreeing with them."""
import datetime as dt

import pytest
import sqlalchemy as sa

from factorysafe.actions.rules import escalation_proposal, is_critical, is_overdue
from factorysafe.db import db

D = dt.date


@pytest.mark.parametrize("stage, days, threshold, expected", [
    (0, [], 30, None),
    (0, [30], 30, None),  # exactly the threshold is not beyond it
    (0, [31], 30, 1),
    (0, [5, 31, 2], 30, 1),  # the worst action decides
    (0, [200], 30, 1),  # one stage at a time
    (1, [45], 30, None),
    (1, [61], 30, 2),
    (2, [91], 30, 3),
    (2, [90], 30, None),
    (3, [1000], 30, None),  # terminated: nothing further
    (0, [31], 0, None),
])
def test_escalation_proposal(stage, days, threshold, expected):
    assert escalation_proposal(stage, days, threshold) == expected


@pytest.mark.parametrize("severity, danger, critical", [
    ("priority_1", False, True), ("high", False, True), ("medium", False, False), ("low", True, True),
])
def test_critical_means_priority_1_high_or_immediate_danger(severity, danger, critical):
    assert is_critical(severity, danger) is critical


def test_escalation_sql_agrees_with_the_pure_function(app):
    from factorysafe.actions.queries import escalation_inputs, escalation_proposals
    from factorysafe.demo import seed_demo
    from factorysafe.models import ActionStatus, CorrectiveAction, Factory, Finding

    today = D(2026, 11, 25)
    with app.app_context():
        seed_demo(30, 20, seed=5, today=today, with_photos=False)
        db.session.commit()
        inputs = escalation_inputs(today)
        props = {p["factory_id"]: p["proposed_stage"] for p in escalation_proposals(today, 30)}
        expected_props = {}
        for f in db.session.scalars(sa.select(Factory)):
            rows = db.session.execute(
                sa.select(Finding.severity, Finding.immediate_danger, CorrectiveAction.status, CorrectiveAction.deadline)
                .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id).where(Finding.factory_id == f.id)).all()
            days = [(today - r.deadline).days for r in rows
                    if r.status == ActionStatus.IN_PROGRESS and is_overdue(r.status, r.deadline, today)
                    and is_critical(r.severity, r.immediate_danger)]
            if days:
                assert inputs[f.id]["worst_days"] == max(days) and inputs[f.id]["count"] == len(days)
            else:
                assert f.id not in inputs
            p = escalation_proposal(f.escalation_stage, days, 30)
            if p is not None:
                expected_props[f.id] = p
        assert props == expected_props and props  # the demo has stalled factories


def test_dashboard_queries_agree_with_deadline_rules(app):
    from factorysafe.actions.queries import due_soon, overdue_actions, verification_queue
    from factorysafe.actions.rules import DeadlineState, deadline_state
    from factorysafe.demo import seed_demo
    from factorysafe.models import CorrectiveAction, Factory

    today = D(2026, 11, 25)
    with app.app_context():
        seed_demo(10, 30, seed=7, today=today, with_photos=False)
        db.session.commit()
        ids = list(db.session.scalars(sa.select(Factory.id)))
        every = db.session.scalars(sa.select(CorrectiveAction)).all()
        want_overdue = {a.id for a in every if deadline_state(a.status, a.deadline, today) == DeadlineState.OVERDUE}
        want_soon = {a.id for a in every if a.status == "in_progress"
                     and deadline_state(a.status, a.deadline, today) == DeadlineState.DUE_SOON}
        want_pending = {a.id for a in every if a.status == "pending_verification"}
        assert {a.id for a in overdue_actions(ids, today, limit=100000)} == want_overdue
        assert {a.id for a in due_soon(ids, today, 14, limit=100000)} == want_soon
        queue = verification_queue(ids, limit=100000)
        assert {a.id for a in queue} == want_pending
        dates = [a.reported_fixed_on for a in queue]
        assert dates == sorted(dates)

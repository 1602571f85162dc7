"""The programme's rules as plain functions, and the SQL that must agree with them."""
import datetime as dt

import pytest

from factorysafe.actions.models import ActionStatus
from factorysafe.actions.rules import (
    CapStatus, DeadlineState, FactoryCounts, add_months, cap_status, deadline_for, deadline_state, is_overdue,
    progress_rate,
)
from factorysafe.inspections.models import Severity

D = dt.date


@pytest.mark.parametrize("severity, start, expected", [
    (Severity.PRIORITY_1, D(2025, 3, 10), D(2025, 3, 10)),
    (Severity.HIGH, D(2025, 3, 10), D(2025, 4, 21)),
    (Severity.MEDIUM, D(2025, 11, 30), D(2026, 2, 28)),
    (Severity.LOW, D(2024, 8, 31), D(2025, 2, 28)),
    ("low", D(2023, 8, 31), D(2024, 2, 29)),
])
def test_deadline_from_severity(severity, start, expected):
    assert deadline_for(severity, start) == expected


def test_add_months_crosses_years():
    assert add_months(D(2025, 12, 15), 1) == D(2026, 1, 15)
    assert add_months(D(2025, 1, 31), 13) == D(2026, 2, 28)


@pytest.mark.parametrize("status, deadline, today, overdue", [
    ("in_progress", D(2025, 1, 1), D(2025, 1, 2), True),
    ("in_progress", D(2025, 1, 1), D(2025, 1, 1), False),  # due today is not yet overdue
    ("pending_verification", D(2025, 1, 1), D(2025, 2, 1), True),  # reported is not verified
    ("corrected", D(2025, 1, 1), D(2026, 1, 1), False),
])
def test_overdue(status, deadline, today, overdue):
    assert is_overdue(status, deadline, today) is overdue


def test_deadline_states():
    today = D(2025, 6, 1)
    assert deadline_state(ActionStatus.PENDING_VERIFICATION, D(2025, 5, 1), today) == DeadlineState.REPORTED_NOT_VERIFIED
    assert deadline_state(ActionStatus.IN_PROGRESS, D(2025, 5, 1), today) == DeadlineState.OVERDUE
    assert deadline_state(ActionStatus.IN_PROGRESS, D(2025, 6, 10), today) == DeadlineState.DUE_SOON
    assert deadline_state(ActionStatus.IN_PROGRESS, D(2025, 9, 10), today) == DeadlineState.ON_TIME
    assert deadline_state(ActionStatus.CORRECTED, D(2025, 5, 1), today) == DeadlineState.DONE


def test_progress_rate_weights_pending_verification():
    assert progress_rate(3, 2, 10) == 0.3
    assert progress_rate(3, 2, 10, pending_weight=0.5) == 0.4
    assert progress_rate(0, 0, 0) is None


@pytest.mark.parametrize("counts, agreed, inel, requal, expected", [
    (FactoryCounts(10, 2, 0), True, None, None, CapStatus.ON_TRACK),
    (FactoryCounts(10, 2, 1), True, None, None, CapStatus.BEHIND_SCHEDULE),
    (FactoryCounts(10, 2, 0), False, None, None, CapStatus.CAP_PENDING),
    (FactoryCounts(10, 10, 0), True, None, None, CapStatus.COMPLETED),
    (FactoryCounts(10, 10, 2), True, None, None, CapStatus.COMPLETED),  # new findings overdue do not undo it
    (FactoryCounts(10, 2, 5), True, D(2025, 1, 1), D(2026, 7, 1), CapStatus.INELIGIBLE),
    (FactoryCounts(10, 2, 5), True, D(2023, 1, 1), D(2024, 7, 1), CapStatus.BEHIND_SCHEDULE),  # requalified
])
def test_cap_status(counts, agreed, inel, requal, expected):
    assert cap_status(counts, cap_agreed=agreed, ineligible_since=inel, requalify_on=requal, today=D(2025, 6, 1)) == expected


def test_sql_summaries_agree_with_the_pure_functions(app):
    """factory_summaries (SQL aggregation) gives what the rules give over the same rows."""
    import sqlalchemy as sa

    from factorysafe.actions.queries import factory_summaries
    from factorysafe.db import db
    from factorysafe.demo import seed_demo
    from factorysafe.models import CorrectiveAction, Factory, Finding

    today = D(2026, 11, 25)
    with app.app_context():
        seed_demo(25, 30, seed=3, today=today, with_photos=False)
        db.session.commit()
        app.config["PROGRESS_PENDING_WEIGHT"] = 0.5  # read by factory_summaries, its one home
        summaries = factory_summaries(today)
        for factory in db.session.scalars(sa.select(Factory)):
            rows = db.session.execute(
                sa.select(Finding.origin, Finding.discipline, CorrectiveAction.status, CorrectiveAction.deadline)
                .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id).where(Finding.factory_id == factory.id)
            ).all()
            initial = [r for r in rows if r.origin.value == "initial"]
            counts = FactoryCounts(
                initial_total=len(initial),
                initial_corrected=sum(r.status == ActionStatus.CORRECTED for r in initial),
                overdue=sum(is_overdue(r.status, r.deadline, today) for r in rows),
            )
            expected = cap_status(counts, cap_agreed=factory.cap_agreed_on is not None,
                                  ineligible_since=factory.ineligible_since, requalify_on=factory.requalify_on, today=today)
            got = summaries[factory.id]
            assert got["cap_status"] == expected and got["counts"] == counts
            fire = [r for r in initial if r.discipline.value == "fire"]
            assert got["progress"]["fire"] == progress_rate(
                sum(r.status == ActionStatus.CORRECTED for r in fire),
                sum(r.status == ActionStatus.PENDING_VERIFICATION for r in fire), len(fire), 0.5)
        assert len({s["cap_status"] for s in summaries.values()}) >= 3

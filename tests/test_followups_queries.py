"""The follow-up calendar's one SQL query, fed to the rules, gives what the rules give over the same rows read
in Python (``followups.queries`` vs ``followups.rules``), on SQLite and PostgreSQL."""
import datetime as dt

import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from factorysafe.actions.models import ActionStatus, CorrectiveAction
from factorysafe.actions.rules import FactoryCounts, cap_status, is_open, is_overdue
from factorysafe.db import db
from factorysafe.factories.models import Factory
from factorysafe.followups import queries, rules
from factorysafe.followups.models import FollowUpAssignment
from factorysafe.inspections.models import Finding, Inspection
from factorysafe.policy import OWNER_STATES

TODAY = dt.date(2026, 11, 29)
dates = st.dates(dt.date(2025, 1, 1), dt.date(2027, 6, 30))
action = st.tuples(st.sampled_from(list(ActionStatus)), dates, st.sampled_from(["initial", "new"]))
inspection = st.tuples(st.sampled_from(["draft", "submitted", "published"]), dates, st.booleans(),
                       st.lists(action, max_size=3))
factory = st.tuples(st.lists(inspection, max_size=3), st.sampled_from(["none", "engineer", "unassigned"]),
                    st.booleans(), st.none() | dates)


def _insert(spec, engineers):
    ids = []
    for n, (inspections, assignment, agreed, ineligible) in enumerate(spec):
        f = Factory(name=f"F{n}", cap_agreed_on=dt.date(2025, 1, 1) if agreed else None, ineligible_since=ineligible,
                    requalify_on=ineligible + dt.timedelta(days=500) if ineligible else None)
        db.session.add(f)
        db.session.flush()
        ids.append(f.id)
        for k, (state, visit, led, acts) in enumerate(inspections):
            i = Inspection(factory_id=f.id, type="initial" if k == 0 else "follow_up", inspected_on=visit, state=state,
                           created_by_id=engineers[k % 2] if led else None)
            db.session.add(i)
            db.session.flush()
            for m, (status, deadline, origin) in enumerate(acts):
                fnd = Finding(inspection_id=i.id, factory_id=f.id, discipline="fire", item_number=f"F-{m + 1}",
                              severity="high", origin=origin)
                db.session.add(fnd)
                db.session.flush()
                db.session.add(CorrectiveAction(finding_id=fnd.id, factory_id=f.id, deadline=deadline,
                                                original_deadline=deadline, status=status))
        if assignment != "none":
            db.session.add(FollowUpAssignment(factory_id=f.id,
                                              engineer_id=engineers[1] if assignment == "engineer" else None))
    db.session.flush()
    return ids


def _expected(factory_id, months, soon):
    """The rules over the factory's rows, read one by one in Python."""
    f = db.session.get(Factory, factory_id)
    acts = db.session.execute(sa.select(CorrectiveAction.status, CorrectiveAction.deadline, Finding.origin)
                              .join(Finding, Finding.id == CorrectiveAction.finding_id)
                              .join(Inspection, Inspection.id == Finding.inspection_id)
                              .where(CorrectiveAction.factory_id == factory_id,
                                     Inspection.state.in_(list(OWNER_STATES)))).all()
    visits = db.session.execute(sa.select(Inspection.inspected_on, Inspection.id, Inspection.created_by_id)
                                .where(Inspection.factory_id == factory_id)).all()
    if not acts:
        return None
    initial = [a for a in acts if a.origin.value == "initial"]
    cap = cap_status(FactoryCounts(len(initial), sum(a.status == ActionStatus.CORRECTED for a in initial),
                                   sum(is_overdue(a.status, a.deadline, TODAY) for a in acts)),
                     cap_agreed=f.cap_agreed_on is not None, ineligible_since=f.ineligible_since,
                     requalify_on=f.requalify_on, today=TODAY)
    last_visit = max((v.inspected_on for v in visits), default=None)
    plan = rules.plan_follow_up([a.deadline for a in acts if is_open(a.status)], last_visit, rules.cap_is_open(cap),
                                months)
    row = db.session.get(FollowUpAssignment, factory_id)
    latest = max(visits, key=lambda v: (v.inspected_on, v.id), default=None)
    engineer = row.engineer_id if row is not None else (latest.created_by_id if latest else None)
    return (plan, rules.due_state(plan.on, TODAY, soon) if plan else None, engineer,
            sum(is_open(a.status) for a in acts), sum(a.status == ActionStatus.PENDING_VERIFICATION for a in acts))


@settings(max_examples=15)
@given(spec=st.lists(factory, min_size=1, max_size=4))
def test_sql_fed_follow_ups_equal_the_rules_applied_in_python(app, build, spec):
    engineers = [build.user("engineer").id, build.user("engineer").id] if not hasattr(app, "_fu_eng") else app._fu_eng
    app._fu_eng = engineers
    with app.app_context():
        try:
            ids = _insert(spec, engineers)
            months, soon = queries.max_months(), queries.soon_days()
            got = {x.row.factory_id: x for x in queries.follow_ups(TODAY)}
            for fid in ids:
                expected = _expected(fid, months, soon)
                if expected is None or expected[0] is None:
                    assert fid not in got
                    continue
                x = got[fid]
                assert (x.plan, x.due, x.row.engineer_id, x.row.open, x.row.pending) == expected
        finally:
            db.session.rollback()


def test_the_query_is_one_statement(app, build):
    """One SELECT for the whole calendar, however many factories."""
    eng = build.user("engineer")
    for n in range(3):
        f = build.factory(name=f"Counted {n}")
        i = build.inspection(f, engineer=eng, inspected_on=dt.date(2026, 10, 1))
        build.finding(i, deadline=dt.date(2026, 12, 1 + n))
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            found = queries.follow_ups(TODAY)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert len(found) == 3 and [x.plan.on for x in found] == [dt.date(2026, 12, 1), dt.date(2026, 12, 2),
                                                              dt.date(2026, 12, 3)]
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1

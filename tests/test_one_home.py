"""Every surface asks the rules' one home: the same factory shows the same progress and overdue counts on
its public page, its private page, its CAP page, the API, the CSV export and both PDFs.

The factory is built so that copies of the rules would disagree: PROGRESS_PENDING_WEIGHT = 0.5 with one
fix pending verification among four initial fire findings gives 12.5 % (a "%.0f" copy prints 12, a
round-half-up copy 13), and a fix reported but not verified past its deadline is overdue (a copy that
only counts In progress would find one overdue action instead of two).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factorysafe.actions.models import ActionStatus
from factorysafe.actions.rules import DeadlineState, deadline_state, is_overdue, progress_percent
from tests.helpers_reports import pdf_text

TODAY = dt.date.today()
PAST = TODAY - dt.timedelta(days=20)
FUTURE = TODAY + dt.timedelta(days=60)


@pytest.fixture
def world(app, build):
    app.config["PROGRESS_PENDING_WEIGHT"] = 0.5
    factory = build.factory(name="Consistent Knit Ltd")
    insp = build.inspection(factory, state="published", inspected_on=TODAY - dt.timedelta(days=90))
    build.finding(insp, status="pending_verification", deadline=PAST, reported_fixed_on=PAST)  # overdue, reported
    build.finding(insp, status="in_progress", deadline=PAST)  # overdue
    build.finding(insp, status="in_progress", deadline=FUTURE)
    build.finding(insp, status="in_progress", deadline=FUTURE)
    engineer = build.user("engineer")
    owner = build.user("owner", factories=[factory])
    return {"factory": factory, "inspection": insp, "engineer": engineer, "owner": owner}


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_every_surface_shows_the_same_progress_and_overdue_counts(client, auth, world):
    fid = world["factory"].id
    expected_percent = f"{progress_percent(0.125)} %"
    assert expected_percent == "13 %"

    public = _text(client.get(f"/factories/{fid}").get_data(as_text=True))
    assert expected_percent in public and "2 overdue" in public

    api = client.get(f"/api/v1/factories/{fid}").get_json()
    assert api["progress"]["overall"] == pytest.approx(0.125) and api["progress"]["fire"] == pytest.approx(0.125)
    assert api["overdue_actions"]["total"] == 2 and api["overdue_actions"]["fire"] == 2

    rows = list(csv.DictReader(io.StringIO(client.get("/exports/factories.csv").get_data(as_text=True))))
    row = next(r for r in rows if r["id"] == str(fid))
    assert float(row["progress_overall"]) == pytest.approx(0.125) and row["overdue_actions"] == "2"

    findings = list(csv.DictReader(io.StringIO(client.get("/exports/findings.csv").get_data(as_text=True))))
    assert sum(r["overdue"] == "true" for r in findings if r["factory_id"] == str(fid)) == 2

    cap_pdf, _ = pdf_text(client.get(f"/factories/{fid}/cap.pdf").data)
    assert expected_percent in cap_pdf

    report, _ = pdf_text(client.get(f"/inspections/{world['inspection'].id}/report.pdf").data)
    assert PAST.strftime("%Y") in report and "Consistent Knit Ltd" in report

    for who in ("engineer", "owner"):
        auth.login(world[who].email)
        private = _text(client.get(f"/manage/factories/{fid}").get_data(as_text=True))
        assert expected_percent in private and "Overdue: 2" in private, who
        cap = _text(client.get(f"/manage/factories/{fid}/cap").get_data(as_text=True))
        assert expected_percent in cap and "Overdue: 2" in cap, who
        private_pdf, _ = pdf_text(client.get(f"/factories/{fid}/cap.pdf").data)
        assert expected_percent in private_pdf, who
        auth.logout()


def test_the_overdue_filter_of_the_cap_page_and_the_api_agree_with_the_rule(client, auth, world):
    fid = world["factory"].id
    api = client.get(f"/api/v1/findings?factory_id={fid}&overdue=true").get_json()
    assert len(api["items"]) == 2
    assert {i["status"] for i in api["items"]} == {"pending_verification", "in_progress"}
    auth.login(world["engineer"].email)
    html = client.get(f"/manage/factories/{fid}/cap?overdue=y").get_data(as_text=True)
    assert html.count('class="badge badge-overdue"') + html.count("badge-reported_not_verified") >= 2


# --- the rules' pure homes ---------------------------------------------------------------------------
@given(st.sampled_from(list(ActionStatus)), st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
       st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)))
def test_overdue_is_one_definition(status, deadline, today):
    state = deadline_state(status, deadline, today)
    assert is_overdue(status, deadline, today) == state.is_overdue
    assert is_overdue(status, deadline, today) == (status != ActionStatus.CORRECTED and deadline < today)
    # a fix reported but not verified past its deadline is still overdue, shown as "reported, not verified"
    if status == ActionStatus.PENDING_VERIFICATION and deadline < today:
        assert state == DeadlineState.REPORTED_NOT_VERIFIED


@given(st.integers(0, 400), st.integers(0, 400), st.integers(1, 400), st.sampled_from([0.0, 0.5, 1.0]))
def test_progress_percent_is_a_whole_number_rounded_half_up(corrected, pending, total, weight):
    from factorysafe.actions.rules import progress_rate

    corrected, pending = min(corrected, total), min(pending, total - min(corrected, total))
    rate = progress_rate(corrected, pending, total, weight)
    value = progress_percent(rate)
    assert 0 <= value <= 100
    exact = rate * 100
    assert value - 0.5 <= exact + 1e-9 and exact < value + 0.5 + 1e-9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(list(ActionStatus)), st.integers(-30, 30)), min_size=1, max_size=4))
def test_overdue_sql_agrees_with_the_rule(app, world, rows):
    """``queries.is_overdue_sql`` (the rule as SQL) selects exactly what ``rules.is_overdue`` says."""
    import sqlalchemy as sa

    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.actions.queries import is_overdue_sql
    from factorysafe.db import db

    with app.app_context():
        today = TODAY
        got = set(db.session.scalars(sa.select(CorrectiveAction.id).where(is_overdue_sql(today))))
        want = {a.id for a in db.session.scalars(sa.select(CorrectiveAction))
                if is_overdue(a.status, a.deadline, today)}
        assert got == want
        # and on fresh rows of every status and deadline around today
        ids = [a.id for a in db.session.scalars(sa.select(CorrectiveAction).limit(len(rows)))]
        for aid, (status, offset) in zip(ids, rows):
            a = db.session.get(CorrectiveAction, aid)
            a.status, a.deadline = status, today + dt.timedelta(days=offset)
        db.session.flush()
        got = set(db.session.scalars(sa.select(CorrectiveAction.id).where(is_overdue_sql(today))))
        want = {a.id for a in db.session.scalars(sa.select(CorrectiveAction))
                if is_overdue(a.status, a.deadline, today)}
        db.session.rollback()
        assert got == want

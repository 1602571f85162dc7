"""Property tests of the pure rules in ``factorysafe/actions/rules.py`` that the example tests
(test_rules.py, test_actions_rules.py) and test_one_home.py (overdue, progress percent) do not cover:
the deadline engine, deadline states over time, CAP status and escalation proposals."""
from __future__ import annotations

import calendar
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from factorysafe.actions.models import ActionStatus
from factorysafe.actions.rules import (
    DUE_SOON_DAYS, RULE_RE, SEVERITY_RULES, CapStatus, DeadlineState, FactoryCounts, add_months, apply_rule, cap_status,
    deadline_for, deadline_rule, deadline_state, escalation_proposal, validate_rule,
)
from factorysafe.inspections.models import Severity

DATES = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))
UNITS = st.sampled_from(["day", "days", "week", "weeks", "month", "months"])
RULES = st.builds(lambda n, u, sp: f"{n}{sp}{u}", st.integers(1, 9999), UNITS, st.sampled_from([" ", "  ", ""]))


# --- add_months -------------------------------------------------------------------------------------------
@given(DATES, st.integers(0, 1200))
def test_add_months_lands_in_the_right_month_clamped_to_its_end(day, months):
    later = add_months(day, months)
    index = day.year * 12 + day.month - 1 + months
    assert later.year * 12 + later.month - 1 == index
    assert later.day == min(day.day, calendar.monthrange(later.year, later.month)[1])
    assert later >= day


@given(DATES, st.integers(0, 600), st.integers(0, 600))
def test_add_months_is_additive_for_days_every_month_has(day, a, b):
    day = day.replace(day=min(day.day, 28))
    assert add_months(add_months(day, a), b) == add_months(day, a + b)


# --- deadline rules -----------------------------------------------------------------------------------------
@given(st.one_of(st.text(max_size=30), RULES, st.integers(-10, 4000), st.none(), st.booleans(), st.floats()))
def test_validate_rule_normalises_or_refuses_with_a_value_error(rule):
    try:
        text = validate_rule(rule)
    except ValueError:
        return
    assert validate_rule(text) == text  # normal form is stable
    assert text == "immediate" or RULE_RE.match(text)


@given(RULES, DATES)
def test_a_rule_never_gives_a_deadline_before_the_start_and_counts_its_units(rule, start):
    m = RULE_RE.match(validate_rule(rule))
    n, unit = int(m["n"]), m["unit"].rstrip("s")
    due = apply_rule(rule, start)  # up to 9999 months after 2100: still a date
    assert due > start
    if unit in ("day", "week"):
        assert due - start == dt.timedelta(days=n * (7 if unit == "week" else 1))
    else:
        assert due == add_months(start, n)


@given(st.integers(0, 3650), DATES)
def test_a_number_of_days_is_that_many_days(days, start):
    assert apply_rule(validate_rule(days), start) == start + dt.timedelta(days=days)


@given(st.sampled_from(list(Severity)), st.sampled_from(list(Severity)), RULES, DATES)
def test_the_catalogue_rule_binds_only_while_the_severity_is_the_catalogues(severity, catalogue_severity, rule, start):
    bound = deadline_rule(severity, catalogue_severity, rule)
    assert bound == (rule if severity == catalogue_severity else SEVERITY_RULES[severity])
    due = deadline_for(severity, start, catalogue_severity=catalogue_severity, catalogue_rule=rule)
    assert due == apply_rule(bound, start) >= start


@given(st.sampled_from(list(Severity)), DATES, DATES)
def test_later_findings_never_get_earlier_deadlines(severity, first, second):
    early, late = sorted((first, second))
    assert deadline_for(severity, early) <= deadline_for(severity, late)


# --- deadline states over time ----------------------------------------------------------------------------------
@given(st.sampled_from(list(ActionStatus)), DATES, DATES, st.integers(0, 400))
def test_an_open_action_once_overdue_stays_overdue_and_due_soon_comes_before(status, deadline, today, later_by):
    state = deadline_state(status, deadline, today)
    later = deadline_state(status, deadline, today + dt.timedelta(days=later_by))
    if status == ActionStatus.CORRECTED:
        assert state == later == DeadlineState.DONE
        return
    if state.is_overdue:
        assert later == state
    if state == DeadlineState.DUE_SOON:
        assert 0 <= (deadline - today).days <= DUE_SOON_DAYS
        assert later in (DeadlineState.DUE_SOON, DeadlineState.OVERDUE, DeadlineState.REPORTED_NOT_VERIFIED)
    if state == DeadlineState.ON_TIME:
        assert (deadline - today).days > DUE_SOON_DAYS


# --- CAP status ---------------------------------------------------------------------------------------------------
COUNTS = st.builds(lambda t, c, o: FactoryCounts(t, min(c, t), o), st.integers(0, 50), st.integers(0, 50),
                   st.integers(0, 50))


@given(COUNTS, st.booleans(), st.one_of(st.none(), DATES), st.one_of(st.none(), DATES), DATES)
def test_cap_status_precedence(counts, agreed, ineligible_since, requalify_on, today):
    status = cap_status(counts, cap_agreed=agreed, ineligible_since=ineligible_since, requalify_on=requalify_on,
                        today=today)
    ineligible = (ineligible_since is not None and ineligible_since <= today
                  and (requalify_on is None or requalify_on > today))
    assert (status == CapStatus.INELIGIBLE) == ineligible
    if not ineligible:
        done = counts.initial_total > 0 and counts.initial_corrected == counts.initial_total
        assert (status == CapStatus.COMPLETED) == done
        if not done:
            expected = (CapStatus.CAP_PENDING if not agreed else
                        CapStatus.BEHIND_SCHEDULE if counts.overdue else CapStatus.ON_TRACK)
            assert status == expected


# --- escalation -----------------------------------------------------------------------------------------------------
@given(st.integers(0, 5), st.lists(st.integers(-30, 2000), max_size=8), st.integers(-5, 365))
def test_escalation_proposes_one_stage_at_a_time_and_never_past_three(stage, overdue_days, threshold):
    proposal = escalation_proposal(stage, overdue_days, threshold)
    assert proposal in (None, stage + 1)
    if proposal is not None:
        assert proposal <= 3 and threshold > 0 and max(overdue_days) > proposal * threshold
    elif stage < 3 and overdue_days and threshold > 0:
        assert max(overdue_days) <= (stage + 1) * threshold
    # a longer delay never withdraws a proposal
    if proposal is not None and overdue_days:
        assert escalation_proposal(stage, [d + 30 for d in overdue_days], threshold) == proposal


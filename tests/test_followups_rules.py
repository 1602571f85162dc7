"""The next follow-up of a factory (``followups.rules``): examples and properties."""
import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from factorysafe.actions.rules import CapStatus, add_months
from factorysafe.followups.rules import DueState, Why, cap_is_open, due_state, next_follow_up, plan_follow_up

D = dt.date


def test_nothing_open_means_no_follow_up():
    assert next_follow_up([], D(2026, 1, 1), True, 3) is None
    assert plan_follow_up([], None, False, 3) is None


def test_earliest_deadline_when_it_comes_before_three_months():
    plan = plan_follow_up([D(2026, 3, 1), D(2026, 2, 10)], D(2026, 1, 15), True, 3)
    assert plan.on == D(2026, 2, 10) and plan.why == Why.DEADLINE


def test_three_months_after_the_last_visit_while_the_cap_is_open():
    plan = plan_follow_up([D(2026, 12, 1)], D(2026, 1, 31), True, 3)
    assert plan.on == D(2026, 4, 30) and plan.why == Why.INTERVAL  # add_months clamps 31 Jan + 3 to 30 Apr


def test_no_interval_once_the_cap_is_completed_new_items_keep_their_deadline():
    assert plan_follow_up([D(2026, 12, 1)], D(2026, 1, 31), False, 3) == plan_follow_up([D(2026, 12, 1)], None, True, 3)
    assert next_follow_up([D(2026, 12, 1)], D(2026, 1, 31), False, 3) == D(2026, 12, 1)


def test_a_deadline_checked_at_the_last_visit_moves_the_date_to_the_interval():
    """The item was due 1 March, visited 10 March and still open: the next visit is 10 June, not "1 March"."""
    plan = plan_follow_up([D(2026, 3, 1)], D(2026, 3, 10), False, 3)
    assert plan.on == D(2026, 6, 10) and plan.why == Why.INTERVAL


def test_never_visited_takes_the_earliest_deadline():
    assert plan_follow_up([D(2026, 3, 1)], None, True, 3) == plan_follow_up([D(2026, 3, 1)], None, False, 3)
    assert next_follow_up([D(2026, 5, 1), D(2026, 3, 1)], None, True, 3) == D(2026, 3, 1)


def test_the_setting_is_the_number_of_months():
    assert next_follow_up([D(2027, 1, 1)], D(2026, 1, 1), True, 2) == D(2026, 3, 1)


def test_cap_open_asks_the_cap_status():
    assert cap_is_open(CapStatus.ON_TRACK) and cap_is_open(CapStatus.BEHIND_SCHEDULE) and cap_is_open("ineligible")
    assert not cap_is_open(CapStatus.COMPLETED)


def test_due_states():
    today = D(2026, 11, 29)
    assert due_state(D(2026, 11, 28), today, 14) == DueState.OVERDUE
    assert due_state(today, today, 14) == DueState.DUE_SOON
    assert due_state(D(2026, 12, 13), today, 14) == DueState.DUE_SOON
    assert due_state(D(2026, 12, 14), today, 14) == DueState.LATER


dates = st.dates(D(2020, 1, 1), D(2030, 12, 31))


@given(st.lists(dates, max_size=8), st.none() | dates, st.booleans(), st.integers(1, 12))
def test_properties(deadlines, last_visit, cap_open, months):
    plan = plan_follow_up(deadlines, last_visit, cap_open, months)
    if not deadlines:
        assert plan is None
        return
    assert plan is not None
    ahead = [d for d in deadlines if last_visit is None or d > last_visit]
    if last_visit is not None and (cap_open or not ahead):
        assert plan.on <= add_months(last_visit, months)  # never later than the interval
    if ahead:
        assert plan.on <= min(ahead)  # never after an open deadline still to come
        assert plan.on in (min(ahead), add_months(last_visit, months) if last_visit else None)
    else:
        assert plan.on == add_months(last_visit, months) and plan.why == Why.INTERVAL
    if last_visit is not None:
        assert plan.on > last_visit  # a follow-up lies after the last visit
    assert (plan.why == Why.DEADLINE) == (plan.on in ahead and plan.on == min(ahead))
    # the order of the deadlines does not matter
    assert plan_follow_up(list(reversed(deadlines)), last_visit, cap_open, months) == plan


@given(dates, dates, st.integers(0, 60))
def test_due_state_properties(on, today, soon):
    state = due_state(on, today, soon)
    assert (state == DueState.OVERDUE) == (on < today)
    assert (state == DueState.LATER) == ((on - today).days > soon)

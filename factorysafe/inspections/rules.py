"""Rules of inspections: pure functions, ``today`` given by the caller."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

from factorysafe.i18n import format_day

#: No inspection of this programme is older than this (the Accord's first inspections were in 2013).
EARLIEST_VISIT = dt.date(2000, 1, 1)
#: A fixed deadline set by hand lies at most this many years after the visit.
MAX_DEADLINE_YEARS = 10


def visit_date_problem(on: dt.date | None, today: dt.date):
    """Why ``on`` cannot be the date of a visit (a message), or None: a visit has happened, so it is not after
    ``today``, and it is not before :data:`EARLIEST_VISIT`."""
    if on is None:
        return None
    if on > today:
        return _l("The date of the visit cannot be in the future.")
    if on < EARLIEST_VISIT:
        return _l("The date of the visit cannot be before %(date)s.", date=format_day(EARLIEST_VISIT))
    return None


def deadline_override_problem(deadline: dt.date | None, visit: dt.date | None):
    """Why ``deadline`` cannot be a hand-set deadline of a finding seen on ``visit``, or None."""
    if deadline is None or visit is None:
        return None
    if deadline < visit:
        return _l("The deadline cannot be before the visit.")
    if deadline.year > visit.year + MAX_DEADLINE_YEARS:
        return _l("The deadline can be at most %(years)s years after the visit.", years=MAX_DEADLINE_YEARS)
    return None


def review_problem(author_ids, by_id: int | None, state: str):
    """Why the engineer ``by_id`` cannot review an inspection in ``state`` written by ``author_ids``, or None:
    only a submitted inspection is reviewed, and never by one of its authors (its creator or its team)."""
    if state != "submitted":
        return _l("Only a submitted inspection can be reviewed.")
    if by_id in set(author_ids):
        return _l("A second engineer reviews an inspection: its authors cannot review it themselves.")
    return None


def may_publish(author_ids, reviews, review_required: bool) -> bool:
    """May an engineer publish a submitted inspection written by ``author_ids``, given its
    ``reviews`` (objects with ``reviewer_id``, ``decision`` ("approve" or "changes_requested") and
    ``superseded``, oldest first)?

    Whoever presses "publish" (an author may, once approved), the decision rests on the reviews alone.
    Without ``review_required`` (a one-engineer programme) any engineer may. Otherwise the latest review that
    still counts (not superseded by a later amendment) must be an approval by an engineer who is not an author:
    the authors alone can never publish, and "has issues" blocks it until a new approval."""
    if not review_required:
        return True
    authors = set(author_ids)
    counting = [r for r in reviews if not r.superseded and r.reviewer_id not in authors]
    return bool(counting) and str(counting[-1].decision) == "approve"

"""Rules of inspections: pure functions, ``today`` given by the caller."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l

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
        return _l("The date of the visit cannot be before %(date)s.", date=EARLIEST_VISIT.isoformat())
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

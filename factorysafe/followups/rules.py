"""When a factory is next visited: pure functions, ``today`` given by the caller.

Which actions are open is ``actions.rules.is_open`` (not corrected); their binding deadline is the action's
``deadline`` column (extensions already applied by ``actions.services``); whether the CAP is open is
``actions.rules.cap_status`` (the initial CAP is not completed). This module only decides the date.
"""
from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Iterable

from factorysafe.actions.rules import CapStatus, add_months


def cap_is_open(cap: CapStatus | str) -> bool:
    """The CAP is open until the initial CAP is completed (``actions.rules.cap_status``)."""
    return CapStatus(cap) != CapStatus.COMPLETED


class Why(enum.StrEnum):
    """Why the follow-up falls on its date."""

    DEADLINE = "deadline"  # the earliest open deadline not yet checked at a visit
    INTERVAL = "interval"  # the last visit + FOLLOW_UP_MAX_MONTHS, while the CAP is open or items stay open

    @property
    def label(self) -> str:
        from factorysafe.labels import label

        return label(self)


class DueState(enum.StrEnum):
    """Where a follow-up stands on a day."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    LATER = "later"

    @property
    def label(self) -> str:
        from factorysafe.labels import label

        return label(self)


@dataclass(frozen=True)
class NextFollowUp:
    on: dt.date
    why: Why


def plan_follow_up(open_deadlines: Iterable[dt.date], last_visit: dt.date | None, cap_open: bool,
                   max_months: int) -> NextFollowUp | None:
    """The next follow-up of a factory and why; None when nothing is open.

    The date is the earliest open deadline, but never later than ``last_visit`` + ``max_months`` while the CAP
    is open. A deadline on or before the last visit was checked at that visit: an item still open after it is
    checked again at the next interval (else a visit would never move the date of a factory whose deadline
    passed), so when no open deadline lies after the last visit the interval applies whatever the CAP.
    """
    deadlines = sorted(open_deadlines)
    if not deadlines:
        return None
    ahead = [d for d in deadlines if last_visit is None or d > last_visit]
    candidates = [NextFollowUp(ahead[0], Why.DEADLINE)] if ahead else []
    if last_visit is not None and (cap_open or not ahead):
        candidates.append(NextFollowUp(add_months(last_visit, max_months), Why.INTERVAL))
    return min(candidates, key=lambda c: (c.on, c.why != Why.DEADLINE))


def next_follow_up(open_deadlines: Iterable[dt.date], last_visit: dt.date | None, cap_open: bool,
                   max_months: int) -> dt.date | None:
    """The date of :func:`plan_follow_up` (None when nothing is open)."""
    plan = plan_follow_up(open_deadlines, last_visit, cap_open, max_months)
    return plan.on if plan else None


def due_state(on: dt.date, today: dt.date, soon_days: int) -> DueState:
    """Overdue (before ``today``), due soon (within ``soon_days`` days from today) or later."""
    if on < today:
        return DueState.OVERDUE
    if (on - today).days <= soon_days:
        return DueState.DUE_SOON
    return DueState.LATER

"""The programme's rules as plain functions: deadlines, overdue, progress, CAP status.

Every function takes ``today`` (or a start date) as an argument and never reads the
clock, so tests and views get the same answers.
"""
from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass

from factorysafe.actions.models import ActionStatus
from factorysafe.inspections.models import Severity


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Severity -> (label, function of the start date). Priority 1 is due at once.
DEADLINE_RULES = {
    Severity.PRIORITY_1: ("immediate", lambda start: start),
    Severity.HIGH: ("6 weeks", lambda start: start + dt.timedelta(weeks=6)),
    Severity.MEDIUM: ("3 months", lambda start: add_months(start, 3)),
    Severity.LOW: ("6 months", lambda start: add_months(start, 6)),
}


def deadline_for(severity: Severity | str, start: dt.date) -> dt.date:
    """The default binding deadline for a finding of this severity found on ``start``."""
    return DEADLINE_RULES[Severity(severity)][1](start)


def is_overdue(status: ActionStatus | str, deadline: dt.date, today: dt.date) -> bool:
    """Overdue: the deadline has passed and the fix is not verified (Corrected)."""
    return ActionStatus(status) != ActionStatus.CORRECTED and deadline < today


class DeadlineState(enum.StrEnum):
    DONE = "done"  # corrected (verified)
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    REPORTED_NOT_VERIFIED = "reported_not_verified"  # pending verification, past the deadline

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


def deadline_state(status: ActionStatus | str, deadline: dt.date, today: dt.date, soon_days: int = 14) -> DeadlineState:
    status = ActionStatus(status)
    if status == ActionStatus.CORRECTED:
        return DeadlineState.DONE
    if deadline < today:
        if status == ActionStatus.PENDING_VERIFICATION:
            return DeadlineState.REPORTED_NOT_VERIFIED
        return DeadlineState.OVERDUE
    if (deadline - today).days <= soon_days:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME


def progress_rate(corrected: int, pending: int, total: int, pending_weight: float = 0.0) -> float | None:
    """Share (0..1) of initial findings corrected; Pending verification counts ``pending_weight``.

    None when there is nothing to count (no initial findings in that discipline).
    """
    if total <= 0:
        return None
    return (corrected + pending_weight * pending) / total


class CapStatus(enum.StrEnum):
    """Factory CAP status as published by the programme."""

    CAP_PENDING = "cap_pending"
    ON_TRACK = "on_track"
    BEHIND_SCHEDULE = "behind_schedule"
    COMPLETED = "initial_cap_completed"
    INELIGIBLE = "ineligible"

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


@dataclass(frozen=True)
class FactoryCounts:
    """Aggregates one factory needs for its status; built by SQL in actions.services."""

    initial_total: int = 0
    initial_corrected: int = 0
    overdue: int = 0  # actions (initial or new) past deadline and not corrected


def cap_status(
    counts: FactoryCounts,
    *,
    cap_agreed: bool,
    ineligible_since: dt.date | None,
    requalify_on: dt.date | None,
    today: dt.date,
) -> CapStatus:
    """Status of a factory's corrective action plan on ``today``."""
    if ineligible_since is not None and ineligible_since <= today and (requalify_on is None or requalify_on > today):
        return CapStatus.INELIGIBLE
    if counts.initial_total > 0 and counts.initial_corrected >= counts.initial_total:
        return CapStatus.COMPLETED
    if not cap_agreed:
        return CapStatus.CAP_PENDING
    if counts.overdue > 0:
        return CapStatus.BEHIND_SCHEDULE
    return CapStatus.ON_TRACK


# --- escalation ---------------------------------------------------------------------------------
#: "Critical" actions are the ones whose stalling triggers escalation: findings of severity
#: Priority 1 or High, or any finding marked immediate danger (evacuation recommended).
#: Only actions still In progress count: a fix reported and waiting for verification is the
#: programme's move, not the factory's.
CRITICAL_SEVERITIES = (Severity.PRIORITY_1, Severity.HIGH)


def is_critical(severity: Severity | str, immediate_danger: bool) -> bool:
    return bool(immediate_danger) or Severity(severity) in CRITICAL_SEVERITIES


def escalation_proposal(current_stage: int, critical_overdue_days: list[int], threshold_days: int) -> int | None:
    """The escalation stage to propose next, or None.

    ``critical_overdue_days`` lists, for each critical action still In progress past its deadline,
    how many days it is overdue. Stage ``k`` (1 notice, 2 meeting, 3 termination) is proposed when
    the factory is at stage ``k - 1`` and its worst critical action is more than ``k * threshold_days``
    days overdue: one stage at a time, each after another period without a fix.
    """
    current_stage = int(current_stage or 0)
    if current_stage >= 3 or not critical_overdue_days or threshold_days <= 0:
        return None
    worst = max(critical_overdue_days)
    nxt = current_stage + 1
    return nxt if worst > nxt * threshold_days else None

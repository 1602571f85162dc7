"""The programme's rules as plain functions: deadlines, overdue, progress, CAP status.

Every function takes ``today`` (or a start date) as an argument and never reads the
clock, so tests and views get the same answers.
"""
from __future__ import annotations

import calendar
import datetime as dt
import enum
import math
import re
from dataclasses import dataclass

from factorysafe.actions.models import ActionStatus
from factorysafe.inspections.models import Severity


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- deadlines: the one engine ------------------------------------------------------------------
# A deadline rule is text: "immediate", "N days", "N weeks" or "N months". The hazard catalogue gives
# each hazard its own rule; a finding without a catalogue code, or whose severity the engineer
# overrode, takes the programme's rule for its severity below. Approved extensions move an action's
# deadline; nothing else does. Every deadline in the app comes from this section.
RULE_RE = re.compile(r"^(?P<n>[1-9][0-9]{0,3}) *(?P<unit>days?|weeks?|months?)$")
RULE_HELP = 'use "immediate", "N days", "N weeks" or "N months"'

#: The programme's default rule for each severity. Priority 1 is due at once.
SEVERITY_RULES = {
    Severity.PRIORITY_1: "immediate",
    Severity.HIGH: "6 weeks",
    Severity.MEDIUM: "3 months",
    Severity.LOW: "6 months",
}


def validate_rule(rule) -> str:
    """Normalise a deadline rule: "immediate", "N days", "N weeks", "N months", or an int of days."""
    if isinstance(rule, bool):
        raise ValueError(f"must be a deadline rule ({RULE_HELP})")
    if isinstance(rule, int):
        if rule < 0 or rule > 3650:
            raise ValueError("a number of days must lie between 0 and 3650")
        return "immediate" if rule == 0 else f"{rule} days"
    if not isinstance(rule, str):
        raise ValueError(f"must be a deadline rule ({RULE_HELP})")
    text = " ".join(rule.strip().lower().split())
    if text == "immediate":
        return text
    if not RULE_RE.match(text):
        raise ValueError(f"{rule!r} is not a deadline rule ({RULE_HELP})")
    return text


def apply_rule(rule: str, start: dt.date) -> dt.date:
    """The deadline ``rule`` gives for a finding raised on ``start``."""
    text = validate_rule(rule)
    if text == "immediate":
        return start
    m = RULE_RE.match(text)
    n, unit = int(m["n"]), m["unit"].rstrip("s")
    if unit == "day":
        return start + dt.timedelta(days=n)
    if unit == "week":
        return start + dt.timedelta(weeks=n)
    return add_months(start, n)


def deadline_rule(severity: Severity | str, catalogue_severity: Severity | str | None = None,
                  catalogue_rule: str | None = None) -> str:
    """The rule that binds a finding: its hazard's catalogue rule while the severity is the catalogue's
    own, else the programme's rule for the severity."""
    severity = Severity(severity)
    if catalogue_rule is not None and catalogue_severity is not None and Severity(catalogue_severity) == severity:
        return catalogue_rule
    return SEVERITY_RULES[severity]


def deadline_for(severity: Severity | str, start: dt.date, *, catalogue_severity: Severity | str | None = None,
                 catalogue_rule: str | None = None) -> dt.date:
    """The binding deadline for a finding of this severity found on ``start`` (see ``deadline_rule``)."""
    return apply_rule(deadline_rule(severity, catalogue_severity, catalogue_rule), start)


# --- overdue ------------------------------------------------------------------------------------
#: Days before its deadline an open action counts as "due soon" (dashboards, reminders, badges).
DUE_SOON_DAYS = 14


class DeadlineState(enum.StrEnum):
    """Where an action stands against its deadline on a day. Overdue is two states: OVERDUE (no fix
    reported) and REPORTED_NOT_VERIFIED (a fix reported but not verified past the deadline: still not
    done, shown as "reported, not verified")."""

    DONE = "done"  # corrected (verified)
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    REPORTED_NOT_VERIFIED = "reported_not_verified"  # pending verification, past the deadline

    @property
    def is_overdue(self) -> bool:
        return self in (DeadlineState.OVERDUE, DeadlineState.REPORTED_NOT_VERIFIED)

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)



def is_open(status: ActionStatus | str) -> bool:
    """An action not yet corrected (verified): still on the factory's CAP, still to be checked at a follow-up."""
    return ActionStatus(status) != ActionStatus.CORRECTED


def deadline_state(status: ActionStatus | str, deadline: dt.date, today: dt.date,
                   soon_days: int = DUE_SOON_DAYS) -> DeadlineState:
    """The one definition of overdue: the deadline has passed and the fix is not verified (Corrected).
    A fix reported but not verified past its deadline is still overdue, in a state of its own."""
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


def urgency_key(state: DeadlineState, immediate_danger: bool, deadline: dt.date, tiebreak: int = 0) -> tuple:
    """Sort key of open items, most urgent first: overdue, then immediate danger, then the nearest deadline
    (a worker's page lists what is late and dangerous before the rest)."""
    return (not state.is_overdue, not immediate_danger, deadline, tiebreak)


def is_overdue(status: ActionStatus | str, deadline: dt.date, today: dt.date) -> bool:
    """Overdue: ``deadline_state`` is OVERDUE or REPORTED_NOT_VERIFIED."""
    return deadline_state(status, deadline, today).is_overdue


def progress_rate(corrected: int, pending: int, total: int, pending_weight: float = 0.0) -> float | None:
    """Share (0..1) of initial findings corrected; Pending verification counts ``pending_weight``.

    None when there is nothing to count (no initial findings in that discipline).
    """
    if total <= 0:
        return None
    return (corrected + pending_weight * pending) / total


def progress_percent(rate: float | None) -> int | None:
    """A progress rate as the whole percent every page, export and PDF prints (half rounds up:
    0.125 is 13 %); None when there is no rate."""
    if rate is None:
        return None
    return int(math.floor(rate * 100 + 0.5 + 1e-9))


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


class HeadlineStatus(enum.StrEnum):
    """What a factory's badge, map marker and API ``status`` say first: the CAP status, unless a fact that
    matters more to a worker is true. Members are listed from the most to the least severe (``rank``)."""

    EVACUATION = "evacuation_in_force"
    IMMEDIATE_DANGER = "immediate_danger"
    INELIGIBLE = "ineligible"
    BEHIND_SCHEDULE = "behind_schedule"
    CAP_PENDING = "cap_pending"
    ON_TRACK = "on_track"
    COMPLETED = "initial_cap_completed"

    @property
    def rank(self) -> int:
        """Severity: higher is more severe (EVACUATION highest)."""
        members = list(HeadlineStatus)
        return len(members) - members.index(self)

    @property
    def label(self) -> str:
        from factorysafe.labels import label

        return label(self)


def headline_status(cap: CapStatus | str, *, overdue: int = 0, immediate_danger_open: int = 0,
                    evacuation_in_force: bool = False) -> HeadlineStatus:
    """The one status a factory shows first (page badge, map marker, API ``status``): never milder than the
    facts. An evacuation in force comes first, then open immediate-danger findings (their deadline is
    "immediate", so they are overdue from the next day), then the CAP status, and any overdue action makes
    it at least Behind schedule (also when the CAP is not agreed yet, or the initial CAP is completed but
    new findings are overdue)."""
    candidates = [HeadlineStatus(CapStatus(cap).value)]
    if evacuation_in_force:
        candidates.append(HeadlineStatus.EVACUATION)
    if immediate_danger_open:
        candidates.append(HeadlineStatus.IMMEDIATE_DANGER)
    if overdue:
        candidates.append(HeadlineStatus.BEHIND_SCHEDULE)
    return max(candidates, key=lambda s: s.rank)


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

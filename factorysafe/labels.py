"""The one home of every enum's human label, in English and (through the gettext catalogue) Bangla.

Pages, printed reports, e-mails, human-readable exports and the API's ``*_label`` fields all call
:func:`label` (templates: ``{{ x|label }}``); machine identifiers stay the enums' ``.value``. The
enums' ``.label`` properties delegate here. A label names a state or a grade only: a severity label
never states a duration (the deadline comes from the hazard catalogue and the rules), and no two values
of the statuses a reader sees side by side share a label in either language (tested).
"""
from __future__ import annotations

import functools

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

# Escalation stages of a factory (an int column, not an enum): 1, 2, 3.
ESCALATION_STAGE = {
    1: _l("Notice letter"),
    2: _l("Mandatory meeting"),
    3: _l("Termination (ineligible)"),
}

# How a complaint arrived (a string column, not an enum).
COMPLAINT_CHANNEL = {
    "web": _l("Web form"),
    "sms": _l("SMS"),
}


def channel_label(value) -> str:
    text = COMPLAINT_CHANNEL.get(value)
    return str(text) if text is not None else ("" if value is None else str(value))


@functools.cache
def _tables() -> dict:
    """The tables, built on first use: the enums' packages import views that import this module."""
    from factorysafe.actions.models import ActionStatus, ExtensionStatus
    from factorysafe.actions.rules import CapStatus, DeadlineState, HeadlineStatus
    from factorysafe.auth.models import Role
    from factorysafe.auth.rules import AccountState
    from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus, Verdict
    from factorysafe.inspections.models import (
        Discipline, FindingOrigin, InspectionState, InspectionType, ReviewDecision, Severity,
    )

    DISCIPLINE = {
        Discipline.FIRE: _l("Fire"),
        Discipline.ELECTRICAL: _l("Electrical"),
        Discipline.STRUCTURAL: _l("Structural"),
        Discipline.BOILER: _l("Boiler"),
    }
    SEVERITY = {
        Severity.PRIORITY_1: _l("Priority 1"),
        Severity.HIGH: _l("High"),
        Severity.MEDIUM: _l("Medium"),
        Severity.LOW: _l("Low"),
    }
    INSPECTION_TYPE = {
        InspectionType.INITIAL: _l("Initial"),
        InspectionType.FOLLOW_UP: _l("Follow-up"),
        InspectionType.SPECIAL: _l("Special"),
        InspectionType.COMPLAINT: _l("Complaint"),
    }
    INSPECTION_STATE = {
        InspectionState.DRAFT: _l("Draft"),
        InspectionState.SUBMITTED: _l("Submitted"),
        InspectionState.PUBLISHED: _l("Published"),
    }
    REVIEW_DECISION = {
        ReviewDecision.APPROVE: _l("Approved for publication"),
        ReviewDecision.CHANGES_REQUESTED: _l("Has issues"),
    }
    FINDING_ORIGIN = {
        FindingOrigin.INITIAL: _l("Initial finding"),
        FindingOrigin.NEW: _l("New finding"),
    }
    ROLE = {
        Role.ADMIN: _l("Administrator"),
        Role.ENGINEER: _l("Engineer"),
        Role.OWNER: _l("Factory owner"),
        Role.HANDLER: _l("Complaints handler"),
    }
    ACTION_STATUS = {
        ActionStatus.IN_PROGRESS: _l("In progress"),
        ActionStatus.PENDING_VERIFICATION: _l("Pending verification"),
        ActionStatus.CORRECTED: _l("Corrected"),
    }
    EXTENSION_STATUS = {
        ExtensionStatus.REQUESTED: _l("Requested"),
        ExtensionStatus.APPROVED: _l("Approved"),
        ExtensionStatus.DECLINED: _l("Declined"),
    }
    CAP_STATUS = {
        CapStatus.CAP_PENDING: _l("CAP pending"),
        CapStatus.ON_TRACK: _l("On track"),
        CapStatus.BEHIND_SCHEDULE: _l("Behind schedule"),
        CapStatus.COMPLETED: _l("Initial CAP completed"),
        CapStatus.INELIGIBLE: _l("Ineligible"),
    }
    HEADLINE_STATUS = {
        HeadlineStatus.EVACUATION: _l("Evacuation in force"),
        HeadlineStatus.IMMEDIATE_DANGER: _l("Immediate danger"),
        **{HeadlineStatus(s.value): text for s, text in CAP_STATUS.items()},
    }
    DEADLINE_STATE = {
        DeadlineState.DONE: _l("Done"),
        DeadlineState.ON_TIME: _l("On time"),
        DeadlineState.DUE_SOON: _l("Due soon"),
        DeadlineState.OVERDUE: _l("Overdue"),
        DeadlineState.REPORTED_NOT_VERIFIED: _l("Reported fixed, not yet verified"),
    }
    ACCOUNT_STATE = {
        AccountState.INVITED: _l("Invited"),
        AccountState.ACTIVE: _l("Active"),
        AccountState.DEACTIVATED: _l("Deactivated"),
    }
    COMPLAINT_STATUS = {
        ComplaintStatus.RECEIVED: _l("Received"),
        ComplaintStatus.UNDER_REVIEW: _l("Under review"),
        ComplaintStatus.RESOLVED: _l("Resolved"),
        ComplaintStatus.NON_SAFETY: _l("Non-safety (referred)"),
        ComplaintStatus.NOT_PROCESSED: _l("Not processed"),
        ComplaintStatus.NOT_COVERED: _l("Factory not covered (referred)"),
    }
    COMPLAINT_CATEGORY = {
        ComplaintCategory.BLOCKED_EXIT: _l("Blocked exit"),
        ComplaintCategory.LOCKED_GATE: _l("Locked gate or door"),
        ComplaintCategory.FIRE_SMOKE: _l("Fire or smoke"),
        ComplaintCategory.CRACKS: _l("Cracks in walls or columns"),
        ComplaintCategory.WIRING: _l("Wiring or sparks"),
        ComplaintCategory.BOILER: _l("Boiler"),
        ComplaintCategory.NO_FIRE_DRILL: _l("No fire drill"),
        ComplaintCategory.RETALIATION: _l("Punished for reporting"),
        ComplaintCategory.WAGES: _l("Wages (not safety)"),
        ComplaintCategory.HARASSMENT: _l("Harassment (not safety)"),
        ComplaintCategory.OTHER: _l("Something else"),
    }
    COMPLAINT_VERDICT = {
        Verdict.CONFIRMED: _l("Worker confirmed the fix"),
        Verdict.DISPUTED: _l("Worker says it is not fixed"),
    }
    from factorysafe.followups.models import CheckOutcome
    from factorysafe.followups.rules import DueState, Why

    FOLLOW_UP_WHY = {
        Why.DEADLINE: _l("Earliest open deadline"),
        Why.INTERVAL: _l("Longest interval after the last visit"),
    }
    FOLLOW_UP_DUE = {
        DueState.OVERDUE: _l("Follow-up overdue"),
        DueState.DUE_SOON: _l("Follow-up due soon"),
        DueState.LATER: _l("Follow-up later"),
    }
    CHECK_OUTCOME = {
        CheckOutcome.TO_CHECK: _l("To check"),
        CheckOutcome.VERIFIED: _l("Verified"),
        CheckOutcome.REJECTED: _l("Fix rejected"),
        CheckOutcome.STILL_OPEN: _l("Still open"),
    }
    status_enums = (CapStatus, HeadlineStatus, ActionStatus, DeadlineState, ExtensionStatus, InspectionState, Severity, ComplaintStatus)
    return {name: value for name, value in locals().items() if name.isupper() or name == "status_enums"}


_TABLE_NAMES = ("DISCIPLINE", "SEVERITY", "INSPECTION_TYPE", "INSPECTION_STATE", "FINDING_ORIGIN", "ROLE",
                "ACTION_STATUS", "EXTENSION_STATUS", "CAP_STATUS", "HEADLINE_STATUS", "DEADLINE_STATE", "ACCOUNT_STATE",
                "COMPLAINT_STATUS", "COMPLAINT_CATEGORY", "COMPLAINT_VERDICT", "REVIEW_DECISION",
                "FOLLOW_UP_WHY", "FOLLOW_UP_DUE", "CHECK_OUTCOME")


def __getattr__(name: str):
    """``labels.SEVERITY`` etc.: the tables; ``labels.STATUS_ENUMS``: the enums a reader sees side by side
    (no two of their values may share a label, in any language)."""
    if name in _TABLE_NAMES:
        return _tables()[name]
    if name == "STATUS_ENUMS":
        return _tables()["status_enums"]
    raise AttributeError(name)


@functools.cache
def _by_enum() -> dict:
    return {type(next(iter(_tables()[n]))): _tables()[n] for n in _TABLE_NAMES}


def lazy_label(value):
    """The label of an enum member, translated when printed (form choices made at import time)."""
    return LazyString(label, value)


def label(value) -> str:
    """The label of an enum member in the current language (English outside a request).

    ``None`` gives an empty string and any other value (a plain string, a number) prints as itself, so
    templates may pass whatever they hold.
    """
    if value is None:
        return ""
    table = _by_enum().get(type(value))
    if table is not None:
        return str(table[value])
    return str(value)


def stage_label(stage: int | None) -> str:
    """Label of an escalation stage (1, 2 or 3); another value prints as itself."""
    text = ESCALATION_STAGE.get(stage) if stage is not None else None
    return str(text) if text is not None else ("" if stage is None else str(stage))


def init_app(app) -> None:
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["stage_label"] = stage_label
    app.jinja_env.globals["label"] = label

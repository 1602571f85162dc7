"""Translatable labels for the public pages (the enums keep their English ``.label`` for the API)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from factorysafe.actions.models import ActionStatus, ExtensionStatus
from factorysafe.actions.rules import CapStatus, DeadlineState
from factorysafe.inspections.models import Discipline, InspectionType, Severity

CAP_STATUS = {
    CapStatus.CAP_PENDING: _l("CAP pending"),
    CapStatus.ON_TRACK: _l("On track"),
    CapStatus.BEHIND_SCHEDULE: _l("Behind schedule"),
    CapStatus.COMPLETED: _l("Initial CAP completed"),
    CapStatus.INELIGIBLE: _l("Ineligible"),
}
# Marker colours by CAP status (also used by the legend and maps.js).
CAP_COLOURS = {
    CapStatus.BEHIND_SCHEDULE: "#c62828",
    CapStatus.ON_TRACK: "#1565c0",
    CapStatus.COMPLETED: "#2e7d32",
    CapStatus.CAP_PENDING: "#757575",
    CapStatus.INELIGIBLE: "#212121",
}
DISCIPLINE = {
    Discipline.FIRE: _l("Fire"),
    Discipline.ELECTRICAL: _l("Electrical"),
    Discipline.STRUCTURAL: _l("Structural"),
    Discipline.BOILER: _l("Boiler"),
}
ACTION_STATUS = {
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.PENDING_VERIFICATION: _l("Pending verification"),
    ActionStatus.CORRECTED: _l("Corrected"),
}
SEVERITY = {
    Severity.PRIORITY_1: _l("Priority 1 (immediate)"),
    Severity.HIGH: _l("High (6 weeks)"),
    Severity.MEDIUM: _l("Medium (3 months)"),
    Severity.LOW: _l("Low (6 months)"),
}
DEADLINE_STATE = {
    DeadlineState.DONE: _l("Done"),
    DeadlineState.ON_TIME: _l("On time"),
    DeadlineState.DUE_SOON: _l("Due soon"),
    DeadlineState.OVERDUE: _l("Overdue"),
    DeadlineState.REPORTED_NOT_VERIFIED: _l("Reported fixed after the deadline, not verified"),
}
EXTENSION_STATUS = {
    ExtensionStatus.REQUESTED: _l("requested"),
    ExtensionStatus.APPROVED: _l("approved"),
    ExtensionStatus.DECLINED: _l("declined"),
}
INSPECTION_TYPE = {
    InspectionType.INITIAL: _l("Initial"),
    InspectionType.FOLLOW_UP: _l("Follow-up"),
    InspectionType.SPECIAL: _l("Special"),
    InspectionType.COMPLAINT: _l("Complaint"),
}


_ALL = {(type(k), k): v for table in (CAP_STATUS, DISCIPLINE, ACTION_STATUS, SEVERITY, DEADLINE_STATE,
                                     EXTENSION_STATUS, INSPECTION_TYPE) for k, v in table.items()}


def label(value) -> str:
    """Translated label of any of the enums above (falls back to the enum's own label or value)."""
    text = _ALL.get((type(value), value))
    if text is not None:
        return str(text)
    return getattr(value, "label", str(value))


def discipline_label(value: str) -> str:
    try:
        return str(DISCIPLINE[Discipline(value)])
    except ValueError:
        return value

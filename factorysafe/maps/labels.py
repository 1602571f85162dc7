"""The public map's marker colours; its labels are the app's one table, ``factorysafe.labels``."""
from __future__ import annotations

from factorysafe.actions.rules import CapStatus, HeadlineStatus
from factorysafe.inspections.models import Discipline
from factorysafe.labels import (  # noqa: F401  (re-exported for the map's modules)
    ACTION_STATUS, CAP_STATUS, DEADLINE_STATE, DISCIPLINE, EXTENSION_STATUS, INSPECTION_TYPE, SEVERITY, label,
)

# Marker colours by CAP status (also used by the legend and maps.js).
CAP_COLOURS = {
    CapStatus.BEHIND_SCHEDULE: "#c62828",
    CapStatus.ON_TRACK: "#1565c0",
    CapStatus.COMPLETED: "#2e7d32",
    CapStatus.CAP_PENDING: "#757575",
    CapStatus.INELIGIBLE: "#212121",
}
#: Colours of the headline status (``actions.rules.headline_status``) the markers and legend show: the CAP
#: colours, and two for the facts that come before them. Keyed by HeadlineStatus; a CapStatus finds its own.
HEADLINE_COLOURS = {
    HeadlineStatus.EVACUATION: "#6a1b9a",
    HeadlineStatus.IMMEDIATE_DANGER: "#ad1457",
    **{HeadlineStatus(s.value): c for s, c in CAP_COLOURS.items()},
}


def discipline_label(value: str) -> str:
    """Label of a discipline given by its value (a row of a query); an unknown value prints as itself."""
    try:
        return label(Discipline(value))
    except ValueError:
        return value

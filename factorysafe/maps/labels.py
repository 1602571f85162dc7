"""The public map's marker colours; its labels are the app's one table, ``factorysafe.labels``."""
from __future__ import annotations

from factorysafe.inspections.models import Discipline
from factorysafe.maps import palette
from factorysafe.labels import (  # noqa: F401  (re-exported for the map's modules)
    ACTION_STATUS, CAP_STATUS, DEADLINE_STATE, DISCIPLINE, EXTENSION_STATUS, INSPECTION_TYPE, SEVERITY, label,
)

# Marker colours: one palette for markers, clusters and the legend (factorysafe.maps.palette).
CAP_COLOURS = palette.CAP_COLOURS
HEADLINE_COLOURS = palette.HEADLINE_COLOURS


def discipline_label(value: str) -> str:
    """Label of a discipline given by its value (a row of a query); an unknown value prints as itself."""
    try:
        return label(Discipline(value))
    except ValueError:
        return value

"""The public map's colours, in one place: markers, cluster icons and the legend by CAP status, the district
shading by share behind schedule, and the WCAG contrast arithmetic that checks them against each other.

Templates (the legend's swatches, the cluster icons' CSS) and maps.js (markers) all read these values; nothing
else names a map colour.
"""
from __future__ import annotations

from factorysafe.actions.rules import CapStatus, HeadlineStatus

# Marker, cluster and legend colour by CAP status: dark enough for white text (cluster counts) and for a 3:1
# contrast with every district shade below (tests/test_maps_palette.py computes both).
CAP_COLOURS = {
    CapStatus.BEHIND_SCHEDULE: "#c62828",
    CapStatus.ON_TRACK: "#1565c0",
    CapStatus.COMPLETED: "#2e7d32",
    CapStatus.CAP_PENDING: "#616161",
    CapStatus.INELIGIBLE: "#212121",
}

#: Marker, cluster and legend colour by headline status (``actions.rules.headline_status``: what a factory's badge,
#: marker and API ``status`` say first): the CAP colours, and two for the facts that come before them.
HEADLINE_COLOURS = {
    HeadlineStatus.EVACUATION: "#6a1b9a",
    HeadlineStatus.IMMEDIATE_DANGER: "#ad1457",
    **{HeadlineStatus(s.value): c for s, c in CAP_COLOURS.items()},
}

# Worst first: a cluster takes the colour of its worst member (the headline statuses' own order of severity).
WORST_FIRST = tuple(HeadlineStatus)

MARKER_OUTLINE = "#ffffff"  # every marker and cluster has a white ring: it separates it from any shade
DANGER_RING = "#ff6f00"  # immediate danger or evacuation in force
CLUSTER_TEXT = "#ffffff"

# Share of factories behind schedule -> district fill (ColorBrewer OrRd, its four lightest classes): light
# shades, so that every marker colour stands out on every district (red markers on dark-red districts did not).
SHARE_CLASSES = [(0.25, "#fff7ec"), (0.5, "#fee8c8"), (0.75, "#fdd49e"), (1.01, "#fdbb84")]
NO_FACTORY_COLOUR = "#f4f4f1"
DISTRICT_BORDER = "#777777"
UPAZILA_BORDER = "#8d6e63"


def share_colour(share) -> str:
    if share is None or share < 0:
        return NO_FACTORY_COLOUR
    return next(colour for limit, colour in SHARE_CLASSES if share < limit)


def district_shades() -> list[str]:
    return [NO_FACTORY_COLOUR] + [colour for _, colour in SHARE_CLASSES]


def rank(status) -> int:
    """0 for the worst status (a headline status, or a CAP status read as the headline it gives)."""
    return WORST_FIRST.index(HeadlineStatus(getattr(status, "value", status)))


def worst(statuses) -> HeadlineStatus:
    return HeadlineStatus(min(statuses, key=rank))


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def js_palette() -> list[dict]:
    """The statuses' colours and ranks for maps.js, in the order of ``HeadlineStatus`` (the marker rows' index)."""
    return [{"value": s.value, "colour": HEADLINE_COLOURS[s], "rank": rank(s)} for s in HeadlineStatus]

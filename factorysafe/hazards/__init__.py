"""The hazard catalogue and categorisation of findings.

Public API (usable without a request, inside an app context: each app has its own catalogue,
``app.extensions["factorysafe"].catalogue``; outside an app, use ``registry.load()`` explicitly):

- ``catalogue()`` -- the catalogue's entries (:class:`~factorysafe.hazards.registry.Hazard`);
- ``get(code)`` -- one entry or None; ``choices(lang)`` -- (code, label) pairs for a select;
- ``suggest(text, k=3)`` -- [(code, score)] from an observation in English or Bangla;
- ``deadline_for_hazard``, ``defaults_for``, ``apply_catalogue_defaults`` -- see ``registry.py``.

The catalogue file is validated once when the blueprint is registered on an app: a malformed
``catalogue.toml`` (or the file named by ``HAZARD_CATALOGUE_PATH``) stops that app's start.
"""
from __future__ import annotations

from factorysafe.hazards.registry import (  # noqa: F401 - re-exported
    CatalogueDefaultError,
    CatalogueError,
    Hazard,
    apply_catalogue_defaults,
    deadline_for_hazard,
    defaults_for,
)
from factorysafe.hazards import registry as _catalogue


def catalogue() -> list[Hazard]:
    return list(_catalogue.current().entries)


def get(code: str | None) -> Hazard | None:
    return _catalogue.current().get(code) if code else None


def choices(lang: str = "en") -> list[tuple[str, str]]:
    """(code, "CODE: title") pairs in catalogue order, for a finding form's hazard_code select."""
    return [(h.code, f"{h.code}: {h.title(lang)}") for h in _catalogue.current().entries]


def suggest(text: str, k: int = 3) -> list[tuple[str, float]]:
    from factorysafe.hazards.suggester import suggest as _suggest

    return _suggest(text, k)

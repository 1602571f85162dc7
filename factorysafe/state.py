"""Everything an app keeps between requests, in one object per app: ``app.extensions["factorysafe"]``.

Nothing here is process-wide: two apps created in one process (tests, a CLI next to a server) each have
their own hazard catalogue, suggester model, district caches, public map cache, dashboard panels, PDF
render counter and rate limiter, and never see each other's.

Access it with :func:`state` inside an app context (a request, ``app.app_context()``, a CLI command), or
``state(app)`` with an app object at hand (a background thread, a benchmark).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

# The types held (hazards.registry.Catalogue, hazards.suggester.Model, web.Panel) are named in comments only:
# this module sits below every package and imports none of them.
Catalogue = Model = Panel = Any

KEY = "factorysafe"


@dataclass
class GeoCache:
    """District polygons and what is derived from them (boundaries never change while the app runs)."""

    districts: Any = None  # geopandas.GeoDataFrame, read on first use
    features: dict | None = None  # the districts' __geo_interface__ as plain dicts
    upazilas: Any = None  # geopandas.GeoDataFrame of the upazilas, read on first use (assignment only)
    joined: dict = field(default_factory=dict)  # (latitude, longitude) -> district or None
    shapes: dict = field(default_factory=dict)  # district name -> GeoJSON text
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class AppState:
    catalogue: Catalogue | None = None  # set when the hazards blueprint is registered
    suggester: tuple[Catalogue, Model] | None = None  # (catalogue it was built on, model)
    suggester_lock: threading.Lock = field(default_factory=threading.Lock)
    panels: tuple[Panel, ...] = ()  # dashboard panels, set by web.init_app
    geo: GeoCache = field(default_factory=GeoCache)
    map_data: dict = field(default_factory=dict)  # public map data set: "data", "marker", "refreshing"
    map_lock: threading.Lock = field(default_factory=threading.Lock)
    map_rendered: dict = field(default_factory=dict)  # rendered folium parts per data set, language, tiles
    render_lock: threading.Lock = field(default_factory=threading.Lock)
    pdf_renders: int = 0  # how many times WeasyPrint ran for this app (tests read it to prove cache hits)
    pdf_lock: threading.Lock = field(default_factory=threading.Lock)
    limiter: Any = None  # this app's flask_limiter.Limiter (factorysafe.limits)
    limiter_fallback: Any = None  # in-memory counts while the limiter's Redis does not answer
    limiter_lock: threading.Lock = field(default_factory=threading.Lock)


def init_app(app: Flask) -> AppState:
    app.extensions[KEY] = AppState()
    return app.extensions[KEY]


def state(app: Flask | None = None) -> AppState:
    """This app's state: ``app``'s, else the current app's (needs an app context)."""
    return (app if app is not None else current_app).extensions[KEY]

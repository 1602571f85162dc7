"""The public data set: what the map, factory pages, exports and API may show, and nothing more.

Only factories with at least one PUBLISHED inspection are public, and only findings of published
inspections count. No names or emails of people, no private photos, no draft or submitted data.

The data set for all factories is built with a few SQL aggregations (see ``build_public_data``) and kept
per app (``app.extensions["factorysafe"].map_data``) until a cheap change marker moves (new or re-published inspections, new factories, findings,
actions or evacuations) or ``MAP_CACHE_SECONDS`` pass (status changes of existing actions).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app

from factorysafe.actions.models import CorrectiveAction
from factorysafe.actions.queries import count_rows, summarise
from factorysafe.actions.rules import CapStatus
from factorysafe.audit import AuditEvent
from factorysafe.db import db
from factorysafe.factories.models import Evacuation, Factory
from factorysafe.inspections.models import Discipline, Finding, Inspection, InspectionState
from factorysafe.maps import geo
from factorysafe.policy import PUBLIC_STATES
from factorysafe.state import state

DISCIPLINES = [d.value for d in Discipline]
STATUSES = [s.value for s in CapStatus]
PUBLISHED = InspectionState.PUBLISHED


@dataclass
class PublicData:
    key: str  # fingerprint of the content shown on the map
    today: dt.date
    factories: list[dict]  # sorted by name
    by_id: dict[int, dict] = field(default_factory=dict)
    built_at: float = 0.0
    build_seconds: float = 0.0


def _change_marker() -> tuple:
    """Cheap to compute (primary-key maxima, small tables): moves when something public may have changed."""
    i, f, fn, ca, ev = Inspection, Factory, Finding, CorrectiveAction, Evacuation
    q = sa.select(
        sa.select(sa.func.max(f.id)).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(f.version), 0)).scalar_subquery(),
        sa.select(sa.func.count(i.id)).scalar_subquery(),
        sa.select(sa.func.coalesce(sa.func.sum(i.version), 0)).scalar_subquery(),
        sa.select(sa.func.max(fn.id)).scalar_subquery(),
        sa.select(sa.func.max(ca.id)).scalar_subquery(),
        sa.select(sa.func.count(ev.id)).scalar_subquery(),
        sa.select(sa.func.count(ev.resumed_on)).scalar_subquery(),
        # every state change (a verified fix, an extension, an escalation...) writes an audit event
        sa.select(sa.func.max(AuditEvent.id)).scalar_subquery(),
    )
    return tuple(db.session.execute(q).one())


def public_data(today: dt.date) -> PublicData:
    """The cached public data set for ``today``.

    Rebuilt at once when the change marker moves (a publication, a new factory, finding or evacuation, any
    audited state change such as a verified fix). When only ``MAP_CACHE_SECONDS`` have passed, the current set is
    served while one background thread rebuilds it, so no visitor waits for the rebuild.
    """
    marker = (today, _change_marker())
    entry = _usable_cache(today, marker=marker)
    if entry is not None:
        return entry
    app_state = state()
    cache = app_state.map_data
    with app_state.map_lock:
        entry = _usable_cache(today, start_refresh=False, marker=marker)
        if entry is None:
            entry = build_public_data(today)
            cache["data"], cache["marker"] = entry, marker
        return entry


def public_factory(today: dt.date, factory_id: int) -> dict | None:
    """One public factory's row: from the cached set when usable, else computed alone (a few ms)."""
    entry = _usable_cache(today)
    if entry is None:
        entry = build_public_data(today, [factory_id])
    return entry.by_id.get(factory_id)


def _usable_cache(today: dt.date, start_refresh: bool = True, marker: tuple | None = None) -> PublicData | None:
    app = current_app._get_current_object()
    ttl = float(app.config["MAP_CACHE_SECONDS"])
    marker = marker or (today, _change_marker())
    app_state = state(app)
    cache = app_state.map_data
    entry: PublicData | None = cache.get("data")
    if entry is None or cache.get("marker") != marker:
        return None
    if time.monotonic() - entry.built_at < ttl:
        return entry
    if ttl <= 0:
        return None
    if start_refresh:
        with app_state.map_lock:
            start = not cache.get("refreshing")
            cache["refreshing"] = True
        if start:
            threading.Thread(target=_refresh, args=(app, today, marker), daemon=True).start()
    return entry


def _refresh(app, today: dt.date, marker) -> None:
    app_state = state(app)
    cache = app_state.map_data
    try:
        with app.app_context():
            entry = build_public_data(today)
            db.session.remove()
        with app_state.map_lock:
            if cache.get("marker") == marker:
                cache["data"] = entry
    except Exception:  # noqa: BLE001 - keep serving the previous set; the next request tries again
        app.logger.exception("Refreshing the public map data failed")
    finally:
        cache["refreshing"] = False


def invalidate() -> None:
    state().map_data.clear()


status_cols = [Factory.cap_agreed_on, Factory.ineligible_since, Factory.requalify_on]  # not public: status only
cols = [Factory.id, Factory.name, Factory.address, Factory.division, Factory.district, Factory.upazila,
        Factory.latitude, Factory.longitude, Factory.storeys, Factory.shared_building, Factory.workers,
        Factory.brands_count, Factory.safety_committee_trained, Factory.safety_committee_trained_on]


def build_public_data(today: dt.date, factory_ids: list[int] | None = None) -> PublicData:
    """The public data set of all factories, or of only ``factory_ids`` (same queries, restricted).

    Four queries, grouped in the database where it counts and read as plain tuples (no ORM objects): published
    inspections per factory, the factories' fields, action counts per factory, discipline and origin
    (``actions.queries.count_rows``, what ``factory_summaries`` uses too) and the evacuations in force; then one
    pass in Python over the grouped counts and the pure rules (``actions.queries.summarise``, shared with
    ``factory_summaries``), then one over the factories.
    """
    started = time.perf_counter()
    data = _build(today, factory_ids)
    data.built_at = time.monotonic()
    data.build_seconds = time.perf_counter() - started
    return data


def _build(today: dt.date, factory_ids: list[int] | None) -> PublicData:
    conn = db.session.connection()
    insp = (
        sa.select(Inspection.factory_id, sa.func.count(Inspection.id), sa.func.max(Inspection.inspected_on))
        .where(Inspection.state == PUBLISHED)
        .group_by(Inspection.factory_id)
    )
    fstmt = sa.select(*cols, *status_cols).order_by(Factory.name, Factory.id)
    if factory_ids is not None:
        insp = insp.where(Inspection.factory_id.in_(factory_ids))
        fstmt = fstmt.where(Factory.id.in_(factory_ids))
    published = {fid: (n, last) for fid, n, last in conn.execute(insp)}
    keys = [c.key for c in cols]
    width = len(keys)
    rows, status_inputs = [], {}
    for t in conn.execute(fstmt):
        if t[0] in published:
            rows.append(dict(zip(keys, t[:width])))
            status_inputs[t[0]] = tuple(t[width:])
    summaries = summarise(today, count_rows(today, factory_ids, states=PUBLIC_STATES, with_danger=True),
                          status_inputs)
    evacuations = _evacuations_in_force(factory_ids)
    boundary = geo.join_districts(rows)
    for r in rows:
        fid = r["id"]
        summary = summaries[fid]
        r["cap_status"] = summary["cap_status"]
        r["progress"] = {k: _rounded(v) for k, v in summary["progress"].items()}
        r["open"] = summary["open_by_discipline"]
        r["overdue"] = summary["overdue_by_discipline"]
        r["open_total"] = summary["open"]
        r["overdue_total"] = summary["overdue"]
        r["new_findings"] = summary["new_findings"]
        r["evacuation"] = evacuations.get(fid)
        r["immediate_danger"] = bool(summary["immediate_danger_open"]) or r["evacuation"] is not None
        r["published_inspections"], r["last_inspected_on"] = published[fid]
        r["boundary_district"] = boundary.get(fid)
    return PublicData(key=_content_key(rows), today=today, factories=rows, by_id={r["id"]: r for r in rows})


def _content_key(rows: list[dict]) -> str:
    """Fingerprint of what the map shows: an unchanged set keeps its rendered map after a refresh."""
    digest = hashlib.sha1()
    for r in rows:
        digest.update(repr((r["id"], r["name"], r["latitude"], r["longitude"], r["district"], r["boundary_district"],
                            r["cap_status"].value, r["open"], r["overdue"], r["immediate_danger"],
                            r["evacuation"])).encode())
    return digest.hexdigest()[:20]


def _rounded(rate: float | None) -> float | None:
    return round(rate, 4) if rate is not None else None


def public_evacuation_filter():
    """Evacuations the public may see: ordered without a finding, or for a finding of a published inspection."""
    # Correlated per evacuation (a few rows), not an IN list of every published finding id.
    published_finding = (
        sa.select(Finding.id).join(Inspection, Inspection.id == Finding.inspection_id)
        .where(Finding.id == Evacuation.finding_id, Inspection.state == PUBLISHED)
    )
    return sa.or_(Evacuation.finding_id.is_(None), published_finding.exists())


def _evacuations_in_force(factory_ids=None) -> dict[int, dict]:
    stmt = (
        sa.select(Evacuation.factory_id, Evacuation.ordered_on, Evacuation.floors, Evacuation.workers_affected)
        .where(Evacuation.resumed_on.is_(None), public_evacuation_filter())
        .order_by(Evacuation.ordered_on)
    )
    if factory_ids is not None:
        stmt = stmt.where(Evacuation.factory_id.in_(factory_ids))
    return {fid: {"ordered_on": on, "floors": floors, "workers_affected": workers}
            for fid, on, floors, workers in db.session.connection().execute(stmt)}


# --- filtering, shared by the API and the map's server-side links --------------------------------------
def filter_factories(rows: list[dict], *, district: str = "", cap_status: str = "", discipline: str = "",
                     q: str = "", danger: bool = False) -> list[dict]:
    """Factories matching every given filter. ``district`` is the registered district; ``discipline`` keeps
    factories with overdue actions in that discipline."""
    q = q.strip().casefold()
    district = district.strip().casefold()
    out = []
    for r in rows:
        if district and r["district"].casefold() != district:
            continue
        if cap_status and r["cap_status"].value != cap_status:
            continue
        if discipline and not r["overdue"].get(discipline):
            continue
        if danger and not r["immediate_danger"]:
            continue
        if q and q not in r["name"].casefold():
            continue
        out.append(r)
    return out



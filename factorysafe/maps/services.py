"""The public data set: what the map, factory pages, exports and API may show, and nothing more.

Only factories with at least one PUBLISHED inspection are public, and only findings of published
inspections count. No names or emails of people, no private photos, no draft or submitted data.

Every number comes from the status read model (``factories.status``, table ``factory_status``, audience
``public``), kept in the transaction of each change. The data set is read from it in one query and kept per app
(``app.extensions["factorysafe"].map_data``) for the day; each request then reads only the rows written since
(one indexed query on ``changed_at``) and patches its copy. On a new day, rows whose ``valid_until`` has passed
are recomputed first, for those factories only.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import time
from dataclasses import dataclass, field, replace

from factorysafe.actions.rules import CapStatus, HeadlineStatus, headline_status
from factorysafe.db import utcnow
from factorysafe.factories import rules, status
from factorysafe.factories.models import STATUS_DISCIPLINES
from factorysafe.inspections.models import Discipline
from factorysafe.maps import geo
from factorysafe.policy import PUBLIC_STATES
from factorysafe.state import state

DISCIPLINES = [d.value for d in Discipline]
assert tuple(DISCIPLINES) == STATUS_DISCIPLINES
STATUSES = [s.value for s in CapStatus]
HEADLINE_STATUSES = [s.value for s in HeadlineStatus]  # what markers, badges and the API's ``status`` show
#: Each request reads the rows written since this long before the previous read: a transaction that wrote its
#: rows (``changed_at``, just before its commit) before that read but committed after it is not missed.
OVERLAP = dt.timedelta(seconds=10)
_MASK = (1 << 64) - 1


@dataclass
class PublicData:
    key: str  # fingerprint of the content (the same content gives the same key in every process)
    today: dt.date
    factories: list[dict]  # sorted by name
    by_id: dict[int, dict] = field(default_factory=dict)
    built_at: float = 0.0
    build_seconds: float = 0.0
    last_change: dt.datetime | None = None  # newest ``changed_at`` read
    read_at: dt.datetime | None = None  # wall-clock time (UTC) just before the last read of the table
    digests: dict[int, int] = field(default_factory=dict)  # per-row fingerprints, summed into ``key``
    #: per-factory parts of the map's markers payload, made when first asked for and kept while the row is
    #: unchanged (``maps.render.markers_json``): a change re-encodes only the changed factories' markers
    markers: dict[int, tuple[str, str]] = field(default_factory=dict)


def public_data(today: dt.date) -> PublicData:
    """The public data set for ``today``: this app's copy, patched with the rows written since it was read."""
    app_state = state()
    memo = app_state.map_data
    data: PublicData | None = memo.get("data")
    if data is None:
        with app_state.map_lock:
            data = memo.get("data")
            if data is None:
                data = memo["data"] = build_public_data(today)
        return data
    if data.today != today:
        # A new day: the rows whose time has passed are recomputed (for those factories only, their changed_at
        # moves), and this copy is patched with them like any other change: no full rebuild at midnight.
        with app_state.map_lock:
            data = memo["data"]
            if data.today != today:
                status.refresh_expired(today)
                data = memo["data"] = replace(data, today=today)
    since, data.read_at = data.read_at - OVERLAP, utcnow()
    rows = status.read(changed_after=since)
    if rows:
        with app_state.map_lock:
            data = memo["data"] = _patched(memo["data"], rows)
    return data


def public_factory(today: dt.date, factory_id: int) -> dict | None:
    """One public factory's row: from this app's data set when it is today's, else read alone."""
    data = state().map_data.get("data")
    if data is not None and data.today == today:
        return public_data(today).by_id.get(factory_id)
    return build_public_data(today, [factory_id]).by_id.get(factory_id)


def invalidate() -> None:
    state().map_data.clear()


def build_public_data(today: dt.date, factory_ids: list[int] | None = None) -> PublicData:
    """The public data set of all factories, or of only ``factory_ids``, read from the status read model.

    Rows whose time has passed (``valid_until``) are recomputed first for those factories only
    (``status.refresh_expired``), then one query reads the rows with the factories' public columns.
    """
    started = time.perf_counter()
    status.refresh_expired(today, factory_ids)
    data = _build(today, factory_ids)
    data.built_at = time.monotonic()
    data.build_seconds = time.perf_counter() - started
    return data


def _build(today: dt.date, factory_ids: list[int] | None) -> PublicData:
    read_at = utcnow()
    rows = status.read(factory_ids)
    last = max((r.changed_at for r in rows), default=None)
    out = _rows([r for r in rows if r.published_inspections > 0])
    out.sort(key=_order)
    digests = {r["id"]: _digest(r) for r in out}
    return PublicData(key=_key(digests), today=today, factories=out, by_id={r["id"]: r for r in out},
                      last_change=last, read_at=read_at, digests=digests)


def _patched(data: PublicData, rows) -> PublicData:
    """``data`` with these rows applied (a new object when anything changed: readers keep their copy)."""
    last = max([data.last_change or dt.datetime.min, *(r.changed_at for r in rows)])
    fresh = {r["id"]: r for r in _rows([r for r in rows if r.published_inspections > 0])}
    gone = {r.id for r in rows if r.published_inspections == 0 and r.id in data.by_id}
    changed = {fid: r for fid, r in fresh.items() if data.digests.get(fid) != _digest(r)}
    if not changed and not gone:
        data.last_change = last
        return data
    by_id = {fid: r for fid, r in data.by_id.items() if fid not in gone}
    by_id.update(changed)
    digests = {fid: d for fid, d in data.digests.items() if fid not in gone}
    digests.update({fid: _digest(r) for fid, r in changed.items()})
    factories = sorted(by_id.values(), key=_order)
    markers = {fid: m for fid, m in data.markers.items() if fid in by_id and fid not in changed}
    return PublicData(key=_key(digests), today=data.today, factories=factories, by_id=by_id,
                      built_at=time.monotonic(), build_seconds=data.build_seconds, last_change=last,
                      read_at=data.read_at, digests=digests, markers=markers)


def _order(r: dict):
    return (r["name"], r["id"])


def _rows(rows) -> list[dict]:
    keys = [c.key for c in status.PUBLIC_COLUMNS]
    out = []
    fields = None
    for t in rows:
        fields = fields or t._fields
        m = dict(zip(fields, t))  # cheaper than Row._mapping, 20,000 times on a cold read
        r = {k: m[k] for k in keys}
        evac = ({"ordered_on": m["evacuation_since"], "floors": m["evacuation_floors"],
                 "workers_affected": m["evacuation_workers"]} if m["evacuation_in_force"] else None)
        progress = {d: _rounded(m[f"{d}_progress"]) for d in DISCIPLINES}
        progress["overall"] = _rounded(m["progress"])
        r.update(
            cap_status=CapStatus(m["cap_status"]), progress=progress,
            open={d: m[f"{d}_open"] for d in DISCIPLINES}, overdue={d: m[f"{d}_overdue_all"] for d in DISCIPLINES},
            open_total=m["open"], overdue_total=m["overdue"],
            new_findings={"total": m["new_total"], "corrected": m["new_corrected"], "pending": m["new_pending"],
                          "overdue": m["new_overdue"]},
            evacuation=evac, immediate_danger=bool(m["immediate_danger_open"]) or evac is not None,
            published_inspections=m["published_inspections"], last_inspected_on=m["last_published_on"],
        )
        r["headline_status"] = headline_status(r["cap_status"], overdue=m["overdue"],
                                               immediate_danger_open=m["immediate_danger_open"],
                                               evacuation_in_force=evac is not None)
        out.append(r)
    boundary = geo.join_districts(out)
    for r in out:
        r["boundary_district"] = boundary.get(r["id"])
    return out


def _digest(r: dict) -> int:
    """A row's fingerprint, the same in every process for the same content (rows are built by one code path, so
    their keys come in the same order; pickle writes ints, strings, dates and enums the same way each time)."""
    return int.from_bytes(hashlib.blake2b(pickle.dumps(r, 5), digest_size=8).digest(), "big")


def _key(digests: dict[int, int]) -> str:
    return f"{len(digests)}-{sum(digests.values()) & _MASK:016x}"


def _rounded(rate: float | None) -> float | None:
    return round(rate, 4) if rate is not None else None


def public_evacuation_filter():
    """Evacuations the public may see: ordered without a finding, or for a finding of a published inspection."""
    return status.evacuation_filter(PUBLIC_STATES)


# --- filtering, shared by the API and the map's server-side links --------------------------------------
def filter_factories(rows: list[dict], *, district: str = "", cap_status: str = "", discipline: str = "",
                     q: str = "", danger: bool = False, status: str = "") -> list[dict]:
    """Factories matching every given filter. ``district`` is the registered district; ``discipline`` keeps
    factories with overdue actions in that discipline; ``status`` is the headline status they show; ``q`` finds
    factories as ``factories.queries.search`` does (``factories.rules``: name in Latin or Bangla, address,
    upazila, district or registration number, forgiving of spelling)."""
    q = rules.normalise(q)
    district = district.strip().casefold()
    out = []
    for r in rows:
        if district and r["district"].casefold() != district:
            continue
        if cap_status and r["cap_status"].value != cap_status:
            continue
        if status and r["headline_status"].value != status:
            continue
        if discipline and not r["overdue"].get(discipline):
            continue
        if danger and not r["immediate_danger"]:
            continue
        out.append(r)
    if q:
        out = [r for r, found in zip(out, rules.finds(q, [r["search_text"] for r in out])) if found]
    return out



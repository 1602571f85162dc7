"""The read model of factory status (table ``factory_status``, model ``factories.models.FactoryStatus``).

One row per factory and audience (public, owner, all) with what ``actions.queries.summarise`` computes from
``count_rows`` under that audience's ``policy`` states: per-discipline counts and progress, CAP status, open
and overdue actions, immediate danger, evacuation in force, published inspections. Nothing here re-writes a
rule: every number comes from ``actions.queries`` / ``actions.rules``.

How it is kept:

- **services** (this module's ``refresh``): every change to a factory's data is noticed in its own transaction,
  through ``audit.record`` (:func:`mark_dirty`) and, for ORM writes that bypass the services (fixtures,
  scripts), an ``after_flush`` listener on ``db.session`` that collects the factory of each new, changed or
  deleted row. A ``before_commit`` listener recomputes *those factories only* and upserts their rows, so a
  change and its read model commit together; after the commit, their cached pages are forgotten
  (``cache.forget_factory``).
- **validity**: ``valid_until`` is the first day the stored numbers may change by the passing of time alone
  (the day after the next open deadline, an ineligibility or requalification date). Readers call
  :func:`refresh_expired`, which recomputes the rows with ``valid_until <= today`` (or computed for a later
  day) for those factories only, in one grouped query for all of them.
- **queries** (:func:`public_rows`, :func:`changed_since`): read the table, joined to the factories' public
  columns, in one query.
- ``flask --app factorysafe status rebuild`` recomputes every row (after bulk loads such as ``seed-demo``).
"""
from __future__ import annotations

import datetime as dt
from itertools import chain

import sqlalchemy as sa
from flask import current_app, has_app_context

from factorysafe import audit, policy
from factorysafe.actions.models import ActionStatus, CorrectiveAction, DeadlineExtension
from factorysafe.actions.queries import count_rows, status_inputs, summarise
from factorysafe.db import db, utcnow
from factorysafe.factories.models import (
    AUDIENCES, STATUS_DISCIPLINES, Escalation, Evacuation, Factory, FactoryStatus, factory_status,
)
from factorysafe.inspections.models import Finding, Inspection, Photo
from factorysafe.policy import ALL_STATES, OWNER_STATES, PUBLIC_STATES

AUDIENCE_STATES = {"public": PUBLIC_STATES, "owner": OWNER_STATES, "all": ALL_STATES}
assert tuple(AUDIENCE_STATES) == AUDIENCES

_DIRTY = "factorysafe.status.dirty"  # factory ids changed in this transaction (session.info)
_CHANGED = "factorysafe.status.changed"  # factory ids whose rows this transaction rewrote
BATCH = 2000  # factories per grouped query when many are recomputed


# --- services: compute and store ---------------------------------------------------------------------
def _published(ids) -> dict[int, tuple[int, dt.date | None]]:
    stmt = (sa.select(Inspection.factory_id, sa.func.count(Inspection.id), sa.func.max(Inspection.inspected_on))
            .where(policy.public_sql(), Inspection.factory_id.in_(ids))
            .group_by(Inspection.factory_id))
    return {fid: (n, last) for fid, n, last in db.session.connection().execute(stmt)}


def evacuation_filter(states):
    """Evacuations an audience reading inspections in ``states`` may see: ordered without a finding, or for a
    finding of an inspection in those states (correlated per evacuation: a few rows)."""
    if set(states) == set(ALL_STATES):
        return sa.true()
    visible = (sa.select(Finding.id).join(Inspection, Inspection.id == Finding.inspection_id)
               .where(Finding.id == Evacuation.finding_id, Inspection.state.in_(list(states))))
    return sa.or_(Evacuation.finding_id.is_(None), visible.exists())


def _evacuations(ids, states) -> dict[int, tuple]:
    stmt = (sa.select(Evacuation.factory_id, Evacuation.ordered_on, Evacuation.floors, Evacuation.workers_affected)
            .where(Evacuation.resumed_on.is_(None), Evacuation.factory_id.in_(ids), evacuation_filter(states))
            .order_by(Evacuation.ordered_on, Evacuation.id))
    # the latest order in force
    return {fid: (on, floors, workers) for fid, on, floors, workers in db.session.connection().execute(stmt)}


def _next_deadlines(today: dt.date, ids) -> dict[int, dt.date]:
    """The nearest deadline not yet passed of an action not verified, per factory: the day after it, the action
    counts as overdue (``actions.queries.is_overdue_sql``)."""
    ca = CorrectiveAction
    stmt = (sa.select(ca.factory_id, sa.func.min(ca.deadline))
            .where(ca.status != ActionStatus.CORRECTED, ca.deadline >= today, ca.factory_id.in_(ids))
            .group_by(ca.factory_id))
    return dict(db.session.connection().execute(stmt).all())


def valid_until(today: dt.date, next_deadline: dt.date | None, ineligible_since: dt.date | None,
                requalify_on: dt.date | None) -> dt.date | None:
    """The first day after ``today`` the numbers may change with no write: an open deadline passing, an
    ineligibility starting or a requalification date arriving (``rules.cap_status`` reads those)."""
    days = [d for d in (ineligible_since, requalify_on) if d is not None and d > today]
    if next_deadline is not None:
        days.append(next_deadline + dt.timedelta(days=1))
    return min(days) if days else None


def compute(today: dt.date, factory_ids) -> list[dict]:
    """The rows of these factories for every audience, as plain dicts for ``factory_status``."""
    inputs = status_inputs(list(factory_ids))
    ids = sorted(inputs)
    if not ids:
        return []
    published = _published(ids)
    deadlines = _next_deadlines(today, ids)
    now = utcnow()
    out = []
    for audience, states in AUDIENCE_STATES.items():
        summaries = summarise(today, count_rows(today, ids, states=states, with_danger=True), inputs)
        evacuations = _evacuations(ids, states)
        for fid in ids:
            s = summaries[fid]
            n_published, last = published.get(fid, (0, None))
            evac = evacuations.get(fid)
            _agreed, inel, requal = inputs[fid]
            row = {
                "factory_id": fid, "audience": audience, "cap_status": s["cap_status"].value,
                "progress": s["progress"]["overall"], "initial_total": s["counts"].initial_total,
                "initial_corrected": s["counts"].initial_corrected,
                "initial_pending": sum(v["pending"] for v in s["by_discipline"].values() if v),
                "open": s["open"], "overdue": s["overdue"],
                "new_total": s["new_findings"]["total"], "new_corrected": s["new_findings"]["corrected"],
                "new_pending": s["new_findings"]["pending"], "new_overdue": s["new_findings"]["overdue"],
                "immediate_danger_open": s["immediate_danger_open"], "evacuation_in_force": evac is not None,
                "evacuation_since": evac[0] if evac else None, "evacuation_floors": evac[1] if evac else None,
                "evacuation_workers": evac[2] if evac else None,
                "published_inspections": n_published, "last_published_on": last, "computed_on": today,
                "valid_until": valid_until(today, deadlines.get(fid), inel, requal), "changed_at": now,
            }
            for d in STATUS_DISCIPLINES:
                v = s["by_discipline"][d] or {}
                row[f"{d}_total"], row[f"{d}_corrected"] = v.get("total"), v.get("corrected")
                row[f"{d}_pending"], row[f"{d}_overdue"] = v.get("pending"), v.get("overdue")
                row[f"{d}_progress"] = s["progress"][d]
                row[f"{d}_open"] = s["open_by_discipline"][d]
                row[f"{d}_overdue_all"] = s["overdue_by_discipline"][d]
            out.append(row)
    return out


def _upsert(rows: list[dict]) -> None:
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app supports SQLite and PostgreSQL
        raise RuntimeError(f"no upsert for {dialect}")
    t = factory_status
    keys = {"factory_id", "audience"}
    stmt = insert(t)
    stmt = stmt.on_conflict_do_update(index_elements=[t.c.factory_id, t.c.audience],
                                      set_={c.name: stmt.excluded[c.name] for c in t.columns if c.name not in keys})
    db.session.execute(stmt, rows)  # executemany: one statement, compiled once (and cached)


def refresh(today: dt.date, factory_ids) -> list[int]:
    """Recompute and store the rows of these factories (all audiences); returns the ids written."""
    ids = sorted(set(factory_ids))
    written = []
    for i in range(0, len(ids), BATCH):
        rows = compute(today, ids[i:i + BATCH])
        _upsert(rows)
        written.extend(sorted({r["factory_id"] for r in rows}))
    if written:
        db.session.info.setdefault(_CHANGED, set()).update(written)
    return written


def rebuild(today: dt.date) -> int:
    """Recompute every factory's rows (after bulk loads); returns how many factories."""
    ids = db.session.scalars(sa.select(Factory.id).order_by(Factory.id)).all()
    db.session.execute(factory_status.delete().where(factory_status.c.factory_id.not_in(
        sa.select(Factory.id))))
    return len(refresh(today, ids))


def stale_ids(today: dt.date, factory_ids=None) -> list[int]:
    """Factories whose rows passed their ``valid_until`` (or were computed for a later day), or have none
    (written by bulk inserts that bypass the hook)."""
    t = factory_status
    expired = sa.select(t.c.factory_id).where(sa.or_(t.c.valid_until <= today, t.c.computed_on > today)).distinct()
    missing = sa.select(Factory.id).where(~sa.exists().where(t.c.factory_id == Factory.id))
    if factory_ids is not None:
        expired = expired.where(t.c.factory_id.in_(list(factory_ids)))
        missing = missing.where(Factory.id.in_(list(factory_ids)))
    return sorted(set(db.session.scalars(expired)) | set(db.session.scalars(missing)))


def refresh_expired(today: dt.date, factory_ids=None) -> list[int]:
    """Recompute (and commit) the rows whose time has passed, for those factories only."""
    ids = stale_ids(today, factory_ids)
    if ids:
        refresh(today, ids)
        db.session.commit()
    return ids


# --- the hook: mark in the transaction, recompute before its commit -------------------------------
@audit.on_factory_change
def mark_dirty(factory_id: int | None) -> None:
    """Called by ``audit.record``: this factory's rows are recomputed before the transaction commits."""
    if factory_id is not None:
        db.session.info.setdefault(_DIRTY, set()).add(factory_id)


def _factory_of(session, obj) -> int | None:
    if isinstance(obj, Factory):
        return obj.id
    if isinstance(obj, (Inspection, Finding, CorrectiveAction, Evacuation, Escalation)):
        return obj.factory_id
    if isinstance(obj, DeadlineExtension):
        action = obj.action if "action" in obj.__dict__ else session.get(CorrectiveAction, obj.action_id)
        return action.factory_id if action is not None else None
    if isinstance(obj, Photo) and obj.finding_id is not None:
        finding = session.get(Finding, obj.finding_id)
        return finding.factory_id if finding is not None else None
    return None


# Attached to ``db.session`` only (as ``uploads.py`` does): SQLAlchemy resolves the scoped_session to its
# sessionmaker's own Session subclass, so other Sessions in the process never run these.
@sa.event.listens_for(db.session, "after_flush")
def _collect(session, _flush_context) -> None:
    dirty = None
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, FactoryStatus):
            continue
        fid = _factory_of(session, obj)
        if fid is not None:
            if dirty is None:
                dirty = session.info.setdefault(_DIRTY, set())
            dirty.add(fid)


@sa.event.listens_for(db.session, "before_commit")
def _refresh_before_commit(session) -> None:
    if not has_app_context():
        return
    session.flush()  # the last changes (the commit would flush them next), and the factories they touch
    ids = session.info.pop(_DIRTY, None)
    if not ids:
        return
    from factorysafe.web import today

    refresh(today(), ids)


@sa.event.listens_for(db.session, "after_commit")
def _forget_after_commit(session) -> None:
    changed = session.info.pop(_CHANGED, None)
    if not changed or not has_app_context():
        return
    from factorysafe.cache import forget_factory

    try:
        for fid in changed:
            forget_factory(fid)
    except Exception:  # noqa: BLE001 - the commit stands; cached pages also expire by CACHE_SECONDS
        current_app.logger.exception("could not forget cached pages of changed factories")


@sa.event.listens_for(db.session, "after_transaction_end")
def _clear_after_rollback(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_DIRTY, None)
        session.info.pop(_CHANGED, None)


# --- queries -----------------------------------------------------------------------------------------
PUBLIC_COLUMNS = [Factory.id, Factory.name, Factory.name_bn, Factory.registration_no, Factory.search_text,
                  Factory.address, Factory.division, Factory.district, Factory.upazila,
                  Factory.latitude, Factory.longitude, Factory.storeys, Factory.shared_building, Factory.workers,
                  Factory.brands_count, Factory.safety_committee_trained, Factory.safety_committee_trained_on]


def rows_stmt(audience: str = "public"):
    """The factories' public columns with their status row of ``audience``, one query."""
    t = factory_status
    return (sa.select(*PUBLIC_COLUMNS, t).join(t, t.c.factory_id == Factory.id)
            .where(t.c.audience == audience))


def read(factory_ids=None, audience: str = "public", changed_after: dt.datetime | None = None) -> list:
    """Rows of ``rows_stmt`` (all factories, or ``factory_ids``, or those changed after a time)."""
    stmt = rows_stmt(audience)
    if factory_ids is not None:
        stmt = stmt.where(Factory.id.in_(list(factory_ids)))
    if changed_after is not None:
        stmt = stmt.where(factory_status.c.changed_at > changed_after)
    return db.session.connection().execute(stmt).all()


def last_change() -> dt.datetime | None:
    """When a row was last written (an index lookup)."""
    return db.session.scalar(sa.select(sa.func.max(factory_status.c.changed_at)))


def summary(row) -> dict:
    """A stored row in the shape of ``actions.queries.summarise``'s summaries (for comparison and readers)."""
    m = row._mapping if hasattr(row, "_mapping") else row
    by_d = {d: (None if m[f"{d}_total"] is None else
                {"total": m[f"{d}_total"], "corrected": m[f"{d}_corrected"], "pending": m[f"{d}_pending"],
                 "overdue": m[f"{d}_overdue"]}) for d in STATUS_DISCIPLINES}
    progress = {d: m[f"{d}_progress"] for d in STATUS_DISCIPLINES}
    progress["overall"] = m["progress"]
    return {
        "cap_status": m["cap_status"], "progress": progress, "by_discipline": by_d,
        "new_findings": {"total": m["new_total"], "corrected": m["new_corrected"], "pending": m["new_pending"],
                         "overdue": m["new_overdue"]},
        "open": m["open"], "overdue": m["overdue"],
        "open_by_discipline": {d: m[f"{d}_open"] for d in STATUS_DISCIPLINES},
        "overdue_by_discipline": {d: m[f"{d}_overdue_all"] for d in STATUS_DISCIPLINES},
        "immediate_danger_open": m["immediate_danger_open"],
    }

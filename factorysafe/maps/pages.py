"""What a public factory page shows, gathered in a handful of queries (published data only)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from factorysafe import policy
from factorysafe.actions.models import ActionStatus, CorrectiveAction, DeadlineExtension
from factorysafe.actions.rules import deadline_state
from factorysafe.db import db
from factorysafe.factories.models import Evacuation
from factorysafe.inspections.models import Discipline, Finding, FindingOrigin, Inspection, Photo
from factorysafe.maps import services


def published_inspections(factory_id: int) -> list[Inspection]:
    return list(db.session.scalars(
        sa.select(Inspection)
        .where(Inspection.factory_id == factory_id, policy.public_sql())
        .order_by(Inspection.inspected_on, Inspection.id)
    ))


def public_evacuations(factory_id: int) -> list[Evacuation]:
    return list(db.session.scalars(
        sa.select(Evacuation)
        .where(Evacuation.factory_id == factory_id, services.public_evacuation_filter())
        .order_by(Evacuation.ordered_on.desc())
    ))


def finding_rows(inspection_ids: list[int], today: dt.date) -> list[dict]:
    """Public fields of the findings of these (published) inspections, with action and extension history."""
    if not inspection_ids:
        return []
    f, ca = Finding, CorrectiveAction
    stmt = (
        sa.select(f.id, f.inspection_id, f.discipline, f.item_number, f.hazard_code, f.floor, f.area, f.observation,
                  f.recommendation, f.severity, f.immediate_danger, f.origin, ca.id.label("action_id"), ca.deadline,
                  ca.original_deadline, ca.status, ca.reported_fixed_on, ca.verified_on)
        .join(ca, ca.finding_id == f.id)
        .where(f.inspection_id.in_(inspection_ids))
        .order_by(f.id)
    )
    rows = [dict(r._mapping) for r in db.session.execute(stmt)]
    action_ids = [r["action_id"] for r in rows]
    extensions: dict[int, list[dict]] = {}
    if action_ids:
        x = DeadlineExtension
        for e in db.session.execute(
            sa.select(x.action_id, x.requested_at, x.reason, x.previous_deadline, x.requested_deadline, x.status,
                      x.decided_at).where(x.action_id.in_(action_ids)).order_by(x.requested_at)
        ):
            extensions.setdefault(e.action_id, []).append(dict(e._mapping))
    for r in rows:
        r["extensions"] = extensions.get(r["action_id"], [])
        r["state"] = deadline_state(r["status"], r["deadline"], today)
        r["new"] = r["origin"] == FindingOrigin.NEW
    return rows


def public_photos(finding_ids: list[int]) -> dict[int, list[dict]]:
    """{inspection id: photos}: the non-private photos of these findings, if their inspection is published."""
    if not finding_ids:
        return {}
    # Two primary-key lookups rather than one join: SQLite would otherwise walk every published inspection.
    owner = dict(db.session.execute(sa.select(Finding.id, Finding.inspection_id).where(Finding.id.in_(finding_ids))).all())
    public = set(db.session.scalars(sa.select(Inspection.id).where(
        Inspection.id.in_(set(owner.values())), policy.public_sql())))
    published = {fid: iid for fid, iid in owner.items() if iid in public}
    stmt = (
        sa.select(Photo.finding_id, Photo.id, Photo.caption)
        .where(Photo.finding_id.in_(list(published)), Photo.private.is_(False))
        .order_by(Photo.id)
    )
    out: dict[int, list] = {}
    for finding_id, pid, caption in db.session.execute(stmt):
        out.setdefault(published[finding_id], []).append({"id": pid, "caption": caption})
    return out


def factory_context(factory_id: int, summary: dict, today: dt.date) -> dict:
    inspections = published_inspections(factory_id)
    findings = finding_rows([i.id for i in inspections], today)
    photos = public_photos([r["id"] for r in findings])
    by_discipline = {}
    for d in Discipline:
        items = [r for r in findings if r["discipline"] == d]
        if not items:
            continue
        by_discipline[d.value] = {
            "open": [r for r in items if r["status"] == ActionStatus.IN_PROGRESS],
            "reported": [r for r in items if r["status"] == ActionStatus.PENDING_VERIFICATION],
            "verified": [r for r in items if r["status"] == ActionStatus.CORRECTED],
            "total": len(items),
            "overdue": summary["overdue"].get(d.value, 0),
        }
    return {
        "inspections": inspections,
        "findings_count": len(findings),
        "by_discipline": by_discipline,
        "photos": photos,
        "evacuations": public_evacuations(factory_id),
        "reported_count": sum(len(v["reported"]) for v in by_discipline.values()),
        "verified_count": sum(len(v["verified"]) for v in by_discipline.values()),
    }

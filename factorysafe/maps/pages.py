"""What a public factory page shows, gathered in a handful of queries (published data only)."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from factorysafe import policy
from factorysafe.actions.models import ActionStatus, CorrectiveAction, DeadlineExtension
from factorysafe.actions.rules import deadline_state, urgency_key
from factorysafe.db import db
from factorysafe.factories.models import Evacuation
from factorysafe.hazards.registry import title as hazard_title
from factorysafe.i18n import format_day
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
    """{finding id: photos}: the non-private photos of these findings, if their inspection is published."""
    if not finding_ids:
        return {}
    # Two primary-key lookups rather than one join: SQLite would otherwise walk every published inspection.
    owner = dict(db.session.execute(sa.select(Finding.id, Finding.inspection_id).where(Finding.id.in_(finding_ids))).all())
    public = set(db.session.scalars(sa.select(Inspection.id).where(
        Inspection.id.in_(set(owner.values())), policy.public_sql())))
    published = [fid for fid, iid in owner.items() if iid in public]
    stmt = (
        sa.select(Photo.finding_id, Photo.id, Photo.caption)
        .where(Photo.finding_id.in_(published), Photo.private.is_(False))
        .order_by(Photo.id)
    )
    out: dict[int, list] = {}
    for finding_id, pid, caption in db.session.execute(stmt):
        out.setdefault(finding_id, []).append({"id": pid, "caption": caption})
    return out


def item_refs(findings: list[dict], inspections: list[Inspection], lang: str = "en") -> None:
    """Give each finding a reference unique on the page: its item number and its inspection's date
    ("F-1 · 2025-03-04", the date as ``i18n.format_day`` prints it in ``lang``), and the inspection's number too
    when two published inspections share a date."""
    dates = {i.id: i.inspected_on for i in inspections}
    same_day = {}
    for i in inspections:
        same_day.setdefault(i.inspected_on, []).append(i.id)
    for r in findings:
        day = dates[r["inspection_id"]]
        r["inspected_on"] = day
        ref = f"{r['item_number']} · {format_day(day, lang=lang)}"
        if len(same_day[day]) > 1:
            ref += f" #{r['inspection_id']}"
        r["ref"] = ref


def factory_context(factory_id: int, summary: dict, today: dt.date, lang: str = "en") -> dict:
    """What the worker-first factory page shows: what is overdue and dangerous now, open items by urgency
    (``rules.urgency_key``), then what the factory reported fixed and what engineers verified."""
    inspections = published_inspections(factory_id)
    findings = finding_rows([i.id for i in inspections], today)
    photos = public_photos([r["id"] for r in findings])
    item_refs(findings, inspections, lang)
    for r in findings:
        r["title"] = hazard_title(r["hazard_code"], lang)
        r["photos"] = photos.get(r["id"], [])

    def urgency(r):
        return urgency_key(r["state"], r["immediate_danger"], r["deadline"], r["id"])

    open_items = sorted((r for r in findings if r["status"] == ActionStatus.IN_PROGRESS), key=urgency)
    reported = sorted((r for r in findings if r["status"] == ActionStatus.PENDING_VERIFICATION), key=urgency)
    verified = sorted((r for r in findings if r["status"] == ActionStatus.CORRECTED),
                      key=lambda r: (r["verified_on"] or dt.date.min, r["id"]), reverse=True)
    not_done = sorted(open_items + reported, key=urgency)
    by_discipline = {}
    for d in Discipline:
        items = [r for r in findings if r["discipline"] == d]
        if items:
            by_discipline[d.value] = {"total": len(items), "overdue": summary["overdue"].get(d.value, 0)}
    return {
        "inspections": inspections,
        "findings_count": len(findings),
        "by_discipline": by_discipline,
        "overdue_items": [r for r in not_done if r["state"].is_overdue],
        "danger_items": [r for r in not_done if r["immediate_danger"] and not r["state"].is_overdue],
        "open_items": open_items,
        "reported_items": reported,
        "verified_items": verified,
        "evacuations": public_evacuations(factory_id),
        "reported_count": len(reported),
        "verified_count": len(verified),
    }

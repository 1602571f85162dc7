"""What goes into a report: who may see which version, and the report's data as plain values.

The data returned here is exactly what the templates print; its hash is the report's
fingerprint (see ``pdf.fingerprint``), so the cached PDF is rebuilt whenever, and only when,
something printed changes.

Access is decided by ``factorysafe.policy`` (the one home of access decisions):

- Inspection report: whoever may see the inspection (engineers every one, drafts with a banner;
  the factory's owners its submitted and published ones; everyone else published ones). Anything
  else is a 404, so the existence of unpublished work does not leak.
- CAP report: engineers and the factory's owners get the private version, with the actions of the
  inspections they may see (``policy.visible_states``: owners never see a draft's actions);
  everyone else gets the public version, built from published inspections only, once the factory is
  public (one of its inspections published); before that it is a 404, like the factory's public page.
- The public versions never contain photos marked private.
"""
from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.orm import selectinload

from factorysafe.actions.models import ActionStatus, CorrectiveAction
from factorysafe.actions.queries import factory_summaries
from factorysafe.actions.rules import is_overdue
from factorysafe import policy
from factorysafe.policy import PRIVATE
from factorysafe.db import db
from factorysafe.factories.models import Factory
from factorysafe.inspections.models import Discipline, Finding, FindingOrigin, Inspection, Severity
from factorysafe.labels import label
from factorysafe.reports import charts



# --- access ---------------------------------------------------------------------------------------
def inspection_audience(user, inspection: Inspection) -> str | None:
    """``"private"``, ``"public"``, or None when this user may not have the report at all."""
    return policy.report_audience(user, inspection.factory_id, inspection)


def cap_audience(user, factory: Factory) -> str | None:
    """``"private"``, ``"public"``, or None when the factory is not public and not the user's."""
    return policy.cap_report_audience(user, factory)


# --- hazard titles (the catalogue is optional) ----------------------------------------------------
def _hazard_title(code: str | None, lang: str) -> str:
    """Title of a hazard code from the hazard catalogue in ``lang``; a code not in it prints as itself."""
    from factorysafe.hazards import get as get_hazard

    entry = get_hazard(code) if code else None
    return entry.title(lang) if entry is not None else (code or "")


# --- inspection report ----------------------------------------------------------------------------
_DISCIPLINE_ORDER = {d: i for i, d in enumerate(Discipline)}
_SEVERITY_ORDER = list(Severity)


def _item_key(item_number: str):
    """Natural order of item numbers: F-2 before F-10."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", item_number or "")]


def _factory_data(factory: Factory) -> dict:
    return {
        "id": factory.id, "name": factory.name, "address": factory.address, "upazila": factory.upazila,
        "district": factory.district, "division": factory.division, "storeys": factory.storeys,
        "workers": factory.workers,
    }


def _photo_data(photo) -> dict:
    return {
        "id": photo.id, "sha256": photo.sha256, "caption": photo.caption,
        "taken_at": photo.taken_at.isoformat(timespec="minutes") if photo.taken_at else None,
        "private": photo.private, "width": photo.width, "height": photo.height,
    }


def inspection_content(inspection_id: int, audience: str, lang: str, people: bool = False) -> dict:
    """The inspection report's data; its labels are in ``lang`` (the report's language, not the session's).
    ``people`` (``policy.may_see_people`` of the reader): the team's names are printed; else only that the
    inspection was made by programme engineers. It is part of the data, hence of the cached PDF's fingerprint."""
    with force_locale(lang):
        return _inspection_content(inspection_id, audience, lang, people)


def _inspection_content(inspection_id: int, audience: str, lang: str, people: bool) -> dict:
    inspection = db.session.scalar(
        sa.select(Inspection).where(Inspection.id == inspection_id).options(
            selectinload(Inspection.engineers),
            selectinload(Inspection.findings).selectinload(Finding.photos),
            selectinload(Inspection.findings).selectinload(Finding.action),
        )
    )
    factory = inspection.factory
    findings = sorted(inspection.findings, key=lambda f: (_DISCIPLINE_ORDER[f.discipline], _item_key(f.item_number)))
    covered = inspection.discipline_list
    rows = []
    for d in covered + sorted({f.discipline for f in findings} - set(covered), key=_DISCIPLINE_ORDER.get):
        counts = {s.value: sum(1 for f in findings if f.discipline == d and f.severity == s) for s in _SEVERITY_ORDER}
        rows.append({"discipline": d.value, "label": label(d), "counts": counts, "total": sum(counts.values())})
    totals = {s.value: sum(r["counts"][s.value] for r in rows) for s in _SEVERITY_ORDER}
    out_findings = []
    for f in findings:
        photos = [p for p in f.photos if audience == PRIVATE or not p.private]
        action = f.action
        out_findings.append({
            "id": f.id, "version": f.version, "updated_at": f.updated_at.isoformat() if f.updated_at else None,
            "item_number": f.item_number, "discipline": f.discipline.value, "discipline_label": label(f.discipline),
            "hazard_code": f.hazard_code or "", "hazard_title": _hazard_title(f.hazard_code, lang),
            "floor": f.floor, "area": f.area, "observation": f.observation, "recommendation": f.recommendation,
            "severity": f.severity.value, "severity_label": label(f.severity),
            "immediate_danger": f.immediate_danger, "origin": f.origin.value,
            "deadline": action.deadline.isoformat() if action else None,
            "action_version": action.version if action else None,
            "photos": [_photo_data(p) for p in photos],
        })
    return {
        "kind": "inspection", "lang": lang, "audience": audience,
        "factory": _factory_data(factory),
        "inspection": {
            "id": inspection.id, "version": inspection.version, "type": inspection.type.value,
            "type_label": label(inspection.type), "state": inspection.state.value,
            "inspected_on": inspection.inspected_on.isoformat(), "summary": inspection.summary,
            "disciplines": [{"value": d.value, "label": label(d)} for d in covered],
            "published_at": inspection.published_at.isoformat() if inspection.published_at else None,
        },
        # Names only, and only for readers who may see people: e-mail addresses are never printed.
        "people": people,
        "team": sorted(u.name for u in inspection.engineers if u.name) if people else [],
        "summary_rows": rows, "summary_totals": totals, "summary_total": sum(totals.values()),
        "severities": [{"value": s.value, "label": label(s)} for s in _SEVERITY_ORDER],
        "findings": out_findings,
        "has_private_photos": any(p["private"] for f in out_findings for p in f["photos"]),
    }


# --- CAP report -----------------------------------------------------------------------------------
def cap_content(factory_id: int, audience: str, lang: str, today: dt.date, states=policy.PUBLIC_STATES) -> dict:
    """The CAP report's data from the actions of inspections in ``states`` (``policy.visible_states`` of
    the reader); its labels are in ``lang`` (the report's language, not the session's)."""
    with force_locale(lang):
        return _cap_content(factory_id, audience, lang, today, states)


def _cap_content(factory_id: int, audience: str, lang: str, today: dt.date, states) -> dict:
    factory = db.session.get(Factory, factory_id)
    stmt = (
        sa.select(CorrectiveAction, Finding, Inspection)
        .join(Finding, Finding.id == CorrectiveAction.finding_id)
        .join(Inspection, Inspection.id == Finding.inspection_id)
        .where(CorrectiveAction.factory_id == factory_id)
        .options(selectinload(CorrectiveAction.extensions))
        .order_by(Inspection.inspected_on, Inspection.id)
    )
    stmt = stmt.where(Inspection.state.in_(states))
    groups: dict[int, dict] = {}
    for action, finding, insp in db.session.execute(stmt):
        group = groups.setdefault(insp.id, {
            "inspection_id": insp.id, "inspected_on": insp.inspected_on.isoformat(), "type": insp.type.value,
            "type_label": label(insp.type), "state": insp.state.value, "actions": [],
        })
        group["actions"].append({
            "id": action.id, "version": action.version, "finding_version": finding.version,
            "item_number": finding.item_number, "discipline": finding.discipline.value,
            "discipline_label": label(finding.discipline), "origin": finding.origin.value,
            "hazard_code": finding.hazard_code or "", "hazard_title": _hazard_title(finding.hazard_code, lang),
            "severity": finding.severity.value, "severity_label": label(finding.severity),
            "status": action.status.value, "status_label": label(action.status),
            "deadline": action.deadline.isoformat(), "original_deadline": action.original_deadline.isoformat(),
            "overdue": is_overdue(action.status, action.deadline, today),
            "reported_fixed_on": action.reported_fixed_on.isoformat() if action.reported_fixed_on else None,
            "verified_on": action.verified_on.isoformat() if action.verified_on else None,
            "planned_action": action.planned_action,
            "extensions": [{
                "id": e.id, "requested_at": e.requested_at.date().isoformat(),
                "previous_deadline": e.previous_deadline.isoformat(),
                "requested_deadline": e.requested_deadline.isoformat(),
                "status": e.status.value, "status_label": label(e.status),
                "decided_at": e.decided_at.date().isoformat() if e.decided_at else None,
            } for e in action.extensions],
        })
    for group in groups.values():
        group["actions"].sort(key=lambda a: (_DISCIPLINE_ORDER[Discipline(a["discipline"])], _item_key(a["item_number"])))
    summary = factory_summaries(today, [factory_id], states=states)[factory_id]
    disciplines = []
    for d in Discipline:
        c = summary["by_discipline"].get(d.value) or {"total": 0, "corrected": 0, "pending": 0, "overdue": 0}
        disciplines.append({"discipline": d.value, "label": label(d), "rate": summary["progress"][d.value], **c})
    actions = [a for g in groups.values() for a in g["actions"]]
    return {
        "kind": "cap", "lang": lang, "audience": audience, "as_of": today.isoformat(),
        "factory": _factory_data(factory),
        "cap_status": summary["cap_status"].value, "cap_status_label": label(summary["cap_status"]),
        "progress_overall": summary["progress"]["overall"],
        "disciplines": disciplines,
        "new_findings": summary["new_findings"],
        "counts": {
            "total": len(actions),
            "corrected": sum(1 for a in actions if a["status"] == ActionStatus.CORRECTED),
            "pending": sum(1 for a in actions if a["status"] == ActionStatus.PENDING_VERIFICATION),
            "overdue": sum(1 for a in actions if a["overdue"]),
        },
        "groups": list(groups.values()),
        "new_origin": FindingOrigin.NEW.value,
        # progress over time (``reports.charts``): ends on ``progress_overall`` and the disciplines' rates above
        "history": charts.factory_history(factory_id, today, states),
    }

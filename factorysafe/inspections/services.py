"""Inspection operations: the only place that creates or changes inspections, findings and their photos.

Every function takes the domain object, plain values and ``by=`` (the acting user), checks the
rule, changes the objects and writes an audit event in the same transaction. The caller commits.

States: draft (editable by engineers) -> submitted (locked: every change is an *amendment* with a
reason, kept in the audit trail) -> published (public). Versions: callers pass the ``version`` the
user edited; a different current version raises :class:`EditConflict` (HTTP 409).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import flag_modified

from factorysafe import audit
from factorysafe.actions.models import CorrectiveAction
from factorysafe.errors import DomainError, require_version
from factorysafe.inspections import rules
from factorysafe.web import today
from factorysafe.db import db, utcnow
from factorysafe.inspections.models import (
    Discipline,
    Finding,
    FindingOrigin,
    Inspection,
    InspectionState,
    InspectionReview,
    InspectionType,
    Photo,
    ReviewDecision,
    Severity,
)

INSPECTION_FIELDS = ("type", "inspected_on", "disciplines", "summary")
FINDING_FIELDS = ("discipline", "hazard_code", "floor", "area", "observation", "recommendation", "severity",
                  "severity_override_reason", "immediate_danger")


class InspectionRuleError(DomainError):
    """A user-readable reason an operation was refused; ``status`` is the HTTP status to answer with."""


class EditConflict(InspectionRuleError):
    """Someone saved the same item since the user opened the form."""

    status = 409


def check_version(obj, version: Any, what: str) -> None:
    """The version the user edited (required: missing or malformed is ``errors.MissingVersion``, 400);
    another current version is an :class:`EditConflict` (409)."""
    seen = require_version(version)
    if seen != obj.version:
        thing = {"inspection": _("inspection"), "finding": _("finding")}.get(what, what)
        raise EditConflict(_("Someone else changed this %(thing)s while you were editing it (you edited version "
                             "%(seen)s, it is now version %(now)s). Your entries are kept below: compare them "
                             "with the saved values and save again.", thing=thing, seen=seen, now=obj.version))


def _amendment(inspection: Inspection, reason: str | None) -> str:
    """Changes to a submitted or published inspection need a reason; drafts need none. An amendment of a
    submitted inspection sets aside its reviews so far: what is published must have been approved as it is."""
    if inspection.state == InspectionState.DRAFT:
        return ""
    reason = (reason or "").strip()
    if not reason:
        raise InspectionRuleError(_("This inspection is %(state)s: a change is an amendment and needs a reason.",
                                    state=_(inspection.state.label).lower()))
    if inspection.state == InspectionState.SUBMITTED:
        for review in inspection.reviews:
            review.superseded = True
    return reason


def _verb(inspection: Inspection, base: str) -> str:
    return base if inspection.state == InspectionState.DRAFT else f"amend_{base.split('_', 1)[1]}"


def _disciplines(values: Iterable[str] | str) -> str:
    if isinstance(values, str):
        values = values.split(",")
    chosen = {Discipline(v) for v in values if v}
    if not chosen:
        raise InspectionRuleError(_("Choose at least one discipline the inspection covers."))
    return ",".join(d.value for d in Discipline if d in chosen)


def _team(engineer_ids: Iterable[int], by) -> list:
    from factorysafe.auth.models import Role, User

    ids = {int(i) for i in engineer_ids or ()}
    if by is not None and getattr(by, "is_engineer", False):
        ids.add(by.id)
    users = list(db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.name, User.email)))
    if any(u.role not in (Role.ENGINEER, Role.ADMIN) for u in users) or len(users) != len(ids):
        raise InspectionRuleError(_("The team may only hold engineers."))
    return users


# --- inspections ------------------------------------------------------------------------------------
def create_inspection(factory, values: dict, *, by) -> Inspection:
    _check_visit_date(values["inspected_on"])
    inspection = Inspection(
        factory_id=factory.id, type=InspectionType(values["type"]), inspected_on=values["inspected_on"],
        disciplines=_disciplines(values.get("disciplines") or [d.value for d in Discipline]),
        summary=values.get("summary") or "", created_by_id=by.id if by is not None else None,
        state=InspectionState.DRAFT,
    )
    inspection.engineers = _team(values.get("engineer_ids", ()), by)
    db.session.add(inspection)
    db.session.flush()
    audit.record("create_inspection", inspection, actor=by, factory_id=factory.id, after={
        "type": inspection.type.value, "inspected_on": inspection.inspected_on, "disciplines": inspection.disciplines,
        "engineers": [u.email for u in inspection.engineers]})
    return inspection


def update_inspection(inspection: Inspection, values: dict, *, by, version: int, reason: str | None = None) -> Inspection:
    check_version(inspection, version, "inspection")
    _check_visit_date(values["inspected_on"])
    note = _amendment(inspection, reason)
    new = {"type": InspectionType(values["type"]), "inspected_on": values["inspected_on"],
           "disciplines": _disciplines(values.get("disciplines") or []), "summary": values.get("summary") or ""}
    present = {f.discipline.value for f in inspection.findings}
    missing = present - set(new["disciplines"].split(","))
    if missing:
        raise InspectionRuleError(_("Findings exist for %(disciplines)s: keep those disciplines.",
                                    disciplines=", ".join(sorted(missing))))
    before, after = audit.diff(inspection, list(INSPECTION_FIELDS), new)
    team = _team(values.get("engineer_ids", [u.id for u in inspection.engineers]), None)
    if {u.id for u in team} != {u.id for u in inspection.engineers}:
        before["engineers"] = [u.email for u in inspection.engineers]
        after["engineers"] = [u.email for u in team]
        inspection.engineers = team
    for k in INSPECTION_FIELDS:
        if k in after:
            setattr(inspection, k, new[k])
    if "type" in after:
        origin = FindingOrigin.INITIAL if inspection.type == InspectionType.INITIAL else FindingOrigin.NEW
        for f in inspection.findings:
            f.origin = origin
    if "inspected_on" in after:
        why = f"Inspection {inspection.id} date changed from {before['inspected_on']} to {after['inspected_on']}."
        for f in inspection.findings:
            _apply_default_deadline(f, inspection, by=by, why=why)
            refresh_photo_flags(f.photos, inspection)
    if after:
        flag_modified(inspection, "summary")  # the team is a link table: still bump the version
        audit.record(_verb(inspection, "update_inspection"), inspection, actor=by, before=before, after=after,
                     note=note)
    return inspection


def submit_inspection(inspection: Inspection, *, by, version: int) -> Inspection:
    check_version(inspection, version, "inspection")
    if inspection.state != InspectionState.DRAFT:
        raise InspectionRuleError(_("Only a draft inspection can be submitted."), 409)
    inspection.state = InspectionState.SUBMITTED
    inspection.submitted_at = utcnow()
    audit.record("submit_inspection", inspection, actor=by, before={"state": "draft"}, after={"state": "submitted"},
                 note=f"{len(inspection.findings)} findings")
    return inspection


def review_required() -> bool:
    """The setting ``REVIEW_REQUIRED`` (on by default): a second engineer approves before publication."""
    from flask import current_app

    return bool(current_app.config["REVIEW_REQUIRED"])


def review_inspection(inspection: Inspection, decision: str, comment: str, *, by, version: int) -> InspectionReview:
    """A second engineer reviews a submitted inspection: approve, or "has issues" (changes requested) with
    comments for its authors, who amend it (with reasons, as for any change after submission); an
    amendment sets the reviews aside, so it needs a new approval before publication."""
    check_version(inspection, version, "inspection")
    problem = rules.review_problem(inspection.author_ids, getattr(by, "id", None), inspection.state.value)
    if problem:
        status = 409 if inspection.state != InspectionState.SUBMITTED else 403
        raise InspectionRuleError(str(problem), status)
    try:
        decision = ReviewDecision(decision)
    except ValueError:
        raise InspectionRuleError(_("Choose: approve, or has issues.")) from None
    comment = (comment or "").strip()
    if decision == ReviewDecision.CHANGES_REQUESTED and not comment:
        raise InspectionRuleError(_("Say what the authors should change."))
    if len(comment) > 5000:
        raise InspectionRuleError(_("A comment may be at most 5,000 characters."))
    review = InspectionReview(inspection=inspection, reviewer_id=by.id, decision=decision, comment=comment)
    db.session.add(review)
    flag_modified(inspection, "summary")  # bump the version: a publish form shown before this review is stale
    db.session.flush()
    audit.record("review_inspection", inspection, actor=by, after={"review_id": review.id,
                 "decision": decision.value}, note=comment)
    return review


def publish_inspection(inspection: Inspection, *, by, version: int) -> Inspection:
    check_version(inspection, version, "inspection")
    if inspection.state != InspectionState.SUBMITTED:
        raise InspectionRuleError(_("Only a submitted inspection can be published."), 409)
    if not rules.may_publish(inspection.author_ids, inspection.reviews, review_required()):
        raise InspectionRuleError(_("A second engineer must approve this inspection before it is published "
                                    "(an approval given before the last amendment no longer counts)."), 409)
    inspection.state = InspectionState.PUBLISHED
    inspection.published_at = utcnow()
    audit.record("publish_inspection", inspection, actor=by, before={"state": "submitted"},
                 after={"state": "published"})
    return inspection


# --- findings ---------------------------------------------------------------------------------------
def _item_number_value(item: str) -> int:
    m = re.search(r"(\d+)$", item or "")
    return int(m.group(1)) if m else 0


def next_item_number(inspection: Inspection, discipline: Discipline) -> str:
    """Next number in the discipline's series (F-1, F-2...); numbers of removed findings are not reused."""
    taken = db.session.scalars(sa.select(Finding.item_number).where(
        Finding.inspection_id == inspection.id, Finding.item_number.like(f"{discipline.prefix}-%")))
    return f"{discipline.prefix}-{max((_item_number_value(t) for t in taken), default=0) + 1}"


def default_deadline(finding: Finding, inspection: Inspection) -> dt.date:
    """The one place a finding's default deadline is decided: the hazard catalogue's rule for its code
    at its severity, or the severity rule alone for a finding without a catalogue code."""
    from factorysafe.hazards import deadline_for_hazard  # lazy: hazards imports the models

    return deadline_for_hazard(finding.hazard_code, inspection.inspected_on, finding.severity)


def _catalogue_defaults(values: dict, inspection: Inspection, deadline_override, deadline_override_reason) -> dict:
    """Severity and discipline from the hazard catalogue when left blank; a severity or deadline other
    than the catalogue's needs its reason (kept on the finding)."""
    from factorysafe.hazards import CatalogueDefaultError, apply_catalogue_defaults

    try:
        filled = apply_catalogue_defaults({**values, "deadline": deadline_override,
                                           "deadline_override_reason": deadline_override_reason},
                                          inspection.inspected_on)
    except CatalogueDefaultError as exc:
        raise InspectionRuleError(exc.message) from None
    if filled.get("severity") in (None, ""):
        raise InspectionRuleError(_("Choose a severity, or a hazard category from the catalogue to take its severity."))
    return {**values, **{k: filled[k] for k in ("discipline", "severity", "severity_override_reason") if k in filled}}


def _apply_default_deadline(finding: Finding, inspection: Inspection, *, by, why: str) -> None:
    """Move the finding's action to its default deadline (not one fixed by hand or by an extension); a
    moved binding deadline is an event on the action itself (``deadline_moved``), so its history shows it."""
    action = finding.action
    if action is None or finding.deadline_override_reason or action.extensions:
        return
    _move_deadline(action, default_deadline(finding, inspection), by=by, why=why)


def _move_deadline(action: CorrectiveAction, new: dt.date, *, by, why: str) -> None:
    if action.deadline == new and action.original_deadline == new:
        return
    before = {"deadline": action.deadline, "original_deadline": action.original_deadline}
    action.deadline = action.original_deadline = new
    if before["deadline"] != new:
        audit.record("deadline_moved", action, actor=by, before=before,
                     after={"deadline": new, "original_deadline": new}, note=why)


def _clean_values(values: dict, inspection: Inspection) -> dict:
    clean = {k: values[k] for k in FINDING_FIELDS if k in values}
    if "discipline" in clean:
        clean["discipline"] = Discipline(clean["discipline"])
        if clean["discipline"] not in inspection.discipline_list:
            raise InspectionRuleError(_("This inspection does not cover %(discipline)s.",
                                        discipline=_(clean["discipline"].label).lower()))
    if "severity" in clean:
        clean["severity"] = Severity(clean["severity"])
    for k in ("hazard_code",):
        if k in clean:
            clean[k] = (clean[k] or "").strip() or None
    for k in ("floor", "area", "observation", "recommendation"):
        if k in clean:
            clean[k] = (clean[k] or "").strip()
    if "immediate_danger" in clean:
        clean["immediate_danger"] = bool(clean["immediate_danger"])
    return clean


def _check_override(deadline_override: dt.date | None, reason: str | None, visit: dt.date) -> str:
    reason = (reason or "").strip()
    if deadline_override is not None and not reason:
        raise InspectionRuleError(_("Give a reason for setting a deadline other than the severity's."))
    problem = rules.deadline_override_problem(deadline_override, visit)
    if problem:
        raise InspectionRuleError(str(problem))
    return reason if deadline_override is not None else ""


def _check_visit_date(on: dt.date | None) -> None:
    problem = rules.visit_date_problem(on, today())
    if problem:
        raise InspectionRuleError(str(problem))


def refresh_photo_flags(photos, inspection: Inspection) -> None:
    """Recompute the far-from-factory/date flags (after the inspection date changed)."""
    from flask import current_app

    from factorysafe.uploads import photo_flags

    factory = inspection.factory
    for p in photos:
        p.far_from_factory, p.far_from_date = photo_flags(
            p.latitude, p.longitude, p.taken_at, (factory.latitude, factory.longitude), inspection.inspected_on,
            current_app.config["PHOTO_MAX_DISTANCE_M"], current_app.config["PHOTO_MAX_DAYS_FROM_DATE"])


def _attach_photos(finding: Finding, inspection: Inspection, photos, by) -> list[Photo]:
    from factorysafe.uploads import ingest_photo  # noqa: PLC0415 - uploads imports the models

    stored = []
    for upload in photos or ():
        stream, filename = (upload if isinstance(upload, tuple) else (upload.stream, upload.filename or ""))
        stored.append(ingest_photo(stream, filename, finding=finding, uploaded_by_id=getattr(by, "id", None),
                                   factory=inspection.factory, reference_date=inspection.inspected_on))
    return stored


def add_finding(inspection: Inspection, values: dict, photos=(), *, by, deadline_override: dt.date | None = None,
                deadline_override_reason: str | None = None, reason: str | None = None) -> Finding:
    """Create a finding with its item number, its corrective action (deadline from the severity rule,
    or the override with its reason) and its photos. Raises PhotoRejected / InspectionRuleError."""
    note = _amendment(inspection, reason)
    override_reason = _check_override(deadline_override, deadline_override_reason, inspection.inspected_on)
    values = _catalogue_defaults(values, inspection, deadline_override, override_reason)
    clean = _clean_values(values, inspection)
    finding = Finding(
        inspection=inspection, factory_id=inspection.factory_id,
        item_number=next_item_number(inspection, clean["discipline"]),
        origin=FindingOrigin.INITIAL if inspection.type == InspectionType.INITIAL else FindingOrigin.NEW,
        deadline_override_reason=override_reason, **clean,
    )
    db.session.add(finding)
    db.session.flush()
    due = deadline_override or default_deadline(finding, inspection)
    finding.action = CorrectiveAction(factory_id=inspection.factory_id, deadline=due, original_deadline=due)
    db.session.flush()
    stored = _attach_photos(finding, inspection, photos, by)
    audit.record(_verb(inspection, "add_finding"), finding, actor=by, note=note, after={
        **{k: getattr(finding, k) for k in FINDING_FIELDS}, "item_number": finding.item_number, "deadline": due,
        "deadline_override_reason": override_reason, "photos": [p.sha256 for p in stored]})
    return finding


def remove_photo(photo: Photo) -> None:
    from factorysafe.uploads import forget_after_commit

    forget_after_commit(photo.sha256)
    db.session.delete(photo)


def update_finding(finding: Finding, values: dict, photos=(), *, by, version: int, reason: str | None = None,
                   deadline_override: dt.date | None = None, deadline_override_reason: str | None = None,
                   remove_photo_ids: Iterable[int] = (), private_photo_ids: Iterable[int] | None = None) -> Finding:
    check_version(finding, version, "finding")
    inspection = finding.inspection
    note = _amendment(inspection, reason)
    values = _catalogue_defaults(values, inspection, deadline_override,
                                 deadline_override_reason or finding.deadline_override_reason)
    clean = _clean_values(values, inspection)
    before, after = audit.diff(finding, list(FINDING_FIELDS), clean)
    if "discipline" in after:
        after["item_number"] = next_item_number(inspection, clean["discipline"])
        before["item_number"] = finding.item_number
        finding.item_number = after["item_number"]
    for k in FINDING_FIELDS:
        if k in after:
            setattr(finding, k, clean[k])
    override_reason = _check_override(deadline_override, deadline_override_reason, inspection.inspected_on)
    action = finding.action
    if deadline_override is not None and action is not None and deadline_override != action.deadline:
        before.update(deadline=action.deadline, deadline_override_reason=finding.deadline_override_reason)
        after.update(deadline=deadline_override, deadline_override_reason=override_reason)
        finding.deadline_override_reason = override_reason
        _move_deadline(action, deadline_override, by=by,
                       why=f"Deadline of finding {finding.item_number} fixed by hand: {override_reason}")
    elif "severity" in after and not finding.deadline_override_reason:
        old = action.deadline if action else None
        _apply_default_deadline(finding, inspection, by=by,
                                why=f"Severity of finding {finding.item_number} changed to {clean['severity'].value}.")
        if action is not None and action.deadline != old:
            before["deadline"], after["deadline"] = old, action.deadline
    remove = {int(i) for i in remove_photo_ids or ()}
    for photo in list(finding.photos):
        if photo.id in remove:
            before.setdefault("removed_photos", []).append(photo.sha256)
            finding.photos.remove(photo)
            remove_photo(photo)
        elif private_photo_ids is not None and photo.private != (photo.id in set(private_photo_ids)):
            photo.private = photo.id in set(private_photo_ids)
            after.setdefault("photo_private", {})[photo.id] = photo.private
    stored = _attach_photos(finding, inspection, photos, by)
    if stored:
        after["added_photos"] = [p.sha256 for p in stored]
    if after or before:
        if not any(k in after for k in FINDING_FIELDS + ("item_number",)):
            flag_modified(finding, "observation")  # bump the version: photo changes are edits too
        audit.record(_verb(inspection, "update_finding"), finding, actor=by, before=before, after=after, note=note)
    return finding

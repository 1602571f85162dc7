"""Hazard operations: the only place this package changes state. Each writes an audit event.

- :func:`create_column_finding` -- a STRUCT-COLUMN-WEAK finding (and its corrective action)
  from a column check whose DCR is over the limit; over the immediate-danger limit the
  finding is marked immediate danger and, when asked, the evacuation is ordered with it;
- :func:`order_evacuation` -- evacuate all or part of a building for an immediate danger;
- :func:`record_resumption` -- the date work may resume and the workers affected
  (who keep their wages while the building is closed).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import flag_modified

from factorysafe import audit
from factorysafe.db import db
from factorysafe.errors import Conflict, DomainError, require_version
from factorysafe.factories.models import Evacuation, Factory
from factorysafe.hazards import registry as cat
from factorysafe.hazards.columns import ColumnInput, ColumnResult, ColumnVerdict, verdict
from factorysafe.inspections.models import Finding, Inspection, InspectionState
from factorysafe.i18n import format_day

COLUMN_CODE = "STRUCT-COLUMN-WEAK"


class HazardRuleError(DomainError):
    """A rule of the programme refuses the operation; the message is for the user."""


def column_observation(col: ColumnInput, result: ColumnResult, location: str) -> str:
    bars = f"{col.bars} bars of {col.bar_diameter_mm:g} mm (fy {col.fy_mpa:g} MPa)"
    return (
        f"Column{' ' + location if location else ''}: section {col.b_mm:g} x {col.h_mm:g} mm, f'c {col.fc_mpa:g} MPa (core tests), {bars}. "
        f"Axial demand Pu = (1.2 x {col.dead_load_kpa:g} + 1.6 x {col.live_load_kpa:g} kN/m2) x "
        f"{col.tributary_area_m2:g} m2 x {col.floors_above} floors = {result.pu_kn:.0f} kN; design capacity "
        f"phi Pn,max = {result.phi_pn_max_kn:.0f} kN (ACI 318-19 §22.4.2, BNBC 2020). DCR = {result.dcr:.2f}."
    ).strip()


def create_column_finding(
    inspection: Inspection,
    col: ColumnInput,
    result: ColumnResult,
    *,
    column_label: str,
    floor: str,
    dcr_limit: float,
    danger_limit: float,
    evacuate_floors: str | None = None,
    workers_affected: int | None = None,
    by=None,
) -> Finding:
    """Record a weak column as a finding of a draft inspection, with its corrective action.

    Over ``danger_limit`` the finding is marked immediate danger; if ``evacuate_floors`` is
    not None the evacuation is ordered in the same transaction ("" = the whole building).
    """
    if inspection.state != InspectionState.DRAFT:
        raise HazardRuleError(_("Findings can only be added to an inspection in draft."), 409)
    kind = verdict(result.dcr, dcr_limit, danger_limit)
    if kind == ColumnVerdict.OK:
        raise HazardRuleError(_("DCR %(dcr)s is within the limit %(limit)s: no finding to record.",
                                 dcr=f"{result.dcr:.2f}", limit=f"{dcr_limit:g}"))
    hazard = cat.current().get(COLUMN_CODE)
    if hazard is None:
        raise HazardRuleError(f"{COLUMN_CODE} is missing from the hazard catalogue.", 500)
    danger = kind == ColumnVerdict.IMMEDIATE_DANGER
    start = inspection.inspected_on
    location = " ".join(p for p in (column_label.strip(), f"({floor.strip()})" if floor.strip() else "") if p)
    from factorysafe.inspections.services import InspectionRuleError, add_finding  # noqa: PLC0415 - import cycle

    try:  # the one way a finding is made: item number, catalogue severity and deadline, action, audit
        finding = add_finding(inspection, {
            "discipline": hazard.discipline.value, "hazard_code": hazard.code, "floor": floor.strip()[:40],
            "area": column_label.strip()[:120], "observation": column_observation(col, result, location),
            "recommendation": hazard.guidance_en, "severity": "", "immediate_danger": danger,
        }, by=by)
    except InspectionRuleError as exc:
        raise HazardRuleError(str(exc)) from None
    audit.record(
        "record_column_check", finding, actor=by,
        after={"dcr": round(result.dcr, 3), "inputs": col.__dict__, "immediate_danger": danger},
        note=f"From the column check: DCR {result.dcr:.2f} (limit {dcr_limit:g}, immediate danger over {danger_limit:g}).",
    )
    if danger and evacuate_floors is not None:
        order_evacuation(inspection.factory, finding, evacuate_floors, start, workers_affected, by=by,
                         version=finding.version)
    return finding


def order_evacuation(
    factory: Factory,
    finding: Finding | None,
    floors: str,
    ordered_on: dt.date,
    workers_affected: int | None,
    by=None,
    note: str = "",
    *,
    version: int | None,
) -> Evacuation:
    """Evacuate ``floors`` ("" = the whole building) of ``factory`` from ``ordered_on``.

    The finding, if given, must belong to the factory and be at ``version`` (the one the engineer saw;
    else 409); it is marked immediate danger, and its version rises, so of two simultaneous orders the
    second fails. A second evacuation in force for the same finding is refused.
    """
    if finding is not None:
        if finding.factory_id != factory.id:
            raise HazardRuleError(_("That finding belongs to another factory."))
        if require_version(version) != finding.version:
            raise Conflict(_("Someone else changed this finding in the meantime. Reload the page and check it "
                             "before ordering an evacuation."))
        in_force = db.session.execute(
            sa.select(Evacuation.id).where(Evacuation.finding_id == finding.id, Evacuation.resumed_on.is_(None))
        ).first()
        if in_force:
            raise HazardRuleError(_("An evacuation for this finding is already in force."), 409)
    if workers_affected is not None and workers_affected < 0:
        raise HazardRuleError(_("Workers affected cannot be negative."))
    floors = " ".join((floors or "").split())[:200]
    evacuation = Evacuation(
        factory_id=factory.id, finding_id=finding.id if finding is not None else None, ordered_on=ordered_on,
        floors=floors, workers_affected=workers_affected, note=(note or "").strip(),
        ordered_by_id=getattr(by, "id", None) if getattr(by, "is_authenticated", False) else None,
    )
    db.session.add(evacuation)
    if finding is not None:
        if not finding.immediate_danger:
            finding.immediate_danger = True
            audit.record("mark_immediate_danger", finding, actor=by, before={"immediate_danger": False},
                         after={"immediate_danger": True}, note="Evacuation ordered.")
        flag_modified(finding, "immediate_danger")  # the finding's version rises in any case
        db.session.flush()
    audit.record(
        "order_evacuation", evacuation, actor=by, factory_id=factory.id,
        after={"ordered_on": ordered_on, "floors": floors or "whole building", "workers_affected": workers_affected,
               "finding_id": evacuation.finding_id},
        note=evacuation.note,
    )
    return evacuation


def record_resumption(
    evacuation: Evacuation,
    resumed_on: dt.date,
    workers_affected: int | None,
    by=None,
    note: str = "",
    *,
    version: int,
) -> Evacuation:
    """Record the date work may resume (not before the order) and the workers affected; ``version`` is the
    evacuation's as the engineer saw it (another change meanwhile: 409)."""
    if require_version(version) != evacuation.version:
        raise Conflict(_("Someone else changed this evacuation in the meantime. Reload the page and check it "
                         "before recording the resumption."))
    if resumed_on < evacuation.ordered_on:
        raise HazardRuleError(_("Work cannot resume before the evacuation was ordered (%(date)s).",
                                 date=format_day(evacuation.ordered_on)))
    if workers_affected is not None and workers_affected < 0:
        raise HazardRuleError(_("Workers affected cannot be negative."))
    new = {"resumed_on": resumed_on, "workers_affected": workers_affected}
    if note and note.strip():
        new["note"] = (evacuation.note + "\n" if evacuation.note else "") + note.strip()
    before, after = audit.diff(evacuation, list(new), new)
    for k, v in after.items():
        setattr(evacuation, k, v)
    if after:
        audit.record("record_resumption", evacuation, actor=by, factory_id=evacuation.factory_id,
                     before=before, after={**after, "days_closed": evacuation.days_closed(resumed_on)})
    return evacuation

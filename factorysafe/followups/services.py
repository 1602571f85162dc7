"""Follow-up operations: the only place that assigns follow-up engineers, starts follow-up inspections and records
what was found of each pre-listed item. Each is a verb that writes its audit event; the caller commits.

The transitions of an action (verified, rejected) stay in ``actions.services`` (``verify_fix``, ``reject_fix``):
checking an item calls them. An item the factory never reported fixed but the engineer finds fixed on site is
verified with ``verify_fix(..., on_site=True)`` (a note required, its own audited verb).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from factorysafe import audit, policy
from factorysafe.actions import services as actions
from factorysafe.actions.models import ActionStatus
from factorysafe.auth.models import User
from factorysafe.db import db, utcnow
from factorysafe.errors import Conflict, DomainError, require_version
from factorysafe.followups import queries
from factorysafe.followups.models import CheckOutcome, FollowUpAssignment, FollowUpCheck
from factorysafe.inspections import services as inspections
from factorysafe.inspections.models import Inspection, InspectionState, InspectionType


class FollowUpError(DomainError):
    """A refused operation; ``status`` is the HTTP status a view answers with."""


ASSIGN_CONFLICT = _l("Someone else changed who follows this factory up in the meantime. Look at the current "
                     "engineer, then choose again.")


def _require_engineer(by) -> None:
    if not policy.is_engineer(by):
        raise FollowUpError(_("Only an engineer or an administrator may do this."), 403)


def assign(factory, engineer: User | None, *, by, version) -> FollowUpAssignment:
    """Choose the engineer who follows ``factory`` up (None: unassigned). ``version`` is the assignment's as the
    page showed it (0: there was none yet); another is a 409."""
    _require_engineer(by)
    seen = require_version(version)
    if engineer is not None and not (engineer.is_engineer and engineer.active):
        raise FollowUpError(_("Choose an engineer with an active account."), 422)
    row = db.session.get(FollowUpAssignment, factory.id)
    if (row.version if row else 0) != seen:
        raise Conflict(str(ASSIGN_CONFLICT))
    before = {"engineer_id": row.engineer_id if row else None}
    if row is None:
        row = FollowUpAssignment(factory_id=factory.id)
        db.session.add(row)
    row.engineer_id = engineer.id if engineer else None
    row.assigned_by_id = by.id
    row.assigned_at = utcnow()
    try:
        db.session.flush()  # a row made or changed by someone else meanwhile fails here (409)
    except sa.exc.IntegrityError:
        raise Conflict(str(ASSIGN_CONFLICT)) from None
    audit.record("assign_follow_up", factory, actor=by, factory_id=factory.id, before=before,
                 after={"engineer_id": row.engineer_id})
    return row


def open_follow_up(factory_id: int) -> Inspection | None:
    """The factory's draft follow-up inspection that still has items to check, if any."""
    return db.session.scalars(
        sa.select(Inspection).where(Inspection.factory_id == factory_id, Inspection.type == InspectionType.FOLLOW_UP,
                                    Inspection.state == InspectionState.DRAFT)
        .order_by(Inspection.id.desc()).limit(1)).first()


def start_follow_up(factory, *, by, today: dt.date) -> Inspection:
    """Create the FOLLOW_UP inspection of ``factory`` visited ``today`` (through ``inspections.services``), covering
    the disciplines of its open items, its team the assigned engineer (and ``by``), and pre-list every open action
    as an item to check."""
    _require_engineer(by)
    if (draft := open_follow_up(factory.id)) is not None:
        raise FollowUpError(_("A follow-up inspection of this factory is already open (a draft of %(date)s): "
                              "finish it first.", date=draft.inspected_on.isoformat()), 409)
    items = queries.open_actions(factory.id)
    if not items:
        raise FollowUpError(_("This factory has no open item to check."), 409)
    plan = queries.of_factory(factory.id, today)
    team = [plan.row.engineer_id] if plan and plan.row.engineer_id else []
    disciplines = sorted({a.finding.discipline.value for a in items})
    inspection = inspections.create_inspection(factory, {
        "type": InspectionType.FOLLOW_UP.value, "inspected_on": today, "disciplines": disciplines,
        "summary": "", "engineer_ids": team}, by=by)
    for a in items:
        db.session.add(FollowUpCheck(inspection_id=inspection.id, action_id=a.id))
    db.session.flush()
    audit.record("start_follow_up", inspection, actor=by, factory_id=factory.id,
                 after={"action_ids": [a.id for a in items]})
    return inspection


FINAL = (CheckOutcome.VERIFIED, CheckOutcome.REJECTED)


def check_item(check: FollowUpCheck, outcome: str, note: str, *, by, today: dt.date, version) -> FollowUpCheck:
    """Record what the engineer found of one pre-listed item. ``version`` is the action's, as the page showed it.

    verified: ``actions.services.verify_fix`` (on site when the factory never reported it: a note is needed);
    rejected: ``actions.services.reject_fix`` (only a reported fix; the note is the reason);
    still open: the item stays as it is, with a note. A verified or rejected item is decided for good."""
    _require_engineer(by)
    try:
        outcome = CheckOutcome(outcome)
    except ValueError:
        raise FollowUpError(_("Choose: verified, fix rejected, or still open.")) from None
    if outcome == CheckOutcome.TO_CHECK:
        raise FollowUpError(_("Choose: verified, fix rejected, or still open."))
    if check.outcome in FINAL:
        raise FollowUpError(_("This item was already checked: %(outcome)s.", outcome=_(check.outcome.label)), 409)
    if check.inspection.state != InspectionState.DRAFT:
        raise FollowUpError(_("The follow-up inspection is submitted: its items can no longer be checked here."), 409)
    note = (note or "").strip()
    if len(note) > 5000:
        raise FollowUpError(_("A note may be at most 5,000 characters."))
    action = check.action
    if outcome == CheckOutcome.VERIFIED:
        actions.verify_fix(action, by=by, verified_on=check.inspection.inspected_on, note=note, today=today,
                           version=version, on_site=True)
    elif outcome == CheckOutcome.REJECTED:
        if action.status != ActionStatus.PENDING_VERIFICATION:
            actions.check_version(action, version)
            raise FollowUpError(_("The factory has not reported this fixed: there is no fix to reject. Record it "
                                  "as still open, with a note."), 409)
        actions.reject_fix(action, note, by=by, version=version)
    else:
        actions.check_version(action, version)
        if not note:
            raise FollowUpError(_("Say what you saw: why the item is still open."))
        if action.status == ActionStatus.CORRECTED:
            raise FollowUpError(_("This item is already corrected."), 409)
    before = {"outcome": check.outcome.value}
    check.outcome, check.note, check.checked_by_id, check.checked_at = outcome, note, by.id, utcnow()
    db.session.flush()  # the check's own version: two engineers deciding it at once, the second fails (409)
    audit.record("check_follow_up_item", check, actor=by, factory_id=action.factory_id, before=before,
                 after={"outcome": outcome.value, "action_id": action.id, "inspection_id": check.inspection_id},
                 note=note)
    return check

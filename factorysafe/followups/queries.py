"""The follow-up calendar in one SQL query: per factory its earliest open deadline (overall and after the last
visit), last visit, what its CAP
status needs, open counts and the assigned engineer; ``rules.plan_follow_up`` then decides the date.

Open items are the actions of submitted and published inspections (``policy.OWNER_STATES``: the CAP the factory
was given; a draft's findings are not yet the factory's to fix) that are not corrected. The last visit is the
latest inspection of any state (a draft follow-up is a visit made). Without an assignment row the lead engineer
(creator) of the latest inspection follows the factory up.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from factorysafe.actions.models import ActionStatus, CorrectiveAction
from factorysafe.actions.queries import is_overdue_sql
from factorysafe.actions.rules import CapStatus, FactoryCounts, cap_status
from factorysafe.db import db
from factorysafe.factories.models import Factory
from factorysafe.followups import rules
from factorysafe.followups.models import FollowUpAssignment
from factorysafe.inspections.models import Finding, FindingOrigin, Inspection
from factorysafe.policy import OWNER_STATES, states_sql


@dataclass(frozen=True)
class Row:
    """What the query gives for one factory (plain values)."""

    factory_id: int
    name: str
    name_bn: str
    earliest_open_deadline: dt.date | None
    next_open_deadline: dt.date | None  # the earliest open deadline after the last visit (``rules.plan_follow_up``)
    last_visit: dt.date | None
    open: int
    pending: int
    overdue: int
    initial_total: int
    initial_corrected: int
    cap_agreed_on: dt.date | None
    ineligible_since: dt.date | None
    requalify_on: dt.date | None
    engineer_id: int | None
    assigned: bool  # an assignment row exists (else engineer_id is the default: the latest inspection's lead)
    assignment_version: int  # 0 without a row


@dataclass(frozen=True)
class FollowUp:
    row: Row
    cap: CapStatus
    plan: rules.NextFollowUp | None
    due: rules.DueState | None


def max_months() -> int:
    return int(current_app.config["FOLLOW_UP_MAX_MONTHS"])


def soon_days() -> int:
    return int(current_app.config["FOLLOW_UP_SOON_DAYS"])


def _lead_of_latest():
    """The creator of the factory's latest inspection (correlated scalar subquery)."""
    i = aliased(Inspection)
    return (sa.select(i.created_by_id).where(i.factory_id == Factory.id)
            .order_by(i.inspected_on.desc(), i.id.desc()).limit(1).scalar_subquery())


def rows(today: dt.date, factory_ids=None) -> list[Row]:
    """One row per factory with at least one action of a submitted or published inspection: ONE query."""
    ca, f = CorrectiveAction, Finding
    open_ = ca.status != ActionStatus.CORRECTED
    initial = f.origin == FindingOrigin.INITIAL
    visits = (sa.select(Inspection.factory_id.label("factory_id"), sa.func.max(Inspection.inspected_on).label("last"))
              .group_by(Inspection.factory_id)).subquery("visits")
    ahead = open_ & (visits.c.last.is_(None) | (ca.deadline > visits.c.last))
    counts = (
        sa.select(
            ca.factory_id.label("factory_id"),
            sa.func.min(sa.case((open_, ca.deadline))).label("earliest"),
            sa.func.min(sa.case((ahead, ca.deadline))).label("ahead"),
            sa.func.sum(sa.case((open_, 1), else_=0)).label("open"),
            sa.func.sum(sa.case((ca.status == ActionStatus.PENDING_VERIFICATION, 1), else_=0)).label("pending"),
            sa.func.sum(sa.case((is_overdue_sql(today), 1), else_=0)).label("overdue"),
            sa.func.sum(sa.case((initial, 1), else_=0)).label("initial_total"),
            sa.func.sum(sa.case((initial & (ca.status == ActionStatus.CORRECTED), 1), else_=0)).label("initial_corrected"),
        )
        .select_from(ca).join(f, f.id == ca.finding_id).outerjoin(visits, visits.c.factory_id == ca.factory_id)
        .where(states_sql(OWNER_STATES, f.inspection_id))
        .group_by(ca.factory_id)
    ).subquery("counts")
    fa = FollowUpAssignment
    stmt = (
        sa.select(
            Factory.id, Factory.name, Factory.name_bn, counts.c.earliest, counts.c.ahead, visits.c.last, counts.c.open,
            counts.c.pending, counts.c.overdue, counts.c.initial_total, counts.c.initial_corrected,
            Factory.cap_agreed_on, Factory.ineligible_since, Factory.requalify_on,
            sa.case((fa.factory_id.is_not(None), fa.engineer_id), else_=_lead_of_latest()),
            fa.factory_id.is_not(None), sa.func.coalesce(fa.version, 0),
        )
        .select_from(Factory)
        .join(counts, counts.c.factory_id == Factory.id)
        .outerjoin(visits, visits.c.factory_id == Factory.id)
        .outerjoin(fa, fa.factory_id == Factory.id)
        .order_by(Factory.id)
    )
    if factory_ids is not None:
        stmt = stmt.where(Factory.id.in_(list(factory_ids)))
    return [Row(r[0], r[1], r[2] or "", r[3], r[4], r[5], int(r[6] or 0), int(r[7] or 0), int(r[8] or 0),
                int(r[9] or 0), int(r[10] or 0), r[11], r[12], r[13], r[14], bool(r[15]), int(r[16] or 0))
            for r in db.session.execute(stmt)]


def decide(row: Row, today: dt.date, months: int, soon: int) -> FollowUp:
    """The rules applied to one row: CAP status (``actions.rules.cap_status``), next follow-up and due state."""
    cap = cap_status(FactoryCounts(row.initial_total, row.initial_corrected, row.overdue),
                     cap_agreed=row.cap_agreed_on is not None, ineligible_since=row.ineligible_since,
                     requalify_on=row.requalify_on, today=today)
    # the earliest open deadline, and the earliest after the last visit: all the rule reads of the open deadlines
    deadlines = [d for d in (row.earliest_open_deadline, row.next_open_deadline) if d is not None]
    plan = rules.plan_follow_up(deadlines, row.last_visit, rules.cap_is_open(cap), months)
    return FollowUp(row, cap, plan, rules.due_state(plan.on, today, soon) if plan else None)


def follow_ups(today: dt.date, factory_ids=None) -> list[FollowUp]:
    """Every factory with a next follow-up, the nearest first."""
    months, soon = max_months(), soon_days()
    out = [decide(r, today, months, soon) for r in rows(today, factory_ids)]
    return sorted((x for x in out if x.plan is not None), key=lambda x: (x.plan.on, x.row.name, x.row.factory_id))


def of_factory(factory_id: int, today: dt.date) -> FollowUp | None:
    """The next follow-up of one factory (None when nothing is open)."""
    found = follow_ups(today, [factory_id])
    return found[0] if found else None


def open_actions(factory_id: int) -> list[CorrectiveAction]:
    """The factory's open actions (of submitted and published inspections), by deadline: what a follow-up checks."""
    return list(db.session.scalars(
        sa.select(CorrectiveAction).join(Finding, Finding.id == CorrectiveAction.finding_id)
        .where(CorrectiveAction.factory_id == factory_id, CorrectiveAction.status != ActionStatus.CORRECTED,
               states_sql(OWNER_STATES, Finding.inspection_id))
        .order_by(CorrectiveAction.deadline, CorrectiveAction.id)))

"""SQL aggregations behind the rules in ``actions.rules``: one query for many factories.

``tests/test_rules.py`` and ``tests/test_actions_rules.py`` prove these give the same answers as the pure functions.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from flask import current_app

from sqlalchemy.orm import contains_eager, joinedload, selectinload

from factorysafe.actions.models import ActionStatus, CorrectiveAction, DeadlineExtension, ExtensionStatus
from factorysafe.actions.rules import (
    CRITICAL_SEVERITIES, DUE_SOON_DAYS, CapStatus, FactoryCounts, cap_status, deadline_state, escalation_proposal,
    progress_rate,
)
from factorysafe.db import db
from factorysafe.auth.models import Role, User
from factorysafe.factories.models import Factory, factory_owners
from factorysafe.inspections.models import Discipline, Finding, FindingOrigin, Inspection
from factorysafe.policy import PUBLIC_STATES, public_sql, states_sql


# --- the rules of ``actions.rules`` as SQL (the only place they are written as SQL) -------------
def is_overdue_sql(today: dt.date):
    """``rules.is_overdue`` as a SQL condition on CorrectiveAction: past the deadline, not verified."""
    ca = CorrectiveAction
    return (ca.status != ActionStatus.CORRECTED) & (ca.deadline < today)


def awaiting_fix_overdue_sql(today: dt.date):
    """``rules.deadline_state(...) == DeadlineState.OVERDUE``: past the deadline with no fix reported."""
    ca = CorrectiveAction
    return (ca.status == ActionStatus.IN_PROGRESS) & (ca.deadline < today)


def due_soon_sql(today: dt.date, days: int = DUE_SOON_DAYS):
    """In progress and ``rules.deadline_state(...) == DeadlineState.DUE_SOON``."""
    ca = CorrectiveAction
    return ((ca.status == ActionStatus.IN_PROGRESS) & (ca.deadline >= today)
            & (ca.deadline <= today + dt.timedelta(days=days)))


def pending_weight() -> float:
    """How much Pending verification counts in progress rates (setting ``PROGRESS_PENDING_WEIGHT``)."""
    return float(current_app.config["PROGRESS_PENDING_WEIGHT"])


def _visible(stmt, states):
    """Only findings of inspections in ``states`` (``policy.visible_states``); None: all."""
    return stmt if states is None else stmt.where(states_sql(states, Finding.inspection_id))


_DISCIPLINES = {d.value: d for d in Discipline}
_ORIGINS = {o.value: o for o in FindingOrigin}


def count_rows(today: dt.date, factory_ids=None, *, states=None, with_danger: bool = False):
    """Plain tuples (factory_id, discipline value, origin value, total, corrected, pending, overdue[, open
    immediate danger]), one per factory, discipline and origin: ONE grouped query, no ORM row processing."""
    ca, f = CorrectiveAction, Finding
    not_done = ca.status != ActionStatus.CORRECTED
    overdue = is_overdue_sql(today)
    cols = [
        f.factory_id,
        sa.type_coerce(f.discipline, sa.String),
        sa.type_coerce(f.origin, sa.String),
        sa.func.count(),
        sa.func.sum(sa.case((ca.status == ActionStatus.CORRECTED, 1), else_=0)),
        sa.func.sum(sa.case((ca.status == ActionStatus.PENDING_VERIFICATION, 1), else_=0)),
        sa.func.sum(sa.case((overdue, 1), else_=0)),
    ]
    if with_danger:
        cols.append(sa.func.sum(sa.case((not_done & f.immediate_danger, 1), else_=0)))
    stmt = (sa.select(*cols).select_from(f).join(ca, ca.finding_id == f.id)
            .group_by(f.factory_id, f.discipline, f.origin))
    stmt = _visible(stmt, states)
    if factory_ids is not None:
        stmt = stmt.where(f.factory_id.in_(list(factory_ids)))
    return db.session.connection().execute(stmt).all()


def discipline_counts(today: dt.date, factory_ids=None, *, states=None):
    """{factory_id: {(discipline, origin): {"total", "corrected", "pending", "overdue"}}} in one query."""
    out: dict[int, dict] = defaultdict(dict)
    for fid, d, o, total, corrected, pending, overdue in count_rows(today, factory_ids, states=states):
        out[fid][(_DISCIPLINES[d], _ORIGINS[o])] = {
            "total": total, "corrected": int(corrected or 0), "pending": int(pending or 0), "overdue": int(overdue or 0),
        }
    return out


def status_inputs(factory_ids=None) -> dict[int, tuple]:
    """{factory_id: (cap_agreed_on, ineligible_since, requalify_on)}: what ``cap_status`` needs besides counts."""
    fstmt = sa.select(Factory.id, Factory.cap_agreed_on, Factory.ineligible_since, Factory.requalify_on)
    if factory_ids is not None:
        fstmt = fstmt.where(Factory.id.in_(list(factory_ids)))
    return {fid: (agreed, inel, requal) for fid, agreed, inel, requal in db.session.connection().execute(fstmt)}


def summarise(today: dt.date, rows, factories: dict[int, tuple], weight: float | None = None) -> dict[int, dict]:
    """The summaries of ``factory_summaries`` from ``count_rows`` tuples and ``status_inputs`` (pure Python).

    One pass over the grouped counts, then the pure rules per factory. Open and overdue actions are also
    given per discipline, and, when the rows carry it (``count_rows(..., with_danger=True)``), the number
    of open actions of immediate danger.
    """
    weight = pending_weight() if weight is None else weight
    initial_v, new_v = FindingOrigin.INITIAL.value, FindingOrigin.NEW.value
    disciplines = [d.value for d in Discipline]

    def empty() -> list:
        # [initial {discipline: (total, corrected, pending, overdue)}, new (total, corrected, pending, overdue),
        #  open {discipline: n}, overdue {discipline: n}, open immediate danger]
        return [{}, [0, 0, 0, 0], dict.fromkeys(disciplines, 0), dict.fromkeys(disciplines, 0), 0]

    per: dict[int, list] = {}
    for row in rows:
        fid, d, o, total = row[0], row[1], row[2], row[3]
        corrected, pending, overdue = int(row[4] or 0), int(row[5] or 0), int(row[6] or 0)
        acc = per.get(fid)
        if acc is None:
            acc = per[fid] = empty()
        if o == initial_v:
            acc[0][d] = (total, corrected, pending, overdue)
        elif o == new_v:
            n = acc[1]
            n[0] += total
            n[1] += corrected
            n[2] += pending
            n[3] += overdue
        acc[2][d] += total - corrected
        acc[3][d] += overdue
        if len(row) > 7:
            acc[4] += int(row[7] or 0)
    result = {}
    for fid, (agreed, inel, requal) in factories.items():
        initial, new, open_by_d, overdue_by_d, danger = per.get(fid) or empty()
        i_total = i_corrected = i_pending = 0
        progress = {}
        by_discipline = {}
        for d in disciplines:
            v = initial.get(d)
            if v is None:
                progress[d] = None
                by_discipline[d] = None
                continue
            total, corrected, pending, d_overdue = v
            i_total += total
            i_corrected += corrected
            i_pending += pending
            progress[d] = progress_rate(corrected, pending, total, weight)
            by_discipline[d] = {"total": total, "corrected": corrected, "pending": pending, "overdue": d_overdue}
        progress["overall"] = progress_rate(i_corrected, i_pending, i_total, weight)
        overdue = sum(overdue_by_d.values())
        fc = FactoryCounts(initial_total=i_total, initial_corrected=i_corrected, overdue=overdue)
        result[fid] = {
            "cap_status": cap_status(fc, cap_agreed=agreed is not None, ineligible_since=inel, requalify_on=requal,
                                     today=today),
            "counts": fc,
            "progress": progress,
            "by_discipline": by_discipline,
            "new_findings": {"total": new[0], "corrected": new[1], "pending": new[2], "overdue": new[3]},
            "open": sum(open_by_d.values()),
            "overdue": overdue,
            "open_by_discipline": open_by_d,
            "overdue_by_discipline": overdue_by_d,
            "immediate_danger_open": danger,
        }
    return result


def factory_summaries(today: dt.date, factory_ids=None, *, states=None, with_danger: bool = False):
    """Status and progress for many factories: {factory_id: summary dict}. Two queries in all.

    Progress weighs Pending verification by the ``PROGRESS_PENDING_WEIGHT`` setting, read here and
    nowhere else, so every page, API answer, export and PDF shows the same rate. ``states`` limits the
    counts to findings of inspections in those states (``policy.visible_states`` of the reader); with
    ``with_danger`` the summaries count open immediate-danger actions too (for ``rules.headline_status``)."""
    rows = count_rows(today, factory_ids, states=states, with_danger=with_danger)
    return summarise(today, rows, status_inputs(factory_ids))


def headline_of(summary: dict, evacuations) -> "HeadlineStatus":
    """The headline status (``rules.headline_status``) of a summary of ``factory_summaries(..., with_danger=True)``
    and the evacuations the reader sees (in force: not resumed)."""
    from factorysafe.actions.rules import headline_status

    return headline_status(summary["cap_status"], overdue=summary["overdue"],
                           immediate_danger_open=summary.get("immediate_danger_open", 0),
                           evacuation_in_force=any(e.resumed_on is None for e in evacuations))


def _month_index(column):
    """A date column as a month number (year * 12 + month - 1), the same in SQLite and PostgreSQL; NULL stays NULL."""
    # literal numbers, not bound parameters: PostgreSQL matches the GROUP BY expression to the selected one
    return (sa.cast(sa.extract("year", column), sa.Integer) * sa.literal_column("12")
            + sa.cast(sa.extract("month", column), sa.Integer) - sa.literal_column("1"))


def progress_history_rows(factory_ids=None, *, states=None):
    """What the progress-over-time chart needs, in ONE grouped query over the initial findings' actions:
    tuples (discipline value, status value, month reported fixed, month verified, first inspection month, count).

    Months are ``year * 12 + month - 1`` (None when the date is not set). ``summarise`` counts the same actions
    (initial findings of inspections in ``states``), so the chart ends where the progress figure stands."""
    ca, f = CorrectiveAction, Finding
    reported, verified = _month_index(ca.reported_fixed_on), _month_index(ca.verified_on)
    stmt = (sa.select(sa.type_coerce(f.discipline, sa.String), sa.type_coerce(ca.status, sa.String), reported,
                      verified, sa.func.min(_month_index(Inspection.inspected_on)), sa.func.count())
            .select_from(f).join(ca, ca.finding_id == f.id).join(Inspection, Inspection.id == f.inspection_id)
            .where(f.origin == FindingOrigin.INITIAL)
            .group_by(f.discipline, ca.status, reported, verified))
    if states is not None and set(states) == set(PUBLIC_STATES):
        stmt = stmt.where(public_sql(Inspection))
    elif states is not None:
        stmt = stmt.where(Inspection.state.in_(list(states)))
    if factory_ids is not None:
        stmt = stmt.where(f.factory_id.in_(list(factory_ids)))
    return db.session.connection().execute(stmt).all()


def status_of(factory_id: int, today: dt.date, **kw) -> CapStatus:
    return factory_summaries(today, [factory_id], **kw)[factory_id]["cap_status"]


# --- extensions: public history -----------------------------------------------------------------
def extension_history(action_ids) -> dict[int, list[dict]]:
    """{action_id: [extension, oldest first]} for many actions in one query; no personal data.

    Each extension is a dict: id, requested_at, previous_deadline, requested_deadline, reason,
    status (ExtensionStatus), decided_at, decision_comment. Safe for public pages.
    """
    ids = list(action_ids)
    out: dict[int, list[dict]] = {i: [] for i in ids}
    if not ids:
        return out
    x = DeadlineExtension
    stmt = (sa.select(x.id, x.action_id, x.requested_at, x.previous_deadline, x.requested_deadline, x.reason,
                      x.status, x.decided_at, x.decision_comment)
            .where(x.action_id.in_(ids)).order_by(x.action_id, x.requested_at, x.id))
    for row in db.session.execute(stmt):
        out[row.action_id].append({
            "id": row.id, "requested_at": row.requested_at, "previous_deadline": row.previous_deadline,
            "requested_deadline": row.requested_deadline, "reason": row.reason,
            "status": ExtensionStatus(row.status), "decided_at": row.decided_at,
            "decision_comment": row.decision_comment,
        })
    return out


# --- escalation ---------------------------------------------------------------------------------
def _critical():
    return sa.or_(Finding.severity.in_([s.value for s in CRITICAL_SEVERITIES]), Finding.immediate_danger.is_(True))


def escalation_inputs(today: dt.date, factory_ids=None) -> dict[int, dict]:
    """Per factory with critical actions In progress past their deadline, in one query:
    {factory_id: {"stage", "oldest_deadline", "count", "worst_days"}}."""
    ca = CorrectiveAction
    stmt = (
        sa.select(ca.factory_id, Factory.escalation_stage, sa.func.min(ca.deadline).label("oldest"),
                  sa.func.count().label("n"))
        .select_from(ca)
        .join(Finding, Finding.id == ca.finding_id)
        .join(Factory, Factory.id == ca.factory_id)
        .where(awaiting_fix_overdue_sql(today), _critical())
        .group_by(ca.factory_id, Factory.escalation_stage)
    )
    if factory_ids is not None:
        stmt = stmt.where(ca.factory_id.in_(list(factory_ids)))
    return {
        r.factory_id: {"stage": r.escalation_stage or 0, "oldest_deadline": r.oldest, "count": r.n,
                       "worst_days": (today - r.oldest).days}
        for r in db.session.execute(stmt)
    }


def escalation_proposals(today: dt.date, threshold_days: int, factory_ids=None, limit: int | None = None) -> list[dict]:
    """Factories for which ``rules.escalation_proposal`` proposes a stage, worst first."""
    inputs = escalation_inputs(today, factory_ids)
    props = []
    for fid, v in inputs.items():
        stage = escalation_proposal(v["stage"], [v["worst_days"]], threshold_days)
        if stage is not None:
            props.append({"factory_id": fid, "proposed_stage": stage, **v})
    props.sort(key=lambda p: (-p["worst_days"], p["factory_id"]))
    if limit is not None:
        props = props[:limit]
    names = dict(db.session.execute(sa.select(Factory.id, Factory.name).where(
        Factory.id.in_([p["factory_id"] for p in props]))).all()) if props else {}
    for p in props:
        p["name"] = names.get(p["factory_id"], "")
    return props


# --- lists for pages and dashboards (eager loading, limits) ------------------------------------
def _action_list_stmt():
    ca = CorrectiveAction
    return (sa.select(ca).join(ca.finding).join(ca.factory)
            .options(contains_eager(ca.finding), contains_eager(ca.factory)))


def factory_actions(factory_id: int, today: dt.date, *, discipline=None, status=None, overdue: bool = False,
                    origin=None, states=None):
    """A factory's actions for its CAP page, with optional filters; item order within discipline."""
    ca = CorrectiveAction
    stmt = _visible(_action_list_stmt().where(ca.factory_id == factory_id), states)
    if discipline:
        stmt = stmt.where(Finding.discipline == discipline)
    if status:
        stmt = stmt.where(ca.status == status)
    if origin:
        stmt = stmt.where(Finding.origin == origin)
    if overdue:
        stmt = stmt.where(is_overdue_sql(today))
    stmt = stmt.order_by(Finding.discipline, ca.deadline, Finding.id)
    return db.session.scalars(stmt).unique().all()


def due_soon(factory_ids, today: dt.date, days: int = DUE_SOON_DAYS, limit: int = 50, states=None):
    ca = CorrectiveAction
    stmt = (_visible(_action_list_stmt(), states)
            .where(ca.factory_id.in_(list(factory_ids)), due_soon_sql(today, days))
            .order_by(ca.deadline, ca.id).limit(limit))
    return db.session.scalars(stmt).unique().all()


def overdue_actions(factory_ids, today: dt.date, limit: int = 50, critical_first: bool = True, states=None):
    """In progress past the deadline: what to fix first (critical, then the oldest deadline)."""
    ca = CorrectiveAction
    order = [sa.case((_critical(), 0), else_=1), ca.deadline, ca.id] if critical_first else [ca.deadline, ca.id]
    stmt = (_visible(_action_list_stmt(), states)
            .where(ca.factory_id.in_(list(factory_ids)), awaiting_fix_overdue_sql(today))
            .order_by(*order).limit(limit))
    return db.session.scalars(stmt).unique().all()


def verification_queue(factory_ids=None, limit: int | None = 50, states=None, *, factory_id: int | None = None,
                       discipline=None, reported_since: dt.date | None = None, flagged: bool = False,
                       newest_first: bool = False):
    """Fixes reported and waiting for an engineer (Pending verification), oldest report first, or newest
    with ``newest_first``; the one query of the dashboards and the verification queue page.

    Filters: ``factory_ids`` (a set, e.g. an owner's) or ``factory_id``, ``discipline``, ``reported_since``
    (reported on or after that day), ``flagged`` (at least one evidence photo flagged far from the factory
    or from the report date by ``uploads.photo_flags``). ``states``: ``policy.visible_states`` of the
    reader. The evidence photos are loaded with the actions."""
    from factorysafe.inspections.models import Photo

    ca = CorrectiveAction
    stmt = (_visible(_action_list_stmt(), states).where(ca.status == ActionStatus.PENDING_VERIFICATION)
            .options(selectinload(ca.evidence)))
    if factory_ids is not None:
        stmt = stmt.where(ca.factory_id.in_(list(factory_ids)))
    if factory_id is not None:
        stmt = stmt.where(ca.factory_id == factory_id)
    if discipline:
        stmt = stmt.where(Finding.discipline == Discipline(discipline))
    if reported_since is not None:
        stmt = stmt.where(ca.reported_fixed_on >= reported_since)
    if flagged:
        stmt = stmt.where(sa.exists().where(
            Photo.action_id == ca.id, Photo.flagged))
    order = (ca.reported_fixed_on.desc(), ca.id.desc()) if newest_first else (ca.reported_fixed_on, ca.id)
    stmt = stmt.order_by(*order)
    if limit is not None:
        stmt = stmt.limit(limit)
    return db.session.scalars(stmt).unique().all()


def count_where(factory_ids, *conditions, states=None) -> int:
    ca = CorrectiveAction
    stmt = sa.select(sa.func.count(ca.id)).where(*conditions)
    if states is not None:
        stmt = stmt.where(ca.finding_id.in_(_visible(sa.select(Finding.id), states)))
    if factory_ids is not None:
        stmt = stmt.where(ca.factory_id.in_(list(factory_ids)))
    return db.session.scalar(stmt) or 0


def plans_missing(factory_ids, limit: int = 20, states=None):
    ca = CorrectiveAction
    stmt = (_visible(_action_list_stmt(), states)
            .where(ca.factory_id.in_(list(factory_ids)), ca.status == ActionStatus.IN_PROGRESS, ca.planned_action == "")
            .order_by(ca.deadline, ca.id).limit(limit))
    return db.session.scalars(stmt).unique().all()


def extension_requests(factory_ids=None, *, status=ExtensionStatus.REQUESTED, limit: int = 50, states=None):
    x = DeadlineExtension
    stmt = (sa.select(x).join(x.action).join(CorrectiveAction.finding).join(CorrectiveAction.factory)
            .options(contains_eager(x.action).contains_eager(CorrectiveAction.finding),
                     contains_eager(x.action).contains_eager(CorrectiveAction.factory))
            .where(x.status == status))
    stmt = _visible(stmt, states)
    if factory_ids is not None:
        stmt = stmt.where(CorrectiveAction.factory_id.in_(list(factory_ids)))
    order = (x.requested_at, x.id) if status == ExtensionStatus.REQUESTED else (x.decided_at.desc(), x.id.desc())
    stmt = stmt.order_by(*order).limit(limit)
    return db.session.scalars(stmt).unique().all()


def overdue_by_factory(today: dt.date, limit: int = 20) -> list[dict]:
    """Factories with the most actions In progress past their deadline (one grouped query)."""
    ca = CorrectiveAction
    stmt = (sa.select(Factory.id, Factory.name, sa.func.count(ca.id).label("n"), sa.func.min(ca.deadline).label("oldest"))
            .join(ca, ca.factory_id == Factory.id)
            .where(awaiting_fix_overdue_sql(today))
            .group_by(Factory.id, Factory.name).order_by(sa.desc("n"), Factory.id).limit(limit))
    return [{"factory_id": r.id, "name": r.name, "overdue": r.n, "oldest_deadline": r.oldest}
            for r in db.session.execute(stmt)]


def action_history(action_id: int):
    """Audit events about one action, oldest first."""
    from factorysafe.audit import AuditEvent

    return db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.subject_type == CorrectiveAction.__tablename__,
                                    AuditEvent.subject_id == action_id).order_by(AuditEvent.id)
    ).all()


def load_action(action_id: int) -> CorrectiveAction | None:
    ca = CorrectiveAction
    return db.session.scalars(
        sa.select(ca).where(ca.id == action_id).options(
            joinedload(ca.finding).joinedload(Finding.inspection), joinedload(ca.factory),
            joinedload(ca.verified_by))
    ).unique().one_or_none()


# --- reminders ------------------------------------------------------------------------------------
def reminder_rows(today: dt.date, days: int) -> dict[str, list[dict]]:
    """{owner email: [action]} for actions In progress due within ``days`` or overdue (one query); each
    action a dict: factory, item, observation, action_id, deadline, overdue (``rules.deadline_state``)."""
    ca = CorrectiveAction
    stmt = (
        sa.select(User.email, Factory.name, Finding.item_number, Finding.observation, ca.id, ca.deadline)
        .select_from(ca)
        .join(Finding, Finding.id == ca.finding_id)
        .join(Factory, Factory.id == ca.factory_id)
        .join(factory_owners, factory_owners.c.factory_id == ca.factory_id)
        .join(User, User.id == factory_owners.c.user_id)
        .where(User.active.is_(True), User.role == Role.OWNER,
               awaiting_fix_overdue_sql(today) | due_soon_sql(today, days))
        .order_by(User.email, ca.deadline, ca.id)
    )
    out: dict[str, list[dict]] = defaultdict(list)
    for email, fname, item, obs, aid, deadline in db.session.execute(stmt):
        out[email].append({"factory": fname, "item": item, "observation": obs[:120], "action_id": aid,
                           "deadline": deadline,
                           "overdue": deadline_state(ActionStatus.IN_PROGRESS, deadline, today).is_overdue})
    return out


def verification_digest() -> tuple[int, str | None]:
    n = db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id)).where(
        CorrectiveAction.status == ActionStatus.PENDING_VERIFICATION)) or 0
    oldest = db.session.scalar(sa.select(sa.func.min(CorrectiveAction.reported_fixed_on)).where(
        CorrectiveAction.status == ActionStatus.PENDING_VERIFICATION))
    return n, oldest.isoformat() if oldest else None


def engineer_emails() -> list[str]:
    """E-mail addresses of active engineers and administrators (the verification digest's readers)."""
    return db.session.scalars(sa.select(User.email).where(
        User.active.is_(True), User.role.in_([Role.ENGINEER, Role.ADMIN])).order_by(User.email)).all()

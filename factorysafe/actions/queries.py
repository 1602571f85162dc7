"""SQL aggregations behind the rules in ``actions.rules``: one query for many factories.

``tests/test_rules_sql.py`` proves these give the same answers as the pure functions.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa

from factorysafe.actions.models import ActionStatus, CorrectiveAction
from factorysafe.actions.rules import CapStatus, FactoryCounts, cap_status, progress_rate
from factorysafe.db import db
from factorysafe.factories.models import Factory
from factorysafe.inspections.models import Discipline, Finding, FindingOrigin, Inspection, InspectionState


def _published_only(stmt, published_only: bool):
    if published_only:
        stmt = stmt.join(Inspection, Inspection.id == Finding.inspection_id).where(
            Inspection.state == InspectionState.PUBLISHED
        )
    return stmt


def discipline_counts(today: dt.date, factory_ids=None, *, published_only: bool = False):
    """{factory_id: {(discipline, origin): {"total", "corrected", "pending", "overdue"}}} in one query."""
    ca, f = CorrectiveAction, Finding
    stmt = (
        sa.select(
            f.factory_id,
            f.discipline,
            f.origin,
            sa.func.count().label("total"),
            sa.func.sum(sa.case((ca.status == ActionStatus.CORRECTED, 1), else_=0)).label("corrected"),
            sa.func.sum(sa.case((ca.status == ActionStatus.PENDING_VERIFICATION, 1), else_=0)).label("pending"),
            sa.func.sum(
                sa.case(((ca.status != ActionStatus.CORRECTED) & (ca.deadline < today), 1), else_=0)
            ).label("overdue"),
        )
        .select_from(f)
        .join(ca, ca.finding_id == f.id)
        .group_by(f.factory_id, f.discipline, f.origin)
    )
    stmt = _published_only(stmt, published_only)
    if factory_ids is not None:
        stmt = stmt.where(f.factory_id.in_(list(factory_ids)))
    out: dict[int, dict] = defaultdict(dict)
    for row in db.session.execute(stmt):
        out[row.factory_id][(Discipline(row.discipline), FindingOrigin(row.origin))] = {
            "total": row.total, "corrected": int(row.corrected or 0),
            "pending": int(row.pending or 0), "overdue": int(row.overdue or 0),
        }
    return out


def factory_summaries(today: dt.date, factory_ids=None, *, published_only: bool = False, pending_weight: float = 0.0):
    """Status and progress for many factories: {factory_id: summary dict}. Two queries in all."""
    counts = discipline_counts(today, factory_ids, published_only=published_only)
    fstmt = sa.select(Factory.id, Factory.cap_agreed_on, Factory.ineligible_since, Factory.requalify_on)
    if factory_ids is not None:
        fstmt = fstmt.where(Factory.id.in_(list(factory_ids)))
    result = {}
    for fid, agreed, inel, requal in db.session.execute(fstmt):
        per = counts.get(fid, {})
        initial = [v for (d, o), v in per.items() if o == FindingOrigin.INITIAL]
        fc = FactoryCounts(
            initial_total=sum(v["total"] for v in initial),
            initial_corrected=sum(v["corrected"] for v in initial),
            overdue=sum(v["overdue"] for v in per.values()),
        )
        progress = {}
        for d in Discipline:
            v = per.get((d, FindingOrigin.INITIAL), {"total": 0, "corrected": 0, "pending": 0, "overdue": 0})
            progress[d.value] = progress_rate(v["corrected"], v["pending"], v["total"], pending_weight)
        all_initial_pending = sum(v["pending"] for v in initial)
        progress["overall"] = progress_rate(fc.initial_corrected, all_initial_pending, fc.initial_total, pending_weight)
        new = [v for (d, o), v in per.items() if o == FindingOrigin.NEW]
        result[fid] = {
            "cap_status": cap_status(fc, cap_agreed=agreed is not None, ineligible_since=inel, requalify_on=requal, today=today),
            "counts": fc,
            "progress": progress,
            "by_discipline": {d.value: per.get((d, FindingOrigin.INITIAL)) for d in Discipline},
            "new_findings": {
                "total": sum(v["total"] for v in new),
                "corrected": sum(v["corrected"] for v in new),
                "overdue": sum(v["overdue"] for v in new),
            },
            "open": sum(v["total"] - v["corrected"] for v in per.values()),
            "overdue": fc.overdue,
        }
    return result


def status_of(factory_id: int, today: dt.date, **kw) -> CapStatus:
    return factory_summaries(today, [factory_id], **kw)[factory_id]["cap_status"]

"""Read-only SQL for the hazard pages."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from factorysafe.actions.models import ActionStatus, CorrectiveAction
from factorysafe.cache import remember
from factorysafe.db import db, utcnow
from factorysafe.factories.models import Evacuation
from factorysafe.inspections.models import Finding
from factorysafe.policy import PUBLIC_STATES, states_sql


def hazard_counts(*, states=PUBLIC_STATES) -> dict[str, dict[str, int]]:
    """{hazard_code: {"open", "corrected"}} over all factories, in one grouped query.

    Open means not yet Corrected (In progress or Pending verification). The public sees
    only findings of published inspections (``states``, from ``factorysafe.policy``).
    """
    corrected = sa.func.sum(sa.case((CorrectiveAction.status == ActionStatus.CORRECTED, 1), else_=0))
    open_ = sa.func.sum(sa.case((CorrectiveAction.status != ActionStatus.CORRECTED, 1), else_=0))
    stmt = (
        sa.select(Finding.hazard_code, open_.label("open"), corrected.label("corrected"))
        .join(CorrectiveAction, CorrectiveAction.finding_id == Finding.id)
        .where(Finding.hazard_code.is_not(None))
        .group_by(Finding.hazard_code)
    )
    stmt = stmt.where(states_sql(states, Finding.inspection_id))
    return {row.hazard_code: {"open": int(row.open or 0), "corrected": int(row.corrected or 0)}
            for row in db.session.execute(stmt)}


def evacuations_in_force(factory_ids=None, limit: int | None = None) -> list[Evacuation]:
    """Evacuations not yet lifted (no resumption date), newest first, with their factory loaded."""
    stmt = (sa.select(Evacuation).where(Evacuation.resumed_on.is_(None)).options(joinedload(Evacuation.factory))
            .order_by(Evacuation.ordered_on.desc(), Evacuation.id.desc()))
    if factory_ids is not None:
        stmt = stmt.where(Evacuation.factory_id.in_(list(factory_ids)))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.execute(stmt).scalars())


def count_evacuations_in_force(factory_ids=None) -> int:
    stmt = sa.select(sa.func.count(Evacuation.id)).where(Evacuation.resumed_on.is_(None))
    if factory_ids is not None:
        stmt = stmt.where(Evacuation.factory_id.in_(list(factory_ids)))
    return db.session.scalar(stmt) or 0


def public_hazard_counts() -> tuple[dict[str, dict[str, int]], dt.datetime]:
    """``hazard_counts`` of published findings and when they were counted, from the shared cache: one
    grouped count over every published finding at most once per ``PUBLIC_COUNTS_SECONDS`` for all workers."""
    return remember("hazard-counts", current_app.config["PUBLIC_COUNTS_SECONDS"],
                    lambda: (hazard_counts(states=PUBLIC_STATES), utcnow()))

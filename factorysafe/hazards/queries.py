"""Read-only SQL for the hazard pages."""
from __future__ import annotations

import sqlalchemy as sa

from factorysafe.actions.models import ActionStatus, CorrectiveAction
from factorysafe.db import db
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


def evacuations_in_force(factory_ids=None) -> list[Evacuation]:
    """Evacuations not yet lifted (no resumption date), newest first."""
    stmt = sa.select(Evacuation).where(Evacuation.resumed_on.is_(None)).order_by(Evacuation.ordered_on.desc())
    if factory_ids is not None:
        stmt = stmt.where(Evacuation.factory_id.in_(list(factory_ids)))
    return list(db.session.execute(stmt).scalars())

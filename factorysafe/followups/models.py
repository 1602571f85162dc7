"""Who follows a factory up, and the items a follow-up inspection checks."""
from __future__ import annotations

import datetime as dt
import enum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factorysafe.db import db, str_enum, utcnow

if TYPE_CHECKING:  # the relationships' targets (no import at run time: their modules import many others)
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User
    from factorysafe.inspections.models import Inspection


class CheckOutcome(enum.StrEnum):
    """What the engineer found of one open item at a follow-up inspection."""

    TO_CHECK = "to_check"  # pre-listed, not decided yet
    VERIFIED = "verified"  # the fix is verified: the action is corrected (actions.services.verify_fix)
    REJECTED = "rejected"  # the reported fix is not accepted: back in progress (actions.services.reject_fix)
    STILL_OPEN = "still_open"  # not fixed yet (nothing reported, or no decision possible today), with a note

    @property
    def label(self) -> str:
        from factorysafe.labels import label

        return label(self)


class FollowUpAssignment(db.Model):
    """The engineer who follows a factory up. Without a row the lead engineer (creator) of the factory's latest
    inspection does; a row with no engineer means "unassigned" on purpose."""

    __tablename__ = "follow_up_assignments"

    factory_id: Mapped[int] = mapped_column(sa.ForeignKey("factories.id", ondelete="CASCADE"), primary_key=True)
    engineer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True,
                                                    doc="The assigned engineer; NULL: unassigned.")
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    engineer: Mapped["User | None"] = relationship(foreign_keys=[engineer_id])

    __mapper_args__ = {"version_id_col": version}


class FollowUpCheck(db.Model):
    """One open action pre-listed on a follow-up inspection, and what the engineer found of it."""

    __tablename__ = "follow_up_checks"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "action_id", name="uq_follow_up_checks_inspection_action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[CheckOutcome] = mapped_column(str_enum(CheckOutcome), default=CheckOutcome.TO_CHECK,
                                                  doc="to_check, verified, rejected or still_open.")
    note: Mapped[str] = mapped_column(sa.Text, default="", doc="What the engineer saw.")
    checked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    checked_at: Mapped[dt.datetime | None] = mapped_column()
    version: Mapped[int] = mapped_column(default=1)

    inspection: Mapped["Inspection"] = relationship()
    action: Mapped["CorrectiveAction"] = relationship()
    checked_by: Mapped["User | None"] = relationship(foreign_keys=[checked_by_id])

    __mapper_args__ = {"version_id_col": version}

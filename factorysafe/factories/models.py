"""Factories, their owners, escalation and evacuation notices, workers' complaints."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factorysafe.db import db, str_enum, utcnow

factory_owners = sa.Table(
    "factory_owners",
    db.metadata,
    sa.Column("factory_id", sa.ForeignKey("factories.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Factory(db.Model):
    __tablename__ = "factories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True, doc="Registered name of the factory.")
    address: Mapped[str] = mapped_column(sa.String(400), default="", doc="Street address of the building.")
    division: Mapped[str] = mapped_column(sa.String(60), default="", doc="Administrative division (ADM1).")
    district: Mapped[str] = mapped_column(sa.String(60), default="", index=True, doc="District (ADM2), e.g. Gazipur.")
    upazila: Mapped[str] = mapped_column(sa.String(80), default="", doc="Upazila or thana (ADM3), e.g. Savar.")
    latitude: Mapped[float | None] = mapped_column(doc="WGS84 latitude of the building.")
    longitude: Mapped[float | None] = mapped_column(doc="WGS84 longitude of the building.")
    storeys: Mapped[int | None] = mapped_column(doc="Number of storeys of the building.")
    shared_building: Mapped[bool] = mapped_column(default=False, doc="Whether other businesses share the building.")
    workers: Mapped[int | None] = mapped_column(doc="Number of workers employed.")
    brands_count: Mapped[int | None] = mapped_column(doc="Number of brands sourcing from the factory.")
    safety_committee_trained: Mapped[bool] = mapped_column(default=False, doc="Whether the workers' safety committee completed training.")
    safety_committee_trained_on: Mapped[dt.date | None] = mapped_column(doc="Date the safety committee training was completed.")
    cap_agreed_on: Mapped[dt.date | None] = mapped_column(doc="Date the corrective action plan was agreed; none means CAP pending.")
    escalation_stage: Mapped[int] = mapped_column(default=0, doc="0 none, 1 notice, 2 meeting, 3 terminated (ineligible).")
    ineligible_since: Mapped[dt.date | None] = mapped_column(doc="Date of termination after escalation stage 3.")
    requalify_on: Mapped[dt.date | None] = mapped_column(doc="Earliest date an ineligible factory may requalify.")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    owners: Mapped[list["User"]] = relationship(secondary=factory_owners, back_populates="factories")  # noqa: F821
    inspections: Mapped[list["Inspection"]] = relationship(  # noqa: F821
        back_populates="factory", order_by="Inspection.inspected_on", cascade="all, delete-orphan"
    )
    escalations: Mapped[list["Escalation"]] = relationship(
        back_populates="factory", order_by="Escalation.applied_on", cascade="all, delete-orphan"
    )
    evacuations: Mapped[list["Evacuation"]] = relationship(
        back_populates="factory", order_by="Evacuation.ordered_on", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Factory {self.id} {self.name}>"


class Escalation(db.Model):
    """One applied escalation step: 1 notice letter, 2 mandatory meeting, 3 termination."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(sa.ForeignKey("factories.id", ondelete="CASCADE"), index=True)
    stage: Mapped[int] = mapped_column(doc="1 notice, 2 meeting, 3 termination.")
    applied_on: Mapped[dt.date] = mapped_column()
    applied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    requalify_on: Mapped[dt.date | None] = mapped_column(doc="For stage 3: earliest requalification date.")

    factory: Mapped[Factory] = relationship(back_populates="escalations")
    applied_by: Mapped["User | None"] = relationship()  # noqa: F821


class Evacuation(db.Model):
    """An evacuation of all or part of a building for immediate danger; workers keep their wages."""

    __tablename__ = "evacuations"

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(sa.ForeignKey("factories.id", ondelete="CASCADE"), index=True)
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id", ondelete="SET NULL"))
    ordered_on: Mapped[dt.date] = mapped_column(doc="Date the evacuation was recommended.")
    floors: Mapped[str] = mapped_column(sa.String(200), default="", doc="Affected floors; empty means the whole building.")
    workers_affected: Mapped[int | None] = mapped_column(doc="Workers sent home on full wages.")
    resumed_on: Mapped[dt.date | None] = mapped_column(doc="Date the engineers allowed work to resume.")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    ordered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    factory: Mapped[Factory] = relationship(back_populates="evacuations")

    @property
    def in_force(self) -> bool:
        return self.resumed_on is None

    def days_closed(self, today: dt.date) -> int:
        return ((self.resumed_on or today) - self.ordered_on).days


class ComplaintStatus(enum.StrEnum):
    RECEIVED = "received"
    RESOLVED = "resolved"
    NON_SAFETY = "non_safety"
    NOT_PROCESSED = "not_processed"
    NOT_COVERED = "not_covered"


class Complaint(db.Model):
    """A worker's safety complaint, possibly anonymous."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("factories.id", ondelete="SET NULL"), index=True)
    withhold_factory: Mapped[bool] = mapped_column(default=False, doc="Hide the factory from the public record.")
    anonymous: Mapped[bool] = mapped_column(default=True)
    received_on: Mapped[dt.date] = mapped_column()
    status: Mapped[ComplaintStatus] = mapped_column(str_enum(ComplaintStatus), default=ComplaintStatus.RECEIVED)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

"""Factories, their owners, escalation and evacuation notices (workers' complaints: ``factorysafe.complaints``)."""
from __future__ import annotations

import datetime as dt

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
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    factory: Mapped[Factory] = relationship(back_populates="evacuations")

    __mapper_args__ = {"version_id_col": version}

    @property
    def in_force(self) -> bool:
        return self.resumed_on is None

    def days_closed(self, today: dt.date) -> int:
        return ((self.resumed_on or today) - self.ordered_on).days


# --- the read model of factory status (maintained by ``factories/status.py``) -------------------------
#: Who reads a row: the public (published inspections), the factory's owners (submitted and published),
#: engineers (all). ``factories.status.AUDIENCE_STATES`` maps each to its ``policy`` state tuple.
AUDIENCES = ("public", "owner", "all")
#: The disciplines in ``inspections.models.Discipline`` order (columns are named after them).
STATUS_DISCIPLINES = ("fire", "electrical", "structural", "boiler")


def _status_columns() -> list[sa.Column]:
    cols = [
        sa.Column("factory_id", sa.Integer, sa.ForeignKey("factories.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("audience", sa.String(8), primary_key=True),
        sa.Column("cap_status", sa.String(32), nullable=False),
        sa.Column("progress", sa.Float, nullable=True),
        sa.Column("initial_total", sa.Integer, nullable=False),
        sa.Column("initial_corrected", sa.Integer, nullable=False),
        sa.Column("initial_pending", sa.Integer, nullable=False),
        sa.Column("open", sa.Integer, nullable=False),
        sa.Column("overdue", sa.Integer, nullable=False),
        sa.Column("new_total", sa.Integer, nullable=False),
        sa.Column("new_corrected", sa.Integer, nullable=False),
        sa.Column("new_pending", sa.Integer, nullable=False),
        sa.Column("new_overdue", sa.Integer, nullable=False),
        sa.Column("immediate_danger_open", sa.Integer, nullable=False),
        sa.Column("evacuation_in_force", sa.Boolean, nullable=False),
        sa.Column("evacuation_since", sa.Date, nullable=True),
        sa.Column("evacuation_floors", sa.String(200), nullable=True),
        sa.Column("evacuation_workers", sa.Integer, nullable=True),
        sa.Column("published_inspections", sa.Integer, nullable=False),
        sa.Column("last_published_on", sa.Date, nullable=True),
        sa.Column("computed_on", sa.Date, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=True, index=True),
        sa.Column("changed_at", sa.DateTime, nullable=False, index=True),
    ]
    for d in STATUS_DISCIPLINES:
        cols += [
            # initial findings of the discipline (all None: the discipline has no initial finding)
            sa.Column(f"{d}_total", sa.Integer, nullable=True),
            sa.Column(f"{d}_corrected", sa.Integer, nullable=True),
            sa.Column(f"{d}_pending", sa.Integer, nullable=True),
            sa.Column(f"{d}_overdue", sa.Integer, nullable=True),
            sa.Column(f"{d}_progress", sa.Float, nullable=True),
            # open and overdue actions of the discipline, initial and new findings together
            sa.Column(f"{d}_open", sa.Integer, nullable=False),
            sa.Column(f"{d}_overdue_all", sa.Integer, nullable=False),
        ]
    return cols


factory_status = sa.Table("factory_status", db.metadata, *_status_columns())


class FactoryStatus(db.Model):
    """One factory's status and progress for one audience, as ``actions.queries.summarise`` computes them.

    A read model: written only by ``factories.status`` (in the transaction of every change to the factory's
    data, and when ``valid_until`` passes), read by the public map, factory pages, API and exports.
    ``valid_until`` is the first day the stored numbers may differ by the passing of time alone (the day
    after the next open deadline, an ineligibility start or requalification date); None: never.
    """

    __table__ = factory_status

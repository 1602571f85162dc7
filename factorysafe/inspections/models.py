"""Inspections, findings and photo evidence."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factorysafe.db import db, str_enum, utcnow


class Discipline(enum.StrEnum):
    FIRE = "fire"
    ELECTRICAL = "electrical"
    STRUCTURAL = "structural"
    BOILER = "boiler"

    @property
    def prefix(self) -> str:
        """Item-number prefix used in reports: F-1, E-3, S-2, B-1."""
        return {"fire": "F", "electrical": "E", "structural": "S", "boiler": "B"}[self.value]

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


class Severity(enum.StrEnum):
    """Severity of a finding; it sets the default deadline (see actions.rules)."""

    PRIORITY_1 = "priority_1"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


class InspectionType(enum.StrEnum):
    INITIAL = "initial"
    FOLLOW_UP = "follow_up"
    SPECIAL = "special"
    COMPLAINT = "complaint"

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


class InspectionState(enum.StrEnum):
    DRAFT = "draft"  # editable by its engineers
    SUBMITTED = "submitted"  # locked; changes are amendments with a reason
    PUBLISHED = "published"  # visible to the public

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


class ReviewDecision(enum.StrEnum):
    APPROVE = "approve"  # a second engineer read it: it may be published
    CHANGES_REQUESTED = "changes_requested"  # "has issues": back to the authors, with comments

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


class FindingOrigin(enum.StrEnum):
    INITIAL = "initial"  # raised at the initial inspection: counts in the progress rate
    NEW = "new"  # raised at a follow-up, special or complaint inspection: shown beside it


inspection_engineers = sa.Table(
    "inspection_engineers",
    db.metadata,
    sa.Column("inspection_id", sa.ForeignKey("inspections.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Inspection(db.Model):
    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(sa.ForeignKey("factories.id", ondelete="CASCADE"), index=True)
    type: Mapped[InspectionType] = mapped_column(str_enum(InspectionType), doc="initial, follow_up, special or complaint.")
    inspected_on: Mapped[dt.date] = mapped_column(doc="Date of the site visit.")
    disciplines: Mapped[str] = mapped_column(
        sa.String(80), default="fire,electrical,structural,boiler", doc="Comma-separated disciplines covered."
    )
    state: Mapped[InspectionState] = mapped_column(
        str_enum(InspectionState), default=InspectionState.DRAFT, index=True, doc="draft, submitted or published."
    )
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    published_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    factory: Mapped["Factory"] = relationship(back_populates="inspections")  # noqa: F821
    engineers: Mapped[list["User"]] = relationship(secondary=inspection_engineers)  # noqa: F821
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])  # noqa: F821
    findings: Mapped[list["Finding"]] = relationship(
        back_populates="inspection", order_by="Finding.id", cascade="all, delete-orphan"
    )

    reviews: Mapped[list["InspectionReview"]] = relationship(
        back_populates="inspection", order_by="InspectionReview.id", cascade="all, delete-orphan")

    __mapper_args__ = {"version_id_col": version}

    @property
    def author_ids(self) -> set[int]:
        """Who wrote it: its creator and its team (none of them may review it)."""
        return {u.id for u in self.engineers} | ({self.created_by_id} if self.created_by_id else set())

    @property
    def discipline_list(self) -> list[Discipline]:
        return [Discipline(d) for d in self.disciplines.split(",") if d]

    @property
    def is_published(self) -> bool:
        return self.state == InspectionState.PUBLISHED


class InspectionReview(db.Model):
    """A second engineer's review of a submitted inspection (rules: ``inspections.rules.may_publish``).

    An amendment after the review makes it ``superseded``: it stays on record but no longer counts."""

    __tablename__ = "inspection_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decision: Mapped[ReviewDecision] = mapped_column(str_enum(ReviewDecision), doc="approve or changes_requested.")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    superseded: Mapped[bool] = mapped_column(default=False, doc="The inspection was amended after this review.")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    inspection: Mapped[Inspection] = relationship(back_populates="reviews")
    reviewer: Mapped["User | None"] = relationship(foreign_keys=[reviewer_id])  # noqa: F821


class Finding(db.Model):
    __tablename__ = "findings"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "item_number", name="uq_findings_inspection_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id", ondelete="CASCADE"), index=True)
    factory_id: Mapped[int] = mapped_column(sa.ForeignKey("factories.id", ondelete="CASCADE"), index=True)
    discipline: Mapped[Discipline] = mapped_column(str_enum(Discipline), doc="fire, electrical, structural or boiler.")
    item_number: Mapped[str] = mapped_column(sa.String(16), doc="Item number in the report, e.g. F-1, E-3.")
    hazard_code: Mapped[str | None] = mapped_column(sa.String(64), index=True, doc="Code from the hazard catalogue.")
    floor: Mapped[str] = mapped_column(sa.String(40), default="", doc="Floor of the building, e.g. 3rd floor.")
    area: Mapped[str] = mapped_column(sa.String(120), default="", doc="Area on the floor, e.g. north stair.")
    observation: Mapped[str] = mapped_column(sa.Text, default="", doc="What the engineer saw.")
    recommendation: Mapped[str] = mapped_column(sa.Text, default="", doc="What must be done.")
    severity: Mapped[Severity] = mapped_column(str_enum(Severity), doc="Sets the default deadline.")
    severity_override_reason: Mapped[str] = mapped_column(sa.Text, default="")
    deadline_override_reason: Mapped[str] = mapped_column(sa.Text, default="")
    immediate_danger: Mapped[bool] = mapped_column(default=False, doc="Evacuation recommended.")
    origin: Mapped[FindingOrigin] = mapped_column(
        str_enum(FindingOrigin), default=FindingOrigin.INITIAL, doc="initial, or new (follow-up/complaint)."
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    inspection: Mapped[Inspection] = relationship(back_populates="findings")
    photos: Mapped[list["Photo"]] = relationship(
        back_populates="finding", order_by="Photo.id", foreign_keys="Photo.finding_id"
    )
    action: Mapped["CorrectiveAction | None"] = relationship(  # noqa: F821
        back_populates="finding", uselist=False, cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class Photo(db.Model):
    """A verified image. Files live under instance/photos by content hash, never by user name."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True, doc="SHA-256 of the original file.")
    original_ext: Mapped[str] = mapped_column(sa.String(8), doc="Extension of the stored original (by detected format).")
    content_type: Mapped[str] = mapped_column(sa.String(40))
    width: Mapped[int] = mapped_column()
    height: Mapped[int] = mapped_column()
    size_bytes: Mapped[int] = mapped_column(default=0)
    taken_at: Mapped[dt.datetime | None] = mapped_column(doc="Capture time from EXIF.")
    latitude: Mapped[float | None] = mapped_column(doc="GPS latitude from EXIF.")
    longitude: Mapped[float | None] = mapped_column(doc="GPS longitude from EXIF.")
    far_from_factory: Mapped[bool | None] = mapped_column(doc="Taken further than the configured distance from the factory.")
    far_from_date: Mapped[bool | None] = mapped_column(doc="Taken far from the inspection or report date.")
    private: Mapped[bool] = mapped_column(default=False, doc="Never shown to the public.")
    caption: Mapped[str] = mapped_column(sa.String(300), default="")
    finding_id: Mapped[int | None] = mapped_column(sa.ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    action_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True, doc="Set for fix evidence."
    )
    complaint_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("complaints.id", ondelete="CASCADE"), index=True,
        doc="Set for a worker's complaint photo: stripped, handlers only.")
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    finding: Mapped[Finding | None] = relationship(back_populates="photos", foreign_keys=[finding_id])
    action: Mapped["CorrectiveAction | None"] = relationship(  # noqa: F821
        back_populates="evidence", foreign_keys=[action_id]
    )

    @hybrid_property
    def flagged(self) -> bool:
        """Flagged for the reviewing engineer: taken far from the factory or from the reference date (the flags
        ``uploads.photo_flags`` stored at upload). The one definition, for pages and for queries."""
        return bool(self.far_from_factory) or bool(self.far_from_date)

    @flagged.inplace.expression
    @classmethod
    def _flagged_expression(cls):
        return sa.or_(cls.far_from_factory.is_(True), cls.far_from_date.is_(True))

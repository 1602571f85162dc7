"""Workers' complaints, their messages (worker <-> handler) and their links to findings.

Nothing here identifies the person who complained: no account, IP address, user agent or cookie is stored.
The receipt code is stored only as its SHA-256 (``receipt_hash``); an SMS sender only as a keyed hash
(``sender_hash``), to link their follow-ups; a way to be contacted only when the worker chose to give one.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus, Verdict
from factorysafe.db import db, str_enum, utcnow

complaint_findings = sa.Table(
    "complaint_findings",
    db.metadata,
    sa.Column("complaint_id", sa.ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("finding_id", sa.ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
)


class Complaint(db.Model):
    """A worker's complaint, anonymous by design."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int | None] = mapped_column(sa.ForeignKey("factories.id", ondelete="SET NULL"), index=True)
    factory_text: Mapped[str] = mapped_column(sa.String(200), default="", server_default="",
                                              doc="The factory as the worker named it, when not found in the list.")
    withhold_factory: Mapped[bool] = mapped_column(default=True, doc="Hide the factory from the public record.")
    anonymous: Mapped[bool] = mapped_column(default=True)
    category: Mapped[ComplaintCategory] = mapped_column(
        str_enum(ComplaintCategory), default=ComplaintCategory.OTHER, server_default="other")
    channel: Mapped[str] = mapped_column(sa.String(8), default="web", server_default="web", doc="web or sms.")
    lang: Mapped[str] = mapped_column(sa.String(5), default="bn", server_default="bn",
                                      doc="The worker's language (replies and SMS answers).")
    received_on: Mapped[dt.date] = mapped_column()
    status: Mapped[ComplaintStatus] = mapped_column(str_enum(ComplaintStatus), default=ComplaintStatus.RECEIVED)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[str] = mapped_column(sa.Text, default="", doc="What the worker and the public register read.")
    referred_to: Mapped[str] = mapped_column(sa.String(200), default="", server_default="",
                                             doc="For non-safety and not-covered complaints: to whom it was referred.")
    contact: Mapped[str] = mapped_column(sa.String(200), default="", server_default="",
                                         doc="A way to reach the worker, only if they chose to give one; handlers only.")
    receipt_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True,
                                                     doc="SHA-256 of the receipt code; the code is never stored.")
    sender_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True,
                                                    doc="Keyed hash of the SMS sender's number (never the number).")
    verdict: Mapped[Verdict | None] = mapped_column(str_enum(Verdict, length=16),
                                                    doc="The worker's answer to 'is it fixed?' after resolution.")
    reopened: Mapped[int] = mapped_column(default=0, server_default="0", doc="Times the worker disputed a resolution.")
    resolved_on: Mapped[dt.date | None] = mapped_column()
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspections.id", ondelete="SET NULL"),
                                                      doc="A complaint inspection made from it.")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=sa.func.current_timestamp())
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    factory: Mapped["Factory | None"] = relationship()  # noqa: F821
    messages: Mapped[list["ComplaintMessage"]] = relationship(
        back_populates="complaint", order_by="ComplaintMessage.id", cascade="all, delete-orphan")
    findings: Mapped[list["Finding"]] = relationship(secondary=complaint_findings, order_by="Finding.id")  # noqa: F821
    inspection: Mapped["Inspection | None"] = relationship()  # noqa: F821

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Complaint {self.id} {self.status}>"


class ComplaintMessage(db.Model):
    """One message on a complaint: the worker's (``from_worker``) or a handler's; a question asks for an answer."""

    __tablename__ = "complaint_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    from_worker: Mapped[bool] = mapped_column()
    body: Mapped[str] = mapped_column(sa.Text, default="")
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), doc="Never shown to the worker.")
    photo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("photos.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    complaint: Mapped[Complaint] = relationship(back_populates="messages")
    photo: Mapped["Photo | None"] = relationship()  # noqa: F821

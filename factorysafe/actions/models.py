"""Corrective actions, their comments and deadline extensions, and the reminder outbox."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factorysafe.db import db, str_enum, utcnow


class ActionStatus(enum.StrEnum):
    IN_PROGRESS = "in_progress"  # default, and where a rejected fix goes back to
    PENDING_VERIFICATION = "pending_verification"  # the factory says it is fixed
    CORRECTED = "corrected"  # an engineer verified the fix

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


class ExtensionStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


class CorrectiveAction(db.Model):
    __tablename__ = "corrective_actions"
    __table_args__ = (
        sa.Index("ix_corrective_actions_factory_status", "factory_id", "status"),
        # dashboards: the verification queue (oldest report first) and overdue lists across factories
        sa.Index("ix_corrective_actions_status_reported", "status", "reported_fixed_on"),
        sa.Index("ix_corrective_actions_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(sa.ForeignKey("findings.id", ondelete="CASCADE"), unique=True)
    factory_id: Mapped[int] = mapped_column(sa.ForeignKey("factories.id", ondelete="CASCADE"))
    planned_action: Mapped[str] = mapped_column(sa.Text, default="", doc="What the factory plans to do.")
    responsible_person: Mapped[str] = mapped_column(sa.String(120), default="", doc="Who at the factory is responsible.")
    target_date: Mapped[dt.date | None] = mapped_column(doc="The factory's own target date.")
    deadline: Mapped[dt.date] = mapped_column(index=True, doc="The binding deadline (after approved extensions).")
    original_deadline: Mapped[dt.date] = mapped_column(doc="The deadline first set from the severity.")
    status: Mapped[ActionStatus] = mapped_column(str_enum(ActionStatus), default=ActionStatus.IN_PROGRESS)
    reported_fixed_on: Mapped[dt.date | None] = mapped_column(doc="When the factory reported the fix.")
    fix_note: Mapped[str] = mapped_column(sa.Text, default="")
    verified_on: Mapped[dt.date | None] = mapped_column(doc="When an engineer verified the fix.")
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rejection_reason: Mapped[str] = mapped_column(sa.Text, default="", doc="Engineer's reason for the last rejected fix.")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    finding: Mapped["Finding"] = relationship(back_populates="action")  # noqa: F821
    factory: Mapped["Factory"] = relationship()  # noqa: F821
    verified_by: Mapped["User | None"] = relationship(foreign_keys=[verified_by_id])  # noqa: F821
    comments: Mapped[list["ActionComment"]] = relationship(
        back_populates="action", order_by="ActionComment.created_at", cascade="all, delete-orphan"
    )
    extensions: Mapped[list["DeadlineExtension"]] = relationship(
        back_populates="action", order_by="DeadlineExtension.requested_at", cascade="all, delete-orphan"
    )
    evidence: Mapped[list["Photo"]] = relationship(  # noqa: F821
        back_populates="action", foreign_keys="Photo.action_id", order_by="Photo.id"
    )

    __mapper_args__ = {"version_id_col": version}


class ActionComment(db.Model):
    __tablename__ = "action_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    action: Mapped[CorrectiveAction] = relationship(back_populates="comments")
    author: Mapped["User | None"] = relationship()  # noqa: F821


class DeadlineExtension(db.Model):
    """A reasoned request to move a deadline; the whole history is kept and public."""

    __tablename__ = "deadline_extensions"
    __table_args__ = (
        sa.Index("ix_deadline_extensions_status_requested", "status", "requested_at"),
        # one open request per action, enforced by the database (two simultaneous requests: one fails)
        sa.Index("uq_deadline_extensions_one_open", "action_id", unique=True,
                 postgresql_where=sa.text("status = 'requested'"), sqlite_where=sa.text("status = 'requested'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("corrective_actions.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(sa.Text)
    previous_deadline: Mapped[dt.date] = mapped_column()
    requested_deadline: Mapped[dt.date] = mapped_column()
    status: Mapped[ExtensionStatus] = mapped_column(str_enum(ExtensionStatus), default=ExtensionStatus.REQUESTED)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column()
    decision_comment: Mapped[str] = mapped_column(sa.Text, default="")

    action: Mapped[CorrectiveAction] = relationship(back_populates="extensions")


class OutboxMessage(db.Model):
    """A reminder written by ``flask reminders``; sent by SMTP only when SMTP is configured."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True, doc="Recipient and day: one message a day.")
    recipient: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    headers: Mapped[str] = mapped_column(sa.Text, default="", server_default="",
                                         doc="JSON object of extra headers (List-Unsubscribe of followers' e-mails).")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column()

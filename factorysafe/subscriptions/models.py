"""Who follows which factory: an e-mail address only (no name), its language, and what was last sent."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from factorysafe.db import db, utcnow


class Subscription(db.Model):
    """One address following one factory. Unconfirmed until its owner opens the e-mailed link; never notified
    before. Unsubscribing deletes the row (nothing about the address is kept)."""

    __tablename__ = "subscriptions"
    __table_args__ = (sa.UniqueConstraint("factory_id", "email", name="uq_subscriptions_factory_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    factory_id: Mapped[int] = mapped_column(sa.ForeignKey("factories.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), doc="Lower-cased; the only personal data kept.")
    lang: Mapped[str] = mapped_column(sa.String(8), default="en", doc="Language of its e-mails, chosen when asked.")
    link_key: Mapped[str] = mapped_column(sa.String(32), doc="Random; signed into its links (a new row, new links).")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(doc="When the address confirmed; None: never notified.")
    last_state: Mapped[str] = mapped_column(sa.Text, default="", doc="JSON of the factory's public state last sent.")
    last_sent_on: Mapped[dt.date | None] = mapped_column(doc="Day of the last digest.")

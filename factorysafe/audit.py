"""Append-only, hash-chained audit trail.

Every state change in the domain (``services.py`` of each package) calls
:func:`record` in the same transaction as the change itself. Each event carries
the hash of the one before it, so changing or removing a stored event breaks
the chain; :func:`verify_chain` finds the first bad event.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from factorysafe.db import db, utcnow

GENESIS = "0" * 64


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(sa.String(254), default="", doc="Who, as at the time of the event.")
    verb: Mapped[str] = mapped_column(sa.String(60), doc="What happened, e.g. verify_fix.")
    subject_type: Mapped[str] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None] = mapped_column()
    factory_id: Mapped[int | None] = mapped_column(index=True)
    before: Mapped[str] = mapped_column(sa.Text, default="{}", doc="JSON of changed fields before.")
    after: Mapped[str] = mapped_column(sa.Text, default="{}", doc="JSON of changed fields after.")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, doc="Hash of the previous event; unique, so the chain cannot fork.")
    hash: Mapped[str] = mapped_column(sa.String(64))

    def payload(self) -> dict[str, Any]:
        return {
            "occurred_at": self.occurred_at.isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_email": self.actor_email,
            "verb": self.verb,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "factory_id": self.factory_id,
            "before": self.before,
            "after": self.after,
            "note": self.note,
        }

    @property
    def before_data(self) -> dict:
        return json.loads(self.before or "{}")

    @property
    def after_data(self) -> dict:
        return json.loads(self.after or "{}")


def event_hash(prev_hash: str, payload: dict[str, Any]) -> str:
    blob = prev_hash + json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def _json(data: dict | None) -> str:
    return json.dumps(data or {}, sort_keys=True, default=str, ensure_ascii=False)


def _lock_chain() -> None:
    """Serialise appends so two transactions cannot both extend the same head.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback.
    SQLite: a no-op UPDATE takes the database write lock now (SQLite allows one writer), so
    the head read next is the latest committed one and stays so until this transaction ends.
    """
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(7420135)"))
    elif bind.dialect.name == "sqlite":
        db.session.execute(sa.text("UPDATE audit_events SET hash = hash WHERE 1 = 0"))




def record(
    verb: str,
    subject: Any = None,
    *,
    actor=None,
    factory_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
    subject_type: str | None = None,
    subject_id: int | None = None,
) -> AuditEvent:
    """Append one audit event to the chain in the current transaction (flushes)."""
    if subject is not None:
        db.session.flush()
        subject_type = subject_type or type(subject).__tablename__
        subject_id = subject_id if subject_id is not None else getattr(subject, "id", None)
        if factory_id is None:
            factory_id = getattr(subject, "factory_id", None)
    _lock_chain()
    actor_obj = actor if (actor is not None and getattr(actor, "is_authenticated", False)) else None
    fields = dict(
        actor_id=actor_obj.id if actor_obj else None,
        actor_email=actor_obj.email if actor_obj else "system",
        verb=verb,
        subject_type=subject_type or "",
        subject_id=subject_id,
        factory_id=factory_id,
        before=_json(before),
        after=_json(after),
        note=note or "",
    )
    # The chain lock above serialises appends, so the head read here stays the head until commit.
    # No SAVEPOINT: pysqlite's savepoints interfere with the session's commit hooks (uploads.py).
    # Should two writers still meet, prev_hash is UNIQUE: the second fails loudly, never forks.
    last = db.session.execute(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    ev = AuditEvent(occurred_at=utcnow(), prev_hash=last or GENESIS, **fields)
    ev.hash = event_hash(ev.prev_hash, ev.payload())
    db.session.add(ev)
    db.session.flush()
    if factory_id is not None:  # e.g. the factory's status read model, recomputed before this transaction commits
        for hook in _FACTORY_HOOKS:
            hook(factory_id)
    return ev


_FACTORY_HOOKS: list = []


def on_factory_change(hook):
    """Declare ``hook(factory_id)``, called by :func:`record` for every event about a factory (this module
    imports none of its listeners: they register themselves, like ``factories.status``)."""
    if hook not in _FACTORY_HOOKS:
        _FACTORY_HOOKS.append(hook)
    return hook


@dataclass
class ChainProblem:
    event_id: int
    reason: str


def verify_chain(batch: int = 5000) -> ChainProblem | None:
    """Walk the chain in id order; return the first bad event, or None if intact."""
    prev = GENESIS
    last_id = 0
    while True:
        rows = db.session.execute(
            sa.select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).scalars().all()
        if not rows:
            return None
        for ev in rows:
            if ev.prev_hash != prev:
                return ChainProblem(ev.id, "does not follow the event before it (an event was removed or reordered)")
            if event_hash(ev.prev_hash, ev.payload()) != ev.hash:
                return ChainProblem(ev.id, "content does not match its hash (the event was changed)")
            prev = ev.hash
            last_id = ev.id
        db.session.expunge_all()


def diff(obj: Any, fields: list[str], new_values: dict[str, Any]) -> tuple[dict, dict]:
    """Before/after dicts for the fields whose value changes."""
    before, after = {}, {}
    for f in fields:
        if f in new_values and getattr(obj, f) != new_values[f]:
            before[f] = getattr(obj, f)
            after[f] = new_values[f]
    return before, after

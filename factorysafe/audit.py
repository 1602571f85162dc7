"""Append-only, hash-chained audit trail.

Every state change in the domain (``services.py`` of each package) calls
:func:`record` in the same transaction as the change itself. Each event carries
the hash of the one before it, so changing or removing a stored event breaks
the chain; :func:`verify_chain` finds the first bad event.

A chain can still be shortened (events removed from its end) or rewritten from some event on with
every later hash recomputed: both give a valid chain. *Anchors* catch that: :func:`head` (the number
of events and the hash of the last one) is published on the open-data page and in the API for anyone
to keep, and ``flask audit checkpoint`` stores a daily :class:`AuditCheckpoint` signed with an HMAC
key kept outside the database (``AUDIT_SIGNING_KEY``). :func:`verify_chain` checks that event number
*n* of the chain still has the hash an anchor recorded for it.

The acting user is kept in the event as ``actor_ref`` (their id, never nulled) and ``actor_email``:
deleting a user sets the foreign key ``actor_id`` to NULL but changes nothing that is hashed.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
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
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"),
                                                 doc="The acting user while the account exists (NULL once deleted).")
    actor_ref: Mapped[int | None] = mapped_column(doc="The acting user's id as at the event; kept when the user is "
                                                      "deleted, and the id that is hashed.")
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
            "actor_id": self.actor_ref,  # the key name of the first events' hashes; never nulled
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
        actor_ref=actor_obj.id if actor_obj else None,
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
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f" at event {self.event_id}" if self.event_id is not None else ""
        return f"Audit chain BROKEN{where}: {self.reason}."


@dataclass(frozen=True)
class Anchor:
    """Event number ``count`` (1 = the first event) had hash ``hash``: recorded by ``source``."""

    count: int
    hash: str
    source: str


def parse_anchor(text: str, source: str = "--head") -> Anchor:
    """``COUNT:HASH`` as :func:`head` prints it; ValueError if it is not that."""
    count, sep, digest = (text or "").strip().partition(":")
    digest = digest.strip().lower()
    if not sep or not count.strip().isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError("expected COUNT:HASH, e.g. 1234:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    return Anchor(int(count), digest, source)


def head() -> tuple[int, str]:
    """(number of events, hash of the last one); ``(0, GENESIS)`` for an empty chain."""
    count = db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0
    last = db.session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    return count, last or GENESIS


def factory_events(factory_id: int, limit: int = 100) -> list[AuditEvent]:
    """The latest events about one factory (its profile, inspections, findings, actions, evacuations), newest
    first. Shown to engineers only (``policy.is_engineer``): they include draft inspections."""
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.factory_id == factory_id)
                                   .order_by(AuditEvent.id.desc()).limit(limit)))


def verify_chain(batch: int = 5000, anchors: list[Anchor] | tuple = ()) -> ChainProblem | None:
    """Walk the chain in id order; return the first bad event (or anchor not matched), or None if intact.

    Each anchor must still match: event number ``anchor.count`` has ``anchor.hash`` (an empty prefix,
    count 0, has the genesis hash), so removing events from the end or rewriting the chain and
    recomputing every later hash is caught once an anchor past that point was kept."""
    wanted: dict[int, list[Anchor]] = {}
    for a in anchors:
        wanted.setdefault(a.count, []).append(a)

    def check(position: int, digest: str) -> ChainProblem | None:
        for a in wanted.pop(position, ()):
            if a.hash != digest:
                return ChainProblem(None, f"event number {a.count} no longer has the hash recorded by {a.source} "
                                          "(the chain was rewritten up to it)")
        return None

    prev = GENESIS
    last_id = 0
    position = 0
    if problem := check(0, GENESIS):
        return problem
    while True:
        rows = db.session.execute(
            sa.select(AuditEvent).where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        ).scalars().all()
        if not rows:
            break
        for ev in rows:
            if ev.prev_hash != prev:
                return ChainProblem(ev.id, "does not follow the event before it (an event was removed or reordered)")
            if event_hash(ev.prev_hash, ev.payload()) != ev.hash:
                return ChainProblem(ev.id, "content does not match its hash (the event was changed)")
            prev = ev.hash
            last_id = ev.id
            position += 1
            if problem := check(position, ev.hash):
                return problem
        db.session.expunge_all()
    for count in sorted(wanted):
        a = wanted[count][0]
        return ChainProblem(None, f"the chain has {position} event(s) but {a.source} recorded event number {a.count} "
                                  "(events were removed from its end)")
    return None


# --- daily checkpoints, signed with a key kept outside the database ----------------------------------
class AuditCheckpoint(db.Model):
    """The chain's head on one day, with an HMAC of (day, count, head) by ``AUDIT_SIGNING_KEY``.

    Whoever can rewrite the database cannot forge a checkpoint without the key, so a chain rebuilt
    with recomputed hashes, or cut short, no longer matches the checkpoints written before."""

    __tablename__ = "audit_checkpoints"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    event_count: Mapped[int] = mapped_column(doc="Number of events in the chain when the checkpoint was written.")
    head_hash: Mapped[str] = mapped_column(sa.String(64), doc="Hash of event number event_count.")
    signature: Mapped[str] = mapped_column(sa.String(64), doc="HMAC-SHA256 of day, event_count and head_hash.")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def signing_key() -> bytes:
    """The checkpoint key: ``AUDIT_SIGNING_KEY`` (config or environment), else the instance folder's key file
    (``config.ensure_audit_signing_key``)."""
    from flask import current_app

    key = current_app.config.get("AUDIT_SIGNING_KEY")
    if not key:
        raise RuntimeError("AUDIT_SIGNING_KEY is not set")
    return str(key).encode()


def checkpoint_signature(day: dt.date, count: int, digest: str, key: bytes | None = None) -> str:
    message = f"factorysafe-audit-checkpoint|{day.isoformat()}|{count}|{digest}".encode()
    return hmac.new(key or signing_key(), message, hashlib.sha256).hexdigest()


def write_checkpoint(day: dt.date) -> tuple[AuditCheckpoint, bool]:
    """Today's checkpoint: (the checkpoint, True if written now). Idempotent: a day keeps its first one."""
    existing = db.session.get(AuditCheckpoint, day)
    if existing is not None:
        return existing, False
    _lock_chain()  # the head read next stays the head until this transaction ends
    count, digest = head()
    cp = AuditCheckpoint(day=day, event_count=count, head_hash=digest,
                         signature=checkpoint_signature(day, count, digest))
    db.session.add(cp)
    db.session.flush()
    return cp, True


def checkpoint_anchors() -> tuple[list[Anchor], ChainProblem | None]:
    """The checkpoints as anchors, or the first whose signature does not match (forged or changed)."""
    key = signing_key()
    anchors = []
    for cp in db.session.scalars(sa.select(AuditCheckpoint).order_by(AuditCheckpoint.day)):
        expected = checkpoint_signature(cp.day, cp.event_count, cp.head_hash, key)
        if not hmac.compare_digest(expected, cp.signature or ""):
            return anchors, ChainProblem(None, f"the checkpoint of {cp.day.isoformat()} does not carry a valid "
                                               "signature (it was changed, or written with another AUDIT_SIGNING_KEY)")
        anchors.append(Anchor(cp.event_count, cp.head_hash, f"the checkpoint of {cp.day.isoformat()}"))
    return anchors, None


def diff(obj: Any, fields: list[str], new_values: dict[str, Any]) -> tuple[dict, dict]:
    """Before/after dicts for the fields whose value changes."""
    before, after = {}, {}
    for f in fields:
        if f in new_values and getattr(obj, f) != new_values[f]:
            before[f] = getattr(obj, f)
            after[f] = new_values[f]
    return before, after

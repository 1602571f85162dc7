"""Idempotent form posts: a request sent again with the same ``Idempotency-Key`` never creates a second row.

An engineer's phone loses the signal in the middle of an upload: the finding may or may not have been saved,
and the phone cannot know. Its offline queue therefore sends every capture with a key of its own making
(``Idempotency-Key``, as in the IETF draft "The Idempotency-Key HTTP Header Field"), and sends it again, with
the same key, until it hears an answer. This module is the one home of what the server does with that key:

- The first request with a key *claims* it (a committed row: user, key, what was posted to where, and a
  fingerprint of the body) and then runs normally. A view whose work succeeded calls :func:`remember` with the
  answer (where to go next and the message) **before its own commit**, so the answer is stored in the very
  transaction that created the finding or photo: either both are saved or neither.
- The same key again, with the same body, gets the first answer back and creates nothing (``replayed``).
- The same key with a different body is refused with 422; the same key while the first request still runs
  gets 409 with ``Retry-After``.
- A request that fails (a form error, a conflict, a rejected photo) frees its key: nothing was created, and the
  engineer may correct the capture and send it again.

Keys are kept per user for :data:`KEEP_DAYS` days. A claim whose request died before committing (the process
was killed) holds its key for :data:`STALE_CLAIM` only; since the answer is stored in the same transaction as
the work, a claim still without an answer means that nothing was created, and the key may be claimed again.

A request that asks for JSON (``Accept: application/json``, as the offline queue does) gets a success as JSON,
``{"ok": true, "location": ..., "message": ..., "replayed": ...}``, instead of the redirect, so that a script can
tell success from a form shown again without following redirects.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re

import sqlalchemy as sa
from flask import flash, g, jsonify, make_response, redirect, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from factorysafe.db import db, utcnow
from factorysafe.errors import error_response, wants_json_response

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"[A-Za-z0-9_\-:.]{8,100}")
KEEP_DAYS = 30
STALE_CLAIM = dt.timedelta(minutes=2)
RETRY_AFTER_SECONDS = 2
IGNORED_FIELDS = frozenset({"csrf_token"})  # a retry may carry a fresh token; it is not part of what was asked

BAD_KEY = _l("The Idempotency-Key header must be 8 to 100 letters, digits or - _ : . characters.")
KEY_REUSED = _l("This request's Idempotency-Key was already used for a different request. Nothing was saved; "
                "send it again as a new request.")
IN_FLIGHT = _l("This request is still being processed. Please wait a moment; it will not be saved twice.")


class IdempotencyKey(db.Model):
    """One claimed key of one user, with the answer once the work it stands for was committed."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(100))
    request: Mapped[str] = mapped_column(sa.String(300), doc="Method and path the key was first used for.")
    fingerprint: Mapped[str] = mapped_column(sa.String(64), doc="SHA-256 of the request's form fields and files.")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    status: Mapped[int | None] = mapped_column(doc="The answer's HTTP status; None while the request runs.")
    location: Mapped[str] = mapped_column(sa.String(500), default="")
    message: Mapped[str] = mapped_column(sa.Text, default="")


# --- pure parts -----------------------------------------------------------------------------------
def valid_key(key: str) -> bool:
    return KEY_PATTERN.fullmatch(key or "") is not None


def fingerprint(method: str, path: str, fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]) -> str:
    """SHA-256 of what was asked: method, path, the form's fields (but the CSRF token) and each file's field,
    name and bytes. The order of repeated fields is kept (it can matter); fields are otherwise sorted."""
    digest = hashlib.sha256()

    def part(*values: str | bytes) -> None:
        for value in values:
            data = value.encode() if isinstance(value, str) else value
            digest.update(len(data).to_bytes(8, "big"))
            digest.update(data)

    part(method.upper(), path)
    for name, value in sorted(fields, key=lambda item: item[0]):
        if name not in IGNORED_FIELDS:
            part("field", name, value)
    for name, filename, data in sorted(files, key=lambda item: item[0]):
        part("file", name, filename or "", hashlib.sha256(data).digest())
    return digest.hexdigest()


def _request_fingerprint() -> str:
    files = []
    for name, storage in request.files.items(multi=True):
        data = storage.stream.read()
        storage.stream.seek(0)
        files.append((name, storage.filename or "", data))
    return fingerprint(request.method, request.path, list(request.form.items(multi=True)), files)


# --- the claim ------------------------------------------------------------------------------------
def _claim(user_id: int, key: str, asked: str, print_: str) -> tuple[str, IdempotencyKey | None]:
    """("new", row) when this request now holds the key; ("replay", row) when it was answered before with the
    same body; ("mismatch", row) for another body or request; ("busy", row) while the first still runs."""
    for _attempt in range(2):  # a key freed by a failed request between our insert and our look-up: once more
        now = utcnow()
        db.session.execute(sa.delete(IdempotencyKey)
                           .where(IdempotencyKey.created_at < now - dt.timedelta(days=KEEP_DAYS)))
        row = IdempotencyKey(user_id=user_id, key=key, request=asked, fingerprint=print_, created_at=now)
        db.session.add(row)
        try:
            db.session.commit()
            return "new", row
        except IntegrityError:
            db.session.rollback()
        row = db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                                IdempotencyKey.key == key))
        if row is not None:
            break
    else:
        return "busy", None
    if row.request != asked or row.fingerprint != print_:
        return "mismatch", row
    if row.status is not None:
        return "replay", row
    # Still without an answer: its request runs, or died before committing (then nothing was created).
    taken = db.session.execute(sa.update(IdempotencyKey)
                               .where(IdempotencyKey.id == row.id, IdempotencyKey.status.is_(None),
                                      IdempotencyKey.created_at < now - STALE_CLAIM)
                               .values(created_at=now))
    db.session.commit()
    return ("new", db.session.get(IdempotencyKey, row.id)) if taken.rowcount == 1 else ("busy", row)


def remember(location: str, message: str = "", status: int = 302) -> None:
    """The view's work succeeded: store its answer with the claimed key, in the current transaction (call it
    before the view commits). Does nothing for a request without a key."""
    row = getattr(g, "idempotency_claim", None)
    if row is not None:
        row.status, row.location, row.message = status, location[:500], str(message)
        db.session.add(row)


def _answer(row: IdempotencyKey, *, replayed: bool, response=None):
    if wants_json_response():
        return jsonify(ok=True, location=row.location, message=row.message, replayed=replayed), 200
    if response is not None:
        return response
    if row.message:
        flash(row.message, "info")
    return redirect(row.location, code=row.status or 302)


def idempotent(view):
    """Decorate a form-posting view whose success path calls :func:`remember` before committing."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method != "POST" or not current_user.is_authenticated:
            return view(*args, **kwargs)
        if not valid_key(key):
            return error_response(400, str(BAD_KEY))
        outcome, row = _claim(current_user.id, key, f"{request.method} {request.path}"[:300], _request_fingerprint())
        if outcome == "mismatch":
            return error_response(422, str(KEY_REUSED))
        if outcome == "busy":
            response = make_response(error_response(409, str(IN_FLIGHT)))
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        if outcome == "replay":
            return _answer(row, replayed=True)
        g.idempotency_claim = row
        try:
            response = view(*args, **kwargs)
        except BaseException:
            db.session.rollback()
            _free(row.id)
            raise
        finally:
            g.idempotency_claim = None
        db.session.expire(row)
        answered = db.session.get(IdempotencyKey, row.id)
        if answered is None or answered.status is None:
            _free(row.id)  # the work failed and nothing was created: the key may be used again
            return response
        return _answer(answered, replayed=False, response=response)

    return wrapper


def _free(row_id: int) -> None:
    db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.id == row_id, IdempotencyKey.status.is_(None)))
    db.session.commit()

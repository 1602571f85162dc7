"""Complaint operations: the only place that changes complaints and their messages.

Each operation is a domain verb in the style of ``actions/services.py``: it checks the rule, mutates and writes
one ``audit.record`` event in the same transaction, and never commits (the view does). Workers act without an
account (``by=None``): what proves a worker's right to a complaint is its receipt code, checked by the view
through :func:`find_by_receipt`. Audit events about a complaint carry no text a worker wrote, no contact and no
receipt: only the category, the channel and status moves.

Refusals raise :class:`ComplaintError` subclasses (``errors.DomainError``) with an HTTP status and a message in
the user's language; nothing is changed when they are raised.
"""
from __future__ import annotations

import datetime as dt
from typing import BinaryIO, Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from factorysafe import audit, policy
from factorysafe.complaints import rules
from factorysafe.complaints.models import Complaint, ComplaintMessage
from factorysafe.complaints.rules import ComplaintCategory, ComplaintStatus, ReceiptProblem, Verdict
from factorysafe.db import db, utcnow
from factorysafe.errors import DomainError, require_version

MAX_TEXT = 4000
MAX_SHORT = 200


class ComplaintError(DomainError):
    """A refused complaint operation."""


class NotAllowed(ComplaintError):
    status = 403


class WrongState(ComplaintError):
    status = 409


class VersionConflict(ComplaintError):
    status = 409


class InvalidInput(ComplaintError):
    status = 400


# --- receipts ------------------------------------------------------------------------------------
def receipt_problem_message(problem: ReceiptProblem) -> str:
    """What to tell a person whose typed receipt code is malformed (one home for the three messages)."""
    if problem == ReceiptProblem.EMPTY:
        return _("Type the receipt code you were given when you reported.")
    if problem == ReceiptProblem.LENGTH:
        return _("A receipt code has 21 digits, in seven groups of three. Check that you typed all of them.")
    return _("This receipt code has a typing mistake: one digit is wrong or two digits are swapped. "
             "Check it against your note.")


def find_by_receipt(text: str) -> Complaint | None:
    """The complaint of a receipt code as typed; None when no complaint has it. Raises :class:`InvalidInput`
    for a malformed code (wrong length or check digit), which needs no database look-up to refuse."""
    code, problem = rules.parse_receipt(text)
    if problem is not None:
        raise InvalidInput(receipt_problem_message(problem))
    return db.session.scalar(sa.select(Complaint).where(Complaint.receipt_hash == rules.receipt_digest(code)))


def _new_receipt() -> tuple[str, str]:
    while True:
        code = rules.new_receipt_code()
        digest = rules.receipt_digest(code)
        if db.session.scalar(sa.select(sa.func.count()).where(Complaint.receipt_hash == digest)) == 0:
            return code, digest


# --- what workers do ----------------------------------------------------------------------------
def _text(value: str | None, limit: int, what: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise InvalidInput(_("%(what)s may be at most %(n)s characters.", what=what, n=limit))
    return value


def _photo(complaint: Complaint, photo: tuple[BinaryIO, str] | None):
    if photo is None:
        return None
    from factorysafe.uploads import ingest_photo  # uploads imports the models

    stream, filename = photo
    # stripped: no original file, no capture time or place (they could tell who took it); handlers only
    return ingest_photo(stream, filename, strip=True, complaint_id=complaint.id, private=True,
                        factory=complaint.factory, reference_date=complaint.received_on)


def submit(*, category: ComplaintCategory | str, description: str, today: dt.date, factory=None,
           factory_text: str = "", show_factory: bool = False, contact: str = "", lang: str = "bn",
           photo: tuple[BinaryIO, str] | None = None, channel: str = "web",
           sender_hash: str | None = None) -> tuple[Complaint, str]:
    """A worker reports: (the new complaint, its receipt code). The code is returned once and never stored.

    Either a factory of the register or the factory's name as the worker wrote it is needed. Raises
    ``uploads.PhotoRejected`` for a bad photo (the caller rolls back: nothing is kept).
    """
    try:
        category = ComplaintCategory(category)
    except ValueError:
        raise InvalidInput(_("Choose what is wrong.")) from None
    description = _text(description, MAX_TEXT, _("The description"))
    factory_text = _text(factory_text, MAX_SHORT, _("The factory's name"))
    contact = _text(contact, MAX_SHORT, _("The way to contact you"))
    # an SMS in free text names no factory: a handler matches it at triage (``set_factory``)
    if factory is None and not factory_text and channel != "sms":
        raise InvalidInput(_("Choose the factory, or write its name and address."))
    if category == ComplaintCategory.OTHER and not description:
        raise InvalidInput(_("Describe what is wrong."))
    code, digest = _new_receipt()
    complaint = Complaint(
        factory_id=factory.id if factory is not None else None, factory_text=factory_text,
        withhold_factory=not show_factory, anonymous=not contact, category=category, channel=channel,
        lang=lang if lang in ("bn", "en") else "bn", received_on=today, status=ComplaintStatus.RECEIVED,
        description=description, contact=contact, receipt_hash=digest, sender_hash=sender_hash,
    )
    db.session.add(complaint)
    db.session.flush()
    photo_row = _photo(complaint, photo)
    if photo_row is not None:
        db.session.add(ComplaintMessage(complaint=complaint, from_worker=True, body="", photo_id=photo_row.id))
    audit.record("complaint_received", complaint, after={"category": category.value, "channel": channel,
                                                         "photo": photo_row is not None})
    return complaint, code


def worker_reply(complaint: Complaint, body: str, photo: tuple[BinaryIO, str] | None = None) -> ComplaintMessage:
    """The worker answers a question or adds to the complaint (text, a photo, or both) while it is open."""
    if not rules.may_worker_write(complaint.status):
        raise WrongState(_("This complaint is closed. If the problem is still there, say so with "
                           "“It is not fixed”, or make a new report."))
    body = _text(body, MAX_TEXT, _("Your message"))
    if not body and photo is None:
        raise InvalidInput(_("Write a message or add a photo."))
    photo_row = _photo(complaint, photo)
    message = ComplaintMessage(complaint=complaint, from_worker=True, body=body,
                               photo_id=photo_row.id if photo_row is not None else None)
    db.session.add(message)
    complaint.updated_at = utcnow()
    db.session.flush()
    audit.record("complaint_worker_message", complaint, after={"photo": photo_row is not None})
    return message


def worker_verdict(complaint: Complaint, verdict: Verdict | str, note: str = "", *, today: dt.date) -> Complaint:
    """"Is it fixed?": the worker confirms or disputes a resolution. A dispute reopens the complaint."""
    verdict = Verdict(verdict)
    if not rules.may_give_verdict(complaint.status, complaint.verdict):
        raise WrongState(_("You can say whether it is fixed once the complaint is resolved."))
    note = _text(note, MAX_TEXT, _("Your message"))
    before = {"status": complaint.status.value}
    complaint.verdict = verdict
    if verdict == Verdict.DISPUTED:
        complaint.status = ComplaintStatus.UNDER_REVIEW
        complaint.reopened += 1
        complaint.resolved_on = None
    if note:
        db.session.add(ComplaintMessage(complaint=complaint, from_worker=True, body=note))
    complaint.updated_at = utcnow()
    db.session.flush()
    audit.record("complaint_" + verdict.value, complaint, before=before, after={"status": complaint.status.value})
    return complaint


# --- what handlers do ---------------------------------------------------------------------------
def _require_handler(by) -> None:
    if not policy.may_handle_complaints(by):
        raise NotAllowed(_("Only a complaints handler or an engineer may do this."))


def _check_version(complaint: Complaint, version) -> None:
    if require_version(version) != complaint.version:
        raise VersionConflict(_("Someone else changed this complaint while you were reading it. Their change is "
                                "shown below; your text is kept in the form: check it and send it again."))


def set_status(complaint: Complaint, target: ComplaintStatus | str, *, outcome: str = "", referred_to: str = "",
               by, version: int, today: dt.date) -> Complaint:
    """Move a complaint along triage: under review, resolved (with the outcome the worker and the public read),
    non-safety or factory not covered (referred, to whom), not processed (why), or reopened."""
    _require_handler(by)
    _check_version(complaint, version)
    try:
        target = ComplaintStatus(target)
    except ValueError:
        raise InvalidInput(_("Choose a status.")) from None
    if not rules.may_move(complaint.status, target):
        raise WrongState(_("A complaint that is “%(current)s” cannot become “%(target)s”.",
                           current=complaint.status.label, target=target.label))
    outcome = _text(outcome, MAX_TEXT, _("The outcome"))
    referred_to = _text(referred_to, MAX_SHORT, _("Referred to"))
    if target in rules.CLOSED_STATUSES and not outcome:
        raise InvalidInput(_("Write the outcome the worker will read."))
    if target in rules.REFERRAL_STATUSES and not referred_to:
        raise InvalidInput(_("Say to whom the complaint is referred."))
    before = {"status": complaint.status.value}
    complaint.status = target
    if target in rules.CLOSED_STATUSES:
        complaint.outcome = outcome
        complaint.referred_to = referred_to if target in rules.REFERRAL_STATUSES else ""
        complaint.resolved_on = today
        if target == ComplaintStatus.RESOLVED:
            complaint.verdict = None  # the worker is asked "is it fixed?" about this resolution
    else:
        complaint.resolved_on = None
    complaint.updated_at = utcnow()
    db.session.flush()
    audit.record("complaint_status", complaint, actor=by, before=before, after={"status": target.value})
    return complaint


def ask_worker(complaint: Complaint, body: str, *, by, version: int | None = None) -> ComplaintMessage:
    """A handler writes to the worker (a question, or news); the worker reads it with the receipt code.
    A received complaint is under review from the first message. ``version``: the complaint's version the
    handler read (from a form: a stale one is refused, 409)."""
    _require_handler(by)
    if version is not None:
        _check_version(complaint, version)
    body = _text(body, MAX_TEXT, _("The message"))
    if not body:
        raise InvalidInput(_("Write the message."))
    message = ComplaintMessage(complaint=complaint, from_worker=False, body=body, handler_id=by.id)
    db.session.add(message)
    if complaint.status == ComplaintStatus.RECEIVED:
        complaint.status = ComplaintStatus.UNDER_REVIEW
    complaint.updated_at = utcnow()
    db.session.flush()
    audit.record("complaint_handler_message", complaint, actor=by)
    return message


def set_factory(complaint: Complaint, factory, *, show_factory: bool | None = None, by, version: int) -> Complaint:
    """A handler matches the complaint to a factory of the register (workers may only have written a name)."""
    _require_handler(by)
    _check_version(complaint, version)
    before = {"factory_id": complaint.factory_id}
    complaint.factory_id = factory.id if factory is not None else None
    if show_factory is not None:
        complaint.withhold_factory = not show_factory
    complaint.updated_at = utcnow()
    db.session.flush()
    audit.record("complaint_factory", complaint, actor=by, before=before, after={"factory_id": complaint.factory_id})
    if before["factory_id"] not in (None, complaint.factory_id):
        # the factory it was matched to before loses the complaint from its page's counts: its cached pages go too
        from factorysafe.factories.status import mark_dirty

        mark_dirty(before["factory_id"])
    return complaint


def link_findings(complaint: Complaint, findings: Iterable, *, by, version: int | None = None) -> Complaint:
    """Link findings of the complaint's factory to it (the complaint is about hazards already on record, or an
    engineer recorded them in the complaint's inspection). ``version`` as for :func:`ask_worker`."""
    _require_handler(by)
    if version is not None:
        _check_version(complaint, version)
    findings = list(findings)
    if any(f.factory_id != complaint.factory_id for f in findings):
        raise InvalidInput(_("Only findings of the complaint's own factory can be linked."))
    if not all(policy.may_see_inspection(by, f.inspection) for f in findings):
        raise NotAllowed(_("Only a complaints handler or an engineer may do this."))
    added = [f for f in findings if f not in complaint.findings]
    complaint.findings.extend(added)
    complaint.updated_at = utcnow()
    db.session.flush()
    if added:
        audit.record("complaint_link_findings", complaint, actor=by, after={"finding_ids": [f.id for f in added]})
    return complaint


def make_inspection(complaint: Complaint, *, by, today: dt.date, version: int | None = None):
    """An engineer opens a complaint inspection (draft) of the complaint's factory, linked to the complaint;
    findings added to it are linked when they are saved from the complaint (``link_findings``). ``version`` as
    for :func:`ask_worker`."""
    from factorysafe.inspections.models import InspectionType
    from factorysafe.inspections.services import create_inspection

    if not policy.may_make_findings(by):
        raise NotAllowed(_("Only an engineer or an administrator may do this."))
    if version is not None:
        _check_version(complaint, version)
    if complaint.factory is None:
        raise InvalidInput(_("Match the complaint to a factory first."))
    if complaint.inspection_id is not None:
        raise WrongState(_("This complaint already has an inspection."))
    discipline = rules.CATEGORY_DISCIPLINE.get(complaint.category)
    inspection = create_inspection(complaint.factory, {
        "type": InspectionType.COMPLAINT.value, "inspected_on": today,
        "disciplines": [discipline] if discipline else None,
        "summary": _("Complaint inspection after complaint %(number)s.",
                     number=rules.public_number(complaint.id, complaint.received_on)),
        "engineer_ids": [by.id],
    }, by=by)
    complaint.inspection_id = inspection.id
    if complaint.status == ComplaintStatus.RECEIVED:
        complaint.status = ComplaintStatus.UNDER_REVIEW
    complaint.updated_at = utcnow()
    db.session.flush()
    audit.record("complaint_inspection", complaint, actor=by, after={"inspection_id": inspection.id})
    return inspection


def sender_key() -> bytes:
    """The key of SMS senders' hashes: ``SMS_SENDER_KEY``, else the app's secret key."""
    key = current_app.config.get("SMS_SENDER_KEY") or current_app.config["SECRET_KEY"]
    return key.encode() if isinstance(key, str) else key

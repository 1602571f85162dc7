"""Corrective action operations: the only place that changes actions, extensions and escalation.

Each operation is a domain verb (Indico operations style): it takes the domain object, plain data
and ``by`` (the acting user), checks the rule (role, ownership, state, optimistic version), mutates
and writes one ``audit.record`` event in the same transaction. It never commits: the view does.

Rule violations raise :class:`ActionError` subclasses carrying an HTTP status and a message for
the user; nothing is changed when they are raised (checks run before any mutation).
"""
from __future__ import annotations

import datetime as dt
import json
import smtplib
from email.message import EmailMessage
from typing import BinaryIO, Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from factorysafe import audit, policy
from factorysafe.actions import queries
from factorysafe.actions.models import (
    ActionComment, ActionStatus, CorrectiveAction, DeadlineExtension, ExtensionStatus, OutboxMessage,
)
from factorysafe.actions.rules import add_months
from factorysafe.db import db, utcnow
from factorysafe.errors import Conflict, DomainError, require_version
from factorysafe.factories.models import Escalation, Factory
from factorysafe.i18n import format_day

MAX_EVIDENCE_PHOTOS = 10
PLAN_FIELDS = ("planned_action", "responsible_person", "target_date")
CONFLICT_MESSAGE = _l("Someone else changed this action while you were editing it. Their change is shown below; "
                      "your text is kept in the form: check it and send it again.")


class ActionError(DomainError):
    """A refused operation; ``status`` is the HTTP status a view answers with."""


class NotAllowed(ActionError):
    status = 403


class WrongState(ActionError):
    status = 409


class VersionConflict(ActionError):
    status = 409


class InvalidInput(ActionError):
    status = 400


# --- who may do what: asked of ``factorysafe.policy`` --------------------------------------------
def _require_owner(action: CorrectiveAction, by) -> None:
    if not policy.may_act_as_owner(by, action):
        raise NotAllowed(_("Only an owner of this factory may do this."))


def _require_engineer(by) -> None:
    if not policy.may_verify(by):
        raise NotAllowed(_("Only an engineer or an administrator may do this."))


def check_version(obj, expected: int) -> None:
    """Optimistic locking: the form carried the version it edited (required: a missing or malformed one is
    ``errors.MissingVersion``, 400); a different one is a conflict (409)."""
    if require_version(expected) != obj.version:
        raise VersionConflict(str(CONFLICT_MESSAGE))


def _bump(obj) -> None:
    """Write the row now, checking and raising its version: of two simultaneous changes based on the same
    version, the second one's UPDATE matches no row (``StaleDataError``, 409), on PostgreSQL and SQLite."""
    obj.updated_at = utcnow()
    db.session.flush()


def _snapshot(action: CorrectiveAction, *fields: str) -> dict:
    return {f: getattr(action, f) for f in fields}


# --- the owner's plan ---------------------------------------------------------------------------
def update_plan(action: CorrectiveAction, planned_action: str, responsible_person: str,
                target_date: dt.date | None, *, by, version: int) -> CorrectiveAction:
    """The owner writes (or revises) the planned action, responsible person and target date."""
    _require_owner(action, by)
    check_version(action, version)
    if action.status == ActionStatus.CORRECTED:
        raise WrongState(_("This action is already corrected; its plan can no longer change."))
    planned_action = (planned_action or "").strip()
    responsible_person = (responsible_person or "").strip()
    if not planned_action:
        raise InvalidInput(_("Describe the planned action."))
    if len(responsible_person) > 120:
        raise InvalidInput(_("The responsible person may be at most 120 characters."))
    values = {"planned_action": planned_action, "responsible_person": responsible_person, "target_date": target_date}
    before, after = audit.diff(action, list(PLAN_FIELDS), values)
    if not after:
        return action
    for k, v in after.items():
        setattr(action, k, v)
    audit.record("update_plan", action, actor=by, before=before, after=after)
    return action


# --- fix reported, verified or rejected --------------------------------------------------------
def report_fix(action: CorrectiveAction, note: str, photos: Iterable[tuple[BinaryIO, str]] = (), *, by,
               today: dt.date, version: int) -> CorrectiveAction:
    """The owner reports the hazard fixed: In progress -> Pending verification.

    A note saying what was done is required; evidence photos (up to ten) are optional but go
    through the one upload pipeline (``uploads.ingest_photo``); they are public evidence (not private).
    Raises ``uploads.PhotoRejected`` for a bad photo (the caller rolls back).
    """
    from factorysafe.uploads import ingest_photo

    _require_owner(action, by)
    check_version(action, version)
    if action.status != ActionStatus.IN_PROGRESS:
        raise WrongState(_("A fix can only be reported for an action in progress; this one is %(status)s.",
                            status=_(action.status.label)))
    note = (note or "").strip()
    photos = list(photos)
    if not note:
        raise InvalidInput(_("Describe what was done to fix the hazard."))
    if len(photos) > MAX_EVIDENCE_PHOTOS:
        raise InvalidInput(_("Send at most %(n)s photos at once.", n=MAX_EVIDENCE_PHOTOS))
    before = _snapshot(action, "status", "reported_fixed_on", "fix_note")
    photo_ids = []
    for stream, filename in photos:
        p = ingest_photo(stream, filename, action_id=action.id, uploaded_by_id=by.id, private=False,
                         factory=action.factory, reference_date=today)  # flags: far from the site or the report day
        photo_ids.append(p.id)
    action.status = ActionStatus.PENDING_VERIFICATION
    action.reported_fixed_on = today
    action.fix_note = note
    after = {**_snapshot(action, "status", "reported_fixed_on", "fix_note"), "evidence_photo_ids": photo_ids}
    audit.record("report_fix", action, actor=by, before=before, after=after)
    return action


def verify_fix(action: CorrectiveAction, *, by, verified_on: dt.date, note: str = "", today: dt.date | None = None,
               version: int, on_site: bool = False) -> CorrectiveAction:
    """An engineer confirms the fix: Pending verification -> Corrected, with the date of checking.

    ``on_site``: the engineer found the hazard fixed at a visit although the factory never reported it (the
    action is still In progress). That is allowed only with a note saying what was seen, and is recorded as its
    own event (``verify_on_site``), so the history never shows a fix the factory reported when it did not."""
    _require_engineer(by)
    check_version(action, version)
    allowed = (ActionStatus.PENDING_VERIFICATION, ActionStatus.IN_PROGRESS) if on_site else (
        ActionStatus.PENDING_VERIFICATION,)
    if action.status not in allowed:
        raise WrongState(_("Only a fix pending verification can be verified; this action is %(status)s.",
                            status=_(action.status.label)))
    on_site = on_site and action.status == ActionStatus.IN_PROGRESS
    if on_site and not (note or "").strip():
        raise InvalidInput(_("The factory never reported this fixed: say what you saw on site."))
    if verified_on is None:
        raise InvalidInput(_("Give the date the fix was checked."))
    if today is not None and verified_on > today:
        raise InvalidInput(_("The verification date cannot be in the future."))
    if action.reported_fixed_on and verified_on < action.reported_fixed_on:
        raise InvalidInput(_("The verification date cannot be before the fix was reported."))
    before = _snapshot(action, "status", "verified_on", "verified_by_id")
    action.status = ActionStatus.CORRECTED
    action.verified_on = verified_on
    action.verified_by_id = by.id
    action.rejection_reason = ""
    audit.record("verify_on_site" if on_site else "verify_fix", action, actor=by, before=before,
                 after=_snapshot(action, "status", "verified_on", "verified_by_id"), note=(note or "").strip())
    return action


def reject_fix(action: CorrectiveAction, reason: str, *, by, version: int) -> CorrectiveAction:
    """An engineer finds the fix insufficient: Pending verification -> In progress, with the reason."""
    _require_engineer(by)
    check_version(action, version)
    if action.status != ActionStatus.PENDING_VERIFICATION:
        raise WrongState(_("Only a fix pending verification can be rejected; this action is %(status)s.",
                            status=_(action.status.label)))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason the fix is not accepted."))
    before = _snapshot(action, "status", "rejection_reason")
    action.status = ActionStatus.IN_PROGRESS
    action.rejection_reason = reason
    audit.record("reject_fix", action, actor=by, before=before, after=_snapshot(action, "status", "rejection_reason"),
                 note=reason)
    return action


# --- comments -----------------------------------------------------------------------------------
def add_comment(action: CorrectiveAction, body: str, *, by) -> ActionComment:
    if not policy.may_comment(by, action):
        raise NotAllowed(_("Only the factory's owners and engineers may comment on this action."))
    body = (body or "").strip()
    if not body:
        raise InvalidInput(_("Write a comment first."))
    if len(body) > 5000:
        raise InvalidInput(_("A comment may be at most 5,000 characters."))
    comment = ActionComment(action=action, author_id=by.id, body=body)
    db.session.add(comment)
    db.session.flush()
    audit.record("add_comment", action, actor=by, after={"comment_id": comment.id, "body": body})
    return comment


# --- deadline extensions ------------------------------------------------------------------------
ALREADY_DECIDED = _l("This extension request has already been decided.")
ALREADY_WAITING = _l("An extension request for this action is already waiting for a decision.")


def request_extension(action: CorrectiveAction, new_deadline: dt.date, reason: str, *, by,
                      version: int) -> DeadlineExtension:
    """The owner asks for a later deadline, with a reason; one open request at a time.

    Two simultaneous requests: both bump the action's version, so the second fails (409); the unique
    partial index ``uq_deadline_extensions_one_open`` holds the rule in the database as well."""
    _require_owner(action, by)
    check_version(action, version)
    if action.status == ActionStatus.CORRECTED:
        raise WrongState(_("This action is already corrected; it needs no extension."))
    if any(x.status == ExtensionStatus.REQUESTED for x in action.extensions):
        raise WrongState(str(ALREADY_WAITING))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give the reason for the extension."))
    if new_deadline is None or new_deadline <= action.deadline:
        raise InvalidInput(_("The new deadline must be later than the current one (%(date)s).", date=format_day(action.deadline)))
    _bump(action)
    ext = DeadlineExtension(action=action, requested_by_id=by.id, reason=reason, previous_deadline=action.deadline,
                            requested_deadline=new_deadline)
    db.session.add(ext)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # another request for this action was committed meanwhile
        raise Conflict(str(ALREADY_WAITING)) from None
    audit.record("request_extension", action, actor=by,
                 after={"extension_id": ext.id, "requested_deadline": new_deadline, "reason": reason})
    return ext


def decide_extension(extension: DeadlineExtension, approve: bool, comment: str, *, by,
                     version: int) -> DeadlineExtension:
    """An engineer approves (the deadline moves) or declines a request; the request stays on record.

    ``version`` is the action's. The decision is a conditional UPDATE (``WHERE status = 'requested'``):
    of two simultaneous decisions only one changes the row; the other is refused (409), with no event."""
    _require_engineer(by)
    action = extension.action
    check_version(action, version)
    if extension.status != ExtensionStatus.REQUESTED:
        raise WrongState(str(ALREADY_DECIDED))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise InvalidInput(_("Say why the extension is declined."))
    before = {"extension_status": extension.status, "deadline": action.deadline}
    status = ExtensionStatus.APPROVED if approve else ExtensionStatus.DECLINED
    decided = db.session.execute(
        sa.update(DeadlineExtension)
        .where(DeadlineExtension.id == extension.id, DeadlineExtension.status == ExtensionStatus.REQUESTED)
        .values(status=status, decided_by_id=by.id, decided_at=utcnow(), decision_comment=comment)
        .execution_options(synchronize_session=False))
    if decided.rowcount != 1:
        raise Conflict(str(ALREADY_DECIDED))
    db.session.refresh(extension)
    if approve:
        action.deadline = extension.requested_deadline
    _bump(action)
    audit.record("approve_extension" if approve else "decline_extension", action, actor=by, before=before,
                 after={"extension_id": extension.id, "extension_status": extension.status, "deadline": action.deadline},
                 note=comment)
    return extension


# --- escalation ---------------------------------------------------------------------------------
from factorysafe.labels import ESCALATION_STAGE as STAGE_LABELS  # noqa: E402  (the one table of labels)


def apply_escalation(factory: Factory, stage: int, note: str, *, by, today: dt.date, version: int) -> Escalation:
    """An engineer or admin applies escalation stage 1, 2 or 3; stage 3 makes the factory ineligible.

    ``version`` is the factory's, as the page showed it: a stage applied by someone else meanwhile is a 409."""
    _require_engineer(by)
    if require_version(version) != factory.version:
        raise VersionConflict(_("Someone else changed this factory (perhaps applied an escalation) in the meantime. "
                                "Reload the page to see the current stage, then decide again."))
    try:
        stage = int(stage)
    except (TypeError, ValueError):
        raise InvalidInput(_("Choose stage 1, 2 or 3.")) from None
    if stage not in STAGE_LABELS:
        raise InvalidInput(_("Choose stage 1, 2 or 3."))
    if stage <= (factory.escalation_stage or 0):
        raise WrongState(_("This factory is already at escalation stage %(stage)s.", stage=factory.escalation_stage))
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("Write a note for the escalation (what was sent or decided)."))
    before = {"escalation_stage": factory.escalation_stage, "ineligible_since": factory.ineligible_since,
              "requalify_on": factory.requalify_on}
    requalify_on = None
    if stage == 3:
        requalify_on = add_months(today, int(current_app.config["REQUALIFY_MONTHS"]))
        factory.ineligible_since = today
        factory.requalify_on = requalify_on
    factory.escalation_stage = stage
    db.session.flush()  # the factory's row and version now: a simultaneous escalation fails here (409)
    esc = Escalation(factory=factory, stage=stage, applied_on=today, applied_by_id=by.id, note=note,
                     requalify_on=requalify_on)
    db.session.add(esc)
    db.session.flush()
    audit.record("apply_escalation", factory, actor=by, factory_id=factory.id, before=before,
                 after={"escalation_stage": stage, "ineligible_since": factory.ineligible_since,
                        "requalify_on": factory.requalify_on, "escalation_id": esc.id}, note=note)
    return esc


# --- reminders and the outbox ---------------------------------------------------------------------
REMIND_DAYS = 7


def write_reminders(today: dt.date, days: int = REMIND_DAYS) -> list[OutboxMessage]:
    """Write at most one message per recipient for ``today`` into the outbox; return the new ones."""
    messages: dict[str, tuple[str, str]] = {}
    for email, actions in queries.reminder_rows(today, days).items():
        messages[email] = _bilingual(lambda: _owner_reminder(today, days, actions))
    pending, oldest = queries.verification_digest()
    if pending:
        digest = _bilingual(lambda: (
            _("factorysafe: %(n)s fix(es) waiting for verification", n=pending),
            _("Digest of %(day)s: %(n)s reported fix(es) wait for verification (oldest reported %(oldest)s). "
              "See the verification queue on your dashboard.", day=format_day(today), n=pending, oldest=format_day(oldest))))
        for email in queries.engineer_emails():
            messages.setdefault(email, digest)
    existing = set(db.session.scalars(sa.select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.in_([f"{e}|{today.isoformat()}" for e in messages])))) if messages else set()
    new = []
    for email, (subject, body) in sorted(messages.items()):
        key = f"{email}|{today.isoformat()}"
        if key in existing:
            continue
        msg = OutboxMessage(dedupe_key=key, recipient=email, subject=subject, body=body)
        db.session.add(msg)
        new.append(msg)
    db.session.flush()
    return new


def _owner_reminder(today: dt.date, days: int, actions: list[dict]) -> tuple[str, str]:
    """(subject, body) of an owner's reminder in the current language."""
    overdue = sum(a["overdue"] for a in actions)
    subject = _("factorysafe: %(n)s corrective action(s) due or overdue (%(overdue)s overdue)",
                n=len(actions), overdue=overdue)
    lines = []
    for a in actions:
        when = (_("OVERDUE since %(date)s", date=format_day(a["deadline"])) if a["overdue"]
                else _("due %(date)s", date=format_day(a["deadline"])))
        lines.append(_("- %(factory)s, %(item)s (action %(id)s): %(when)s. %(observation)s", factory=a["factory"],
                       item=a["item"], id=a["action_id"], when=when, observation=a["observation"]))
    intro = _("Reminder of %(day)s: these actions at your factories are overdue or due within %(days)s days. "
              "Report each fix with evidence on its action page, or request an extension.",
              day=format_day(today), days=days)
    return subject, intro + "\n\n" + "\n".join(lines)


def _bilingual(compose) -> tuple[str, str]:
    """A message in English and Bangla: ``compose()`` is called under each language; the subject joins
    both, the body gives the English text first and the Bangla below it."""
    parts = {}
    for lang in ("en", "bn"):
        with force_locale(lang):
            parts[lang] = compose()
    (en_subject, en_body), (bn_subject, bn_body) = parts["en"], parts["bn"]
    return f"{en_subject} / {bn_subject}", f"{en_body}\n\n---\n\n{bn_body}\n"


def send_outbox() -> int:
    """Send unsent outbox messages by SMTP; nothing (no connection) when SMTP_HOST is not set."""
    host = current_app.config.get("SMTP_HOST")
    if not host:
        return 0
    unsent = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                .order_by(OutboxMessage.id)).all()
    if not unsent:
        return 0
    sent = 0
    with smtplib.SMTP(host, int(current_app.config["SMTP_PORT"]), timeout=30) as smtp:
        if current_app.config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if current_app.config.get("SMTP_USER"):
            smtp.login(current_app.config["SMTP_USER"], current_app.config["SMTP_PASSWORD"])
        for m in unsent:
            em = EmailMessage()
            em["From"] = current_app.config["MAIL_FROM"]
            em["To"] = m.recipient
            em["Subject"] = m.subject
            for name, value in (json.loads(m.headers) if m.headers else {}).items():
                em[name] = value
            em.set_content(m.body)
            smtp.send_message(em)
            m.sent_at = utcnow()
            db.session.commit()  # one by one: a failure later does not resend these
            sent += 1
    return sent

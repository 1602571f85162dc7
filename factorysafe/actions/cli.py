"""``flask reminders`` (due-soon and overdue actions, one message per recipient a day) and
``flask audit verify`` (walk the hash chain)."""
from __future__ import annotations

import datetime as dt
import smtplib
from collections import defaultdict
from email.message import EmailMessage

import click
import sqlalchemy as sa
from flask import current_app

from factorysafe.actions import bp
from factorysafe.actions.models import ActionStatus, CorrectiveAction, OutboxMessage
from factorysafe.auth.models import Role, User
from factorysafe.db import db, utcnow
from factorysafe.factories.models import Factory, factory_owners
from factorysafe.inspections.models import Finding

REMIND_DAYS = 7


def _owner_lines(today: dt.date, days: int) -> dict[str, list[str]]:
    """{owner email: [lines]} for actions In progress due within ``days`` or overdue (one query)."""
    ca = CorrectiveAction
    stmt = (
        sa.select(User.email, Factory.name, Finding.item_number, Finding.observation, ca.id, ca.deadline)
        .select_from(ca)
        .join(Finding, Finding.id == ca.finding_id)
        .join(Factory, Factory.id == ca.factory_id)
        .join(factory_owners, factory_owners.c.factory_id == ca.factory_id)
        .join(User, User.id == factory_owners.c.user_id)
        .where(User.active.is_(True), User.role == Role.OWNER, ca.status == ActionStatus.IN_PROGRESS,
               ca.deadline <= today + dt.timedelta(days=days))
        .order_by(User.email, ca.deadline, ca.id)
    )
    out: dict[str, list[str]] = defaultdict(list)
    for email, fname, item, obs, aid, deadline in db.session.execute(stmt):
        when = (f"OVERDUE since {deadline.isoformat()}" if deadline < today else f"due {deadline.isoformat()}")
        out[email].append(f"- {fname}, {item} (action {aid}): {when}. {obs[:120]}")
    return out


def _engineer_digest() -> tuple[int, str | None]:
    n = db.session.scalar(sa.select(sa.func.count(CorrectiveAction.id)).where(
        CorrectiveAction.status == ActionStatus.PENDING_VERIFICATION)) or 0
    oldest = db.session.scalar(sa.select(sa.func.min(CorrectiveAction.reported_fixed_on)).where(
        CorrectiveAction.status == ActionStatus.PENDING_VERIFICATION))
    return n, oldest.isoformat() if oldest else None


def write_reminders(today: dt.date, days: int = REMIND_DAYS) -> list[OutboxMessage]:
    """Write at most one message per recipient for ``today`` into the outbox; return the new ones."""
    messages: dict[str, tuple[str, str]] = {}
    for email, lines in _owner_lines(today, days).items():
        overdue = sum("OVERDUE" in ln for ln in lines)
        subject = f"factorysafe: {len(lines)} corrective action(s) due or overdue ({overdue} overdue)"
        body = (f"Reminder of {today.isoformat()}: these actions at your factories are overdue or due within "
                f"{days} days. Report each fix with evidence on its action page, or request an extension.\n\n"
                + "\n".join(lines) + "\n")
        messages[email] = (subject, body)
    pending, oldest = _engineer_digest()
    if pending:
        engineers = db.session.scalars(sa.select(User.email).where(
            User.active.is_(True), User.role.in_([Role.ENGINEER, Role.ADMIN])).order_by(User.email)).all()
        for email in engineers:
            messages.setdefault(email, (
                f"factorysafe: {pending} fix(es) waiting for verification",
                f"Digest of {today.isoformat()}: {pending} reported fix(es) wait for verification "
                f"(oldest reported {oldest}). See the verification queue on your dashboard.\n"))
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
    with smtplib.SMTP(host, int(current_app.config.get("SMTP_PORT", 25)), timeout=30) as smtp:
        if current_app.config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if current_app.config.get("SMTP_USER"):
            smtp.login(current_app.config["SMTP_USER"], current_app.config.get("SMTP_PASSWORD", ""))
        for m in unsent:
            em = EmailMessage()
            em["From"] = current_app.config.get("MAIL_FROM", "factorysafe@localhost")
            em["To"] = m.recipient
            em["Subject"] = m.subject
            em.set_content(m.body)
            smtp.send_message(em)
            m.sent_at = utcnow()
            db.session.commit()  # one by one: a failure later does not resend these
            sent += 1
    return sent


@bp.cli.command("reminders")
@click.option("--today", "today_s", default=None, help="Pretend today is this date (YYYY-MM-DD).")
@click.option("--days", default=REMIND_DAYS, show_default=True, type=click.IntRange(0, 90),
              help="Remind of actions due within this many days.")
def reminders_command(today_s, days):
    """Write one reminder per recipient for due-soon and overdue actions; send by SMTP if configured."""
    try:
        day = dt.date.fromisoformat(today_s) if today_s else dt.date.today()
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--today") from None
    new = write_reminders(day, days)
    db.session.commit()
    click.echo(f"{len(new)} new message(s) written to the outbox for {day.isoformat()}.")
    if current_app.config.get("SMTP_HOST"):
        try:
            sent = send_outbox()
        except (OSError, smtplib.SMTPException) as exc:
            db.session.rollback()
            raise click.ClickException(f"SMTP sending failed ({exc}); unsent messages stay in the outbox.") from None
        click.echo(f"{sent} message(s) sent by SMTP.")
    else:
        click.echo("SMTP_HOST is not configured: messages stay in the outbox, none sent.")


@bp.cli.group("audit")
def audit_group():
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@click.option("--head", "expected_head", default=None, metavar="HASH",
              help="A head hash printed by an earlier run: also fail if that event is gone (events removed from the end).")
def audit_verify_command(expected_head):
    """Check the whole hash chain; exit 1 naming the first bad event."""
    from factorysafe.audit import AuditEvent, verify_chain

    problem = verify_chain()
    if problem is not None:
        click.echo(f"Audit chain BROKEN at event {problem.event_id}: {problem.reason}.", err=True)
        raise SystemExit(1)
    n = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    head = db.session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    if expected_head and not db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.hash == expected_head)):
        click.echo(f"Audit chain BROKEN: the recorded head {expected_head[:16]}... is no longer in the chain "
                   "(events were removed from its end or the chain was rebuilt).", err=True)
        raise SystemExit(1)
    click.echo(f"Audit chain intact: {n} event(s). Head: {head or '-'}")

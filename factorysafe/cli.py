"""The command line, all in one place: ``init-db``, ``assign-upazilas``, ``create-user``, ``seed-demo``, ``reminders``,
``audit verify``, ``photos-sweep``, ``status rebuild``, ``worker``, ``backup``, ``restore``. Each command parses its options and calls a service."""
from __future__ import annotations

import datetime as dt
import smtplib
import sys
import time
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Blueprint, current_app

from factorysafe.actions import services
from factorysafe.db import analyze, db, init_db

bp = Blueprint("cli", __name__, cli_group=None)


@bp.cli.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database schema (Alembic migrations)."""
    init_db()
    click.echo(f"Database ready: {db.engine.url.render_as_string(hide_password=True)}")


@bp.cli.command("assign-upazilas")
def assign_upazilas_command() -> None:
    """Fill each factory's empty upazila (thana) from the boundary polygon that holds its coordinates."""
    from factorysafe.maps.places import assign_upazilas

    counts = assign_upazilas()
    db.session.commit()
    click.echo(f"Upazila filled for {counts['filled']} factories; {counts['outside']} lie outside every upazila.")


@bp.cli.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "engineer", "owner", "handler"]),
              help="The account's role (handler: triages workers' complaints).")
@click.option("--factory", "factory_ids", multiple=True, type=int, help="Factory id the owner owns (repeatable).")
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
def create_user_command(email, role, factory_ids, name, password_stdin):
    """Create an account. The password is prompted for, or read with --password-stdin."""
    from factorysafe.auth.services import AccountError, create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role, name=name, factory_ids=factory_ids)
        db.session.commit()
    except AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.role.value} {user.email} (id {user.id}).")


@bp.cli.command("seed-demo")
@click.option("--factories", "n_factories", default=36, show_default=True, type=click.IntRange(1, 100_000),
              help="How many factories to create.")
@click.option("--findings-per-factory", default=75, show_default=True, type=click.IntRange(1, 1000),
              help="Average number of findings at each factory's initial inspection.")
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed; the same seed gives the same data.")
@click.option("--reset", is_flag=True, help="Delete all existing data first (refused when the audit trail holds "
                                            "events the demo seeding did not write, unless --force).")
@click.option("--force", is_flag=True, help="With --reset: erase the data even though its audit trail holds real "
                                            "events; the new chain starts with a reset_database event naming the "
                                            "erased head.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has factories.")
@click.option("--no-photos", is_flag=True, help="Skip demo photos.")
def seed_demo_command(n_factories, findings_per_factory, seed, reset, force, if_empty, no_photos):
    """Fill the database with realistic demo factories, inspections, findings and accounts."""
    from factorysafe.demo import (DemoRefused, ResetRefused, database_has_factories, refuse_in_production,
                                  reset_database, seed_demo)

    try:
        refuse_in_production()
    except DemoRefused as exc:
        raise click.ClickException(str(exc)) from None
    if force and not reset:
        raise click.UsageError("--force only goes with --reset.")
    if reset:
        try:
            reset_database(force=force)
        except ResetRefused as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
    elif database_has_factories():
        if if_empty:
            click.echo("The database already has factories; demo data not added (use --reset to start over).")
            return
    started = time.perf_counter()
    try:
        report = seed_demo(n_factories, findings_per_factory, seed, with_photos=not no_photos)
        db.session.commit()
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    _rebuild_status()  # bulk-inserted rows bypass the read model's hook: fill it once for all
    analyze()  # statistics for the planner, which would otherwise plan for empty tables
    took = time.perf_counter() - started
    click.echo(f"Seeded {report.factories} factories, {report.inspections} inspections, {report.findings} findings, "
               f"{report.photos} photos, {report.complaints} workers' complaints in {took:.1f} s.")
    if report.complaint_receipt:
        click.echo(f"Receipt code of an open demo complaint (try it on /report/status): {report.complaint_receipt}")
    click.echo("Demo accounts (email / password):")
    for email, role, password in report.accounts:
        click.echo(f"  {role:9} {email}  {password}")


@bp.cli.group("status")
def status_group():
    """The factory status read model (table factory_status)."""


def _rebuild_status(day: dt.date | None = None) -> tuple[int, float]:
    from factorysafe.factories import status

    started = time.perf_counter()
    n = status.rebuild(day or dt.date.today())
    db.session.commit()
    return n, time.perf_counter() - started


@status_group.command("rebuild")
@click.option("--today", "today_s", default=None, help="Compute as of this date (YYYY-MM-DD).")
def status_rebuild_command(today_s):
    """Recompute the status rows of every factory and audience."""
    try:
        day = dt.date.fromisoformat(today_s) if today_s else None
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--today") from None
    n, took = _rebuild_status(day)
    click.echo(f"Status rebuilt for {n} factories in {took:.1f} s.")


def _day(today_s: str | None) -> dt.date:
    """``--today YYYY-MM-DD`` (default: today)."""
    try:
        return dt.date.fromisoformat(today_s) if today_s else dt.date.today()
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--today") from None


def _send_outbox() -> None:
    """Send the outbox by SMTP when ``SMTP_HOST`` is configured; a failure keeps the messages for the next run."""
    if current_app.config.get("SMTP_HOST"):
        try:
            sent = services.send_outbox()
        except (OSError, smtplib.SMTPException) as exc:
            db.session.rollback()
            raise click.ClickException(f"SMTP sending failed ({exc}); unsent messages stay in the outbox.") from None
        click.echo(f"{sent} message(s) sent by SMTP.")
    else:
        click.echo("SMTP_HOST is not configured: messages stay in the outbox, none sent.")


@bp.cli.command("reminders")
@click.option("--today", "today_s", default=None, help="Pretend today is this date (YYYY-MM-DD).")
@click.option("--days", default=services.REMIND_DAYS, show_default=True, type=click.IntRange(0, 90),
              help="Remind of actions due within this many days.")
def reminders_command(today_s, days):
    """Write one reminder per recipient for due-soon and overdue actions; send by SMTP if configured."""
    day = _day(today_s)
    new = services.write_reminders(day, days)
    db.session.commit()
    click.echo(f"{len(new)} new message(s) written to the outbox for {day.isoformat()}.")
    _send_outbox()


@bp.cli.command("notify-followers")
@click.option("--today", "today_s", default=None, help="Pretend today is this date (YYYY-MM-DD).")
def notify_followers_command(today_s):
    """E-mail each confirmed follower of a factory what changed since its last e-mail (at most one a day)."""
    from factorysafe.subscriptions.services import notify_followers

    day = _day(today_s)
    new = notify_followers(day)
    db.session.commit()
    click.echo(f"{len(new)} new message(s) to followers written to the outbox for {day.isoformat()}.")
    _send_outbox()


@bp.cli.group("audit")
def audit_group():
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@click.option("--head", "expected_head", default=None, metavar="COUNT:HASH",
              help="A head published earlier (open-data page, /api/v1/audit/head, or printed by this command): also "
                   "fail unless event number COUNT still has HASH (events removed from the end, or the chain "
                   "rewritten and its hashes recomputed). A bare HASH only checks that it is still in the chain.")
def audit_verify_command(expected_head):
    """Check the whole hash chain and every signed daily checkpoint; exit 1 naming the first problem."""
    from factorysafe.audit import AuditEvent, checkpoint_anchors, head, parse_anchor, verify_chain

    anchors = []
    bare_hash = None
    if expected_head:
        if ":" in expected_head:
            try:
                anchors.append(parse_anchor(expected_head, "the recorded head"))
            except ValueError as exc:
                raise click.BadParameter(str(exc), param_hint="--head") from None
        else:
            bare_hash = expected_head.strip().lower()
            if len(bare_hash) != 64 or any(c not in "0123456789abcdef" for c in bare_hash):
                raise click.BadParameter("expected COUNT:HASH (or a bare 64-digit HASH)", param_hint="--head")
    checkpoints, problem = checkpoint_anchors()
    if problem is None:
        problem = verify_chain(anchors=anchors + checkpoints)
    if problem is not None:
        click.echo(f"{problem}", err=True)
        raise SystemExit(1)
    if bare_hash and not db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.hash == bare_hash)):
        click.echo(f"Audit chain BROKEN: the recorded head {bare_hash[:16]}... is no longer in the chain "
                   "(events were removed from its end or the chain was rebuilt).", err=True)
        raise SystemExit(1)
    n, digest = head()
    click.echo(f"Audit chain intact: {n} event(s), {len(checkpoints)} signed checkpoint(s) match. Head: {n}:{digest}")


@audit_group.command("checkpoint")
@click.option("--today", "today_s", default=None, help="The checkpoint's day (YYYY-MM-DD); default today.")
def audit_checkpoint_command(today_s):
    """Write today's signed checkpoint of the chain's head (once a day: run it from cron; idempotent)."""
    from factorysafe.audit import write_checkpoint

    day = _day(today_s)
    cp, written = write_checkpoint(day)
    db.session.commit()
    what = "written" if written else "already written"
    click.echo(f"Checkpoint of {cp.day.isoformat()} {what}: {cp.event_count}:{cp.head_hash}")


@bp.cli.command("photos-sweep")
@click.option("--min-age", default=3600, show_default=True, help="Only remove files older than this many seconds.")
def photos_sweep_command(min_age: int) -> None:
    from factorysafe.uploads import sweep_orphans

    """Remove photo files no database row references (left by a killed process) and stale temporary files."""
    folders, temps = sweep_orphans(min_age)
    click.echo(f"Removed {folders} unreferenced photo folder(s) and {temps} temporary file(s).")


def init_app(app) -> None:
    app.register_blueprint(bp)


# --- production: worker, backup, restore --------------------------------------------------------------
@bp.cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty.")
def worker_command(burst: bool) -> None:
    """Run background jobs from the Redis queue (make worker). Needs REDIS_URL."""
    from factorysafe import jobs

    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.ClickException(
            "REDIS_URL is not set, so there is no queue to work on: without Redis every job runs inline in the "
            "web process and no worker is needed. Set REDIS_URL (for example redis://127.0.0.1:6379/0) for the "
            "web app and the worker alike.")
    from redis import Redis
    from rq import Worker

    connection = Redis.from_url(url)
    try:
        connection.ping()
    except Exception as exc:  # noqa: BLE001 - any connection failure: say so and stop
        raise click.ClickException(f"Redis at REDIS_URL does not answer ({type(exc).__name__}).") from None
    db.session.remove()
    db.engine.dispose()  # each job runs in a forked process that opens database connections of its own
    click.echo(f"Working on queue {jobs.QUEUE!r}" + (" until it is empty." if burst else "."))
    Worker([jobs.QUEUE], connection=connection).work(burst=burst)


@bp.cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def backup_command(path: Path, force: bool) -> None:
    """Write one archive (.tar.gz) of the database, instance/photos and instance/reports, with a manifest."""
    from factorysafe.backup import BackupError, create_backup

    started = time.perf_counter()
    try:
        summary = create_backup(path, overwrite=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    m = summary.manifest
    click.echo(f"Backup written to {summary.path} in {time.perf_counter() - started:.1f} s: "
               f"{m['database']['dialect']} database, {len(m['tables'])} tables, {summary.rows} rows, "
               f"{len(m['files'])} files. Audit head: {m['audit']['head'] or '-'}")


@bp.cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the contents of a database and instance folder that are not empty.")
def restore_command(path: Path, force: bool) -> None:
    """Restore a backup into an empty database and instance folder, then check counts and the audit chain."""
    from factorysafe.backup import BackupError, restore_backup

    started = time.perf_counter()
    try:
        summary = restore_backup(path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    m = summary.manifest
    click.echo(f"Restored {summary.path} (factorysafe {m['version']}, {m['created_at']}) in "
               f"{time.perf_counter() - started:.1f} s: {len(m['tables'])} tables, {summary.rows} rows and "
               f"{len(m['files'])} files match the manifest. Audit chain intact: {m['audit']['events']} event(s). "
               f"Head: {m['audit']['head'] or '-'}")
    click.echo("If this code is newer than the backup, run init-db to upgrade the schema.")

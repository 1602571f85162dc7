"""Command-line tools: ``create-user``, ``seed-demo`` (``init-db`` lives in db.py)."""
from __future__ import annotations

import sys
import time

import click
from flask import Blueprint

from factorysafe.db import db

bp = Blueprint("cli", __name__, cli_group=None)


@bp.cli.command("create-user")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["admin", "engineer", "owner"]), help="The account's role.")
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
@click.option("--reset", is_flag=True, help="Delete all existing data first.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has factories.")
@click.option("--no-photos", is_flag=True, help="Skip demo photos.")
def seed_demo_command(n_factories, findings_per_factory, seed, reset, if_empty, no_photos):
    """Fill the database with realistic demo factories, inspections, findings and accounts."""
    from factorysafe.demo import database_has_factories, reset_database, seed_demo

    if reset:
        reset_database()
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
    took = time.perf_counter() - started
    click.echo(f"Seeded {report.factories} factories, {report.inspections} inspections, {report.findings} findings, "
               f"{report.photos} photos in {took:.1f} s.")
    click.echo("Demo accounts (email / password):")
    for email, role, password in report.accounts:
        click.echo(f"  {role:9} {email}  {password}")


def init_app(app) -> None:
    app.register_blueprint(bp)

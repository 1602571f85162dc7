import datetime as dt

import pytest
import sqlalchemy as sa

from factorysafe.db import db


@pytest.mark.parametrize("command", ["init-db", "seed-demo", "create-user"])
def test_every_command_has_help(runner, command):
    result = runner.invoke(args=[command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.output


def test_create_user_reads_the_password_from_stdin_and_links_factories(app, runner, client, build):
    f = build.factory(name="Linked Ltd")
    result = runner.invoke(args=["create-user", "New.Owner@Example.test", "--role", "owner", "--factory", str(f.id),
                                 "--password-stdin"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    from factorysafe.auth.models import User

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "new.owner@example.test"))
        assert [x.name for x in user.factories] == ["Linked Ltd"]
    assert client.post("/login", data={"email": "new.owner@example.test", "password": "a long enough password"}).status_code == 302


@pytest.mark.parametrize("args, stdin, message", [
    (["x@example.test", "--role", "owner", "--factory", "4242"], "a long enough password\n", "no factory with id 4242"),
    (["x@example.test", "--role", "engineer"], "short\n", "at least 10 characters"),
    (["not-an-email", "--role", "engineer"], "a long enough password\n", "not an email"),
])
def test_create_user_refuses_bad_input_and_writes_nothing(app, runner, args, stdin, message):
    from factorysafe.auth.models import User

    result = runner.invoke(args=["create-user", *args, "--password-stdin"], input=stdin)
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_user_refuses_a_duplicate(runner):
    args = ["create-user", "dup@example.test", "--role", "engineer", "--password-stdin"]
    assert runner.invoke(args=args, input="a long enough password\n").exit_code == 0
    again = runner.invoke(args=args, input="a long enough password\n")
    assert again.exit_code != 0 and "already exists" in again.output


def _fingerprint():
    from factorysafe.models import CorrectiveAction, Factory, Finding

    rows = db.session.execute(sa.select(Factory.name, Factory.district, Factory.latitude).order_by(Factory.id)).all()
    fnd = db.session.execute(sa.select(Finding.item_number, Finding.hazard_code, Finding.severity).order_by(Finding.id)).all()
    act = db.session.execute(sa.select(CorrectiveAction.status, CorrectiveAction.deadline).order_by(CorrectiveAction.id)).all()
    return rows, fnd, act


def test_seed_demo_is_deterministic_and_realistic(app, runner):
    from factorysafe.actions.rules import is_overdue
    from factorysafe.demo import seed_demo
    from factorysafe.models import ActionStatus, CorrectiveAction, Factory, Finding, Inspection, Photo, User

    today = dt.date(2026, 11, 25)
    with app.app_context():
        report = seed_demo(12, 40, seed=7, today=today)
        db.session.commit()
        first = _fingerprint()
        assert report.factories == 12 and report.findings == db.session.query(Finding).count()
        assert 12 * 40 * 0.6 < report.findings < 12 * 40 * 1.6
        statuses = {s for (s,) in db.session.execute(sa.select(CorrectiveAction.status).distinct())}
        assert statuses == set(ActionStatus)
        actions = db.session.scalars(sa.select(CorrectiveAction)).all()
        assert any(is_overdue(a.status, a.deadline, today) for a in actions)
        districts = {d for (d,) in db.session.execute(sa.select(Factory.district).distinct())}
        assert districts <= {"Dhaka", "Gazipur", "Narayanganj", "Chittagong", "Mymensingh", "Comilla", "Narsingdi"}
        assert all(f.owners for f in db.session.scalars(sa.select(Factory)))
        assert {f.discipline.value for f in db.session.scalars(sa.select(Finding))} == {"fire", "electrical", "structural", "boiler"}
        assert db.session.query(Photo).count() > 0 and db.session.query(Inspection).count() >= 12
        assert {u.role.value for u in db.session.scalars(sa.select(User))} == {"admin", "engineer", "owner"}
        from factorysafe.demo import reset_database

        reset_database()
        db.session.commit()
        seed_demo(12, 40, seed=7, today=today)
        db.session.commit()
        assert _fingerprint() == first


def test_seed_demo_command_prints_credentials_that_work(runner, client):
    result = runner.invoke(args=["seed-demo", "--factories", "3", "--findings-per-factory", "5"])
    assert result.exit_code == 0, result.output
    assert "Seeded 3 factories" in result.output
    line = next(l for l in result.output.splitlines() if l.strip().startswith("engineer"))
    _role, email, password = line.split()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "already has factories" in again.output

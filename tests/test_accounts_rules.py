"""The password and link rules (pure functions of ``factorysafe.auth.rules``), and ``create-user`` using them."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import sqlalchemy as sa

from factorysafe.auth import rules
from factorysafe.auth.rules import AccountState, PasswordProblem, TokenState, password_problem
from factorysafe.db import db


@pytest.mark.parametrize("password, problem", [
    ("nine char", PasswordProblem.TOO_SHORT),
    ("x" * 201, PasswordProblem.TOO_LONG),
    ("Rina.Akter@Example.test", PasswordProblem.PERSONAL),
    ("rina.akter", PasswordProblem.PERSONAL),
    ("RINA AKTER SULTANA", PasswordProblem.PERSONAL),
    ("password123", PasswordProblem.COMMON),
    ("PassWord123", PasswordProblem.COMMON),
    ("qwertyuiop", PasswordProblem.COMMON),
    ("1234567890", PasswordProblem.COMMON),
    ("sturdy river lantern 42", None),
    ("x" * 200, None),
    ("নদীর ধারে লাল বাড়ি", None),
])
def test_password_rules(password, problem):
    assert password_problem(password, email="rina.akter@example.test", name="Rina Akter Sultana") == problem


def test_the_common_list_is_shipped_small_and_lower_case():
    words = rules.common_passwords()
    assert 5_000 <= len(words) <= 25_000
    assert all(w == w.lower() for w in words)
    assert rules.COMMON_PASSWORDS_FILE.stat().st_size < 200_000
    assert password_problem("correct horse battery") is None  # the test suite's own password


def test_every_problem_has_a_message(app):
    with app.test_request_context("/?lang=bn"):
        for problem in PasswordProblem:
            message = rules.password_message(problem)
            assert message and not message.isascii(), problem


def test_token_rules():
    now = dt.datetime(2026, 1, 1, 12, 0)
    assert rules.token_state(now + dt.timedelta(seconds=1), None, now) == TokenState.VALID
    assert rules.token_state(now, None, now) == TokenState.EXPIRED
    assert rules.token_state(now + dt.timedelta(hours=1), now, now) == TokenState.USED
    assert rules.token_digest("abc") == hashlib.sha256(b"abc").hexdigest()


def test_account_rules():
    assert rules.account_state(True, "scrypt:x") == AccountState.ACTIVE
    assert rules.account_state(False, rules.UNUSABLE_PASSWORD) == AccountState.INVITED
    assert rules.account_state(False, "scrypt:x") == AccountState.DEACTIVATED
    assert rules.demo_sign_in_refused(True, True) and not rules.demo_sign_in_refused(True, False)
    assert not rules.demo_sign_in_refused(False, True)
    assert rules.leaves_no_admin(1, True, False) and not rules.leaves_no_admin(2, True, False)
    assert not rules.leaves_no_admin(1, False, False) and not rules.leaves_no_admin(1, True, True)


@pytest.mark.parametrize("stdin, message", [
    ("password1234\n", "most common passwords"),
    ("rina@example.test\n", "e-mail address or your name"),
    ("y" * 201 + "\n", "at most 200 characters"),
])
def test_create_user_uses_the_password_rules(app, runner, stdin, message):
    from factorysafe.auth.models import User

    result = runner.invoke(args=["create-user", "rina@example.test", "--role", "engineer", "--password-stdin"],
                           input=stdin)
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0

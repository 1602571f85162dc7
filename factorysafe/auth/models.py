"""Accounts and roles."""
from __future__ import annotations

import datetime as dt
import enum
import functools
import hmac
import secrets

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from factorysafe.db import db, str_enum, utcnow  # noqa: F401 - str_enum re-exported


class Role(enum.StrEnum):
    ADMIN = "admin"
    ENGINEER = "engineer"
    OWNER = "owner"
    HANDLER = "handler"  # triages workers' complaints; sees no draft inspections

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


# Scrypt (werkzeug's default) is a memory-hard KDF; each hash carries its own salt.
PASSWORD_METHOD = "scrypt"


def new_session_token() -> str:
    """A fresh random session token (see :meth:`User.rotate_session`)."""
    return secrets.token_urlsafe(24)


@functools.cache
def _dummy_password_hash() -> str:
    """A scrypt hash of a random password, made once per process: checked for unknown and inactive accounts
    so that signing in costs the same work whether or not the account exists."""
    return generate_password_hash(secrets.token_urlsafe(16), method=PASSWORD_METHOD)


def password_matches(user: "User | None", password: str) -> bool:
    """Is ``password`` right for an active ``user``? One scrypt check in every case: an unknown or inactive
    account is checked against a dummy hash, so the answer's timing does not tell which e-mails have accounts."""
    if user is None or not user.active:
        check_password_hash(_dummy_password_hash(), password)
        return False
    return user.check_password(password)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, doc="Sign-in name; never shown to the public.")
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    role: Mapped[Role] = mapped_column(str_enum(Role), doc="admin, engineer or owner (factory owner).")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), index=True,
                                          doc="Made by seed-demo with a published password; refused in production.")
    session_token: Mapped[str] = mapped_column(
        sa.String(64), default=new_session_token,
        doc="Part of the sign-in cookie; changed at sign-out and password change, which ends every other session.")

    factories: Mapped[list["Factory"]] = relationship(  # noqa: F821
        secondary="factory_owners", back_populates="owners", order_by="Factory.name"
    )

    def set_password(self, password: str) -> None:
        """Set the password; every session signed in with the old one ends (the session token changes)."""
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)
        self.rotate_session()

    def rotate_session(self) -> None:
        """End every session of this account: sign-in cookies carry the token, which no longer matches."""
        self.session_token = new_session_token()

    def get_id(self) -> str:  # Flask-Login: what the session cookie stores
        return f"{self.id}:{self.session_token}"

    def has_session_token(self, token: str) -> bool:
        return bool(self.session_token) and hmac.compare_digest(self.session_token.encode(), token.encode())

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_engineer(self) -> bool:
        """Engineers and admins may inspect, verify and escalate."""
        return self.role in (Role.ENGINEER, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_handler(self) -> bool:
        """Complaint handlers (engineers and administrators handle complaints too: ``policy.may_handle_complaints``)."""
        return self.role == Role.HANDLER

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER

    def owns(self, factory_id: int) -> bool:
        return any(f.id == factory_id for f in self.factories)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class TokenPurpose(enum.StrEnum):
    INVITE = "invite"  # accept an invitation: set the first password, activate the account
    RESET = "reset"  # forgot password: set a new one


class AccountToken(db.Model):
    """A single-use, expiring link sent by e-mail. Only the SHA-256 of the token is stored: the link in
    the e-mail is the one copy of the secret (``factorysafe.auth.rules.token_digest``)."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose, length=16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, doc="Hex SHA-256 of the token in the link.")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column(doc="Set once: the link was used (or replaced, or revoked).")

    user: Mapped[User] = relationship()

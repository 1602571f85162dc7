"""Accounts and roles."""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from factorysafe.db import db, str_enum, utcnow  # noqa: F401 - str_enum re-exported


class Role(enum.StrEnum):
    ADMIN = "admin"
    ENGINEER = "engineer"
    OWNER = "owner"

    @property
    def label(self) -> str:
        """Label in the current language: the one table is ``factorysafe.labels``."""
        from factorysafe.labels import label

        return label(self)


# Scrypt (werkzeug's default) is a memory-hard KDF; each hash carries its own salt.
PASSWORD_METHOD = "scrypt"


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

    factories: Mapped[list["Factory"]] = relationship(  # noqa: F821
        secondary="factory_owners", back_populates="owners", order_by="Factory.name"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

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

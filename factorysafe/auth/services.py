"""Account operations: the only place that creates or changes users."""
from __future__ import annotations

import sqlalchemy as sa

from factorysafe import audit
from factorysafe.auth.models import Role, User
from factorysafe.db import db
from factorysafe.errors import DomainError


class AccountError(DomainError):
    """A user-readable reason an account operation was refused."""


MIN_PASSWORD_LENGTH = 10


def create_user(email: str, password: str, role: Role | str, *, name: str = "", factory_ids=(), actor=None) -> User:
    from factorysafe.factories.models import Factory

    email = email.strip().lower()
    try:
        role = Role(role)
    except ValueError:
        raise AccountError(f"Unknown role {role!r}: choose one of {', '.join(r.value for r in Role)}.") from None
    if "@" not in email:
        raise AccountError("That is not an email address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(f"An account for {email} already exists.")
    factories = []
    for fid in factory_ids:
        factory = db.session.get(Factory, fid)
        if factory is None:
            raise AccountError(f"There is no factory with id {fid}.")
        factories.append(factory)
    if factories and role != Role.OWNER:
        raise AccountError("Only factory owners are linked to factories.")
    user = User(email=email, name=name, role=role)
    user.set_password(password)
    user.factories = factories
    db.session.add(user)
    audit.record("create_user", user, actor=actor, after={"email": email, "role": role.value, "factories": list(factory_ids)})
    return user

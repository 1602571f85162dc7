"""Reads about accounts: the administrators' user list, and whether the database holds demo accounts."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from factorysafe.auth.models import User
from factorysafe.cache import cache, remember
from factorysafe.db import db

DEMO_KEY = "accounts:has-demo"


def has_demo_accounts() -> bool:
    """Does any demo account exist? Shared by the workers through the cache for ``DEMO_CHECK_SECONDS`` (one
    indexed lookup per period), dropped at once by ``seed-demo`` and its ``--reset``."""
    return remember(DEMO_KEY, int(current_app.config["DEMO_CHECK_SECONDS"]), lambda: db.session.scalar(
        sa.select(User.id).where(User.is_demo.is_(True)).limit(1)) is not None)


def forget_demo_accounts() -> None:
    cache.delete(DEMO_KEY)


def user_page(q: str = "", after: str | None = None, limit: int = 50) -> tuple[list[User], str | None]:
    """Users by e-mail address, ``limit`` at a time after the address ``after`` (keyset), with their
    factories; and the address to continue after, or None on the last page."""
    stmt = sa.select(User).options(selectinload(User.factories)).order_by(User.email)
    if q:
        q = q.lower()
        stmt = stmt.where(sa.func.lower(User.email).contains(q, autoescape=True)
                          | sa.func.lower(User.name).contains(q, autoescape=True))
    if after:
        stmt = stmt.where(User.email > after)
    rows = list(db.session.scalars(stmt.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].email if more and rows else None)

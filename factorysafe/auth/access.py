"""Role and ownership checks. Every private view goes through these, on the server."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from factorysafe.auth.models import Role
from factorysafe.db import db


def roles_required(*roles: Role | str):
    """Signed in and holding one of ``roles`` (admins hold every role), else 403."""
    wanted = {Role(r) for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role != Role.ADMIN and current_user.role not in wanted:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


engineer_required = roles_required(Role.ENGINEER)


def can_manage_factory(user, factory_id: int) -> bool:
    """Engineers and admins see every factory's private data; owners only their own."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_engineer:
        return True
    return user.is_owner and user.owns(factory_id)


def factory_or_403(factory_id: int):
    """The factory if the signed-in user may see its private pages; 404 if none, 403 if not theirs."""
    from factorysafe.factories.models import Factory

    if not current_user.is_authenticated:
        abort(401)
    factory = db.session.get(Factory, factory_id)
    if factory is None:
        abort(404)
    if not can_manage_factory(current_user, factory_id):
        abort(403)
    return factory

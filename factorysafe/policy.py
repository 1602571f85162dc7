"""Who may see or change what: the one home of every access decision.

Views, the API, exports, reports, dashboards and photo serving ask these functions; nothing else
decides access. The rules:

- **Engineers and administrators** see and change everything (administrators hold every role).
- **A factory's owners** see their own factories' private pages and the inspections, findings,
  corrective actions and photos of their *submitted and published* inspections. A draft inspection
  is the engineers' work in progress: owners never see, count or touch its findings or actions,
  anywhere. Owners plan, report fixes, ask for extensions and comment on their visible actions.
- **Everyone else** (the public, owners of other factories) sees published inspections only,
  never photos marked private and never original photo files (they carry GPS and camera data).

Refusals: a signed-in user asking for what is not theirs gets 403; a visitor gets 404, so the
existence of unpublished work does not leak.
"""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from factorysafe.auth.models import Role
from factorysafe.db import db
from factorysafe.inspections.models import Inspection, InspectionState

#: Inspection states each audience may see.
PUBLIC_STATES = (InspectionState.PUBLISHED,)
OWNER_STATES = (InspectionState.SUBMITTED, InspectionState.PUBLISHED)
ALL_STATES = tuple(InspectionState)


# --- who is this ---------------------------------------------------------------------------------
def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_engineer(user) -> bool:
    """Engineers and administrators."""
    return is_signed_in(user) and user.is_engineer


def is_admin(user) -> bool:
    return is_signed_in(user) and user.is_admin


def has_role(user, roles) -> bool:
    """Signed in and holding one of ``roles`` (names or Roles); administrators hold every role."""
    return is_signed_in(user) and (user.role == Role.ADMIN or user.role in {Role(r) for r in roles})


def is_factory_owner(user, factory_id: int | None) -> bool:
    return factory_id is not None and is_signed_in(user) and user.is_owner and user.owns(factory_id)


# --- factories -----------------------------------------------------------------------------------
def may_manage_factory(user, factory_id: int) -> bool:
    """The factory's private pages (CAP page, private factory page, inspection history)."""
    return is_engineer(user) or is_factory_owner(user, factory_id)


def visible_states(user, factory_id: int | None) -> tuple[InspectionState, ...]:
    """The inspection states whose findings and actions ``user`` may see for this factory."""
    if is_engineer(user):
        return ALL_STATES
    if is_factory_owner(user, factory_id):
        return OWNER_STATES
    return PUBLIC_STATES


def public_sql(inspection=Inspection):
    """SQL condition: this inspection (``Inspection`` or an alias) is one the public may see."""
    return inspection.state.in_(list(PUBLIC_STATES))


def states_sql(states, inspection_id_column):
    """SQL condition: ``inspection_id_column`` names an inspection in one of ``states`` (None: any)."""
    if states is None or set(states) == set(ALL_STATES):
        return sa.true()
    return inspection_id_column.in_(sa.select(Inspection.id).where(Inspection.state.in_(list(states))))


def is_public(factory) -> bool:
    """A factory is on the public map and has a public page once one of its inspections is published."""
    return any(i.state in PUBLIC_STATES for i in factory.inspections)


# --- inspections, findings, actions -------------------------------------------------------------
def may_see_inspection(user, inspection) -> bool:
    return inspection is not None and inspection.state in visible_states(user, inspection.factory_id)


def may_edit_inspection(user) -> bool:
    return is_engineer(user)


def may_see_action(user, action) -> bool:
    return may_see_inspection(user, action.finding.inspection)


def may_see_private_of_action(user, action) -> bool:
    """History, comments and private photos of a visible action: its factory's owners and engineers."""
    return may_manage_factory(user, action.factory_id) and may_see_action(user, action)


def may_act_as_owner(user, action) -> bool:
    """Plan, report a fix, ask for an extension: an owner of the factory, on a visible action."""
    return is_factory_owner(user, action.factory_id) and may_see_action(user, action)


def may_verify(user, action=None) -> bool:
    """Verify or reject a fix, decide extensions, escalate: engineers only."""
    return is_engineer(user)


def may_comment(user, action) -> bool:
    return is_engineer(user) or may_act_as_owner(user, action)


# --- photos -------------------------------------------------------------------------------------
def photo_access(user, *, kind: str, private: bool, factory_id: int | None, inspection) -> tuple[bool, bool]:
    """(allowed, publicly cacheable) for ``user`` asking for ``kind`` of a photo.

    ``inspection`` is that of the photo's finding (or of the finding of the action whose fix evidence
    it is). Public: thumb/web of photos not marked private of a published inspection. Owners: thumb/web
    of their factories' photos of inspections they may see. Engineers: everything, originals included.
    """
    if kind != "original" and not private and inspection is not None and inspection.state in PUBLIC_STATES:
        return True, True
    if is_engineer(user):
        return True, False
    if (kind != "original" and inspection is not None and is_factory_owner(user, factory_id)
            and inspection.state in OWNER_STATES):
        return True, False
    return False, False


# --- people -------------------------------------------------------------------------------------
def may_see_people(user, factory_id: int | None = None) -> bool:
    """Names of people (engineers of an inspection team, ...): signed-in engineers and administrators, and the
    factory's owners. Public output (pages, open data, the public PDFs) carries no personal data."""
    return is_engineer(user) or is_factory_owner(user, factory_id)


# --- workers' complaints -------------------------------------------------------------------------
def may_handle_complaints(user) -> bool:
    """Triage complaints, read their messages, contacts and photos, answer the worker: engineers, administrators
    and complaint handlers. Handlers are not engineers: they see no draft inspections (``visible_states``)."""
    return is_engineer(user) or (is_signed_in(user) and user.is_handler)


def may_make_findings(user) -> bool:
    """Turn a complaint into findings or a complaint inspection: engineers (inspections are their work)."""
    return is_engineer(user)


# --- reports ------------------------------------------------------------------------------------
PUBLIC, PRIVATE = "public", "private"


def report_audience(user, factory_id: int, inspection=None) -> str | None:
    """``"private"`` (private photos and unpublished work the user may see), ``"public"``, or None when
    the user may not have the inspection report at all."""
    if inspection is not None and not may_see_inspection(user, inspection):
        return None
    return PRIVATE if may_manage_factory(user, factory_id) else PUBLIC


def cap_report_audience(user, factory) -> str | None:
    """The factory's CAP report: ``"private"`` for who may manage the factory, ``"public"`` once the factory is
    public (``is_public``), None before: a factory with no published inspection has no public page, so its
    report is a 404 too (its name and address do not leak)."""
    if may_manage_factory(user, factory.id):
        return PRIVATE
    return PUBLIC if is_public(factory) else None


def may_have_poster(user, factory) -> bool:
    """The factory's gate poster (its report link and QR code): for everyone once the factory is public
    (``is_public``), before that for who may manage the factory, as its CAP report."""
    return cap_report_audience(user, factory) is not None


# --- refusals -----------------------------------------------------------------------------------
def refuse(user=None, factory_id: int | None = None, inspection=None):
    """403 for a signed-in user, 404 for a visitor (unpublished work does not leak). Given the factory and
    inspection asked about: 404 too for the factory's owners when the inspection is one they may not see
    (a draft does not exist for them yet)."""
    user = current_user if user is None else user
    if is_factory_owner(user, factory_id) and inspection is not None and not may_see_inspection(user, inspection):
        abort(404)
    abort(403 if is_signed_in(user) else 404)


def roles_required(*roles: Role | str):
    """Signed in and holding one of ``roles`` (admins hold every role), else 403."""
    wanted = {Role(r) for r in roles}

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not has_role(current_user, wanted):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


engineer_required = roles_required(Role.ENGINEER)
admin_required = roles_required(Role.ADMIN)


def factory_or_403(factory_id: int):
    """The factory if the signed-in user may see its private pages; 404 if none, 403 if not theirs."""
    from factorysafe.factories.models import Factory

    if not current_user.is_authenticated:
        abort(401)
    factory = db.session.get(Factory, factory_id)
    if factory is None:
        abort(404)
    if not may_manage_factory(current_user, factory_id):
        abort(403)
    return factory


def inspection_or_404(inspection_id: int, edit: bool = False):
    """An inspection for its private page: engineers any (``edit``: engineers only); the factory's owners
    their submitted and published ones (a draft is a 404 for them); anyone else 403."""
    inspection = db.session.get(Inspection, inspection_id)
    if inspection is None:
        abort(404)
    if (edit and not may_edit_inspection(current_user)) or not may_manage_factory(current_user, inspection.factory_id):
        abort(403)
    if not may_see_inspection(current_user, inspection):
        abort(404)
    return inspection

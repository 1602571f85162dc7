"""Private factory pages for engineers, admins and the factory's own owners."""
from __future__ import annotations

import base64
import binascii
import json

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from factorysafe.actions.queries import factory_summaries, headline_of
from factorysafe import policy
from factorysafe.policy import engineer_required, factory_or_403
from factorysafe.db import db
from factorysafe.errors import UserFacingError
from factorysafe.factories import queries, rules, services
from factorysafe.factories.blueprint import bp
from factorysafe.factories.forms import FactoryForm
from factorysafe.factories.models import Factory
from factorysafe.security import MAX_ID
from factorysafe.web import dashboard_panel, today

PAGE_SIZE = 50


def _visible_factories_query(user):
    stmt = sa.select(Factory).order_by(Factory.name, Factory.id)
    if not policy.is_engineer(user):
        stmt = stmt.where(Factory.owners.any(id=user.id))
    return stmt


def _states(user):
    """In a list of the user's factories: all inspections for engineers, an owner's visible ones."""
    return policy.ALL_STATES if policy.is_engineer(user) else policy.OWNER_STATES


def _list_cursor(factory: Factory) -> str:
    raw = json.dumps([factory.name, factory.id], separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _read_list_cursor(token: str) -> tuple[str, int]:
    """(name, id) of the factory a page link starts after or ends before; a 400 page for anything else."""
    try:
        name, fid = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode())
        if not isinstance(name, str) or not isinstance(fid, int) or isinstance(fid, bool) or not 0 <= fid <= MAX_ID:
            raise ValueError(token)
    except (ValueError, TypeError, UnicodeError, binascii.Error):
        raise UserFacingError(_("This page link is not valid. Start again from the first page."), 400) from None
    return name, fid


@bp.route("/manage/factories")
@login_required
def factory_list():
    """Factories by name (those the text ``q`` finds, ``factories.queries.search_ids``), a page at a time by keyset: ``after`` (next page) or ``before`` (previous page) is the
    cursor of the (name, id) of an edge row, so a page costs the same wherever it is (no OFFSET, no count)."""
    q = request.args.get("q", "").strip()
    after, before = request.args.get("after", "").strip(), request.args.get("before", "").strip()
    stmt = _visible_factories_query(current_user)
    if rules.normalise(q):  # the factories the search finds (factories.queries), listed by name like the rest
        owned = None if policy.is_engineer(current_user) else Factory.owners.any(id=current_user.id)
        stmt = stmt.where(Factory.id.in_(queries.search_ids(q, public_only=False, where=owned)))
    key = sa.tuple_(Factory.name, Factory.id)
    if before:
        stmt = stmt.where(key < sa.tuple_(*_read_list_cursor(before))).order_by(None).order_by(
            Factory.name.desc(), Factory.id.desc())
    elif after:
        stmt = stmt.where(key > sa.tuple_(*_read_list_cursor(after)))
    rows = list(db.session.scalars(stmt.limit(PAGE_SIZE + 1)))
    more = len(rows) > PAGE_SIZE
    factories = rows[:PAGE_SIZE]
    if before:
        factories.reverse()
    has_prev, has_next = (more, True) if before else (bool(after), more)
    args = {"q": q} if q else {}
    prev_url = (url_for("factories.factory_list", before=_list_cursor(factories[0]), **args)
                if has_prev and factories else None)
    next_url = (url_for("factories.factory_list", after=_list_cursor(factories[-1]), **args)
                if has_next and factories else None)
    first_url = url_for("factories.factory_list", **args) if has_prev else None
    summaries = factory_summaries(today(), [f.id for f in factories], states=_states(current_user))
    return render_template("factories/list.html", factories=factories, summaries=summaries, q=q,
                           prev_url=prev_url, next_url=next_url, first_url=first_url)


@bp.route("/manage/factories/<int:factory_id>")
@login_required
def factory_detail(factory_id: int):
    factory = factory_or_403(factory_id)
    summary = factory_summaries(today(), [factory.id], states=policy.visible_states(current_user, factory.id),
                                with_danger=True)[factory.id]
    return render_template("factories/detail.html", factory=factory, summary=summary,
                           headline=headline_of(summary, factory.evacuations))


@bp.route("/manage/factories/new", methods=["GET", "POST"])
@engineer_required
def factory_new():
    form = FactoryForm()
    if form.validate_on_submit():
        factory = services.create_factory(form.values(), actor=current_user)
        db.session.commit()
        flash(_("Factory %(name)s created.", name=factory.name), "info")
        return redirect(url_for("factories.factory_detail", factory_id=factory.id))
    return render_template("factories/form.html", form=form, factory=None), 400 if form.errors else 200


@bp.route("/manage/factories/<int:factory_id>/edit", methods=["GET", "POST"])
@engineer_required
def factory_edit(factory_id: int):
    factory = factory_or_403(factory_id)
    form = FactoryForm(obj=factory)
    if form.validate_on_submit():
        services.update_factory(factory, form.values(), actor=current_user)
        db.session.commit()
        flash(_("Factory saved."), "info")
        return redirect(url_for("factories.factory_detail", factory_id=factory.id))
    return render_template("factories/form.html", form=form, factory=factory), 400 if form.errors else 200


@dashboard_panel(roles=("owner",), template="factories/_owner_panel.html", order=10)
def owner_factories_panel(user, day):
    ids = [f.id for f in user.factories]
    return {"factories": user.factories, "summaries": factory_summaries(day, ids, states=policy.OWNER_STATES)}


@dashboard_panel(roles=("engineer",), template="factories/_engineer_panel.html", order=90)
def engineer_factories_panel(user, day):
    total = db.session.scalar(sa.select(sa.func.count(Factory.id)))
    return {"factory_total": total}

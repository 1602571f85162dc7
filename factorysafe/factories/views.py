"""Private factory pages for engineers, admins and the factory's own owners."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from factorysafe.actions.queries import factory_summaries
from factorysafe import policy
from factorysafe.policy import engineer_required, factory_or_403
from factorysafe.db import db
from factorysafe.factories import services
from factorysafe.factories.blueprint import bp
from factorysafe.factories.forms import FactoryForm
from factorysafe.factories.models import Factory
from factorysafe.web import dashboard_panel, today

PAGE_SIZE = 50


def _visible_factories_query(user):
    stmt = sa.select(Factory).order_by(Factory.name)
    if not policy.is_engineer(user):
        stmt = stmt.where(Factory.owners.any(id=user.id))
    return stmt


def _states(user):
    """In a list of the user's factories: all inspections for engineers, an owner's visible ones."""
    return policy.ALL_STATES if policy.is_engineer(user) else policy.OWNER_STATES


@bp.route("/manage/factories")
@login_required
def factory_list():
    q = request.args.get("q", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = _visible_factories_query(current_user)
    if q:
        stmt = stmt.where(Factory.name.ilike(f"%{q}%") | Factory.district.ilike(f"%{q}%"))
    pagination = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    summaries = factory_summaries(today(), [f.id for f in pagination.items], states=_states(current_user))
    return render_template("factories/list.html", pagination=pagination, summaries=summaries, q=q)


@bp.route("/manage/factories/<int:factory_id>")
@login_required
def factory_detail(factory_id: int):
    factory = factory_or_403(factory_id)
    summary = factory_summaries(today(), [factory.id], states=policy.visible_states(current_user, factory.id))[factory.id]
    return render_template("factories/detail.html", factory=factory, summary=summary)


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

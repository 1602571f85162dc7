"""User administration for administrators: list, invite, change role and factories, deactivate, reactivate."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from factorysafe.auth import queries, services
from factorysafe.auth.blueprint import apply, bp
from factorysafe.auth.forms import ButtonForm, InviteForm, UserForm
from factorysafe.auth.models import User
from factorysafe.db import db
from factorysafe.policy import admin_required
from factorysafe.web import dashboard_panel

PAGE_SIZE = 50


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/admin/users")
@admin_required
def users():
    q = request.args.get("q", "").strip()[:254]
    after = request.args.get("after", "").strip()[:254] or None
    rows, next_after = queries.user_page(q, after, PAGE_SIZE)
    args = {"q": q} if q else {}
    next_url = url_for("accounts.users", after=next_after, **args) if next_after else None
    first_url = url_for("accounts.users", **args) if after else None
    return render_template("admin/users.html", users=rows, q=q, next_url=next_url, first_url=first_url,
                           state_of=services.state_of)


@bp.route("/admin/users/invite", methods=["GET", "POST"])
@admin_required
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        refused = apply(form, lambda: services.invite_user(form.email.data, form.role.data, name=form.name.data or "",
                                                           factory_ids=form.factories.data or [], by=current_user))
        if refused is None:
            services.deliver_mail()
            flash(_("Invitation sent to %(email)s. The link in it works for %(days)s days.",
                    email=form.email.data.strip().lower(), days=_invite_days()), "info")
            return redirect(url_for("accounts.users"))
        return render_template("admin/invite.html", form=form), refused.status
    return render_template("admin/invite.html", form=form), 400 if form.errors else 200


def _invite_days() -> int:
    from flask import current_app

    return max(1, int(current_app.config["INVITE_TOKEN_HOURS"]) // 24)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_detail(user_id: int):
    user = _user_or_404(user_id)
    form = UserForm() if request.method == "POST" else _saved(user)
    status = 200
    if form.validate_on_submit():
        refused = apply(form, lambda: services.update_user(user, role=form.role.data, name=form.name.data or "",
                                                           factory_ids=form.factories.data or [], by=current_user))
        if refused is None:
            flash(_("Account saved."), "info")
            return redirect(url_for("accounts.user_detail", user_id=user.id))
        status = refused.status
        user = _user_or_404(user_id)
    elif form.errors:
        status = 400
    return render_template("admin/user.html", user=user, form=form, button=ButtonForm(),
                           state=services.state_of(user)), status


def _saved(user: User) -> UserForm:
    """The edit form filled with the saved values."""
    return UserForm(formdata=None, data={"name": user.name, "role": user.role.value,
                                         "factories": [f.id for f in user.factories]})


def _button(user_id: int, operation, done: str, mail: bool = False):
    user = _user_or_404(user_id)
    form = ButtonForm()
    if not form.validate_on_submit():
        abort(400)
    refused = apply(None, lambda: operation(user))
    if refused is None:
        flash(done, "info")
        if mail:
            services.deliver_mail()
        return redirect(url_for("accounts.user_detail", user_id=user_id))
    user = _user_or_404(user_id)
    return render_template("admin/user.html", user=user, form=_saved(user), button=form,
                           state=services.state_of(user)), refused.status


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate(user_id: int):
    return _button(user_id, lambda u: services.deactivate_user(u, by=current_user), _("Account deactivated."))


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
@admin_required
def reactivate(user_id: int):
    return _button(user_id, lambda u: services.reactivate_user(u, by=current_user), _("Account reactivated."))


@bp.route("/admin/users/<int:user_id>/resend-invite", methods=["POST"])
@admin_required
def resend_invite(user_id: int):
    return _button(user_id, lambda u: services.resend_invite(u, by=current_user),
                   _("A new invitation was sent; the earlier link no longer works."), mail=True)


@dashboard_panel(roles=("admin",), template="admin/_users_panel.html", order=5)
def users_panel(user, day):
    return {}

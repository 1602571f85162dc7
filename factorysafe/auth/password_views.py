"""Accepting an invitation, forgetting and resetting a password, changing one's own password.

The pages of e-mailed links never show the link's token to another site (``no-referrer``) and opening one
changes nothing: only sending the form uses the link (mail scanners open links too)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from factorysafe import limits
from factorysafe.auth import services
from factorysafe.auth.blueprint import apply, bp
from factorysafe.auth.forms import ChangePasswordForm, ForgotPasswordForm, SetPasswordForm
from factorysafe.auth.models import TokenPurpose
from factorysafe.auth.services import TokenError
from factorysafe.db import db
from factorysafe.web import dashboard_panel


def _too_many() -> str:
    return _("Too many requests from your connection. Please wait a few minutes, then try again.")


def _link_page(purpose: TokenPurpose, token: str, operation, template: str, done: str):
    try:
        row = services.token_for(token, purpose)
    except TokenError as exc:
        db.session.rollback()
        return render_template("auth/link_invalid.html", message=exc.message, purpose=purpose.value), exc.status
    user = row.user
    form = SetPasswordForm()
    status = 200
    if form.validate_on_submit():
        if not limits.hit("ACCOUNT_LINK_RATE_LIMIT"):
            flash(_too_many(), "error")
            return render_template(template, form=form, email=user.email), 429
        refused = apply(form, lambda: operation(token, form.password.data))
        if refused is None:
            flash(done, "info")
            return redirect(url_for("auth.login"))
        if isinstance(refused, TokenError):
            return render_template("auth/link_invalid.html", message=refused.message,
                                   purpose=purpose.value), refused.status
        status = refused.status
    elif form.errors:
        status = 400
    return render_template(template, form=form, email=user.email), status


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    return _link_page(TokenPurpose.INVITE, token, services.accept_invite, "auth/accept_invite.html",
                      _("Your password is set and your account is active. Sign in now."))


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _link_page(TokenPurpose.RESET, token, services.reset_password, "auth/reset_password.html",
                      _("Your new password is set. Sign in with it."))


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if not limits.hit("ACCOUNT_LINK_RATE_LIMIT"):
            flash(_too_many(), "error")
            return render_template("auth/forgot_password.html", form=form), 429
        queued = services.request_password_reset(form.email.data)
        db.session.commit()
        if queued:
            services.deliver_mail()
        # The same answer whether or not the address has an account: nobody learns who has one.
        return render_template("auth/forgot_sent.html", minutes=_reset_minutes())
    return render_template("auth/forgot_password.html", form=form), 400 if form.errors else 200


def _reset_minutes() -> int:
    from flask import current_app

    return int(current_app.config["RESET_TOKEN_MINUTES"])


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        refused = apply(form, lambda: services.change_password(user, form.current.data, form.password.data))
        if refused is None:
            login_user(user)  # the session follows the account's new password
            flash(_("Your password was changed."), "info")
            return redirect(url_for("main.dashboard"))
        status = refused.status
    elif form.errors:
        status = 400
    return render_template("auth/change_password.html", form=form), status


@dashboard_panel(roles=("admin", "engineer", "owner"), template="auth/_account_panel.html", order=99)
def account_panel(user, day):
    return {}

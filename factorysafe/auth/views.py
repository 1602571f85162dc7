from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from factorysafe import limits
from factorysafe.auth import bp
from factorysafe.auth.forms import LoginForm
from factorysafe.auth.models import User, password_matches
from factorysafe.db import db


def _safe_next(target: str | None) -> str:
    r"""Only redirect to a path on this site (no open redirect): it starts with one "/", holds no backslash (browsers
    read "/\host" as "//host"), no control character (CR/LF would split the Location header; browsers drop tabs
    and newlines, so "/<tab>/host" is "//host") and no scheme or host."""
    if (target and target.startswith("/") and not target.startswith("//") and "\\" not in target
            and not any(ord(c) < 32 or ord(c) == 127 for c in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        # Failed sign-ins count per e-mail address and IP, and per IP alone; over either limit nothing is checked.
        counters = (("LOGIN_RATE_LIMIT", email), ("LOGIN_IP_RATE_LIMIT",))
        if any(limits.exceeded(*counter) for counter in counters):
            flash(_("Too many failed sign-ins. Please wait a few minutes, then try again."), "error")
            return render_template("auth/login.html", form=form), 429
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if not password_matches(user, form.password.data):
            for counter in counters:
                limits.hit(*counter)
            flash(_("Wrong email or password."), "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST with the CSRF token): the session token changes, so no copy of the cookie works again."""
    if current_user.is_authenticated:
        current_user.rotate_session()
        db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.index"))

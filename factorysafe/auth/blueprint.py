"""The accounts blueprint: user administration (``admin_views``), invitations and passwords
(``password_views``), and the demo-data banner. Sign-in and sign-out stay on the ``auth`` blueprint
(``factorysafe.auth``)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, request
from flask_login import current_user, logout_user

from factorysafe.db import db
from factorysafe.errors import rolled_back

bp = Blueprint("accounts", __name__)


def apply(form, operation):
    """Run ``operation()`` (a service verb) and commit. A refusal is rolled back and returned, its message put
    on the form field it is about (or flashed), so the view re-shows the form as typed with its status."""
    try:
        operation()
        db.session.commit()
    except Exception as exc:  # a refusal re-shows the form; anything else is a bug
        refused = rolled_back(exc)
        field = getattr(refused, "field", None)
        if form is not None and field and field in form:
            form[field].errors = [*form[field].errors, refused.message]
        else:
            flash(refused.message, "error")
        return refused
    return None


@bp.app_context_processor
def demo_banner():
    """``demo_data``: show the "Demo data" banner (the database holds demo accounts)."""
    from factorysafe.auth.queries import has_demo_accounts

    def demo_data() -> bool:
        if getattr(current_user, "is_demo", False):
            return True
        try:
            return has_demo_accounts()
        except Exception:  # noqa: BLE001 - an error page for a broken database still renders, without the banner
            db.session.rollback()
            return False

    from factorysafe.auth.rules import MIN_PASSWORD_LENGTH

    return {"demo_data": demo_data, "password_min_length": MIN_PASSWORD_LENGTH}


@bp.before_app_request
def end_demo_sessions_in_production():
    """A demo account signed in before the deployment turned production is signed out."""
    if request.endpoint == "static" or not current_app.config["PRODUCTION"]:
        return
    if getattr(current_user, "is_demo", False):
        from flask_babel import gettext as _

        logout_user()
        flash(_("Demo accounts cannot sign in on this site: ask an administrator for an account."), "error")

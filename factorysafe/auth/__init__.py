"""Accounts, sign-in and the access rules every view uses."""
from flask import Blueprint
from flask_babel import lazy_gettext
from flask_login import LoginManager

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Please sign in to see that page.")
login_manager.localize_callback = str  # translated when it is flashed (the session stores plain text)
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str):
    from factorysafe.auth.models import User
    from factorysafe.db import db

    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def init_app(app) -> None:
    login_manager.init_app(app)
    from factorysafe.auth import views  # noqa: F401

    app.register_blueprint(bp)
